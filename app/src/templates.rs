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
    "summary",
    "address",
    "changes",
    "unavailable",
    "fulfilment",
    "payment",
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
/// without a value (a driver before one is assigned) becomes empty rather than an error; a
/// parenthesis it leaves empty is dropped, and so is a line whose every placeholder came out
/// empty ("We read: {summary}" for a message with nothing read).
pub fn render<'a>(text: &str, value: impl Fn(&str) -> Option<&'a str> + Copy) -> String {
    text.split('\n')
        .filter(|line| {
            let names = placeholders(line);
            names.is_empty() || names.iter().any(|name| value(name).is_some_and(|v| !v.is_empty()))
        })
        .map(|line| filled(line, value).replace(" ()", "").replace("()", ""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names of the placeholders in one line.
fn placeholders(line: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(after[..close].trim());
        rest = &after[close + 1..];
    }
    names
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
        assert_eq!(
            render("Hi {customer_name}\nWe read: {summary}\n\nTotal {total}", value),
            "Hi Ana\n\nTotal $12.50",
            "a line with nothing to say goes, an empty line of the template stays"
        );
        assert_eq!(render("{driver_name} and {total}", value), " and $12.50");
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
