//! Money is stored as an integer count of minor units; the API and the screens show decimals.

/// Digits after the decimal point of an ISO 4217 currency.
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "UYI" | "VND"
        | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// 3198 USD cents → 31.98.
pub fn to_decimal(minor: i64, currency: &str) -> f64 {
    minor as f64 / 10f64.powi(minor_digits(currency) as i32)
}

/// 31.98 → 3198 USD cents, rounding half away from zero; `None` when not a finite amount that
/// fits.
pub fn from_decimal(amount: f64, currency: &str) -> Option<i64> {
    let scaled = (amount * 10f64.powi(minor_digits(currency) as i32)).round();
    (scaled.is_finite() && scaled.abs() < 9.0e15).then_some(scaled as i64)
}

/// True for three upper-case ASCII letters, the shape of an ISO 4217 code.
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways_by_currency() {
        assert_eq!(to_decimal(3198, "USD"), 31.98);
        assert_eq!(to_decimal(2500, "JPY"), 2500.0);
        assert_eq!(from_decimal(31.98, "USD"), Some(3198));
        assert_eq!(from_decimal(0.1 + 0.2, "USD"), Some(30));
        assert_eq!(from_decimal(1.2345, "KWD"), Some(1235));
        assert_eq!(from_decimal(f64::NAN, "USD"), None);
        assert_eq!(from_decimal(1e300, "USD"), None);
    }

    #[test]
    fn currency_codes_are_three_capitals() {
        assert!(is_currency_code("BRL"));
        assert!(!is_currency_code("brl"));
        assert!(!is_currency_code("EURO"));
    }
}
