//! What a message asks for besides an order: to call off the customer's order ("cancel my
//! order", "cancela o pedido", "batalkan pesanan saya", "मेरा ऑर्डर रद्द करो"), or to see the
//! menu ("menu please", "me manda o cardápio", "daftar menu dong", "what do you have?"). Read
//! on the whole message: a short one whose every word is a word for cancelling (or for the
//! menu), for "the order" or for politeness, with at least one of the first. "Cancel the coke"
//! names an item, and "don't cancel" or "no cancel" say something else: neither is a
//! cancellation.

use super::fold::fold;

/// What a message that is not an order asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Cancel,
    Menu,
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

const MENU: &[&str] = &[
    "menu",
    "menus",
    "cardapio",
    "cardapios",
    "carta",
    "मेनू",
    "मेन्यू",
    "pricelist",
];

/// Words around a request for the menu: "can you send me your menu?", "tem cardápio?".
const ASKING: &[&str] = &[
    // en
    "send",
    "show",
    "see",
    "have",
    "get",
    "your",
    "the",
    "a",
    "what",
    "is",
    "there",
    "today",
    "got",
    "sell",
    "serve",
    "full",
    "again",
    // pt, es
    "manda",
    "mandar",
    "me",
    "envia",
    "enviar",
    "ver",
    "tem",
    "tiene",
    "tienen",
    "o",
    "seu",
    "la",
    "el",
    "tu",
    "su",
    "de",
    "hoje",
    "hoy",
    "qual",
    "cual",
    "e",
    "es",
    "pasa",
    "pasas",
    "pasame",
    "passa",
    // id
    "kirim",
    "kirimin",
    "lihat",
    "liat",
    "ada",
    "apa",
    "daftar",
    "hari",
    "ini",
    // hi
    "dikhao",
    "bhejo",
    "bhej",
    "kya",
    "hai",
    "aaj",
    "भेजो",
    "दिखाओ",
    "क्या",
    "है",
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
        .split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '\'') || matches!(c, '।' | '¿' | '¡'))
        .flat_map(|word| word.split('\''))
        .filter(|word| !word.is_empty())
        .collect();
    if words.len() > MAX_WORDS {
        return None;
    }
    let cancels = words.iter().any(|word| CANCEL.contains(word));
    let only_known = words
        .iter()
        .all(|word| CANCEL.contains(word) || ORDER.contains(word) || POLITE.contains(word));
    if cancels && only_known {
        return Some(Intent::Cancel);
    }
    // "what do you have?" asks for the menu without naming it.
    let asks_what = words.first() == Some(&"what")
        && words
            .iter()
            .any(|word| matches!(*word, "have" | "sell" | "serve" | "got"));
    let menu = words.iter().any(|word| MENU.contains(word)) || asks_what;
    let only_asking = words
        .iter()
        .all(|word| MENU.contains(word) || ASKING.contains(word) || POLITE.contains(word));
    (menu && only_asking).then_some(Intent::Menu)
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
            assert_ne!(intent(message), Some(Intent::Cancel), "{message}");
        }
    }

    #[test]
    fn requests_for_the_menu_in_every_language() {
        for message in [
            "menu",
            "Menu please",
            "can you send me the menu?",
            "what do you have?",
            "What have you got today",
            "me manda o cardápio por favor",
            "tem cardápio?",
            "¿me pasás la carta?",
            "daftar menu dong kak",
            "menu apa aja hari ini?",
            "मेनू भेजो",
            "menu dikhao bhaiya",
        ] {
            assert_eq!(intent(message), Some(Intent::Menu), "{message}");
        }
        for message in [
            "2 margherita large",
            "what time do you close?",
            "the pizza from the menu with ham",
            "menu 3 please",
        ] {
            assert_eq!(intent(message), None, "{message}");
        }
    }
}
