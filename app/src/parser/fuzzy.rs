//! Typo-tolerant word lookup: a symmetric-delete index (every word with up to two letters
//! removed) finds the candidates in a few hash look-ups, and an edit distance with
//! transpositions confirms them. The allowed distance grows with the word's length.

use std::collections::HashMap;

/// Edits allowed in a word of `chars` characters: none for short words, where one typo makes
/// another word ("tea", "pea"), two for long ones ("margarita" for "margherita"). Four-letter
/// words must also keep their first letter ("bred" is "bread", "larg" is not "marg").
pub fn allowed_edits(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

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

/// Vocabulary ids reachable from a word within its allowed edits.
#[derive(Default)]
pub struct FuzzyIndex {
    deletes: HashMap<String, Vec<u32>>,
    words: Vec<Vec<char>>,
}

impl FuzzyIndex {
    pub fn insert(&mut self, id: u32, word: &str) {
        let chars: Vec<char> = word.chars().collect();
        let edits = allowed_edits(chars.len());
        if edits > 0 {
            let at = id as usize;
            if self.words.len() <= at {
                self.words.resize(at + 1, Vec::new());
            }
            self.words[at] = chars.clone();
            for variant in deletions(&chars, edits) {
                let ids = self.deletes.entry(variant).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
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
        let mut found: Vec<(u32, usize)> = Vec::new();
        for variant in deletions(&chars, edits) {
            for &id in self.deletes.get(&variant).into_iter().flatten() {
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

/// The word and every form of it with up to `edits` characters removed.
fn deletions(chars: &[char], edits: usize) -> Vec<String> {
    let mut all = vec![chars.to_vec()];
    let mut frontier = vec![chars.to_vec()];
    for _ in 0..edits {
        let mut next = Vec::new();
        for word in &frontier {
            for skip in 0..word.len() {
                let mut shorter = word.clone();
                shorter.remove(skip);
                if !all.contains(&shorter) {
                    all.push(shorter.clone());
                    next.push(shorter);
                }
            }
        }
        frontier = next;
    }
    all.into_iter().map(|chars| chars.into_iter().collect()).collect()
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
