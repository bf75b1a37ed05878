//! Reads a whole message line by line: labelled fields, the customer's name, phone and
//! address wherever they are written, items clause by clause, toppings that go on from one
//! clause to the next or refer back to an item, notes, and the lines that name nothing.

use std::ops::Range;

use super::{
    catalog::Catalog,
    fold::Folded,
    grammar::{self, Break, Clause, Content, Kind, Label, Line},
    items::{self, Draft, Words},
    lexicon::{self, Action, Lex},
};

/// Everything read from a message, before pricing.
#[derive(Default)]
pub struct Reading {
    pub drafts: Vec<Draft>,
    pub unmatched: Vec<String>,
    pub notes: Vec<String>,
    pub customer_name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// A total the customer wrote ("total R$ 65,80").
    pub stated_total: Option<f64>,
}

pub struct Reader<'a> {
    original: &'a str,
    folded: &'a Folded,
    catalog: &'a Catalog,
    out: Reading,
    /// "Address:" alone on its line: the address is on the next one.
    address_follows: bool,
    address_line: Option<usize>,
    /// Folded spans already read as something else (a name and its cue).
    claimed: Vec<Range<usize>>,
    /// Order lines that name only a kind of product ("3x large pizzas:", "veinte empanadas"):
    /// headers, when the items of that kind follow.
    headers: Vec<Header>,
}

struct Header {
    /// Its place in `unmatched`.
    line: usize,
    products: Vec<usize>,
    size: Option<u8>,
    times: f64,
    drafts_before: usize,
}

/// How far back a clause without a product looks for the items it refers to.
const RECENT_ITEMS: usize = 12;

/// Openings of a question about the business ("do you have…", "tem…", "ada…").
const QUESTION_STARTS: &[&str] = &[
    "do", "does", "did", "is", "are", "any", "will", "have", "tem", "tens", "teria", "vcs", "voces", "vc", "voce",
    "tiene", "tienen", "tenes", "hay", "ada", "masih", "apa", "kya", "milega", "milegi",
];

/// Phrases that introduce the customer's name. Strong ones take the next word even in lower
/// case; weak ones ("soy", "saya") only a capitalised word.
const STRONG_NAME_CUES: &[&[&str]] = &[
    &["this", "is"],
    &["my", "name", "is"],
    &["my", "name's"],
    &["name's"],
    &["name", "is"],
    &["me", "llamo"],
    &["mi", "nombre", "es"],
    &["meu", "nome", "e"],
    &["meu", "nome", "eh"],
    &["mera", "naam"],
    &["naam", "hai"],
    &["nama", "saya"],
    &["nama", "aku"],
    &["nama", "gue"],
    &["aqui", "e", "o"],
    &["aqui", "e", "a"],
    &["aqui", "e"],
    &["aqui", "eh"],
    &["aqui", "es"],
    &["yo", "soy"],
    &["it's"],
    &["a", "nombre", "de"],
    &["atas", "nama"],
    &["a.n"],
    &["order", "for"],
    &["pedido", "para"],
    &["pedido", "pra"],
    &["pedido", "de"],
    &["pesanan", "untuk"],
];
const WEAK_NAME_CUES: &[&[&str]] = &[
    &["i", "am"],
    &["i'm"],
    &["im"],
    &["soy"],
    &["sou", "o"],
    &["sou", "a"],
    &["sou"],
    &["saya"],
    &["aku"],
    &["ini"],
    &["main"],
];

impl<'a> Reader<'a> {
    pub fn new(original: &'a str, folded: &'a Folded, catalog: &'a Catalog) -> Self {
        Self {
            original,
            folded,
            catalog,
            out: Reading::default(),
            address_follows: false,
            address_line: None,
            claimed: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn read(mut self, lines: &[Line]) -> Reading {
        let filled: Vec<usize> = (0..lines.len())
            .filter(|&i| !matches!(lines[i].content, Content::Empty))
            .collect();
        let last_line = filled.last().copied();
        for (index, line) in lines.iter().enumerate() {
            match &line.content {
                Content::Empty => {}
                Content::Field { label, value } => self.field(index, line, *label, value.clone()),
                Content::Clauses(clauses) => {
                    if self.address_follows {
                        self.address_follows = false;
                        self.set_address(line.span.clone(), index);
                        continue;
                    }
                    let closing = filled.len() > 1 && Some(index) == last_line;
                    self.line(index, line, clauses, closing);
                }
            }
        }
        self.apply_headers();
        self.out
    }

    fn header(&self, words: &Words<'_>, live: &[usize]) -> Header {
        let mut products: Vec<usize> = live
            .iter()
            .flat_map(|&at| words.hits[at].iter().map(|(id, _)| *id))
            .filter(|id| self.catalog.names_a_product(*id))
            .flat_map(|id| self.catalog.products_named_by(id))
            .collect();
        products.sort_unstable();
        products.dedup();
        let word = |at: &&usize| words.tokens[**at].kind == Kind::Word;
        Header {
            line: self.out.unmatched.len(),
            products,
            size: live
                .iter()
                .filter(word)
                .find_map(|&at| lexicon::size_class(words.folded[at])),
            times: live
                .iter()
                .filter(word)
                .filter_map(|&at| match words.lex[at] {
                    Some(Lex::Times(times)) => Some(times),
                    _ => None,
                })
                .product(),
            drafts_before: self.out.drafts.len(),
        }
    }

    /// A header followed by items of its kind is not an order line of its own: its size goes
    /// to those items that have none, and its "dozens" multiply their counts.
    fn apply_headers(&mut self) {
        let mut until = self.out.drafts.len();
        for header in std::mem::take(&mut self.headers).into_iter().rev() {
            // A header covers the items up to the next header.
            let group = header.drafts_before..until;
            until = header.drafts_before;
            let followers: Vec<usize> = group
                .filter(|&d| header.products.contains(&self.out.drafts[d].product))
                .collect();
            if followers.is_empty() {
                continue;
            }
            self.out.unmatched.remove(header.line);
            for d in followers {
                let draft = &mut self.out.drafts[d];
                if draft.variant.is_none()
                    && let Some(size) = header.size
                {
                    draft.variant = items::variant_of_size(self.catalog, draft.product, size);
                }
                draft.quantity *= header.times;
            }
        }
    }

    fn field(&mut self, index: usize, line: &Line, label: Label, value: Range<usize>) {
        // "Nome: Fernanda | Rua Tupi 55": a field ends at a bar (a name also at a comma); the
        // rest is read like any other line.
        let ends: &[char] = if label == Label::Name { &['|', ';', ','] } else { &['|'] };
        let cut = self.folded.text[value.clone()]
            .find(ends)
            .map_or(value.end, |at| value.start + at);
        if cut < value.end {
            self.read_range(index, cut + 1..value.end);
        }
        let value = value.start..cut;
        let text = self.quote(value.clone());
        match label {
            Label::Name if self.out.customer_name.is_none() => self.out.customer_name = clean_name(&text),
            Label::Address if text.is_empty() => self.address_follows = true,
            Label::Address => self.set_address(value, index),
            Label::Phone if self.out.phone.is_none() => self.out.phone = phone_digits(&text),
            Label::Note if !text.is_empty() => {
                self.out.notes.push(text);
                if let Some(lines) = grammar::lex_range(&self.folded.text, value) {
                    for line in &lines {
                        if let Content::Clauses(clauses) = &line.content {
                            for clause in clauses {
                                let mut words = Words::new(&clause.tokens, &self.folded.text, self.catalog);
                                self.refer_back(&mut words, None);
                            }
                        }
                    }
                }
            }
            Label::Time | Label::Payment => self.out.notes.push(self.quote(line.span.start..cut)),
            _ => {}
        }
    }

    /// Reads part of a line as a line of its own ("Nome: Ana | Endereço: Rua X, 5").
    fn read_range(&mut self, index: usize, range: Range<usize>) {
        for part in grammar::lex_range(&self.folded.text, range).unwrap_or_default() {
            match &part.content {
                Content::Empty => {}
                Content::Field { label, value } => self.field(index, &part, *label, value.clone()),
                Content::Clauses(clauses) => self.line(index, &part, clauses, false),
            }
        }
    }

    fn line(&mut self, index: usize, line: &Line, clauses: &[Clause], closing: bool) {
        let joined;
        let clauses = if self.catalog.names_with_and() {
            joined = self.join_split_names(clauses);
            &joined[..]
        } else {
            clauses
        };
        if self.out.customer_name.is_none() {
            self.find_introduction(line.span.clone());
        }
        let inquiries = self.inquiries(clauses);
        let mut inherited: Option<Action> = None;
        let mut after_sign_off = false;
        let mut k = 0;
        while k < clauses.len() {
            let clause = &clauses[k];
            let mut words = Words::new(&clause.tokens, &self.folded.text, self.catalog);
            self.skip_claimed(&mut words);
            self.find_phone(&mut words);
            if self.out.customer_name.is_none() && (after_sign_off || closing && clauses.len() == 1) {
                self.find_signature(&mut words);
            }
            let greeting_or_thanks = clause
                .tokens
                .first()
                .is_some_and(|t| matches!(t.kind, Kind::SignOff | Kind::Greeting));
            after_sign_off = clause.tokens.first().is_some_and(|t| t.kind == Kind::SignOff);

            if let Some(start) = self.address_start(&words, k == 0).filter(|_| !inquiries[k]) {
                let end = self.address_end(clauses, k);
                let from = words.tokens[start].span.start;
                let to = self.content_end(&clauses[end]).max(from);
                (start..words.len()).for_each(|at| words.used[at] = true);
                if start > 0 {
                    self.clause_items(&mut words, clause, line, clauses.len(), inquiries[k], None);
                }
                self.set_address(from..to, index);
                inherited = None;
                k = end + 1;
                continue;
            }
            let idle = |at: usize| words.used[at] || !words.is_unknown(at) && words.hits[at].is_empty();
            if greeting_or_thanks && (0..words.len()).all(idle) {
                k += 1;
                continue;
            }
            let carried = if k > 0 && clauses[k - 1].ends == Break::Soft {
                inherited
            } else {
                None
            };
            inherited = self.clause_items(&mut words, clause, line, clauses.len(), inquiries[k], carried);
            k += 1;
        }
    }

    fn skip_claimed(&self, words: &mut Words<'_>) {
        for (at, token) in words.tokens.iter().enumerate() {
            if self
                .claimed
                .iter()
                .any(|c| c.start <= token.span.start && token.span.end <= c.end)
            {
                words.used[at] = true;
            }
        }
    }

    /// Reads the items of one clause, or what else it is: toppings for an item before it, a
    /// note, an order line that names nothing in the catalog, or chatter.
    fn clause_items(
        &mut self,
        words: &mut Words<'_>,
        clause: &Clause,
        line: &Line,
        clause_count: usize,
        inquiry: bool,
        inherited: Option<Action>,
    ) -> Option<Action> {
        if inquiry {
            return None;
        }
        let standalone = clause_count == 1 || line.bullet;
        if self.continues_last_item(words, inherited) || self.points_back(words) {
            return self.toppings_for_earlier(words, clause, standalone, inherited).1;
        }
        let (drafts, last_action) = items::read(words, self.catalog);
        if !drafts.is_empty() {
            self.out.drafts.extend(drafts);
            self.note_total(words);
            return last_action;
        }
        if let Some(last) = self.out.drafts.last()
            && let Some(again) = items::read_again(words, self.catalog, last)
        {
            self.out.drafts.push(again);
            return None;
        }
        let order_line = (0..words.len()).any(|at| !words.used[at] && words.counts_plainly(at))
            && !self.only_toppings_with_action(words);
        if !order_line {
            let (applied, last_action) = self.toppings_for_earlier(words, clause, standalone, inherited);
            if applied {
                return last_action;
            }
        }
        self.note_total(words);
        let live: Vec<usize> = (0..words.len()).filter(|&at| !words.used[at]).collect();
        let unknown = live.iter().filter(|&&at| words.is_unknown(at)).count();
        let named = live.iter().filter(|&&at| !words.hits[at].is_empty()).count();
        let fillers = live
            .iter()
            .filter(|&&at| words.tokens[at].kind == Kind::Word && words.lex[at] == Some(Lex::Filler))
            .count();
        let lexicon_of = |at: usize| {
            if words.tokens[at].kind == Kind::Word {
                words.lex[at]
            } else {
                None
            }
        };
        let instruction = live
            .iter()
            .any(|&at| matches!(lexicon_of(at), Some(Lex::Instruction | Lex::Time)));
        let clock = |near: Option<usize>| near.is_some_and(|n| matches!(lexicon_of(n), Some(Lex::Time)));
        let content = |at: usize| at < words.len() && (words.is_unknown(at) || !words.hits[at].is_empty());
        let counted = live.iter().any(|&at| {
            let written = matches!(
                words.tokens[at].kind,
                Kind::Number(_) | Kind::Multiplier(_) | Kind::Measure { .. }
            );
            let spoken = matches!(lexicon_of(at), Some(Lex::Number { strict: false, .. })) && content(at + 1);
            (written || spoken) && !clock(at.checked_sub(1)) && !clock((at + 1 < words.len()).then_some(at + 1))
        });
        let order_line =
            counted && unknown + named > 0 || line.bullet && unknown + named > 0 && unknown <= 2 && fillers == 0;
        if clause.ends == Break::Colon && !counted {
            // A heading: "Pedido:", "Refri: Guaraná 2L".
        } else if instruction {
            self.out.notes.push(self.quote(clause.span.clone()));
        } else if order_line || standalone && named > 0 && unknown == 0 {
            if named > 0 && unknown == 0 {
                self.headers.push(self.header(words, &live));
            }
            self.out.unmatched.push(self.quote(clause.span.clone()));
        } else if unknown >= 3 {
            self.out.notes.push(self.quote(clause.span.clone()));
        }
        None
    }

    /// "ek anda extra": a count, a topping word and toppings of the last item only.
    fn only_toppings_with_action(&self, words: &Words<'_>) -> bool {
        let Some(last) = self.out.drafts.last() else {
            return false;
        };
        let live: Vec<usize> = (0..words.len()).filter(|&at| !words.used[at]).collect();
        let action = live.iter().any(|&at| words.action(at).is_some());
        let named: Vec<usize> = live.iter().copied().filter(|&at| !words.hits[at].is_empty()).collect();
        action
            && !named.is_empty()
            && live.iter().all(|&at| !words.is_unknown(at))
            && named.iter().all(|&at| {
                words.hits[at]
                    .iter()
                    .any(|(id, _)| self.catalog.is_option_word(last.product, *id))
            })
    }

    /// A clause with no count whose named words are all toppings or sizes of the last item,
    /// after "with … and" or where no product fits them well ("12pc wings, buffalo").
    fn continues_last_item(&self, words: &Words<'_>, inherited: Option<Action>) -> bool {
        let Some(last) = self.out.drafts.last() else {
            return false;
        };
        let live: Vec<usize> = (0..words.len()).filter(|&at| !words.used[at]).collect();
        if live.iter().any(|&at| words.counts_plainly(at)) {
            return false;
        }
        let named: Vec<usize> = live.iter().copied().filter(|&at| !words.hits[at].is_empty()).collect();
        let options_only = !named.is_empty()
            && named.iter().all(|&at| {
                words.hits[at]
                    .iter()
                    .any(|(id, _)| self.catalog.is_option_word(last.product, *id))
            });
        if !options_only {
            return false;
        }
        if inherited.is_some() {
            return true;
        }
        let hits: Vec<_> = named.iter().map(|&at| &words.hits[at]).collect();
        let usable = vec![true; hits.len()];
        self.catalog
            .best_product(&hits, &usable)
            .is_none_or(|found| found.coverage < 0.75)
    }

    /// Applies the clause's toppings to the items before it; a line of its own with more to
    /// say ("no onions on the pizza pls") is also a note for the kitchen.
    fn toppings_for_earlier(
        &mut self,
        words: &mut Words<'_>,
        clause: &Clause,
        standalone: bool,
        inherited: Option<Action>,
    ) -> (bool, Option<Action>) {
        let (applied, last_action) = self.refer_back(words, inherited);
        let rest = (0..words.len())
            .filter(|&at| !words.used[at] && words.tokens[at].kind == Kind::Word)
            .count();
        if applied && standalone && rest >= 2 {
            self.out.notes.push(self.quote(clause.span.clone()));
        }
        (applied, last_action)
    }

    /// "no onions on the pizza": no count, a topping word, and a product already ordered —
    /// about that item, not another one.
    fn points_back(&self, words: &Words<'_>) -> bool {
        let recent = &self.out.drafts[self.out.drafts.len().saturating_sub(RECENT_ITEMS)..];
        let live: Vec<usize> = (0..words.len()).filter(|&at| !words.used[at]).collect();
        if recent.is_empty()
            || live.iter().any(|&at| words.counts_plainly(at))
            || !live.iter().any(|&at| words.action(at).is_some())
        {
            return false;
        }
        let product_words: Vec<usize> = live
            .iter()
            .copied()
            .filter(|&at| words.hits[at].iter().any(|(id, _)| self.catalog.names_a_product(*id)))
            .filter(|&at| {
                !recent
                    .iter()
                    .any(|d| self.catalog.is_option_word(d.product, words.hits[at][0].0))
            })
            .collect();
        !product_words.is_empty()
            && product_words.iter().all(|&at| {
                words.hits[at].iter().any(|(id, _)| {
                    self.catalog
                        .products_named_by(*id)
                        .any(|p| recent.iter().any(|d| d.product == p))
                })
            })
    }

    /// Toppings in a clause that names no product: they belong to the recent items the clause
    /// points at ("no onions on the pizza"), else to the last item. Returns whether any
    /// applied, and the action in force at the clause's end.
    fn refer_back(&mut self, words: &mut Words<'_>, inherited: Option<Action>) -> (bool, Option<Action>) {
        let recent = self.out.drafts.len().saturating_sub(RECENT_ITEMS)..self.out.drafts.len();
        if recent.is_empty() {
            return (false, inherited);
        }
        let named: Vec<usize> = (0..words.len())
            .flat_map(|at| words.hits[at].iter().map(|(id, _)| *id))
            .filter(|id| self.catalog.names_a_product(*id))
            .flat_map(|id| self.catalog.products_named_by(id))
            .collect();
        let every = (0..words.len()).any(|at| words.tokens[at].kind == Kind::Word && words.lex[at] == Some(Lex::Every));
        let mut targets: Vec<usize> = recent
            .clone()
            .filter(|&d| every || named.contains(&self.out.drafts[d].product))
            .collect();
        if targets.is_empty() {
            targets.push(recent.end - 1);
        }
        let mut applied = false;
        let mut last_action = inherited;
        let mut used = words.used.clone();
        for target in targets {
            let product = self.out.drafts[target].product;
            let mut trial = words.clone();
            let all = 0..trial.len();
            let found = items::read_modifiers(&mut trial, self.catalog, product, all, inherited);
            if found.found.is_empty() && found.requests.is_empty() {
                continue;
            }
            applied = true;
            last_action = found.last_action;
            let draft = &mut self.out.drafts[target];
            for (modifier, action) in found.found {
                match draft.modifiers.iter_mut().find(|(m, _)| *m == modifier) {
                    Some(existing) => existing.1 = action,
                    None => draft.modifiers.push((modifier, action)),
                }
            }
            draft.requests.extend(found.requests);
            for (at, taken) in trial.used.iter().enumerate() {
                used[at] |= *taken;
            }
        }
        words.used = used;
        (applied, last_action)
    }

    /// A price after the word "total" is what the customer thinks the order costs.
    fn note_total(&mut self, words: &mut Words<'_>) {
        let Some(total_at) = (0..words.len()).find(|&at| words.folded[at] == "total") else {
            return;
        };
        for at in total_at + 1..words.len() {
            if let Kind::Price(value) | Kind::Number(value) = words.tokens[at].kind {
                self.out.stated_total = Some(value);
                words.used[at] = true;
                return;
            }
        }
    }

    /// A phone number, or the digits after a phone word ("cel 21 99876-5432", "Phone: 555…").
    fn find_phone(&mut self, words: &mut Words<'_>) {
        for at in 0..words.len() {
            let span = words.tokens[at].span.clone();
            let digits = match words.tokens[at].kind {
                Kind::Phone => phone_digits(&self.quote(span)),
                Kind::Word if lexicon::is_phone_label(words.folded[at]) => {
                    let next = (at + 1..words.len()).find(|&n| words.tokens[n].kind != Kind::Mark);
                    next.filter(|&n| matches!(words.tokens[n].kind, Kind::Number(_)))
                        .and_then(|n| {
                            let digits = phone_digits(&self.quote(words.tokens[n].span.clone()));
                            if digits.is_some() {
                                words.used[n] = true;
                            }
                            digits
                        })
                }
                _ => None,
            };
            if let Some(digits) = digits {
                words.used[at] = true;
                // "Tel +1 415…", "HP 0857…": the word before the number is its label.
                if let Some(label) = (0..at).rev().find(|&n| words.tokens[n].kind != Kind::Mark)
                    && lexicon::is_phone_label(words.folded[label])
                {
                    words.used[label] = true;
                }
                self.out.phone.get_or_insert(digits);
            }
        }
    }

    /// "This is Maria", "me llamo Sofía", "mera naam Rahul hai", "saya Budi", "a nombre de
    /// Martín", "Name: Kevin" anywhere in the line. Read over the line's words rather than its
    /// clauses, since "aqui é a Ana" holds the word for "and".
    fn find_introduction(&mut self, span: Range<usize>) {
        let text = &self.folded.text[span.clone()];
        let mut words: Vec<(Range<usize>, &str, bool)> = Vec::new();
        let mut start = None;
        for (at, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            let inside = c.is_alphanumeric() || c == '\'' || c == '.' && start.is_some();
            match (inside, start) {
                (true, None) => start = Some(at),
                (false, Some(from)) => {
                    let word = text[from..at].trim_end_matches('.');
                    let ends = word.len() < at - from || matches!(c, ',' | ';' | '!' | '?' | ':' | '|' | '(');
                    words.push((span.start + from..span.start + from + word.len(), word, ends));
                    start = None;
                }
                _ => {}
            }
        }
        let label_at = |i: usize| {
            matches!(words[i].1, "name" | "nome" | "nombre" | "naam" | "nama")
                && self.folded.text[words[i].0.end..].trim_start().starts_with(':')
        };
        for i in 0..words.len() {
            let fits = |cue: &&&[&str]| {
                cue.iter()
                    .enumerate()
                    .all(|(k, w)| words.get(i + k).is_some_and(|word| word.1 == *w))
            };
            let (width, strong) = if label_at(i) {
                (1, true)
            } else if let Some(cue) = STRONG_NAME_CUES.iter().find(fits) {
                (cue.len(), true)
            } else if let Some(cue) = WEAK_NAME_CUES.iter().find(fits) {
                (cue.len(), false)
            } else {
                continue;
            };
            let mut taken: Vec<(Range<usize>, String)> = Vec::new();
            for (range, word, ends) in words.iter().skip(i + width).take(3) {
                if lexicon::ends_name(word) || word.chars().any(|c| c.is_ascii_digit()) {
                    break;
                }
                let original = self.quote(range.clone());
                let capitalised = original.chars().next().is_some_and(char::is_uppercase);
                if !(capitalised || strong && taken.is_empty()) {
                    break;
                }
                taken.push((range.clone(), original));
                if *ends {
                    break;
                }
            }
            if let Some(last) = taken.last() {
                self.claimed.push(words[i].0.start..last.0.end);
                let name: Vec<String> = taken.iter().map(|(_, w)| capitalise(w)).collect();
                self.out.customer_name = Some(name.join(" "));
                return;
            }
        }
    }

    /// A signature: one or two capitalised words the catalog does not know, after thanks or
    /// alone on the last line ("— Grace").
    fn find_signature(&mut self, words: &mut Words<'_>) {
        let live: Vec<usize> = (0..words.len())
            .filter(|&at| !words.used[at] && !matches!(words.tokens[at].kind, Kind::SignOff | Kind::Mark | Kind::Emoji))
            .collect();
        if live.is_empty() || live.len() > 2 {
            return;
        }
        let mut name = Vec::new();
        for &at in &live {
            let original = self.quote(words.tokens[at].span.clone());
            let capitalised = original.chars().next().is_some_and(char::is_uppercase);
            if words.tokens[at].kind != Kind::Word
                || !capitalised
                || !words.hits[at].is_empty()
                || words.lex[at].is_some()
            {
                return;
            }
            name.push(original);
        }
        live.iter().for_each(|&at| words.used[at] = true);
        self.out.customer_name = Some(name.join(" "));
    }

    /// Where an address starts in the clause: after an address label ("alamat", "entregar
    /// na"), at a street word ("Rua", "Jl.", "Calle"), a dwelling with a number ("flat 302"),
    /// a house number followed by a street ("123 Main St"), or — right after an address — a
    /// landmark ("near the temple").
    fn address_start(&self, words: &Words<'_>, first_clause: bool) -> Option<usize> {
        let lex = |at: usize| {
            (at < words.len() && words.tokens[at].kind == Kind::Word)
                .then(|| words.lex[at])
                .flatten()
        };
        let skippable = |at: usize| {
            matches!(words.tokens[at].kind, Kind::Greeting | Kind::Mark | Kind::Emoji)
                || matches!(lex(at), Some(Lex::Filler | Lex::Instruction | Lex::Time))
        };
        for at in 0..words.len() {
            let cue = (words.tokens[at].kind == Kind::Word && !words.used[at])
                .then(|| lexicon::address_cue(&words.folded[at..words.len().min(at + 2)]))
                .flatten();
            if let Some(width) = cue {
                return (at + width..words.len()).find(|&n| !skippable(n));
            }
        }
        let numbered =
            |at: usize| at < words.len() && matches!(words.tokens[at].kind, Kind::Number(_) | Kind::Code | Kind::Phone);
        let house_number =
            |at: usize| at < words.len() && matches!(words.tokens[at].kind, Kind::Number(_) | Kind::Code);
        let named = |at: usize| at < words.len() && !matches!(words.tokens[at].kind, Kind::Mark | Kind::Emoji);
        // A street word is an address wherever it stands ("mandame 12 de carne a Av. Rivadavia").
        let street = (0..words.len()).find(|&at| {
            !words.used[at]
                && lex(at) == Some(Lex::StreetStart)
                && (words.folded[at].len() > 1 || at == 0)
                // "Av." ends its clause at the full stop; the street's name is in the next one.
                && (named(at + 1) || at + 2 < words.len() && named(at + 2) || at + 1 == words.len())
        });
        if street.is_some() {
            return street;
        }
        // "… a Humboldt 1900 3°C", "Juncal 2300 5to": a capitalised name the catalog does not
        // know and a house number that ends the clause.
        let named_street = (0..words.len()).find(|&at| {
            let opens = at == 0
                || words.used[at - 1]
                || matches!(
                    words.folded[at - 1],
                    "a" | "al" | "en" | "to" | "at" | "ke" | "di" | "na" | "em" | "para" | "pra"
                );
            let number = (at + 1..words.len().min(at + 4)).find(|&n| house_number(n));
            opens
                && !words.used[at]
                && words.tokens[at].kind == Kind::Word
                && lex(at).is_none()
                && !lexicon::is_phone_label(words.folded[at])
                && words.hits[at].iter().all(|(_, s)| *s < 1.0)
                && self.capitalised(words, at)
                && number.is_some_and(|n| {
                    (at + 1..n).all(|w| words.tokens[w].kind == Kind::Word && words.hits[w].is_empty())
                        && (n + 1..words.len()).all(|rest| !matches!(words.tokens[rest].kind, Kind::Word))
                })
        });
        if named_street.is_some() {
            return named_street;
        }
        // "… and a coke 2L to 12 Harbour Road": a house number after "to" or "at" with a street
        // word right after its name is an address wherever it stands, so its number is no
        // quantity.
        let after_to = (1..words.len()).find(|&at| {
            !words.used[at]
                && house_number(at)
                && matches!(words.folded[at - 1], "to" | "at")
                && at + 1 < words.len()
                && words.tokens[at + 1].kind == Kind::Word
                && (at + 2..words.len().min(at + 5)).any(|end| lex(end) == Some(Lex::StreetEnd))
        });
        if after_to.is_some() {
            return after_to;
        }
        let start = (0..words.len()).find(|&at| !words.used[at] && !skippable(at))?;
        let found = match lex(start) {
            Some(Lex::Dwelling) => numbered(start + 1) || numbered(start + 2),
            Some(Lex::Landmark) => self.out.address.is_some() && (first_clause || self.address_line.is_some()),
            // "123 Main St": a number, a street name, a street word ("2 Dr Pepper" is not one).
            _ => {
                numbered(start)
                    && (start + 2..words.len().min(start + 6)).any(|at| lex(at) == Some(Lex::StreetEnd))
                    && words.tokens[start + 1].kind == Kind::Word
                    && words.hits[start + 1].iter().all(|(_, s)| *s < 1.0)
            }
        };
        found.then_some(start)
    }

    fn capitalised(&self, words: &Words<'_>, at: usize) -> bool {
        let range = self
            .folded
            .original_range(words.tokens[at].span.start, words.tokens[at].span.end);
        self.original[range].chars().next().is_some_and(char::is_uppercase)
    }

    /// The last clause an address runs to: up to the end of the line, short of thanks, a
    /// greeting or a phone number.
    fn address_end(&self, clauses: &[Clause], from: usize) -> usize {
        let mut end = from;
        for (k, clause) in clauses.iter().enumerate().skip(from + 1) {
            let abbreviated = clauses[k - 1].ends == Break::Sentence
                && clauses[k - 1].tokens.last().is_some_and(|t| {
                    t.kind == Kind::Word && lexicon::is_abbreviation(&self.folded.text[t.span.clone()])
                })
                && self.folded.text[clauses[k - 1].span.end..clause.span.start]
                    .trim_start()
                    .starts_with('.');
            // "…Kav. 21 lt. 3": a number alone after a full stop still belongs to the address.
            let number_only = clause
                .tokens
                .iter()
                .all(|t| matches!(t.kind, Kind::Number(_) | Kind::Code | Kind::Mark));
            let broken = clauses[k - 1].ends != Break::Soft && !abbreviated && !number_only;
            if broken
                || self
                    .claimed
                    .iter()
                    .any(|c| c.start < clause.span.end && clause.span.start < c.end)
            {
                break;
            }
            let stops = clause.tokens.iter().any(|t| {
                matches!(t.kind, Kind::SignOff | Kind::Greeting | Kind::Phone)
                    || t.kind == Kind::Word && lexicon::is_phone_label(&self.folded.text[t.span.clone()])
            });
            if stops {
                break;
            }
            end = k;
        }
        end
    }

    /// Where a clause's content ends, short of trailing filler and thanks ("…No. 88 ya").
    fn content_end(&self, clause: &Clause) -> usize {
        let text = &self.folded.text;
        clause
            .tokens
            .iter()
            .rev()
            .find(|t| match t.kind {
                Kind::Word => lexicon::lookup(&text[t.span.clone()]) != Some(Lex::Filler),
                Kind::Mark | Kind::Emoji | Kind::SignOff | Kind::Greeting => false,
                _ => true,
            })
            .map_or(clause.span.end, |t| t.span.end)
    }

    fn set_address(&mut self, span: Range<usize>, line: usize) {
        let text = self.quote(span);
        if text.is_empty() {
            return;
        }
        self.out.address = match self.out.address.take() {
            Some(before) if self.address_line.is_some_and(|l| l + 1 == line || l == line) => {
                Some(format!("{before}, {text}"))
            }
            Some(before) => Some(before),
            None => Some(text),
        };
        self.address_line = Some(line);
    }

    /// For each clause, whether its sentence asks about the business ("do you have…?",
    /// "¿hasta qué hora abren?") rather than ordering.
    fn inquiries(&self, clauses: &[Clause]) -> Vec<bool> {
        let mut out = vec![false; clauses.len()];
        let mut start = 0;
        for k in 0..clauses.len() {
            if clauses[k].ends == Break::Soft && k + 1 < clauses.len() {
                continue;
            }
            let words: Vec<&str> = clauses[start..=k]
                .iter()
                .flat_map(|c| c.tokens.iter())
                .filter(|t| t.kind == Kind::Word)
                .map(|t| &self.folded.text[t.span.clone()])
                .collect();
            let counted = clauses[start..=k].iter().flat_map(|c| c.tokens.iter()).any(|t| {
                matches!(t.kind, Kind::Number(_) | Kind::Multiplier(_))
                    || t.kind == Kind::Word
                        && matches!(
                            lexicon::lookup(&self.folded.text[t.span.clone()]),
                            Some(Lex::Number { strict: false, .. })
                        )
            });
            let asks_first = words.first().is_some_and(|w| lexicon::lookup(w) == Some(Lex::Inquiry));
            let inquiry = if clauses[k].ends == Break::Question {
                let opening = words.first().is_some_and(|w| QUESTION_STARTS.contains(w));
                let asks = words.iter().any(|w| lexicon::lookup(w) == Some(Lex::Inquiry));
                (opening || asks) && !counted
            } else {
                asks_first && !counted
            };
            if inquiry {
                out[start..=k].iter_mut().for_each(|q| *q = true);
            }
            start = k + 1;
        }
        out
    }

    /// Joins clauses that a product name's own "and" split apart ("empanada de jamón y queso").
    fn join_split_names(&self, clauses: &[Clause]) -> Vec<Clause> {
        let mut out: Vec<Clause> = Vec::with_capacity(clauses.len());
        for clause in clauses {
            if let Some(previous) = out.last()
                && previous.joined_by_and
                && self.spans_both(previous, clause)
            {
                let previous = out.last_mut().expect("checked above");
                previous.tokens.extend(clause.tokens.iter().cloned());
                previous.span.end = clause.span.end;
                previous.ends = clause.ends;
                previous.joined_by_and = clause.joined_by_and;
                continue;
            }
            out.push(clause.clone());
        }
        out
    }

    fn spans_both(&self, left: &Clause, right: &Clause) -> bool {
        let text = &self.folded.text;
        let named = |clause: &Clause| {
            clause
                .tokens
                .iter()
                .any(|t| t.kind == Kind::Word && self.catalog.in_name_with_and(&text[t.span.clone()]))
        };
        if !named(left) || !named(right) {
            return false;
        }
        let best = |tokens: &[grammar::Token]| {
            let words = Words::new(tokens, text, self.catalog);
            let hits: Vec<_> = (0..words.len()).map(|at| &words.hits[at]).collect();
            let usable = vec![true; hits.len()];
            self.catalog.best_product(&hits, &usable)
        };
        let joined: Vec<grammar::Token> = left.tokens.iter().chain(&right.tokens).cloned().collect();
        let Some(together) = best(&joined) else {
            return false;
        };
        let split = left.tokens.len();
        let crosses =
            together.words.first().is_some_and(|w| *w < split) && together.words.last().is_some_and(|w| *w >= split);
        let alone = |tokens: &[grammar::Token]| best(tokens).map_or(0.0, |m| m.coverage);
        crosses
            && self.catalog.has_and_in_name(together.product)
            && together.coverage >= alone(&left.tokens).max(alone(&right.tokens))
    }

    /// The original text behind a folded span, trimmed of spaces and stray punctuation.
    fn quote(&self, span: Range<usize>) -> String {
        let range = self.folded.original_range(span.start, span.end);
        self.original[range]
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '!' | '.' | '–'))
            .to_string()
    }
}

fn clean_name(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-'))
        .filter(|w| !w.is_empty())
        .take(4)
        .map(capitalise)
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
        _ => word.to_string(),
    }
}

/// "+55 11 98765-4321" → "+5511987654321"; `None` when fewer than 7 digits.
fn phone_digits(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if !(7..=15).contains(&digits.len()) {
        return None;
    }
    let plus = text.trim_start().starts_with('+');
    Some(if plus { format!("+{digits}") } else { digits })
}
