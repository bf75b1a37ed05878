//! A business's catalog prepared for matching: every product name, alias, variant and modifier
//! broken into folded, stemmed words with ids; how distinctive each word is across the
//! catalog ("margherita" names one product, "pizza" a dozen); and a typo index over them.
//! Build it once per catalog and reuse it for every message.

use std::{borrow::Cow, collections::HashMap};

use super::{
    fold::fold,
    fuzzy::{FuzzyIndex, stem},
    lexicon::{self, Lex},
    numbers,
};
use crate::{
    dto::{CatalogFile, OptionDto},
    money,
};

/// A product as the parser sees it; prices in minor units.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogProduct {
    /// The database id, when the catalog came from one.
    pub id: Option<i64>,
    pub name: String,
    pub aliases: Vec<String>,
    pub price: i64,
    pub variants: Vec<CatalogOption>,
    pub modifiers: Vec<CatalogOption>,
    pub available: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CatalogOption {
    pub name: String,
    pub aliases: Vec<String>,
    pub price: i64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CatalogError {
    #[error("`{0}` is not a currency code (three capital letters, like USD)")]
    Currency(String),
    #[error("{0}: give a price of 0 or more")]
    Price(String),
}

pub struct Catalog {
    currency: String,
    delivery_fee: i64,
    products: Vec<CatalogProduct>,
    vocab: HashMap<String, u32>,
    fuzzy: FuzzyIndex,
    names: Vec<Name>,
    /// For each word id, the names that contain it and where.
    postings: Vec<Vec<(u32, u8)>>,
    options: Vec<ProductOptions>,
    /// Word ids that appear in some product's modifier names.
    modifier_words: Vec<bool>,
    /// For each word id, itself and the catalog's other words a typo away ("biriyani",
    /// "biryani"), so an exact hit on one still reaches names spelled the other way.
    exact_hits: Vec<Vec<(u32, f32)>>,
    /// Products with "and" in a name ("Empanada de Jamón y Queso"): a clause split on that
    /// "and" may need joining again.
    with_and: Vec<bool>,
    /// Word ids of those names ("jamon", "queso").
    and_name_words: Vec<u32>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("currency", &self.currency)
            .field("products", &self.products.len())
            .field("words", &self.vocab.len())
            .finish_non_exhaustive()
    }
}

/// One way to call a product: its name or an alias.
struct Name {
    product: u32,
    words: Vec<(u32, f32)>,
    total: f32,
}

/// A slot number meaning "the whole name written as one word" ("cocacola").
const WHOLE: u8 = u8::MAX;

#[derive(Default)]
struct ProductOptions {
    variants: Vec<OptionKeys>,
    modifiers: Vec<OptionKeys>,
}

/// The ways to write one variant or modifier.
pub struct OptionKeys {
    pub phrases: Vec<Vec<u32>>,
    /// "2l", "0.5l", "6pcs": the measure the option's name states, if any.
    pub measure: Option<String>,
    /// The number written in the name ("500" of "500ml"), which customers often write alone.
    pub amount: Option<f64>,
    pub size: Option<u8>,
}

/// A word of a message and the catalog words it may be, with a similarity in 0..=1; borrowed
/// from the catalog for exact words.
pub type Hits<'a> = Cow<'a, [(u32, f32)]>;

/// The best product for some words of a clause.
#[derive(Debug, Clone)]
pub struct ProductMatch {
    pub product: usize,
    /// How much of the product's name the words cover, weighted by distinctiveness and
    /// discounted for typos.
    pub coverage: f32,
    /// Indices into the words given, in order.
    pub words: Vec<usize>,
    /// Another product fitted the words about as well.
    pub ambiguous: bool,
}

/// Words that join the parts of a product name and say nothing about which product it is.
const CONNECTORS: &[&str] = &[
    "de", "da", "do", "dos", "das", "del", "la", "el", "los", "las", "of", "the", "con", "com", "with", "and", "e",
    "y", "n", "a", "al", "en", "em", "na", "in", "ke", "di", "&", "+", "w",
];
const AND_WORDS: &[&str] = &["and", "e", "y", "n", "&", "+", "dan", "sama", "aur"];

impl Catalog {
    pub fn new(currency: impl Into<String>, delivery_fee: i64, products: Vec<CatalogProduct>) -> Self {
        let mut catalog = Self {
            currency: currency.into(),
            delivery_fee,
            products: Vec::new(),
            vocab: HashMap::new(),
            fuzzy: FuzzyIndex::default(),
            names: Vec::new(),
            postings: Vec::new(),
            options: Vec::new(),
            modifier_words: Vec::new(),
            exact_hits: Vec::new(),
            with_and: vec![false; products.len()],
            and_name_words: Vec::new(),
        };
        let mut document_frequency: HashMap<u32, u32> = HashMap::new();
        let mut raw_names: Vec<(u32, Vec<u32>, Option<u32>)> = Vec::new();
        for (index, product) in products.iter().enumerate() {
            let mut seen_in_product: Vec<u32> = Vec::new();
            for name in std::iter::once(&product.name).chain(&product.aliases) {
                let words = words_of(name);
                catalog.with_and[index] |= words.iter().any(|w| AND_WORDS.contains(&w.as_str()));
                let kept: Vec<u32> = words
                    .iter()
                    .filter(|w| !CONNECTORS.contains(&w.as_str()))
                    .map(|w| catalog.word_id(w))
                    .collect();
                if kept.is_empty() {
                    continue;
                }
                if words.iter().any(|w| AND_WORDS.contains(&w.as_str())) {
                    catalog.and_name_words.extend(&kept);
                }
                let joined = (kept.len() > 1).then(|| {
                    let joined: String = words
                        .iter()
                        .filter(|w| !CONNECTORS.contains(&w.as_str()))
                        .cloned()
                        .collect();
                    catalog.exact_word_id(&joined)
                });
                for id in &kept {
                    if !seen_in_product.contains(id) {
                        seen_in_product.push(*id);
                    }
                }
                raw_names.push((index as u32, kept, joined));
            }
            for id in seen_in_product {
                *document_frequency.entry(id).or_default() += 1;
            }
            let options = ProductOptions {
                variants: product.variants.iter().map(|o| catalog.option_keys(o, false)).collect(),
                modifiers: product.modifiers.iter().map(|o| catalog.option_keys(o, true)).collect(),
            };
            catalog.options.push(options);
        }
        let count = products.len().max(1) as f32;
        for (product, words, joined) in raw_names {
            let name_index = catalog.names.len() as u32;
            let words: Vec<(u32, f32)> = words
                .into_iter()
                .map(|id| {
                    let df = document_frequency.get(&id).copied().unwrap_or(1) as f32;
                    (id, (1.0 + count / df).ln())
                })
                .collect();
            for (slot, (id, _)) in words.iter().enumerate() {
                catalog.posting(*id).push((name_index, slot.min(250) as u8));
            }
            if let Some(joined) = joined {
                catalog.posting(joined).push((name_index, WHOLE));
            }
            let total = words.iter().map(|(_, weight)| weight).sum();
            catalog.names.push(Name { product, words, total });
        }
        let mut by_id: Vec<(&String, u32)> = catalog.vocab.iter().map(|(word, id)| (word, *id)).collect();
        by_id.sort_by_key(|(_, id)| *id);
        catalog.exact_hits = by_id
            .iter()
            .map(|(word, id)| {
                let mut hits = vec![(*id, 1.0)];
                if word.chars().count() >= 6 {
                    let near = catalog.fuzzy.lookup(word).into_iter().filter(|(other, _)| other != id);
                    hits.extend(near.map(|(other, distance)| (other, similarity(distance))));
                }
                hits
            })
            .collect();
        catalog.products = products;
        catalog
    }

    /// A catalog file as the dashboard imports and exports it.
    pub fn from_file(file: &CatalogFile, delivery_fee: f64) -> Result<Self, CatalogError> {
        if !money::is_currency_code(&file.currency) {
            return Err(CatalogError::Currency(file.currency.clone()));
        }
        let currency = &file.currency;
        let minor = |what: &str, price: f64| {
            money::from_decimal(price, currency)
                .filter(|p| *p >= 0)
                .ok_or_else(|| CatalogError::Price(what.to_string()))
        };
        let options = |product: &str, list: &[OptionDto]| -> Result<Vec<CatalogOption>, CatalogError> {
            list.iter()
                .map(|option| {
                    Ok(CatalogOption {
                        name: option.name.clone(),
                        aliases: option.aliases.clone(),
                        price: minor(&format!("{product} / {}", option.name), option.price)?,
                    })
                })
                .collect()
        };
        let mut products = Vec::with_capacity(file.products.len());
        for entry in &file.products {
            products.push(CatalogProduct {
                id: None,
                name: entry.name.clone(),
                aliases: entry.aliases.clone(),
                price: minor(&entry.name, entry.price)?,
                variants: options(&entry.name, &entry.variants)?,
                modifiers: options(&entry.name, &entry.modifiers)?,
                available: entry.is_available,
            });
        }
        Ok(Self::new(
            currency.clone(),
            minor("delivery fee", delivery_fee)?,
            products,
        ))
    }

    pub fn currency(&self) -> &str {
        &self.currency
    }

    pub fn delivery_fee(&self) -> i64 {
        self.delivery_fee
    }

    pub fn product(&self, index: usize) -> &CatalogProduct {
        &self.products[index]
    }

    pub fn variants(&self, product: usize) -> &[OptionKeys] {
        &self.options[product].variants
    }

    pub fn modifiers(&self, product: usize) -> &[OptionKeys] {
        &self.options[product].modifiers
    }

    pub fn names_with_and(&self) -> bool {
        self.with_and.contains(&true)
    }

    /// Whether a folded word is part of a name with "and" in it.
    pub fn in_name_with_and(&self, word: &str) -> bool {
        self.vocab
            .get(stem(word))
            .is_some_and(|id| self.and_name_words.contains(id))
    }

    pub fn has_and_in_name(&self, product: usize) -> bool {
        self.with_and[product]
    }

    /// The catalog words a folded message word may be: itself (stemmed), else its nearest
    /// spellings. Words the lexicon knows are not stretched into catalog words by a typo.
    pub fn resolve(&self, word: &str) -> Hits<'_> {
        let stemmed = stem(word);
        if let Some(&id) = self.vocab.get(stemmed) {
            return Cow::Borrowed(&self.exact_hits[id as usize]);
        }
        if word.len() < 4 || lexicon::lookup(word).is_some() || lexicon::lookup(stemmed).is_some() {
            return Cow::Borrowed(&[]);
        }
        let found = self.fuzzy.lookup(stemmed);
        let nearest = found.first().map(|(_, distance)| *distance);
        found
            .into_iter()
            .take_while(|(_, distance)| Some(*distance) == nearest)
            .map(|(id, distance)| (id, similarity(distance)))
            .collect::<Vec<_>>()
            .into()
    }

    /// Whether a message names something on the catalog, even where it could not be read as
    /// an order ("can I get a ham and pineapple pizza?"): a word of four letters or more,
    /// not one of the lexicon's own, that is a word of some product's name.
    pub fn is_named_in(&self, message: &str) -> bool {
        fold(message)
            .split(|c: char| !(c.is_alphanumeric() || c == '&'))
            .filter(|word| word.chars().count() >= 4 && lexicon::lookup(word).is_none())
            .filter_map(|word| self.vocab.get(stem(word)))
            .any(|id| self.names_a_product(*id))
    }

    /// Whether the product's name or an alias has this folded word in it ("com" in "Frango com
    /// Catupiry").
    pub fn name_has_word(&self, product: usize, word: &str) -> bool {
        let product = &self.products[product];
        std::iter::once(&product.name)
            .chain(&product.aliases)
            .any(|name| words_of(name).iter().any(|w| w == word))
    }

    /// Whether a word id names one of the product's variants or modifiers.
    pub fn is_option_word(&self, product: usize, id: u32) -> bool {
        let options = &self.options[product];
        options
            .variants
            .iter()
            .chain(&options.modifiers)
            .any(|keys| keys.phrases.iter().any(|phrase| phrase.contains(&id)))
    }

    /// Whether a word id is part of some modifier's name.
    pub fn is_modifier_word(&self, id: u32) -> bool {
        self.modifier_words.get(id as usize).copied().unwrap_or(false)
    }

    /// Whether a word id belongs to some product's name (as opposed to only an option).
    pub fn names_a_product(&self, id: u32) -> bool {
        self.postings.get(id as usize).is_some_and(|p| !p.is_empty())
    }

    /// Which products' names contain a word id.
    pub fn products_named_by(&self, id: u32) -> impl Iterator<Item = usize> + '_ {
        self.postings
            .get(id as usize)
            .into_iter()
            .flatten()
            .map(|(name, _)| self.names[*name as usize].product as usize)
    }

    /// The product that the usable words fit best, if any fits well enough.
    pub fn best_product(&self, words: &[&Hits<'_>], usable: &[bool]) -> Option<ProductMatch> {
        // Each candidate name's slots (similarity, word) live in one arena, found by offset.
        let mut candidates: Vec<(u32, usize)> = Vec::new();
        let mut arena: Vec<(f32, usize)> = Vec::new();
        for (at, hits) in words.iter().enumerate() {
            if !usable[at] {
                continue;
            }
            for &(id, similarity) in hits.iter() {
                for &(name, slot) in self.postings.get(id as usize).into_iter().flatten() {
                    let size = self.names[name as usize].words.len();
                    let offset = match candidates.iter().find(|(n, _)| *n == name) {
                        Some((_, offset)) => *offset,
                        None => {
                            candidates.push((name, arena.len()));
                            arena.resize(arena.len() + size, (0.0, usize::MAX));
                            arena.len() - size
                        }
                    };
                    let entry = &mut arena[offset..offset + size];
                    if slot == WHOLE {
                        entry.iter_mut().for_each(|s| *s = (similarity, at));
                    } else if entry[slot as usize].0 < similarity && !entry.iter().any(|(_, by)| *by == at) {
                        // One word fills one slot: "gado gado" needs both words.
                        entry[slot as usize] = (similarity, at);
                    }
                }
            }
        }
        // Per product, its best-fitting name: (product, rank, coverage, words used).
        let mut fits: Vec<(usize, f32, f32, Vec<usize>)> = Vec::new();
        for (name, offset) in candidates {
            let name = &self.names[name as usize];
            let slots = &arena[offset..offset + name.words.len()];
            if name.total <= 0.0 {
                continue;
            }
            let covered: f32 = slots
                .iter()
                .zip(&name.words)
                .map(|((similarity, _), (_, weight))| similarity * weight)
                .sum();
            let exact = slots.iter().any(|(s, _)| *s >= 1.0);
            let mut used: Vec<usize> = slots.iter().filter(|(s, _)| *s > 0.0).map(|(_, at)| *at).collect();
            used.sort_unstable();
            used.dedup();
            let (Some(first), Some(last)) = (used.first(), used.last()) else {
                continue;
            };
            let mut coverage = covered / name.total;
            if last - first > name.words.len() + 2 {
                coverage *= 0.8;
            }
            // A name reached only through typos must be mostly there ("know" is not "Garlic Knots").
            if !exact && coverage < 0.55 {
                continue;
            }
            let rank = coverage * covered;
            let product = name.product as usize;
            match fits.iter_mut().find(|fit| fit.0 == product) {
                Some(fit) if fit.1 >= rank => {}
                Some(fit) => *fit = (product, rank, coverage, used),
                None => fits.push((product, rank, coverage, used)),
            }
        }
        fits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let runner_up = fits.get(1).map(|fit| fit.1);
        let (product, rank, coverage, words) = fits.into_iter().next()?;
        (coverage >= 0.5).then(|| ProductMatch {
            product,
            coverage,
            words,
            ambiguous: runner_up.is_some_and(|other| other >= rank * 0.95),
        })
    }

    fn word_id(&mut self, word: &str) -> u32 {
        let stemmed = stem(word).to_string();
        if let Some(&id) = self.vocab.get(&stemmed) {
            return id;
        }
        let id = self.vocab.len() as u32;
        self.fuzzy.insert(id, &stemmed);
        self.vocab.insert(stemmed, id);
        id
    }

    /// A word id reachable only when written exactly: a whole name run together ("cocacola").
    fn exact_word_id(&mut self, word: &str) -> u32 {
        let stemmed = stem(word).to_string();
        if let Some(&id) = self.vocab.get(&stemmed) {
            return id;
        }
        let id = self.vocab.len() as u32;
        self.vocab.insert(stemmed, id);
        id
    }

    fn posting(&mut self, id: u32) -> &mut Vec<(u32, u8)> {
        let at = id as usize;
        if self.postings.len() <= at {
            self.postings.resize_with(at + 1, Vec::new);
        }
        &mut self.postings[at]
    }

    fn option_keys(&mut self, option: &CatalogOption, drop_actions: bool) -> OptionKeys {
        let mut phrases = Vec::new();
        let mut measure = None;
        let mut amount = None;
        let mut size = None;
        for name in std::iter::once(&option.name).chain(&option.aliases) {
            let folded = fold(name);
            if let Some((key, written)) = measure_of(&folded) {
                measure = measure.or(Some(key));
                amount = amount.or(Some(written));
            }
            size = size.or_else(|| lexicon::size_class(folded.trim()));
            let words = words_of(name);
            let meaningful: Vec<&String> = words
                .iter()
                .filter(|w| !drop_actions || !matches!(lexicon::lookup(w), Some(Lex::Action(_))))
                .filter(|w| !CONNECTORS.contains(&w.as_str()))
                .collect();
            let chosen: Vec<&String> = if meaningful.is_empty() {
                words.iter().collect()
            } else {
                meaningful
            };
            let phrase: Vec<u32> = chosen.into_iter().map(|w| self.word_id(w)).collect();
            if drop_actions {
                for id in &phrase {
                    let at = *id as usize;
                    if self.modifier_words.len() <= at {
                        self.modifier_words.resize(at + 1, false);
                    }
                    self.modifier_words[at] = true;
                }
            }
            if !phrase.is_empty() {
                phrases.push(phrase);
            }
        }
        OptionKeys {
            phrases,
            measure,
            amount,
            size,
        }
    }
}

/// The folded words of a catalog name: letters and digits, split on everything else.
fn words_of(name: &str) -> Vec<String> {
    fold(name)
        .split(|c: char| !(c.is_alphanumeric() || c == '&'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// How much a typo costs: one edit 0.9, two 0.8.
fn similarity(distance: usize) -> f32 {
    1.0 - 0.1 * distance as f32
}

/// "2L", "2 Liter", "500ml", "1,5 L", "6 pcs" → "2l", "2l", "0.5l", "1.5l", "6pcs".
/// Also returns the number as written.
fn measure_of(folded: &str) -> Option<(String, f64)> {
    let text = folded.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))?;
    let (digits, rest) = text.split_at(split);
    let amount = numbers::quantity(digits)?;
    let (unit, factor) = numbers::unit(rest.trim())?;
    Some((measure_key(amount * factor, unit), amount))
}

pub fn measure_key(amount: f64, unit: &str) -> String {
    let rounded = (amount * 1000.0).round() / 1000.0;
    format!("{rounded}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(name: &str, aliases: &[&str]) -> CatalogProduct {
        CatalogProduct {
            id: None,
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            price: 1000,
            variants: Vec::new(),
            modifiers: Vec::new(),
            available: true,
        }
    }

    fn catalog() -> Catalog {
        Catalog::new(
            "USD",
            0,
            vec![
                product("Pizza Margherita", &["margherita"]),
                product("Pizza Pepperoni", &[]),
                product("Pizza Hawaiian", &[]),
                product("Coke", &["coca cola"]),
                product("Diet Coke", &[]),
                product("Garlic Bread", &[]),
            ],
        )
    }

    fn best(catalog: &Catalog, text: &str) -> Option<String> {
        let hits: Vec<Hits> = text.split(' ').map(|w| catalog.resolve(w)).collect();
        let refs: Vec<&Hits<'_>> = hits.iter().collect();
        let usable = vec![true; refs.len()];
        catalog
            .best_product(&refs, &usable)
            .map(|m| catalog.product(m.product).name.clone())
    }

    #[test]
    fn prefers_the_most_specific_name() {
        let catalog = catalog();
        assert_eq!(best(&catalog, "coke").as_deref(), Some("Coke"));
        assert_eq!(best(&catalog, "diet coke").as_deref(), Some("Diet Coke"));
        assert_eq!(best(&catalog, "pepperoni pizza").as_deref(), Some("Pizza Pepperoni"));
        assert_eq!(best(&catalog, "pizza"), None);
    }

    #[test]
    fn tolerates_typos_plurals_and_joined_words() {
        let catalog = catalog();
        assert_eq!(best(&catalog, "margarita").as_deref(), Some("Pizza Margherita"));
        assert_eq!(best(&catalog, "pepperonni").as_deref(), Some("Pizza Pepperoni"));
        assert_eq!(best(&catalog, "cokes").as_deref(), Some("Coke"));
        assert_eq!(best(&catalog, "cocacola").as_deref(), Some("Coke"));
        assert_eq!(best(&catalog, "sunday"), None);
    }

    #[test]
    fn reads_measures_in_option_names() {
        let key = |text: &str| measure_of(text).map(|(key, _)| key);
        assert_eq!(key("2l").as_deref(), Some("2l"));
        assert_eq!(key("2 liter").as_deref(), Some("2l"));
        assert_eq!(key("500ml").as_deref(), Some("0.5l"));
        assert_eq!(key("1,5 l").as_deref(), Some("1.5l"));
        assert_eq!(measure_of("500ml").map(|(_, written)| written), Some(500.0));
        assert_eq!(key("large"), None);
    }

    #[test]
    fn refuses_a_bad_currency() {
        let file = CatalogFile {
            currency: "dollars".into(),
            products: Vec::new(),
        };
        assert!(matches!(Catalog::from_file(&file, 0.0), Err(CatalogError::Currency(_))));
    }
}
