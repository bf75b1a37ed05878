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

/// An amount as a customer reads it: `$31.98`, `R$ 12.00`, or `31.98 CHF` for a currency
/// without a well-known symbol.
pub fn display(minor: i64, currency: &str) -> String {
    let digits = minor_digits(currency) as usize;
    let amount = format!("{:.*}", digits, to_decimal(minor, currency));
    match currency {
        "USD" | "CAD" | "AUD" | "NZD" | "SGD" | "HKD" | "MXN" => format!("${amount}"),
        "EUR" => format!("€{amount}"),
        "GBP" => format!("£{amount}"),
        "BRL" => format!("R$ {amount}"),
        "INR" => format!("₹{amount}"),
        "IDR" => format!("Rp {amount}"),
        "NGN" => format!("₦{amount}"),
        "JPY" => format!("¥{amount}"),
        _ => format!("{amount} {currency}"),
    }
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
    fn displays_amounts_the_way_customers_read_them() {
        assert_eq!(display(3198, "USD"), "$31.98");
        assert_eq!(display(1200, "BRL"), "R$ 12.00");
        assert_eq!(display(2500, "JPY"), "¥2500");
        assert_eq!(display(1050, "CHF"), "10.50 CHF");
    }

    #[test]
    fn currency_codes_are_three_capitals() {
        assert!(is_currency_code("BRL"));
        assert!(!is_currency_code("brl"));
        assert!(!is_currency_code("EURO"));
    }
}
