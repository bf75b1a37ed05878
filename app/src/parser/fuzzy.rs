//! Typo-tolerant word lookup: a symmetric-delete index (every word with up to two letters
//! removed) finds the candidates in a few hash look-ups, and an edit distance with
//! transpositions confirms them. The allowed distance grows with the word's length.

use std::{
    collections::HashMap,
    hash::{BuildHasherDefault, Hasher},
};

/// Edits allowed in a word of `chars` characters: none for short words, where one typo makes
/// another word ("tea", "pea"), two for long ones ("margarita" for "margherita"). Four-letter
/// words must also keep their first letter ("bred" is "bread", "larg" is not "marg").
pub fn allowed_edits(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        8..=MAX_FUZZY_CHARS => 2,
        // Nothing on a menu is this long; a typo index over it would cost the square of it.
        _ => 0,
    }
}

/// The longest word matched with typos.
pub const MAX_FUZZY_CHARS: usize = 32;

/// Stems a folded word so singular and plural meet: "pizzas", "grandes", "tomatoes"; and
/// drops Indonesian "-nya" ("lontongnya").
pub fn stem(word: &str) -> &str {
    let word = match word.strip_suffix("nya") {
        Some(base) if base.len() >= 3 => base,
        _ => word,
    };
    let bytes = word.as_bytes();
    let n = bytes.len();
    if n <= 3 || !word.is_ascii() {
        return word;
    }
    let mut end = n;
    if word.ends_with("'s") {
        end -= 2;
    } else if word.ends_with("ies") && n > 4 {
        return &word[..n - 3];
    } else if bytes[n - 1] == b's' && bytes[n - 2] != b's' {
        end -= 1;
    }
    if end > 4 && bytes[end - 1] == b'y' {
        return &word[..end - 1];
    }
    if end > 3 && bytes[end - 1] == b'e' {
        end -= 1;
    }
    &word[..end]
}

/// Vocabulary ids reachable from a word within its allowed edits. Deletion forms are kept as
/// hashes rather than strings: a collision only adds a candidate, and every candidate is
/// confirmed by its edit distance.
#[derive(Default)]
pub struct FuzzyIndex {
    deletes: HashMap<u64, Vec<u32>, BuildHasherDefault<PassThrough>>,
    words: Vec<Vec<char>>,
}

impl FuzzyIndex {
    pub fn insert(&mut self, id: u32, word: &str) {
        let chars: Vec<char> = word.chars().collect();
        let edits = allowed_edits(chars.len());
        if edits == 0 {
            return;
        }
        let at = id as usize;
        if self.words.len() <= at {
            self.words.resize(at + 1, Vec::new());
        }
        let mut forms = Vec::new();
        deletion_hashes(&chars, edits, &mut forms);
        self.words[at] = chars;
        for form in forms {
            let ids = self.deletes.entry(form).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }

    /// The closest vocabulary entries to `word` and their edit distance, nearest first.
    pub fn lookup(&self, word: &str) -> Vec<(u32, usize)> {
        let chars: Vec<char> = word.chars().collect();
        let edits = allowed_edits(chars.len());
        if edits == 0 {
            return Vec::new();
        }
        let mut forms = Vec::new();
        deletion_hashes(&chars, edits, &mut forms);
        let mut found: Vec<(u32, usize)> = Vec::new();
        for form in forms {
            for &id in self.deletes.get(&form).into_iter().flatten() {
                if found.iter().any(|(seen, _)| *seen == id) {
                    continue;
                }
                let target = &self.words[id as usize];
                // Catalog words of four letters are matched exactly ("acara" is not "acar");
                // four-letter message words keep their first letter ("bred" for "bread").
                if target.len() <= 4 || chars.len() <= 4 && chars.first() != target.first() {
                    continue;
                }
                let limit = edits.min(allowed_edits(target.len()));
                if let Some(distance) = distance_within(&chars, target, limit) {
                    found.push((id, distance));
                }
            }
        }
        found.sort_by_key(|(id, distance)| (*distance, *id));
        found
    }
}

/// Hashes of the word and of every form of it with one (and, with two `edits`, two) letters
/// removed.
fn deletion_hashes(chars: &[char], edits: usize, out: &mut Vec<u64>) {
    let n = chars.len();
    let hash_without = |skip_a: usize, skip_b: usize| {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for (at, c) in chars.iter().enumerate() {
            if at != skip_a && at != skip_b {
                hash = (hash ^ u64::from(*c as u32)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        hash
    };
    out.push(hash_without(usize::MAX, usize::MAX));
    for a in 0..n {
        out.push(hash_without(a, usize::MAX));
        if edits >= 2 {
            for b in a + 1..n {
                out.push(hash_without(a, b));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
}

/// The keys are hashes already.
#[derive(Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 << 8) | u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// Optimal string alignment distance between `a` and `b`, or `None` when it exceeds `limit`.
pub fn distance_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= limit).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(word: &str) -> Vec<char> {
        word.chars().collect()
    }

    #[test]
    fn measures_edits_with_transpositions() {
        assert_eq!(distance_within(&chars("margarita"), &chars("margherita"), 2), Some(2));
        assert_eq!(distance_within(&chars("pepperonni"), &chars("pepperoni"), 2), Some(1));
        assert_eq!(distance_within(&chars("cokr"), &chars("coke"), 1), Some(1));
        assert_eq!(distance_within(&chars("pizaz"), &chars("pizza"), 1), Some(1));
        assert_eq!(distance_within(&chars("sprite"), &chars("coke"), 2), None);
    }

    #[test]
    fn stems_plurals_of_five_languages_alike() {
        for (plural, singular) in [
            ("pizzas", "pizza"),
            ("grandes", "grande"),
            ("cokes", "coke"),
            ("tomatoes", "tomato"),
            ("empanadas", "empanada"),
            ("alfajores", "alfajor"),
            ("berries", "berry"),
            ("samosas", "samosa"),
            ("lontongnya", "lontong"),
        ] {
            assert_eq!(stem(plural), stem(singular), "{plural}");
        }
        assert_eq!(stem("tea"), "tea");
        assert_eq!(stem("glass"), "glass");
    }

    #[test]
    fn finds_words_within_the_allowed_edits() {
        let mut index = FuzzyIndex::default();
        index.insert(0, "margherita");
        index.insert(1, "pepperoni");
        index.insert(2, "bread");
        index.insert(3, "marg");
        index.insert(4, "acar");
        assert_eq!(index.lookup("margarita"), vec![(0, 2)]);
        assert_eq!(index.lookup("peperoni"), vec![(1, 1)]);
        assert_eq!(index.lookup("bred"), vec![(2, 1)]);
        assert!(index.lookup("larg").is_empty());
        assert!(index.lookup("acara").is_empty());
        assert!(index.lookup("coke").is_empty());
    }
}
