//! Reply templates: text with `{placeholder}`s that the pipeline fills in. Checked here so both
//! the server and the dashboard refuse unknown placeholders the same way.

/// Every placeholder a template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "customer_name",
    "order_number",
    "order_items",
    "total",
    "delivery_time",
    "tracking_link",
    "driver_name",
    "vehicle_info",
    "estimated_time",
    "business_name",
];

/// The placeholders in `text` that Novi does not know, or a message about a brace left open.
pub fn unknown_placeholders(text: &str) -> Result<Vec<String>, String> {
    let mut unknown = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| "a `{` is never closed".to_string())?;
        let name = after[..close].trim();
        if !PLACEHOLDERS.contains(&name) {
            unknown.push(name.to_string());
        }
        rest = &after[close + 1..];
    }
    Ok(unknown)
}

/// Fills each `{placeholder}` with its value. Templates are checked when saved, so a name
/// without a value (a driver before one is assigned) becomes empty rather than an error, and a
/// parenthesis it leaves empty is dropped.
pub fn render<'a>(text: &str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    filled(text, value).replace(" ()", "").replace("()", "")
}

fn filled<'a>(text: &str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        out.push_str(value(after[..close].trim()).unwrap_or_default());
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders_and_leaves_the_rest() {
        let value = |name: &str| match name {
            "customer_name" => Some("Ana"),
            "total" => Some("$12.50"),
            _ => None,
        };
        assert_eq!(
            render("Hi {customer_name}, total { total }{driver_name}.", value),
            "Hi Ana, total $12.50."
        );
        assert_eq!(render("no braces", value), "no braces");
        assert_eq!(render("{customer_name} ({driver_name}) is here", value), "Ana is here");
        assert_eq!(render("open {customer_name", value), "open {customer_name");
    }

    #[test]
    fn finds_unknown_placeholders() {
        assert_eq!(unknown_placeholders("Hi {customer_name}, total {total}"), Ok(vec![]));
        assert_eq!(
            unknown_placeholders("Hi {name} {total} {eta}"),
            Ok(vec!["name".into(), "eta".into()])
        );
        assert!(unknown_placeholders("Hi {customer_name").is_err());
    }
}
