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

#[cfg(test)]
mod tests {
    use super::*;

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
