//! Runs `order.pest` over a folded message and turns its parse tree into lines, clauses and
//! typed tokens.

use std::ops::Range;

use pest::{Parser, iterators::Pair};

use super::numbers;

#[derive(pest_derive::Parser)]
#[grammar = "parser/order.pest"]
struct OrderGrammar;

/// A labelled field's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Name,
    Address,
    Phone,
    Note,
    Time,
    Payment,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub span: Range<usize>,
    pub bullet: bool,
    pub content: Content,
}

#[derive(Debug, Clone)]
pub enum Content {
    Empty,
    Field { label: Label, value: Range<usize> },
    Clauses(Vec<Clause>),
}

/// What ended a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// A comma, semicolon or "and": the sentence goes on.
    Soft,
    /// A full stop, "!" or the end of the line.
    Sentence,
    /// A colon: what came before is a heading ("Pedido:", "Refri:") or a label.
    Colon,
    Question,
}

#[derive(Debug, Clone)]
pub struct Clause {
    pub span: Range<usize>,
    pub tokens: Vec<Token>,
    /// How the clause ended, and whether an "and"-type word joined it to the next one.
    pub ends: Break,
    pub joined_by_and: bool,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Kind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Word,
    Greeting,
    SignOff,
    /// A price as written, before currency scaling.
    Price(f64),
    Phone,
    /// A quantity with a unit: the unit's canonical name, and the amount in it.
    Measure {
        amount: f64,
        unit: &'static str,
    },
    Multiplier(f64),
    /// Digits or a fraction.
    Number(f64),
    /// "4b", "302a": part of an address or a name, not a quantity.
    Code,
    Emoji,
    Mark,
}

/// Splits a folded message into lines and clauses. The grammar accepts any text, so this only
/// fails on input it was never meant to see; the caller then reads the message as one line.
pub fn lex(folded: &str) -> Option<Vec<Line>> {
    lex_range(folded, 0..folded.len())
}

/// Lexes part of a folded message (a field's value), with spans into the whole message.
pub fn lex_range(folded: &str, range: Range<usize>) -> Option<Vec<Line>> {
    let offset = range.start;
    let message = OrderGrammar::parse(Rule::message, folded.get(range)?).ok()?.next()?;
    let mut lines: Vec<Line> = message
        .into_inner()
        .filter(|pair| pair.as_rule() == Rule::line)
        .map(line)
        .collect();
    if offset > 0 {
        let shift = |span: &mut Range<usize>| *span = span.start + offset..span.end + offset;
        for line in &mut lines {
            shift(&mut line.span);
            match &mut line.content {
                Content::Empty => {}
                Content::Field { value, .. } => shift(value),
                Content::Clauses(clauses) => {
                    for clause in clauses {
                        shift(&mut clause.span);
                        clause.tokens.iter_mut().for_each(|token| shift(&mut token.span));
                    }
                }
            }
        }
    }
    Some(lines)
}

fn line(pair: Pair<'_, Rule>) -> Line {
    let span = pair.as_span();
    let mut bullet = false;
    let mut content = Content::Empty;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::bullet => bullet = true,
            Rule::field => content = field(part),
            Rule::clauses => content = Content::Clauses(clauses(part)),
            _ => {}
        }
    }
    Line {
        span: span.start()..span.end(),
        bullet,
        content,
    }
}

fn field(pair: Pair<'_, Rule>) -> Content {
    let mut label = Label::Note;
    let mut value = 0..0;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::value => value = part.as_span().start()..part.as_span().end(),
            rule => label = label_of(rule).unwrap_or(label),
        }
    }
    Content::Field { label, value }
}

fn label_of(rule: Rule) -> Option<Label> {
    Some(match rule {
        Rule::name_label => Label::Name,
        Rule::address_label => Label::Address,
        Rule::phone_label => Label::Phone,
        Rule::note_label => Label::Note,
        Rule::time_label => Label::Time,
        Rule::payment_label => Label::Payment,
        _ => return None,
    })
}

fn clauses(pair: Pair<'_, Rule>) -> Vec<Clause> {
    let mut out: Vec<Clause> = Vec::new();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::clause => {
                let tokens: Vec<Token> = part.clone().into_inner().map(token).collect();
                let span = part.as_span();
                out.push(Clause {
                    span: span.start()..span.end(),
                    tokens,
                    ends: Break::Sentence,
                    joined_by_and: false,
                });
            }
            Rule::separator => {
                if let Some(last) = out.last_mut() {
                    let text = part.as_str();
                    let by_word = part.clone().into_inner().any(|p| p.as_rule() == Rule::conjunction);
                    last.joined_by_and = by_word || text.trim().len() == 1 && "&+/".contains(text.trim());
                    last.ends = if text.contains('?') {
                        Break::Question
                    } else if text.contains(':') {
                        Break::Colon
                    } else if text.contains(['.', '!']) {
                        Break::Sentence
                    } else {
                        Break::Soft
                    };
                }
            }
            _ => {}
        }
    }
    out
}

fn token(pair: Pair<'_, Rule>) -> Token {
    let span = pair.as_span().start()..pair.as_span().end();
    let text = pair.as_str();
    let kind = match pair.as_rule() {
        Rule::greeting => Kind::Greeting,
        Rule::signoff => Kind::SignOff,
        Rule::price | Rule::coded_price | Rule::symbol_price => price(pair),
        Rule::phone => Kind::Phone,
        Rule::measure => measure(pair),
        Rule::multiplier => pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::amount)
            .and_then(|p| numbers::quantity(p.as_str()))
            .map_or(Kind::Mark, Kind::Multiplier),
        Rule::fraction => numbers::fraction(text).map_or(Kind::Mark, Kind::Number),
        Rule::amount => numbers::quantity(text).map_or(Kind::Mark, Kind::Number),
        Rule::code => Kind::Code,
        Rule::word => Kind::Word,
        Rule::emoji => Kind::Emoji,
        _ => Kind::Mark,
    };
    Token { kind, span }
}

fn price(pair: Pair<'_, Rule>) -> Kind {
    let mut amount = None;
    let mut thousands = false;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::amount => amount = numbers::price(part.as_str()),
            Rule::thousands => thousands = true,
            _ => {}
        }
    }
    match amount {
        Some(value) if thousands => Kind::Price(value * 1000.0),
        Some(value) => Kind::Price(value),
        None => Kind::Mark,
    }
}

fn measure(pair: Pair<'_, Rule>) -> Kind {
    let mut amount = None;
    let mut unit = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::fraction => amount = numbers::fraction(part.as_str()),
            Rule::amount => amount = numbers::quantity(part.as_str()),
            Rule::unit => unit = numbers::unit(part.as_str()),
            _ => {}
        }
    }
    match (amount, unit) {
        (Some(amount), Some((unit, factor))) => Kind::Measure {
            amount: amount * factor,
            unit,
        },
        (Some(amount), None) => Kind::Number(amount),
        _ => Kind::Mark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Vec<Kind>> {
        let lines = lex(text).expect("parses");
        let mut out = Vec::new();
        for line in lines {
            if let Content::Clauses(clauses) = line.content {
                for clause in clauses {
                    out.push(clause.tokens.into_iter().map(|t| t.kind).collect());
                }
            }
        }
        out
    }

    #[test]
    fn splits_lines_bullets_and_fields() {
        let text = "hi! this is maria\n- 2x margherita\naddress: 123 main st, apt 4b";
        let lines = lex(text).unwrap();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].bullet);
        match &lines[2].content {
            Content::Field { label, value } => {
                assert_eq!(*label, Label::Address);
                assert_eq!(&text[value.clone()], "123 main st, apt 4b");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn splits_clauses_on_commas_and_the_word_and() {
        let found = kinds("2 pizzas calabresa e 1 guarana 2l, obrigada");
        assert_eq!(found.len(), 3);
        assert_eq!(found[0], vec![Kind::Number(2.0), Kind::Word, Kind::Word]);
        assert_eq!(
            found[1],
            vec![Kind::Number(1.0), Kind::Word, Kind::Measure { amount: 2.0, unit: "l" }]
        );
        assert_eq!(found[2], vec![Kind::SignOff]);
    }

    #[test]
    fn reads_quantities_prices_and_phones() {
        let found = kinds("2x pizza x3 qty 4 1/2 kg ½ r$ 32,90 rp 25.000 15k +55 11 98765-4321");
        assert_eq!(
            found[0],
            vec![
                Kind::Multiplier(2.0),
                Kind::Word,
                Kind::Multiplier(3.0),
                Kind::Multiplier(4.0),
                Kind::Measure {
                    amount: 0.5,
                    unit: "kg"
                },
                Kind::Number(0.5),
                Kind::Price(32.9),
                Kind::Price(25_000.0),
                Kind::Price(15_000.0),
                Kind::Phone,
            ]
        );
    }

    #[test]
    fn keeps_abbreviations_and_decimals_whole() {
        let found = kinds("1,5 kg queijo, 500g presunto");
        assert_eq!(
            found[0][0],
            Kind::Measure {
                amount: 1.5,
                unit: "kg"
            }
        );
        assert_eq!(
            found[1][0],
            Kind::Measure {
                amount: 0.5,
                unit: "kg"
            }
        );
    }

    #[test]
    fn accepts_anything() {
        for text in [
            "",
            "\n\n",
            "😊😊",
            "?!.,",
            "\u{0}\u{1}",
            "a\r\nb\rc",
            "पनीर टिक्का",
            ",,,,,,,and and and",
        ] {
            assert!(lex(text).is_some(), "{text:?}");
        }
    }
}
