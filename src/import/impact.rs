//! Impact: the sections that state it (Impact, Customer impact, Data loss)
//! as `impact.summary`, and the figures in them with their units: a count
//! of users (`47 000 users`, `about 1,200 people`) and of requests
//! (`3.7M failed requests`, `9,800 checkout requests`). A figure is a fact
//! only for the unit it counts (`6 customers` may be six companies, not
//! six users) and only when it is the count: a bound (`at least 6 users`,
//! `up to 3M requests`) is an empty key with `# TODO` and the candidate.

use super::document::{item_text, BlockKind, Document};
use super::draft::Doubt;
use super::draft::Draft;

fn is_impact(title: &str) -> bool {
    let t = title.to_lowercase();
    super::vocab::IMPACT.contains(&t.trim().trim_end_matches(':'))
}

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Users,
    Requests,
}

impl Unit {
    fn of(word: &str) -> Option<Unit> {
        match word {
            "users" | "user" | "people" | "accounts" | "visitors" | "subscribers" => {
                Some(Unit::Users)
            }
            "requests" | "request" | "calls" | "queries" => Some(Unit::Requests),
            _ => None,
        }
    }

    pub fn field(self) -> &'static str {
        match self {
            Unit::Users => "impact.users",
            Unit::Requests => "impact.requests",
        }
    }
}

/// A count a text states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub unit: Unit,
    pub n: u64,
    /// The words it was written with.
    pub words: String,
    /// `at least`, `more than`, `up to`: a bound, not the count.
    pub bound: bool,
}

/// Words before a figure that make it a bound.
const BOUNDS: &[&str] = &[
    "at least",
    "more than",
    "over",
    "up to",
    "nearly",
    "almost",
    "under",
    "fewer than",
    "less than",
    "at most",
    "upwards of",
];

/// `3.7M`, `12k`, `1,200`, `3.7` (with `million` after it): the number and
/// its multiplier word, if it is one.
fn number(word: &str) -> Option<f64> {
    let w = word.trim_start_matches('~');
    let (digits, times) = match w.char_indices().last()? {
        (i, 'k' | 'K') => (&w[..i], 1e3),
        (i, 'M') => (&w[..i], 1e6),
        (i, 'B') => (&w[..i], 1e9),
        _ => (w, 1.0),
    };
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let plain = digits.replace([',', '\u{a0}', '\u{202f}'], "");
    // Groups of three after a comma: `1,200` is 1200, `1,2` is not a count.
    if digits.contains(',')
        && !digits
            .split(',')
            .skip(1)
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: f64 = plain.parse().ok()?;
    (n.is_finite() && n >= 0.0).then_some(n * times)
}

/// The figures in `text`: a number, at most two words (`failed`,
/// `checkout`), then a unit.
pub fn figures(text: &str) -> Vec<Figure> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let bare = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Some(unit) = Unit::of(&bare(w)) else {
            continue;
        };
        for gap in 0..=2usize {
            let Some(at) = i.checked_sub(gap + 1) else {
                break;
            };
            // The words between are not numbers, units or clause ends.
            if words[at + 1..i].iter().any(|b| {
                number(b).is_some()
                    || b.ends_with([',', '.', ';', ':'])
                    || matches!(bare(b).as_str(), "" | "percent" | "of" | "per")
            }) {
                break;
            }
            let (start, value) = match figure_ending_at(&words, at) {
                Some(found) => found,
                None => continue,
            };
            if words[at].ends_with('%') || value.fract() != 0.0 {
                break;
            }
            // A bound before it (`at least`, `over`): its words are the
            // figure's too.
            let bound_len = BOUNDS.iter().find_map(|b| {
                let n = b.split(' ').count();
                let before = words[start.checked_sub(n)?..start]
                    .iter()
                    .map(|w| bare(w))
                    .collect::<Vec<_>>()
                    .join(" ");
                (before == *b).then_some(n)
            });
            let bound = bound_len.is_some();
            let start = start - bound_len.unwrap_or(0);
            let year = (1970.0..=2100.0).contains(&value) && gap == 0 && !words[at].contains(',');
            if !year {
                out.push(Figure {
                    unit,
                    n: value as u64,
                    words: words[start..=i]
                        .join(" ")
                        .trim_end_matches([',', ';', '.', ':'])
                        .to_string(),
                    bound,
                });
            }
            break;
        }
    }
    out
}

/// The number whose last word is `words[at]`: its first word and value
/// (`47 000`, `3.7 million`, `3.7M`, `1,200`).
fn figure_ending_at(words: &[&str], at: usize) -> Option<(usize, f64)> {
    let times = match words[at].to_lowercase().as_str() {
        "thousand" => Some(1e3),
        "million" | "mn" => Some(1e6),
        "billion" | "bn" => Some(1e9),
        _ => None,
    };
    if let Some(times) = times {
        let n = number(words.get(at.checked_sub(1)?)?)?;
        return Some((at - 1, n * times));
    }
    let last = words[at].trim_end_matches(['%']);
    let n = number(last)?;
    // `47 000`: groups of three after a space.
    let mut start = at;
    let mut digits = last.to_string();
    while start > 0
        && digits.len() == 3
        && words[start - 1].len() <= 3
        && words[start - 1].bytes().all(|b| b.is_ascii_digit())
    {
        start -= 1;
        digits = format!("{}{digits}", words[start]);
    }
    if start < at {
        return Some((start, digits.parse().ok()?));
    }
    Some((start, n))
}

pub fn impact(doc: &Document, d: &mut Draft) {
    for section in &doc.sections {
        if !is_impact(&section.title) || section.blocks.is_empty() {
            continue;
        }
        let mut parts = Vec::new();
        let mut all = true;
        for block in &section.blocks {
            match &block.kind {
                BlockKind::Paragraph => {
                    parts.push(crate::text::squash_whitespace(doc.source(&block.range)))
                }
                BlockKind::List(items) => {
                    let texts: Vec<String> = items
                        .iter()
                        .map(|r| crate::text::squash_whitespace(item_text(doc.source(r))))
                        .collect();
                    parts.push(texts.join("; "));
                }
                _ => all = false,
            }
        }
        if parts.is_empty() {
            continue;
        }
        let text = parts.join(" ");
        let line = doc.line(section.heading.clone().map_or(0, |h| h.start));
        let stated = figures(&super::text::plain(&text));
        for unit in [Unit::Users, Unit::Requests] {
            let found: Vec<&Figure> = stated.iter().filter(|f| f.unit == unit).collect();
            let taken = match unit {
                Unit::Users => d.users.is_some(),
                Unit::Requests => d.requests.is_some(),
            };
            // The first count of a unit; two different counts of it are
            // not one figure.
            let Some(first) = found.first().filter(|_| !taken) else {
                continue;
            };
            let differ = found.iter().any(|f| f.n != first.n);
            if first.bound || differ {
                let why = if first.bound {
                    format!("the text gives a bound ({:?}), not the count", first.words)
                } else {
                    format!(
                        "the text gives more than one ({})",
                        found
                            .iter()
                            .map(|f| format!("{:?}", f.words))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                d.doubts.push(Doubt {
                    field: unit.field().to_string(),
                    candidate: first.n.to_string(),
                    why,
                });
                continue;
            }
            match unit {
                Unit::Users => d.users = Some(first.n),
                Unit::Requests => d.requests = Some(first.n),
            }
            d.guess(unit.field(), &first.n.to_string(), line, &first.words);
        }
        d.guess("impact.summary", &text, line, &section.title);
        match &mut d.impact {
            Some(existing) => {
                existing.push(' ');
                existing.push_str(&text);
            }
            None => d.impact = Some(text),
        }
        if all {
            d.taken
                .extend(section.blocks.iter().map(|b| b.range.clone()));
            d.taken.extend(section.heading.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Draft {
        let doc = Document::parse(text);
        let mut d = Draft::default();
        impact(&doc, &mut d);
        d
    }

    fn counts(text: &str) -> Vec<(Unit, u64, bool)> {
        figures(text)
            .into_iter()
            .map(|f| (f.unit, f.n, f.bound))
            .collect()
    }

    #[test]
    fn impact_sections_and_counts() {
        let d = read("## Customer Impact\n\n- 47 000 users could not log in\n- Payments failed\n\n## Data loss\n\nNone.\n");
        assert_eq!(
            d.impact.as_deref(),
            Some("47 000 users could not log in; Payments failed None.")
        );
        assert_eq!(d.users, Some(47000));
        assert_eq!(d.guesses[0].source, "47 000 users");
    }

    #[test]
    fn figures_with_their_units() {
        use Unit::*;
        assert_eq!(
            counts("about 1,200 people saw errors"),
            [(Users, 1200, false)]
        );
        assert_eq!(
            counts("3.7M failed requests"),
            [(Requests, 3_700_000, false)]
        );
        assert_eq!(
            counts("3.7 million requests"),
            [(Requests, 3_700_000, false)]
        );
        assert_eq!(
            counts("9,800 checkout requests failed"),
            [(Requests, 9800, false)]
        );
        assert_eq!(counts("12k API calls"), [(Requests, 12_000, false)]);
        assert_eq!(counts("at least 6 users"), [(Users, 6, true)]);
        assert_eq!(counts("up to 3M requests"), [(Requests, 3_000_000, true)]);
        // Not a count of users or requests: customers (companies, perhaps),
        // a share, a year, a number in another clause.
        assert!(counts("at least 6 customers were affected").is_empty());
        assert!(counts("10% of users").is_empty());
        assert!(counts("12 % users").is_empty());
        assert!(counts("in 2019 users saw errors").is_empty());
        assert!(counts("at 14:02, users saw errors").is_empty());
        assert!(counts("version 1.2 users").is_empty());
    }

    #[test]
    fn a_bound_or_two_counts_is_a_todo_with_its_candidate() {
        let d = read("## Impact\n\nAt least 6 users lost data; 3.7M failed requests.\n");
        assert_eq!(d.users, None);
        assert_eq!(d.requests, Some(3_700_000));
        assert_eq!(d.doubts[0].field, "impact.users");
        assert_eq!(d.doubts[0].candidate, "6");
        assert_eq!(
            d.doubts[0].why,
            "the text gives a bound (\"At least 6 users\"), not the count"
        );
        let d = read("## Impact\n\n120 users in Europe and 40 users in Asia.\n");
        assert_eq!(d.users, None);
        assert_eq!(d.doubts[0].candidate, "120");
    }
}
