//! Folding: lower case without accents, so "Guaraná", "GUARANA" and "guarana" read alike. The
//! folded text keeps a map back to the original so the parser can quote what the customer wrote.

/// A folded text and, for each of its bytes, where that byte came from in the original.
pub struct Folded {
    pub text: String,
    origin: Vec<usize>,
    original_len: usize,
}

impl Folded {
    pub fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len() + 1);
        for (at, c) in original.char_indices() {
            let before = text.len();
            fold_char(c, &mut text);
            origin.extend(std::iter::repeat_n(at, text.len() - before));
        }
        origin.push(original.len());
        Self {
            text,
            origin,
            original_len: original.len(),
        }
    }

    /// The byte range of the original text that folded bytes `start..end` came from.
    pub fn original_range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let from = self.origin[start];
        let to = if end >= self.text.len() {
            self.original_len
        } else {
            self.origin[end]
        };
        from..to.max(from)
    }
}

/// Folds one word (or any short text) without keeping the map.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        '’' | '‘' | '`' | '´' => out.push('\''),
        '“' | '”' | '«' | '»' => out.push('"'),
        '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{2009}' => out.push(' '),
        '‐' | '‑' | '‒' => out.push('-'),
        'ß' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'ø' | 'Ø' => out.push('o'),
        'đ' | 'Đ' => out.push('d'),
        'ł' | 'Ł' => out.push('l'),
        _ => match strip_accent(c) {
            Some(base) => out.push(base),
            None => out.extend(c.to_lowercase()),
        },
    }
}

/// The unaccented lower-case letter of a Latin letter with a diacritic.
fn strip_accent(c: char) -> Option<char> {
    let base = match c {
        'à'..='å' | 'À'..='Å' | 'ā' | 'Ā' | 'ă' | 'Ă' | 'ą' | 'Ą' | 'ǎ' => 'a',
        'ç' | 'Ç' | 'ć' | 'Ć' | 'č' | 'Č' => 'c',
        'ď' | 'Ď' => 'd',
        'è'..='ë' | 'È'..='Ë' | 'ē' | 'Ē' | 'ė' | 'ę' | 'ě' | 'Ě' | 'ẽ' => 'e',
        'ğ' | 'Ğ' => 'g',
        'ì'..='ï' | 'Ì'..='Ï' | 'ī' | 'Ī' | 'į' | 'ı' | 'İ' => 'i',
        'ñ' | 'Ñ' | 'ń' | 'ň' => 'n',
        'ò'..='ö' | 'Ò'..='Ö' | 'ō' | 'Ō' | 'ő' | 'ǒ' => 'o',
        'ř' | 'Ř' => 'r',
        'ś' | 'Ś' | 'š' | 'Š' | 'ş' | 'Ş' => 's',
        'ť' | 'ţ' => 't',
        'ù'..='ü' | 'Ù'..='Ü' | 'ū' | 'Ū' | 'ů' | 'ű' | 'ǔ' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => 'z',
        _ => return None,
    };
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Guaraná São JOÃO Niño"), "guarana sao joao nino");
        assert_eq!(fold("Straße"), "strasse");
    }

    #[test]
    fn maps_folded_ranges_back_to_the_original() {
        let original = "Pão de Queijo";
        let folded = Folded::new(original);
        assert_eq!(folded.text, "pao de queijo");
        let range = folded.original_range(0, 3);
        assert_eq!(&original[range], "Pão");
        let range = folded.original_range(7, folded.text.len());
        assert_eq!(&original[range], "Queijo");
    }

    #[test]
    fn keeps_other_scripts_and_emoji() {
        assert_eq!(fold("पनीर 😊"), "पनीर 😊");
    }
}
