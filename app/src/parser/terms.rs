//! The order's terms besides its items: whether the customer collects it or has it delivered,
//! how they pay, and what a cash payment needs change for ("pickup, paying cash, change for
//! 50"; "vou retirar, troco para 100"; "para llevar, pago con tarjeta"; "ambil sendiri,
//! kembalian 100rb"). Read on the folded message as whole-word phrases.

use std::sync::LazyLock;

use entity::enums::{Fulfilment, PaymentMethod};

/// What the message says about fulfilment and payment; `None` where it says nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Terms {
    pub fulfilment: Option<Fulfilment>,
    pub payment_method: Option<PaymentMethod>,
    /// The note the customer will pay with, in the catalog's currency.
    pub cash_change_for: Option<f64>,
}

const PICKUP: &[&str] = &[
    // en
    "pickup",
    "pick up",
    "pick it up",
    "pick them up",
    "picking up",
    "pick-up",
    "collect",
    "collecting",
    "collection",
    "takeaway",
    "take away",
    "take-away",
    // pt
    "retirar",
    "retiro",
    "retirada",
    "retiramos",
    "vou buscar",
    "vamos buscar",
    "busco ai",
    "buscar no local",
    "pra viagem",
    "para viagem",
    // es
    "para llevar",
    "paso a buscar",
    "pasamos a buscar",
    "lo busco",
    "retiro en el local",
    "paso a retirar",
    // id
    "ambil sendiri",
    "diambil sendiri",
    "ambil di tempat",
    "saya ambil",
    "aku ambil",
    // hi (romanised)
    "khud le jaunga",
    "khud le jaungi",
    "le jaunga",
    "le jaungi",
    "lene aaunga",
    "lene aaungi",
];

const DELIVERY: &[&str] = &[
    "delivery",
    "deliver",
    "entrega",
    "entregar",
    "tele-entrega",
    "envio",
    "enviar",
    "antar",
    "diantar",
    "kirim",
    "dikirim",
    "ghar pe",
    "ghar par",
];

const PAYMENT: &[(&str, PaymentMethod)] = &[
    ("cash", PaymentMethod::Cash),
    ("cod", PaymentMethod::Cash),
    ("dinheiro", PaymentMethod::Cash),
    ("especie", PaymentMethod::Cash),
    ("efectivo", PaymentMethod::Cash),
    ("efetivo", PaymentMethod::Cash),
    ("tunai", PaymentMethod::Cash),
    ("cash on delivery", PaymentMethod::Cash),
    ("nakad", PaymentMethod::Cash),
    ("naqad", PaymentMethod::Cash),
    ("nagad", PaymentMethod::Cash),
    ("card", PaymentMethod::Card),
    ("credit card", PaymentMethod::Card),
    ("debit card", PaymentMethod::Card),
    ("cartao", PaymentMethod::Card),
    ("cartao de credito", PaymentMethod::Card),
    ("cartao de debito", PaymentMethod::Card),
    ("maquininha", PaymentMethod::Card),
    ("tarjeta", PaymentMethod::Card),
    ("debito", PaymentMethod::Card),
    ("credito", PaymentMethod::Card),
    ("kartu", PaymentMethod::Card),
    ("kartu kredit", PaymentMethod::Card),
    ("kartu debit", PaymentMethod::Card),
    ("pix", PaymentMethod::Pix),
    ("transfer", PaymentMethod::Transfer),
    ("bank transfer", PaymentMethod::Transfer),
    ("transferencia", PaymentMethod::Transfer),
    ("transferencia bancaria", PaymentMethod::Transfer),
    ("transfer bank", PaymentMethod::Transfer),
    ("upi", PaymentMethod::Other),
    ("gpay", PaymentMethod::Other),
    ("google pay", PaymentMethod::Other),
    ("paytm", PaymentMethod::Other),
    ("phonepe", PaymentMethod::Other),
    ("qris", PaymentMethod::Other),
    ("gopay", PaymentMethod::Other),
    ("ovo", PaymentMethod::Other),
    ("mercado pago", PaymentMethod::Other),
    ("paypal", PaymentMethod::Other),
    ("venmo", PaymentMethod::Other),
];

/// Words that come right before the note change is asked for.
const CHANGE: &[&str] = &[
    "change for",
    "change from",
    "change of",
    "troco para",
    "troco pra",
    "troco de",
    "troco p",
    "cambio de",
    "cambio para",
    "cambio por",
    "vuelto de",
    "vuelto para",
    "kembalian",
    "kembalian dari",
    "kembalian buat",
    "change",
];

/// What a phrase of the lists above says.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Term {
    Pickup,
    Delivery,
    Pay(PaymentMethod),
    /// The amount after it is the note to change.
    Change,
}

/// A phrase's words and what it says.
type Phrase = (Vec<&'static str>, Term);

/// Every phrase by its first word, sorted for a binary search, so a message is read in one
/// pass over its words: this runs on every message, and most say none of it.
static PHRASES: LazyLock<Vec<(&'static str, Vec<Phrase>)>> = LazyLock::new(|| {
    let all = PICKUP
        .iter()
        .map(|phrase| (*phrase, Term::Pickup))
        .chain(DELIVERY.iter().map(|phrase| (*phrase, Term::Delivery)))
        .chain(PAYMENT.iter().map(|(phrase, method)| (*phrase, Term::Pay(*method))))
        .chain(CHANGE.iter().map(|phrase| (*phrase, Term::Change)));
    let mut index: Vec<(&'static str, Vec<Phrase>)> = Vec::new();
    for (phrase, term) in all {
        let words: Vec<&'static str> = phrase.split(' ').collect();
        match index.iter_mut().find(|(first, _)| *first == words[0]) {
            Some((_, phrases)) => phrases.push((words, term)),
            None => index.push((words[0], vec![(words, term)])),
        }
    }
    index.sort_by_key(|(first, _)| *first);
    // The longest phrase first: "cash on delivery" is cash, not a delivery.
    for (_, phrases) in &mut index {
        phrases.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
    }
    index
});

fn starting_with(word: &str) -> Option<&'static [Phrase]> {
    let index = &*PHRASES;
    let at = index.binary_search_by(|(first, _)| (*first).cmp(word)).ok()?;
    Some(&index[at].1)
}

/// Each phrase found: where it starts, how many words it takes, what it says. Phrases do not
/// overlap; at each place the longest one wins.
fn phrases<'a>(words: &'a [&'a str]) -> impl Iterator<Item = (usize, usize, Term)> + 'a {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < words.len() {
            let found = starting_with(words[at]).and_then(|candidates| {
                candidates
                    .iter()
                    .find(|(phrase, _)| words[at..].starts_with(phrase))
                    .map(|(phrase, term)| (at, phrase.len(), *term))
            });
            match found {
                Some((start, len, term)) => {
                    at += len;
                    return Some((start, len, term));
                }
                None => at += 1,
            }
        }
        None
    })
}

/// Reads the terms from a folded (lower-case, accent-free) message.
pub fn read(folded: &str) -> Terms {
    let words = words_of(folded);
    let mut terms = Terms::default();
    let mut pickup = false;
    let mut delivery = false;
    let mut longest_payment = 0;
    for (at, len, term) in phrases(&words) {
        match term {
            Term::Pickup => pickup = true,
            Term::Delivery => delivery = true,
            Term::Pay(method) if len > longest_payment => {
                terms.payment_method = Some(method);
                longest_payment = len;
            }
            Term::Pay(_) => {}
            Term::Change if terms.cash_change_for.is_none() => {
                terms.cash_change_for = change_after(&words[at + len..]);
            }
            Term::Change => {}
        }
    }
    terms.fulfilment = if pickup {
        Some(Fulfilment::Pickup)
    } else if delivery {
        Some(Fulfilment::Delivery)
    } else {
        None
    };
    if terms.cash_change_for.is_some() && terms.payment_method.is_none() {
        terms.payment_method = Some(PaymentMethod::Cash);
    }
    terms
}

/// Words that only carry the terms around them ("I'll pay by card", "vou pagar no cartão").
const FILLER: &[&str] = &[
    "i", "ill", "i'll", "will", "we", "we'll", "them", "it", "up", "by", "with", "pay", "paying", "payment", "please",
    "pls", "and", "in", "on", "a", "the", "for", "vou", "pagar", "pago", "no", "na", "com", "em", "con", "en", "el",
    "la", "ya", "saya", "aku", "mau", "bayar", "pakai", "pake", "dengan", "se", "por", "favor", "karunga", "karungi",
    "sera", "be",
];

/// Whether a note says nothing but the terms ("I will pick them up, pay by card"): the fields
/// hold it, so staff need not read it twice.
pub fn only_terms(folded_note: &str) -> bool {
    let words = words_of(folded_note);
    let mut covered = vec![false; words.len()];
    let mut any = false;
    for (at, len, term) in phrases(&words) {
        any = true;
        // The amount after "change for" belongs to it.
        let len = if term == Term::Change { len + 1 } else { len };
        covered[at..(at + len).min(words.len())]
            .iter_mut()
            .for_each(|c| *c = true);
    }
    any && words
        .iter()
        .zip(&covered)
        .all(|(word, covered)| *covered || FILLER.contains(word))
}

/// Where an address runs on into the terms ("12 Harbour Rd, paying cash, change for 50"): the
/// address ends before the first part after a comma that states them.
pub fn address_without_terms(address: &str) -> String {
    let mut parts = address.split(',');
    let mut kept = vec![parts.next().unwrap_or_default()];
    for part in parts {
        if read(&super::fold::fold(part)) != Terms::default() {
            break;
        }
        kept.push(part);
    }
    kept.join(",").trim_end().to_string()
}

fn words_of(folded: &str) -> Vec<&str> {
    folded
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | ',' | '-' | '$' | '\'')))
        .map(|word| word.trim_matches(|c: char| matches!(c, '.' | ',' | '-')))
        .filter(|word| !word.is_empty())
        .collect()
}

/// The amount right after a change phrase, past a currency sign: "50", "R$ 100", "100rb".
fn change_after(words: &[&str]) -> Option<f64> {
    let mut rest = words
        .iter()
        .copied()
        .skip_while(|word| matches!(*word, "r$" | "$" | "rs" | "rp" | "usd" | "brl" | "inr" | "ars" | "idr"));
    rest.next().and_then(|next| amount(next, rest.next()))
}

/// "50", "$50", "100rb", "100k", "100 ribu", "50.000", "50,00", "R$100".
fn amount(word: &str, unit: Option<&str>) -> Option<f64> {
    let word = word
        .trim_start_matches("r$")
        .trim_start_matches('$')
        .trim_start_matches("rp");
    let (digits, thousands) = if let Some(number) = word.strip_suffix("rb").or_else(|| word.strip_suffix('k')) {
        (number, true)
    } else {
        (word, matches!(unit, Some("ribu" | "rb" | "mil" | "k" | "thousand")))
    };
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let value = plain_number(digits)?;
    let value = if thousands { value * 1000.0 } else { value };
    (value > 0.0 && value < 100_000_000.0).then_some(value)
}

/// "50" → 50; "50.000" (a thousands point) → 50000; "50,00" and "50.50" → decimals.
fn plain_number(text: &str) -> Option<f64> {
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',') {
        return None;
    }
    let last = text.rfind(['.', ',']);
    let normal = match last {
        // Three digits after the last separator: it groups thousands.
        Some(at) if text.len() - at - 1 == 3 => text.replace(['.', ','], ""),
        Some(at) => format!("{}.{}", text[..at].replace(['.', ','], ""), &text[at + 1..]),
        None => text.to_string(),
    };
    normal.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::fold::fold;

    fn terms(text: &str) -> Terms {
        read(&fold(text))
    }

    #[test]
    fn reads_pickup_in_every_language() {
        for text in [
            "2 pepperoni, I'll pick them up at 7",
            "pickup please",
            "1 calabresa grande, vou retirar",
            "6 medialunas para llevar",
            "nasi goreng 2, ambil sendiri ya",
            "2 paneer tikka, khud le jaunga",
        ] {
            assert_eq!(terms(text).fulfilment, Some(Fulfilment::Pickup), "{text}");
        }
        assert_eq!(terms("deliver to 12 Harbour Rd").fulfilment, Some(Fulfilment::Delivery));
        assert_eq!(terms("2 large pepperoni").fulfilment, None);
        assert_eq!(terms("2 collectors edition cups").fulfilment, None, "whole words only");
    }

    #[test]
    fn reads_how_they_pay() {
        let cases = [
            ("pay by card", PaymentMethod::Card),
            ("vou pagar no cartão", PaymentMethod::Card),
            ("pago en efectivo", PaymentMethod::Cash),
            ("bayar tunai", PaymentMethod::Cash),
            ("pix", PaymentMethod::Pix),
            ("will do a bank transfer", PaymentMethod::Transfer),
            ("upi kar dunga", PaymentMethod::Other),
            ("cash on delivery", PaymentMethod::Cash),
        ];
        for (text, method) in cases {
            assert_eq!(terms(text).payment_method, Some(method), "{text}");
        }
        assert_eq!(terms("2 cokes").payment_method, None);
    }

    #[test]
    fn reads_the_change_asked_for() {
        let cases = [
            ("change for 50", 50.0),
            ("troco para 100", 100.0),
            ("troco pra R$ 50", 50.0),
            ("cambio de 200", 200.0),
            ("kembalian 100rb", 100_000.0),
            ("kembalian 50 ribu", 50_000.0),
            ("change for $20.50", 20.5),
            ("troco para 50,00", 50.0),
            ("kembalian dari 100.000", 100_000.0),
        ];
        for (text, amount) in cases {
            let read = terms(text);
            assert_eq!(read.cash_change_for, Some(amount), "{text}");
            assert_eq!(
                read.payment_method,
                Some(PaymentMethod::Cash),
                "change means cash: {text}"
            );
        }
        assert_eq!(terms("no change please").cash_change_for, None);
    }

    #[test]
    fn notes_and_addresses_leave_the_terms_to_their_fields() {
        assert!(only_terms(&fold("I will pick them up, pay by card")));
        assert!(only_terms(&fold("paying cash, change for 50")));
        assert!(!only_terms(&fold("pickup at 7pm please")), "the time is for staff");
        assert!(!only_terms(&fold("ring the bell")));
        assert_eq!(
            address_without_terms("12 Harbour Rd, paying cash, change for 50"),
            "12 Harbour Rd"
        );
        assert_eq!(
            address_without_terms("Rua das Flores 120, apto 3"),
            "Rua das Flores 120, apto 3"
        );
        assert_eq!(
            address_without_terms("12 Cash St"),
            "12 Cash St",
            "the first part is the street"
        );
    }
}
