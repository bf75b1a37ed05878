//! What a message asks for besides an order: to call off the customer's order ("cancel my
//! order", "cancela o pedido", "batalkan pesanan saya", "मेरा ऑर्डर रद्द करो"). Read on the
//! whole message: a short one whose every word is a word for cancelling, for "the order" or
//! for politeness, with at least one of the first. "Cancel the coke" names an item, and "don't
//! cancel" or "no cancel" say something else: neither is a cancellation.

use super::fold::fold;

/// What a message that is not an order asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Cancel,
}

/// Longer messages say more than "cancel" and are read as what else they say.
const MAX_WORDS: usize = 10;

const CANCEL: &[&str] = &[
    // en
    "cancel",
    "cancell",
    "canceled",
    "cancelled",
    "cancellation",
    "cancelation",
    // pt, es
    "cancela",
    "cancelar",
    "cancele",
    "cancelem",
    "cancelo",
    "cancelado",
    "cancelada",
    "anula",
    "anular",
    "anule",
    "anulo",
    "cancelen",
    // id
    "batal",
    "batalkan",
    "batalin",
    "dibatalkan",
    "cancelkan",
    // hi
    "रद्द",
    "radd",
    "cancle",
];

const ORDER: &[&str] = &[
    // en
    "my",
    "the",
    "this",
    "that",
    "it",
    "order",
    "orders",
    "whole",
    "everything",
    "all",
    // pt, es
    "o",
    "a",
    "os",
    "el",
    "la",
    "lo",
    "mi",
    "meu",
    "minha",
    "pedido",
    "pedidos",
    "orden",
    "encomenda",
    "todo",
    "tudo",
    // id
    "pesanan",
    "pesananku",
    "saya",
    "aku",
    "ku",
    "nya",
    "semua",
    "orderan",
    // hi
    "मेरा",
    "मेरी",
    "ऑर्डर",
    "आर्डर",
    "ऑडर",
    "mera",
    "meri",
];

const POLITE: &[&str] = &[
    // en
    "please",
    "pls",
    "plz",
    "pl",
    "kindly",
    "i",
    "want",
    "to",
    "would",
    "like",
    "can",
    "could",
    "you",
    "need",
    "just",
    "actually",
    "ok",
    "okay",
    "sorry",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "and",
    "do",
    "we",
    "us",
    "me",
    // pt, es
    "por",
    "favor",
    "pf",
    "pfv",
    "quero",
    "quiero",
    "pode",
    "podes",
    "puede",
    "puedes",
    "voce",
    "usted",
    "oi",
    "ola",
    "hola",
    "obrigado",
    "obrigada",
    "gracias",
    "desculpa",
    "perdon",
    "eu",
    "yo",
    "mim",
    // id
    "tolong",
    "mohon",
    "minta",
    "bisa",
    "mau",
    "ya",
    "dong",
    "deh",
    "aja",
    "saja",
    "kak",
    "mas",
    "mbak",
    "maaf",
    "terima",
    "kasih",
    "halo",
    // hi
    "करो",
    "कर",
    "दो",
    "दीजिए",
    "दें",
    "कृपया",
    "प्लीज़",
    "प्लीज",
    "जी",
    "kar",
    "karo",
    "kardo",
    "dijiye",
    "de",
    "dena",
    "ji",
    "bhai",
    "bhaiya",
];

pub fn intent(message: &str) -> Option<Intent> {
    // Every message goes through here before it is parsed: a long one is not folded for nothing.
    if message.split_whitespace().nth(MAX_WORDS).is_some() {
        return None;
    }
    let folded = fold(message);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '\'') || c == '।')
        .flat_map(|word| word.split('\''))
        .filter(|word| !word.is_empty())
        .collect();
    let cancels = words.iter().any(|word| CANCEL.contains(word));
    let only_known = words
        .iter()
        .all(|word| CANCEL.contains(word) || ORDER.contains(word) || POLITE.contains(word));
    (cancels && only_known && words.len() <= MAX_WORDS).then_some(Intent::Cancel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancellations_in_every_language() {
        for message in [
            "cancel",
            "Cancel my order",
            "please cancel the order, sorry!",
            "Can you cancel it?",
            "I want to cancel my order",
            "cancela",
            "Cancelar o pedido, por favor",
            "quero cancelar meu pedido",
            "Cancela mi pedido por favor",
            "anula la orden",
            "batal",
            "Tolong batalkan pesanan saya ya",
            "batalin aja kak",
            "रद्द करो",
            "मेरा ऑर्डर रद्द कर दीजिए",
            "order cancel kar do",
        ] {
            assert_eq!(intent(message), Some(Intent::Cancel), "{message}");
        }
    }

    #[test]
    fn other_messages_are_not_cancellations() {
        for message in [
            "cancel the coke",
            "can I cancel the onions on the pizza?",
            "don't cancel",
            "no cancel, keep it",
            "2 margherita large",
            "my order",
            "cancelar la pizza grande y agregar 2 cocas",
            "what time do you close?",
            "",
        ] {
            assert_eq!(intent(message), None, "{message}");
        }
    }
}
