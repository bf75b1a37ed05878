//! Numbers as customers write them: "1,5" and "1.5", "1.234,56" and "1,234.56", "Rp 25.000",
//! "1/2", "1 ½".

use super::lexicon::{self, Lex};

/// A quantity: a single "." or "," is a decimal point ("1,5 kg"); several are thousands.
pub fn quantity(text: &str) -> Option<f64> {
    let separators = text.matches(['.', ',']).count();
    if separators > 1 {
        return price(text);
    }
    text.replace(',', ".").parse().ok().filter(|v: &f64| v.is_finite())
}

/// A price: the last separator is the decimal point unless exactly three digits follow it
/// ("25.000", "1,234"), in which case every separator groups thousands.
pub fn price(text: &str) -> Option<f64> {
    let last = text.rfind(['.', ',']);
    let normalised: String = match last {
        Some(at) if text.len() - at - 1 != 3 => {
            let (whole, fraction) = text.split_at(at);
            let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
            format!("{whole}.{}", &fraction[1..])
        }
        _ => text.chars().filter(char::is_ascii_digit).collect(),
    };
    normalised.parse().ok().filter(|v: &f64| v.is_finite())
}

/// "1/2" → 0.5, "1 1/2" → 1.5, "½" → 0.5, "1½" → 1.5.
pub fn fraction(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Some(vulgar) = text.chars().last().and_then(vulgar) {
        let whole = &text[..text.len() - text.chars().last()?.len_utf8()];
        let whole: f64 = if whole.is_empty() { 0.0 } else { whole.parse().ok()? };
        return Some(whole + vulgar);
    }
    let (whole, rest) = match text.split_once(' ') {
        Some((whole, rest)) => (whole.parse::<f64>().ok()?, rest),
        None => (0.0, text),
    };
    let (top, bottom) = rest.split_once('/')?;
    let top: f64 = top.parse().ok()?;
    let bottom: f64 = bottom.parse().ok()?;
    (bottom > 0.0).then(|| whole + top / bottom)
}

fn vulgar(c: char) -> Option<f64> {
    Some(match c {
        '½' => 0.5,
        '¼' => 0.25,
        '¾' => 0.75,
        '⅓' => 1.0 / 3.0,
        '⅔' => 2.0 / 3.0,
        _ => return None,
    })
}

/// A unit word's canonical name and its factor to that unit.
pub fn unit(text: &str) -> Option<(&'static str, f64)> {
    match lexicon::lookup(text) {
        Some(Lex::Unit(unit, factor)) => Some((unit, factor)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_decimal_commas_and_points() {
        assert_eq!(quantity("1,5"), Some(1.5));
        assert_eq!(quantity("1.5"), Some(1.5));
        assert_eq!(quantity("12"), Some(12.0));
    }

    #[test]
    fn reads_prices_in_local_formats() {
        assert_eq!(price("15.99"), Some(15.99));
        assert_eq!(price("32,90"), Some(32.9));
        assert_eq!(price("25.000"), Some(25_000.0));
        assert_eq!(price("1.234,56"), Some(1234.56));
        assert_eq!(price("1,234.56"), Some(1234.56));
        assert_eq!(price("250"), Some(250.0));
    }

    #[test]
    fn reads_fractions() {
        assert_eq!(fraction("1/2"), Some(0.5));
        assert_eq!(fraction("1 1/2"), Some(1.5));
        assert_eq!(fraction("½"), Some(0.5));
        assert_eq!(fraction("1½"), Some(1.5));
        assert_eq!(fraction("1/0"), None);
    }
}
