//! From one clause to its items: which products it names, and for each the quantity, unit,
//! variant, modifiers and price written around it.

use std::ops::Range;

use super::{
    catalog::{Catalog, Hits, measure_key},
    grammar::{Kind, Token},
    lexicon::{self, Action, Lex},
};

/// A clause's tokens with what the lexicon and the catalog make of its words.
#[derive(Clone)]
pub struct Words<'a> {
    pub tokens: &'a [Token],
    pub folded: Vec<&'a str>,
    pub lex: Vec<Option<Lex>>,
    pub hits: Vec<Hits<'a>>,
    /// Tokens already accounted for (a product, a variant, a quantity, a name, …).
    pub used: Vec<bool>,
}

impl<'a> Words<'a> {
    pub fn new(tokens: &'a [Token], text: &'a str, catalog: &'a Catalog) -> Self {
        let mut folded = Vec::with_capacity(tokens.len());
        let mut lex = Vec::with_capacity(tokens.len());
        let mut hits = Vec::with_capacity(tokens.len());
        for token in tokens {
            let word = text[token.span.clone()].trim_end_matches('.');
            folded.push(word);
            if token.kind == Kind::Word {
                lex.push(lexicon::lookup(word));
                hits.push(catalog.resolve(word));
            } else {
                lex.push(None);
                hits.push(Hits::Borrowed(&[]));
            }
        }
        Self {
            tokens,
            folded,
            lex,
            hits,
            used: vec![false; tokens.len()],
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    fn is_word(&self, at: usize) -> bool {
        self.tokens[at].kind == Kind::Word
    }

    /// A word neither the lexicon nor the catalog knows.
    pub fn is_unknown(&self, at: usize) -> bool {
        self.is_word(at) && self.lex[at].is_none() && self.hits[at].is_empty() && self.folded[at].chars().count() > 1
    }

    /// Tokens that can state how many: numbers, number words, "a", "dozen", units.
    fn counts(&self, at: usize) -> bool {
        match self.tokens[at].kind {
            Kind::Number(_) | Kind::Multiplier(_) | Kind::Measure { .. } => true,
            Kind::Word => matches!(
                self.lex[at],
                Some(
                    Lex::Number { .. }
                        | Lex::Article
                        | Lex::Times(_)
                        | Lex::Teen
                        | Lex::Tens
                        | Lex::Unit(..)
                        | Lex::OneUnit(..)
                )
            ),
            _ => false,
        }
    }

    /// A word the lexicon does not know and the catalog knows only through a typo.
    pub fn is_stranger(&self, at: usize) -> bool {
        self.is_word(at)
            && self.lex[at].is_none()
            && self.folded[at].chars().count() > 1
            && self.hits[at].iter().all(|(_, similarity)| *similarity < 1.0)
    }

    /// A number the customer wrote or said: "2", "x2", "two" (not "a", not "do").
    pub fn counts_plainly(&self, at: usize) -> bool {
        match self.tokens[at].kind {
            Kind::Number(_) | Kind::Multiplier(_) => true,
            Kind::Word => matches!(self.lex[at], Some(Lex::Number { strict: false, .. })),
            _ => false,
        }
    }

    fn is_filler(&self, at: usize) -> bool {
        matches!(self.tokens[at].kind, Kind::Mark | Kind::Emoji)
            || self.is_word(at) && matches!(self.lex[at], Some(Lex::Filler)) && self.hits[at].is_empty()
    }

    pub fn action(&self, at: usize) -> Option<Action> {
        match self.lex[at] {
            Some(Lex::Action(action)) if self.is_word(at) => Some(action),
            _ => None,
        }
    }
}

/// An item read from a clause, before pricing.
#[derive(Debug, Clone)]
pub struct Draft {
    pub product: usize,
    pub quantity: f64,
    pub unit: Option<&'static str>,
    pub variant: Option<usize>,
    pub modifiers: Vec<(usize, Action)>,
    /// Requests the catalog has no modifier for, as folded spans.
    pub requests: Vec<Range<usize>>,
    /// 0..=1 before pricing checks.
    pub confidence: f32,
    /// The folded span of what was written for it.
    pub span: Range<usize>,
    pub stated_price: Option<f64>,
}

/// What the modifier words of a clause did.
#[derive(Default)]
pub struct Modifiers {
    pub found: Vec<(usize, Action)>,
    /// "sem cebola" when the catalog has no onion to remove: folded spans to quote.
    pub requests: Vec<Range<usize>>,
    /// The action in force at the end, for a clause that goes on after "and".
    pub last_action: Option<Action>,
}

/// Finds every product named in the clause and reads its item; also returns the topping word
/// in force at the end, for a clause that goes on after "and".
pub fn read(words: &mut Words<'_>, catalog: &Catalog) -> (Vec<Draft>, Option<Action>) {
    let matches = find_products(words, catalog);
    let mut drafts = Vec::with_capacity(matches.len());
    let mut last_action = None;
    let starts: Vec<usize> = matches
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let floor = if k == 0 { 0 } else { matches[k - 1].last + 1 };
            region_start(words, catalog, m.product, m.first, floor)
        })
        .collect();
    for (k, found) in matches.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(words.len());
        let region = starts[k]..end;
        let before: Vec<usize> = (region.start..found.first).filter(|at| !words.used[*at]).collect();
        let after: Vec<usize> = (found.first..region.end).filter(|at| !words.used[*at]).collect();

        let variant = find_variant(words, catalog, found.product, region.clone());
        let (quantity, unit, explicit) = match read_quantity(words, &before, true) {
            Some((quantity, unit)) => (quantity, unit, true),
            None => match read_quantity(words, &after, false) {
                Some((quantity, unit)) => (quantity, unit, true),
                None => (1.0, None, false),
            },
        };
        let (variant, quantity) = match variant {
            None if explicit && unit.is_none() => match pack_of(catalog, found.product, quantity) {
                Some(pack) => (Some(pack), 1.0),
                None => (None, quantity),
            },
            variant => (variant, quantity),
        };
        let stated_price = take_price(words, region.clone());
        let modifiers = read_modifiers(words, catalog, found.product, region.clone(), None);
        last_action = modifiers.last_action;

        let mut confidence = found.coverage;
        if found.ambiguous {
            confidence *= 0.6;
        }
        if variant.is_none() && !catalog.variants(found.product).is_empty() {
            confidence *= 0.95;
        }
        if !catalog.product(found.product).available {
            confidence *= 0.8;
        }
        if !(0.01..=100.0).contains(&quantity) || quantity > 20.0 && unit.is_none() {
            confidence *= 0.7;
        }
        let unknown = region
            .clone()
            .filter(|at| !words.used[*at] && words.is_unknown(*at))
            .count();
        confidence *= 0.93f32.powi(unknown.min(4) as i32);
        if !explicit && unknown > 0 {
            confidence *= 0.95;
        }
        let span_start = words.tokens[region.start].span.start;
        let span_end = words.tokens[region.end - 1].span.end;
        drafts.push(Draft {
            product: found.product,
            quantity,
            unit,
            variant,
            modifiers: modifiers.found,
            requests: modifiers.requests,
            confidence,
            span: span_start..span_end,
            stated_price,
        });
    }
    (drafts, last_action)
}

/// "… aur ek half", "… y una grande", "… y 2 con crema": another of the item before, told
/// apart by a size or a topping, with its own count.
pub fn read_again(words: &mut Words<'_>, catalog: &Catalog, before: &Draft) -> Option<Draft> {
    let live: Vec<usize> = (0..words.len()).filter(|&at| !words.used[at]).collect();
    if !live.iter().any(|&at| words.counts(at)) {
        return None;
    }
    let region = 0..words.len();
    let mut trial = words.clone();
    let variant = find_variant(&mut trial, catalog, before.product, region.clone());
    let with = live.iter().any(|&at| words.action(at) == Some(Action::Add));
    let modifiers = if variant.is_none() && with {
        read_modifiers(&mut trial, catalog, before.product, region.clone(), None)
    } else {
        Modifiers::default()
    };
    if variant.is_none() && modifiers.found.is_empty() {
        return None;
    }
    let rest: Vec<usize> = live.iter().copied().filter(|&at| !trial.used[at]).collect();
    let (quantity, unit) = read_quantity(&mut trial, &rest, true).unwrap_or((1.0, None));
    let unknown = rest
        .iter()
        .filter(|&&at| !trial.used[at] && trial.is_unknown(at))
        .count();
    if unknown > 1 {
        return None;
    }
    *words = trial;
    let first = live[0];
    let last = *live.last().expect("live is not empty");
    Some(Draft {
        product: before.product,
        quantity,
        unit,
        variant,
        modifiers: modifiers.found,
        requests: modifiers.requests,
        confidence: 0.85 * before.confidence,
        span: words.tokens[first].span.start..words.tokens[last].span.end,
        stated_price: None,
    })
}

struct Found {
    product: usize,
    coverage: f32,
    ambiguous: bool,
    first: usize,
    last: usize,
    tokens: Vec<usize>,
}

/// Products named in the clause, in the order written. Words right after a topping word
/// ("with cheese") are kept for modifiers unless the product's own name has that word in it
/// ("Frango com Catupiry"). A product is not taken from
/// - words that are all everyday words ("tudo", "dal") with no count in front,
/// - a partial name next to a word the catalog does not know ("greek salad" is not "Caesar
///   Salad"),
/// - words that name an option of a product before it in the clause ("wings 6pc bbq": BBQ
///   sauce, not the BBQ chicken pizza), unless a count says it is another item.
fn find_products(words: &mut Words<'_>, catalog: &Catalog) -> Vec<Found> {
    let word_at: Vec<usize> = (0..words.len())
        .filter(|at| words.is_word(*at) && !words.used[*at])
        .collect();
    let reserved: Vec<bool> = word_at
        .iter()
        .map(|&at| {
            at > 0
                && words.action(at - 1).is_some()
                && words.hits[at].iter().any(|(id, _)| catalog.is_modifier_word(*id))
        })
        .collect();
    let hits: Vec<&Hits<'_>> = word_at.iter().map(|&at| &words.hits[at]).collect();
    let mut usable: Vec<bool> = reserved.iter().map(|r| !r).collect();
    if reserved.contains(&true) {
        let all = vec![true; hits.len()];
        let own_word = catalog.best_product(&hits, &all).is_some_and(|best| {
            best.words
                .iter()
                .any(|&w| reserved[w] && catalog.name_has_word(best.product, words.folded[word_at[w] - 1]))
        });
        if own_word {
            usable = all;
        }
    }
    let mut found: Vec<Found> = Vec::new();
    for _ in 0..32 {
        let Some(best) = catalog.best_product(&hits, &usable) else {
            break;
        };
        for &w in &best.words {
            usable[w] = false;
        }
        let mut tokens: Vec<usize> = best.words.iter().map(|&w| word_at[w]).collect();
        // "three large pizzas – two pepperoni": a count inside the words starts another item.
        if let Some(split) = (tokens[0]..=tokens[tokens.len() - 1])
            .rev()
            .find(|&at| words.counts_plainly(at) && !tokens.contains(&at))
        {
            tokens.retain(|&at| at > split);
        }
        release_far_options(words, catalog, best.product, &mut tokens);
        let (Some(&first), Some(&last)) = (tokens.first(), tokens.last()) else {
            continue;
        };
        let counted = counted_before(words, first, true);
        let everyday = tokens.iter().all(|&at| words.lex[at].is_some());
        let stranger_beside = best.coverage < 0.7
            && [first.checked_sub(1), Some(last + 1)]
                .into_iter()
                .flatten()
                .any(|at| at < words.len() && words.is_stranger(at));
        if everyday && !counted || stranger_beside {
            continue;
        }
        found.push(Found {
            product: best.product,
            coverage: best.coverage,
            ambiguous: best.ambiguous,
            first,
            last,
            tokens,
        });
    }
    found.sort_by_key(|f| f.first);
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for candidate in found {
        let an_option_of_earlier = kept.iter().any(|earlier| {
            candidate.tokens.iter().all(|&at| {
                words.hits[at]
                    .iter()
                    .any(|(id, _)| catalog.is_option_word(earlier.product, *id))
            })
        });
        if an_option_of_earlier && !counted_before(words, candidate.first, false) {
            continue;
        }
        kept.push(candidate);
    }
    for found in &kept {
        for at in found.first..=found.last {
            let between = words.is_filler(at) || connector(words.folded[at]);
            if found.tokens.contains(&at) || between {
                words.used[at] = true;
            }
        }
    }
    kept
}

/// Whether a plain count ("2", "two", and with `multipliers` "x2") stands right before `at`,
/// past filler and size words.
fn counted_before(words: &Words<'_>, at: usize, multipliers: bool) -> bool {
    let mut at = at;
    while at > 0 {
        at -= 1;
        match words.tokens[at].kind {
            Kind::Number(_) => return true,
            Kind::Multiplier(_) => return multipliers,
            Kind::Word => match words.lex[at] {
                Some(Lex::Number { .. } | Lex::Times(_)) => return true,
                _ if words.is_filler(at) || lexicon::size_class(words.folded[at]).is_some() => {}
                _ => return false,
            },
            Kind::Mark | Kind::Emoji => {}
            _ => return false,
        }
    }
    false
}

/// Drops from a product's words the ones that stand apart and also name one of its options:
/// in "wings 12 pcs buffalo" the product is the wings and "buffalo" their sauce, even though
/// "buffalo wings" is an alias.
fn release_far_options(words: &Words<'_>, catalog: &Catalog, product: usize, tokens: &mut Vec<usize>) {
    if tokens.len() < 2 {
        return;
    }
    let near = |a: usize, b: usize| {
        let (low, high) = (a.min(b), a.max(b));
        (low + 1..high).all(|at| words.is_filler(at) || connector(words.folded[at]))
    };
    let keep: Vec<usize> = tokens
        .iter()
        .copied()
        .filter(|&at| {
            let alone = !tokens.iter().any(|&other| other != at && near(at, other));
            let option = words.hits[at]
                .iter()
                .any(|(id, _)| catalog.is_option_word(product, *id));
            !(alone && option)
        })
        .collect();
    if !keep.is_empty() {
        *tokens = keep;
    }
}

fn connector(word: &str) -> bool {
    matches!(
        word,
        "de" | "da" | "do" | "con" | "com" | "with" | "y" | "e" | "and" | "&" | "of" | "del"
    )
}

/// Where an item's words begin: its product, or the quantity and size written in front of it
/// ("2 large pepperoni").
fn region_start(words: &Words<'_>, catalog: &Catalog, product: usize, product_first: usize, floor: usize) -> usize {
    let mut start = product_first;
    let mut at = product_first;
    while at > floor {
        at -= 1;
        if words.used[at] {
            break;
        }
        let sized = words.is_word(at)
            && (lexicon::size_class(words.folded[at]).is_some()
                || words.hits[at]
                    .iter()
                    .any(|(id, _)| catalog.is_option_word(product, *id)));
        if words.counts(at) || sized {
            start = at;
        } else if !words.is_filler(at) {
            break;
        }
    }
    start
}

/// The first variant of the product that the region's words name: by name or alias ("large",
/// "grande"), by a size word of the same size, or by the measure in its name ("2L").
fn find_variant(words: &mut Words<'_>, catalog: &Catalog, product: usize, region: Range<usize>) -> Option<usize> {
    let variants = catalog.variants(product);
    if variants.is_empty() {
        return None;
    }
    for at in region.clone() {
        if words.used[at] {
            continue;
        }
        let measure = measure_at(words, at, region.end);
        let written = written_amount(words, at);
        for (index, keys) in variants.iter().enumerate() {
            if written.is_some() && written == keys.amount {
                words.used[at] = true;
                return Some(index);
            }
            if let (Some((key, width)), Some(wanted)) = (&measure, &keys.measure)
                && key == wanted
            {
                (at..at + width).for_each(|w| words.used[w] = true);
                return Some(index);
            }
            if words.tokens[at].kind != Kind::Word {
                continue;
            }
            for phrase in &keys.phrases {
                let width = phrase.len();
                if at + width <= region.end
                    && phrase
                        .iter()
                        .enumerate()
                        .all(|(k, id)| !words.used[at + k] && words.hits[at + k].iter().any(|(hit, _)| hit == id))
                {
                    (at..at + width).for_each(|w| words.used[w] = true);
                    return Some(index);
                }
            }
            if keys.size.is_some() && lexicon::size_class(words.folded[at]) == keys.size {
                words.used[at] = true;
                return Some(index);
            }
        }
    }
    None
}

/// The product's pack of exactly `count` pieces, for "6 wings" when the wings come as "6 pcs"
/// and "12 pcs": the number names the pack, not six of them.
fn pack_of(catalog: &Catalog, product: usize, count: f64) -> Option<usize> {
    const PIECES: &[&str] = &[
        "pc", "pcs", "piece", "pieces", "pz", "pzs", "un", "und", "unid", "unidades", "pcs.",
    ];
    catalog.product(product).variants.iter().position(|variant| {
        let name = variant.name.as_str();
        let (digits, unit) = name.split_at(name.find(|c: char| !c.is_ascii_digit()).unwrap_or(name.len()));
        digits.parse::<f64>().ok() == Some(count) && PIECES.iter().any(|piece| piece.eq_ignore_ascii_case(unit.trim()))
    })
}

/// A bare number that can only be a size ("açaí de 500", "coca 1,5"): large, fractional, or
/// after "de"/"of".
fn written_amount(words: &Words<'_>, at: usize) -> Option<f64> {
    let Kind::Number(value) = words.tokens[at].kind else {
        return None;
    };
    let after_of = at > 0 && matches!(words.folded[at - 1], "de" | "of" | "da" | "do");
    (value >= 100.0 || value.fract() != 0.0 || after_of).then_some(value)
}

/// The product's variant of a size class ("large" from a header "3x large pizzas:").
pub fn variant_of_size(catalog: &Catalog, product: usize, size: u8) -> Option<usize> {
    catalog
        .variants(product)
        .iter()
        .position(|keys| keys.size == Some(size))
}

/// A measure starting at `at`: "2l" as one token, or "two liter" / "2 litros" as two.
fn measure_at(words: &Words<'_>, at: usize, end: usize) -> Option<(String, usize)> {
    match words.tokens[at].kind {
        Kind::Measure { amount, unit } => Some((measure_key(amount, unit), 1)),
        Kind::Number(amount) | Kind::Multiplier(amount) if at + 1 < end => unit_after(words, at, amount),
        Kind::Word if at + 1 < end => match words.lex[at] {
            Some(Lex::Number { value, .. }) => unit_after(words, at, value),
            Some(Lex::Article) => unit_after(words, at, 1.0),
            _ => None,
        },
        _ => None,
    }
}

fn unit_after(words: &Words<'_>, at: usize, amount: f64) -> Option<(String, usize)> {
    match words.lex[at + 1] {
        Some(Lex::Unit(unit, factor)) if words.is_word(at + 1) => Some((measure_key(amount * factor, unit), 2)),
        _ => None,
    }
}

/// Reads "2", "two", "2x", "x2", "half a dozen", "dua belas", "1/2 kg", "3 porsi" from the
/// given tokens, marking them used. Words like "do" that are also other words count only in
/// front of the product (`in_front`).
fn read_quantity(words: &mut Words<'_>, tokens: &[usize], in_front: bool) -> Option<(f64, Option<&'static str>)> {
    let mut value: Option<f64> = None;
    let mut unit = None;
    let mut times = 1.0;
    let mut article = false;
    let mut any = false;
    for &at in tokens {
        if words.used[at] {
            continue;
        }
        let mut take = true;
        match words.tokens[at].kind {
            Kind::Multiplier(n) => value = Some(n),
            Kind::Number(n) if value.is_none() => {
                if !in_front && looks_like_price(words.folded[at], n) {
                    take = false;
                } else {
                    value = Some(n);
                }
            }
            Kind::Measure { amount, unit: u } if value.is_none() && unit.is_none() => {
                value = Some(amount);
                unit = Some(u);
            }
            Kind::Word => match words.lex[at] {
                Some(Lex::Number { value: n, strict }) if value.is_none() && (in_front || !strict) => value = Some(n),
                Some(Lex::Teen) if value.is_some() => value = value.map(|v| v + 10.0),
                Some(Lex::Tens) if value.is_some() => value = value.map(|v| v * 10.0),
                Some(Lex::Article) if in_front => article = true,
                Some(Lex::Times(t)) => times *= t,
                Some(Lex::Unit(u, factor)) if unit.is_none() && (value.is_some() || article) => {
                    value = Some(value.unwrap_or(1.0) * factor);
                    unit = Some(u);
                }
                Some(Lex::OneUnit(u, factor)) if unit.is_none() && value.is_none() => {
                    value = Some(factor);
                    unit = Some(u);
                }
                _ => take = false,
            },
            _ => take = false,
        }
        if take {
            words.used[at] = true;
            any = true;
        }
    }
    if !any {
        return None;
    }
    match value {
        Some(value) => Some((value * times, unit)),
        None if times != 1.0 => Some((times, unit)),
        None => None,
    }
}

/// "15.99" or "12,50" after an item, or a number of 100 or more with no unit, is a price.
fn looks_like_price(text: &str, value: f64) -> bool {
    let cents = text
        .rfind(['.', ','])
        .is_some_and(|at| text.len() - at - 1 == 2 && value >= 1.0);
    cents || value >= 100.0
}

/// A price written in the region ("$15.99"), if any.
fn take_price(words: &mut Words<'_>, region: Range<usize>) -> Option<f64> {
    for at in region {
        if words.used[at] {
            continue;
        }
        let value = match words.tokens[at].kind {
            Kind::Price(value) => Some(value),
            Kind::Number(value) if looks_like_price(words.folded[at], value) => Some(value),
            _ => None,
        };
        if value.is_some() {
            words.used[at] = true;
            return value;
        }
    }
    None
}

/// The product's modifiers named in the region, each with the action word before it.
pub fn read_modifiers(
    words: &mut Words<'_>,
    catalog: &Catalog,
    product: usize,
    region: Range<usize>,
    inherited: Option<Action>,
) -> Modifiers {
    let modifiers = catalog.modifiers(product);
    let mut out = Modifiers {
        last_action: inherited,
        ..Modifiers::default()
    };
    let mut action = inherited;
    // "Extra" binds to the word after it; what goes on into the next clause is "with" or "no".
    let mut lasting = inherited;
    let mut action_at: Option<usize> = None;
    let mut last_modifier_end: Option<usize> = None;
    let mut at = region.start;
    while at < region.end {
        if words.used[at] {
            at += 1;
            continue;
        }
        let follows_modifier = last_modifier_end == Some(at);
        if words.action(at) == Some(Action::Extra)
            && follows_modifier
            && modifier_at(words, modifiers, at + 1, region.end).is_none()
        {
            // "bacon extra", "sambel dobel", "koya nya banyakin": after the topping it doubles.
            if let Some(last) = out.found.last_mut() {
                last.1 = Action::Extra;
            }
            words.used[at] = true;
            at += 1;
            continue;
        }
        if let Some(next) = words.action(at) {
            // "ga pake bawang", "sin con": a negation before "with" keeps the negation.
            let negated_with =
                next == Action::Add && action == Some(Action::Remove) && action_at.is_some_and(|a| a + 1 == at);
            if !negated_with {
                action = Some(next);
                if next != Action::Extra {
                    lasting = Some(next);
                }
            }
            action_at = Some(at);
            words.used[at] = true;
            at += 1;
            continue;
        }
        if words.is_word(at) && words.lex[at] == Some(Lex::NegateBefore) {
            if let Some(last) = out.found.last_mut() {
                last.1 = Action::Remove;
            }
            words.used[at] = true;
            at += 1;
            continue;
        }
        if let Some((index, width)) = modifier_at(words, modifiers, at, region.end) {
            let chosen = action.unwrap_or(Action::Add);
            if !out.found.iter().any(|(m, _)| *m == index) {
                out.found.push((index, chosen));
            }
            (at..at + width).for_each(|w| words.used[w] = true);
            at += width;
            last_modifier_end = Some(skip_filler(words, at, region.end));
            continue;
        }
        let names_a_product = words.hits[at].iter().any(|(id, _)| catalog.names_a_product(*id));
        if action == Some(Action::Remove) && words.is_word(at) && !words.is_filler(at) && !names_a_product {
            let from = action_at.map_or(at, |a| a.min(at));
            let span = words.tokens[from].span.start..words.tokens[at].span.end;
            match out.requests.last_mut() {
                Some(last) if last.start == span.start => last.end = span.end,
                _ => out.requests.push(span),
            }
            words.used[at] = true;
        }
        at += 1;
    }
    out.last_action = lasting;
    out
}

/// The first token at or after `at` that is not filler.
fn skip_filler(words: &Words<'_>, mut at: usize, end: usize) -> usize {
    while at < end && words.is_filler(at) && words.action(at).is_none() {
        at += 1;
    }
    at
}

/// The modifier whose name or alias starts at `at`, and how many words it spans. When a word
/// fits several ("cheese": "Extra Cheese", "Cheddar Cheese"), the longest fully written name
/// wins, then the shortest name.
fn modifier_at(
    words: &Words<'_>,
    modifiers: &[super::catalog::OptionKeys],
    at: usize,
    end: usize,
) -> Option<(usize, usize)> {
    if at >= end || !words.is_word(at) || words.hits[at].is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize, usize, usize)> = None;
    for (index, keys) in modifiers.iter().enumerate() {
        for phrase in &keys.phrases {
            let mut matched = 0;
            let mut width = 0;
            let mut k = 0;
            while k < phrase.len() && at + width < end {
                let pos = at + width;
                if words.used[pos] || !words.is_word(pos) {
                    break;
                }
                if width > 0 && connector(words.folded[pos]) && words.hits[pos].is_empty() {
                    width += 1;
                    continue;
                }
                if words.hits[pos].iter().any(|(hit, _)| *hit == phrase[k]) {
                    matched += 1;
                    width += 1;
                    k += 1;
                } else if width == 0 {
                    // The message may skip the name's first word ("olives" for "Black Olives").
                    k += 1;
                } else {
                    break;
                }
            }
            if matched == 0 || matched * 2 < phrase.len() {
                continue;
            }
            let candidate = (matched, usize::MAX - phrase.len(), index, width);
            if best.is_none_or(|b| (candidate.0, candidate.1) > (b.0, b.1)) {
                best = Some(candidate);
            }
        }
    }
    best.map(|(_, _, index, width)| (index, width))
}
