//! One action item as documents write it: a check box or mark (`[x]`,
//! `[]`, `✅`) for its status, a priority lead (`**P1**`, `[HIGH]`), a bold
//! title with its explanation (`**Alert on lag**: today only depth is
//! watched`), an owner (`Owner: @ana`), a ticket (an issue or pull request
//! link, `[PR](url)`, `(#1094)`), and a task written in the past tense
//! (`Reverted the change`, `We've tightened`) as done.

use super::draft::Item;

/// The parts of an item's text.
#[derive(Debug, Default)]
pub struct Parsed {
    pub item: Item,
    /// A priority the item states that is not one of the site's.
    pub other_priority: Option<String>,
    /// Every word of the item went into its fields.
    pub whole: bool,
}

impl Parsed {
    /// The task cut to its first sentence, for an item written as prose.
    pub fn first_sentence(mut self) -> Parsed {
        let first = first_sentence(&self.item.task).trim().to_string();
        if first.len() < self.item.task.len() {
            self.item.task = first;
            self.whole = false;
        }
        self
    }
}

/// The longest task taken whole; past it, a bold title alone.
const MAX_TASK: usize = 200;

/// A status mark at the start of `text`, and the rest.
fn mark(text: &str) -> (Option<&'static str>, &str) {
    let t = text.trim_start();
    for (marks, status) in [
        (&["[ ]", "[]", "☐", "⬜"][..], "open"),
        (&["[x]", "[X]", "☑", "✅", "✔️", "✔", "✓"][..], "done"),
    ] {
        for m in marks {
            if let Some(rest) = t.strip_prefix(m) {
                return (
                    Some(status),
                    rest.trim_start_matches('\u{fe0f}').trim_start(),
                );
            }
        }
    }
    (None, t)
}

/// `**P1**`, `[HIGH]`, `P2:` at the start: the priority word and the rest.
fn priority_lead(text: &str) -> Option<(String, &str)> {
    let t = text.trim_start();
    let (word, rest) = if let Some(r) = t.strip_prefix("**") {
        let (w, rest) = r.split_once("**")?;
        (w, rest)
    } else if let Some(r) = t.strip_prefix('[') {
        let (w, rest) = r.split_once(']')?;
        // `[Title](url)` is a link, not a lead.
        if rest.starts_with('(') {
            return None;
        }
        (w, rest)
    } else {
        let (w, rest) = t.split_once(':')?;
        (w, rest)
    };
    let w = word.trim().trim_end_matches(':');
    let known = matches!(
        w.to_ascii_lowercase().as_str(),
        "critical" | "urgent" | "highest" | "high" | "medium" | "low" | "lowest"
    ) || (w.len() == 2
        && matches!(w.as_bytes()[0], b'P' | b'p')
        && w.as_bytes()[1].is_ascii_digit());
    known.then(|| {
        (
            w.to_string(),
            rest.trim_start_matches([':', ' ', '-', '–']).trim_start(),
        )
    })
}

/// Whether a link is to a ticket: an issue, a pull or merge request, a
/// tracker's ticket, or a link whose words say so.
fn is_ticket(text: &str, url: &str) -> bool {
    let words = text.trim().trim_matches(['[', ']']).to_lowercase();
    let says = matches!(words.as_str(), "pr" | "issue" | "ticket" | "bug" | "mr")
        || words.starts_with('#')
        || words.starts_with("pr ")
        || words.starts_with("issue ");
    let is_tracker = [
        "/issues/",
        "/pull/",
        "/merge_requests/",
        "/browse/",
        "/tickets/",
        "/ticket/",
    ]
    .iter()
    .any(|p| url.contains(p));
    crate::tickets::is_url(url) && (says || is_tracker)
}

/// The links in a text: their words and addresses, references resolved
/// through `refs`.
fn links<'t>(text: &'t str, refs: &dyn Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    let mut unresolved = |link: pulldown_cmark::BrokenLink<'t>| {
        refs(&link.reference).map(|url| (url.into(), "".into()))
    };
    for event in Parser::new_with_broken_link_callback(
        text,
        pulldown_cmark::Options::empty(),
        Some(&mut unresolved),
    ) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                open = Some((String::new(), dest_url.to_string()))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((words, _)) = &mut open {
                    words.push_str(&t);
                }
            }
            Event::End(TagEnd::Link) => out.extend(open.take()),
            _ => {}
        }
    }
    out
}

/// `Owner: @ana`, `(owner: Bo Chen)`, `Assignee: cy`: the owner.
fn owner_in(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let at = ["owner:", "owners:", "assignee:", "owned by", "assigned to"]
        .iter()
        .filter_map(|l| lower.find(l).map(|i| i + l.len()))
        .min()?;
    let rest = text[at..].trim_start();
    let name: Vec<&str> = rest
        .split([')', ']', ',', ';', '.', '\n'])
        .next()?
        .split_whitespace()
        .take(3)
        .collect();
    let name = name.join(" ");
    let name = name
        .trim_start_matches('@')
        .trim_matches(['*', '_', '`'])
        .trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// `due 2023-05-19`, `(due: 19 May 2023)`, `due by May 19, 2023`: the
/// date (a whole one) and the text without that clause.
fn due_in(text: &str) -> Option<(String, String)> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("due") {
        let at = from + found;
        from = at + 3;
        let starts_word = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
        let rest = &text[at + 3..];
        let rest = rest.trim_start_matches(':').trim_start();
        let rest = ["by ", "on ", "date: ", "date "]
            .iter()
            .find_map(|w| {
                rest.get(..w.len())
                    .filter(|h| h.eq_ignore_ascii_case(w))
                    .map(|_| &rest[w.len()..])
            })
            .unwrap_or(rest);
        let words: Vec<&str> = rest.split_whitespace().collect();
        let Some((super::when::Day::Full(date), n)) =
            super::when::date_at(&words).filter(|_| starts_word)
        else {
            continue;
        };
        // The clause ends after the date's last word (and its punctuation).
        let last = words[n - 1];
        let offset = rest.as_ptr() as usize - text.as_ptr() as usize;
        let end = offset + rest.find(last).map_or(0, |i| i + last.len());
        let end = end + text[end..].len() - text[end..].trim_start_matches([')', ']']).len();
        let before = text[..at]
            .trim_end()
            .trim_end_matches(['(', '[', ',', ';', '-', '–'])
            .trim_end();
        let without = format!("{before}{}", &text[end..]);
        return Some((date.to_string(), without.trim_end().to_string()));
    }
    None
}

/// The sentence a lead's explanation starts with.
fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}

/// `(#1094)` or `#1094` ending a text: the number.
fn parsed_ticket_number(text: &str) -> Option<&str> {
    let t = text.trim_end().trim_end_matches([')', ']', '.']);
    let at = t.rfind('#')?;
    let digits = &t[at + 1..];
    let before = t[..at].trim_end_matches(['(', '[']);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && before.ends_with(' '))
        .then_some(digits)
}

/// Verbs in the past that a done item starts with, beside those in `-ed`.
const PAST: &[&str] = &[
    "sent", "built", "made", "wrote", "ran", "took", "did", "held", "led", "kept", "found",
    "rebuilt", "rewrote", "began", "brought", "bought", "got", "gave", "shut", "cut", "paid",
    "spun",
];

/// Words in `-ed` that are not verbs in the past.
const NOT_PAST: &[&str] = &[
    "need",
    "feed",
    "seed",
    "speed",
    "embed",
    "proceed",
    "exceed",
    "succeed",
    "bleed",
    "breed",
    "shared",
    "red",
    "bed",
    "shed",
    "based",
    "related",
    "detailed",
    "dedicated",
    "automated",
    "advanced",
    "scheduled",
    "unified",
    "centralized",
    "centralised",
    "improved",
    "expanded",
];

/// Whether a task says it was done: a verb in the past first (`Reverted
/// the change`, `We've tightened`), or a passive past (`pools were asked`).
pub fn in_the_past(task: &str) -> bool {
    let words: Vec<String> = task
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                .to_lowercase()
                .replace('’', "'")
        })
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    let first = first.as_str();
    if matches!(first, "we've" | "we" | "they've" | "i've" | "i") {
        return match words.get(1).map(String::as_str) {
            Some("have" | "had") => true,
            Some(w) => first.ends_with("'ve") || is_past_verb(w),
            None => false,
        };
    }
    if is_past_verb(first)
        || matches!(first, "has" | "have" | "had") && words.get(1).is_some_and(|w| w == "been")
    {
        return true;
    }
    words.windows(2).any(|w| {
        matches!(w[0].as_str(), "was" | "were" | "has" | "have")
            && (w[1].ends_with("ed") || w[1] == "been")
            && !NOT_PAST.contains(&w[1].as_str())
    })
}

fn is_past_verb(w: &str) -> bool {
    PAST.contains(&w) || (w.len() > 4 && w.ends_with("ed") && !NOT_PAST.contains(&w))
}

/// Reads one item's text (its first paragraph, Markdown), with references
/// resolved through `refs`. `priorities` are the site's.
pub fn parse(source: &str, priorities: &[String], refs: &dyn Fn(&str) -> Option<String>) -> Parsed {
    let (mut status, text) = mark(source);
    let mut parsed = Parsed::default();
    let mut text = text;
    if let Some((word, rest)) = priority_lead(text) {
        match priorities.iter().find(|p| p.eq_ignore_ascii_case(&word)) {
            Some(p) => parsed.item.priority = Some(p.clone()),
            None => parsed.other_priority = Some(word),
        }
        text = rest;
    }
    let found = links(text, refs);
    let ticket = found
        .iter()
        .find(|(words, url)| is_ticket(words, url))
        .map(|(_, url)| url.clone())
        .or_else(|| {
            // `(#1094)` or `#1094` ending the text.
            let last = text
                .trim_end()
                .trim_end_matches(['.', ')', ']'])
                .rsplit([' ', '(', '['])
                .next()?;
            (last.starts_with('#')
                && last.len() > 1
                && last[1..].bytes().all(|b| b.is_ascii_digit()))
            .then(|| last.to_string())
        });
    let without_due;
    if let Some((due, without)) = due_in(text) {
        parsed.item.due = Some(due);
        without_due = without;
        text = &without_due;
    }
    parsed.item.owner = owner_in(text);
    // The owner is a field, not part of the task.
    let without_owner;
    if parsed.item.owner.is_some() {
        let lower = text.to_lowercase();
        let at = ["owner:", "owners:", "assignee:", "owned by", "assigned to"]
            .iter()
            .filter_map(|l| lower.find(l))
            .min()
            .unwrap_or(text.len());
        let end = text[at..]
            .find([')', ']', ';', '\n'])
            .map_or(text.len(), |e| at + e + 1);
        // `… two minutes (owner: Tomás).`: what is left after it is only
        // the sentence's stop.
        let after = &text[end.min(text.len())..];
        let after = if after.trim().chars().all(|c| matches!(c, '.' | ';' | ',')) {
            ""
        } else {
            after
        };
        without_owner = format!("{}{after}", &text[..at])
            .trim_end()
            .trim_end_matches(['(', '[', ',', '-', '–'])
            .trim_end()
            .to_string();
        text = &without_owner;
    }
    // The task: a bold title with its first sentence, or the text.
    let plain = super::text::plain(text);
    let plain = plain.replace("[PR]", "").replace("[[PR]]", "");
    let mut task = plain.trim().trim_end_matches(['(', '[']).trim().to_string();
    let mut whole = true;
    if let Some(rest) = text.trim_start().strip_prefix("**") {
        if let Some((lead, after)) = rest.split_once("**") {
            let lead = super::text::plain(lead.trim().trim_end_matches(':'));
            let after = super::text::plain(after.trim_start_matches([':', ' ', '-', '–', '—']));
            let with = format!("{lead}: {}", first_sentence(&after))
                .trim_end_matches(": ")
                .to_string();
            whole = after.is_empty() || first_sentence(&after) == after;
            task = if with.chars().count() <= MAX_TASK {
                with
            } else {
                lead
            };
            whole &= task.contains(&after);
        }
    }
    // A text of several sentences: its first says what to do.
    if task.chars().count() > MAX_TASK
        || (task.len() > 80 && first_sentence(&task).len() < task.len())
    {
        task = first_sentence(&task).trim().to_string();
        whole = false;
    }
    // `Alert on lag (#1094)`: the number is the ticket's.
    if parsed_ticket_number(&task).is_some() {
        if let Some(at) = task.rfind('#') {
            task = task[..at]
                .trim_end()
                .trim_end_matches(['(', '['])
                .trim_end()
                .to_string();
        }
    }
    // What the task says of its status after it: `(done)`, `(in progress)`.
    let lower = task.to_lowercase();
    if status.is_none() {
        if lower.ends_with("(done)") || lower.ends_with("(completed)") || lower.ends_with("- done")
        {
            status = Some("done");
        } else if lower.ends_with("(in progress)") {
            status = Some("in-progress");
        } else if in_the_past(&task) {
            status = Some("done");
        }
    }
    parsed.item.task = task;
    parsed.item.ticket = ticket;
    parsed.item.status = status;
    parsed.whole = whole;
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Parsed {
        let refs = |r: &str| {
            (r == "#88").then(|| "https://git.example.com/ops/infra/issues/88".to_string())
        };
        parse(text, &["P1".to_string(), "P2".to_string()], &refs)
    }

    #[test]
    fn a_due_date_is_a_field_and_leaves_the_task() {
        let got = |t: &str| {
            let p = read(t);
            (p.item.task, p.item.due, p.item.owner)
        };
        assert_eq!(
            got("Alert on the age of the oldest job (due 2023-05-19)"),
            (
                "Alert on the age of the oldest job".into(),
                Some("2023-05-19".into()),
                None
            )
        );
        assert_eq!(
            got("Raise the limit. Owner: Ana Ruiz. Due: 3 May 2023"),
            (
                "Raise the limit.".into(),
                Some("2023-05-03".into()),
                Some("Ana Ruiz".into())
            )
        );
        assert_eq!(
            got("Move the backups, due by May 19, 2023, then test a restore"),
            (
                "Move the backups then test a restore".into(),
                Some("2023-05-19".into()),
                None
            )
        );
        // Not a date after it, or due inside a word: the task as written.
        assert_eq!(got("Find what the delay was due to").1, None);
        assert_eq!(got("Check the residue 2023-05-19 logs").1, None);
        assert_eq!(
            got("Add per-rack dashboards (owner: Lin, due 2021-03-31)."),
            (
                "Add per-rack dashboards".into(),
                Some("2021-03-31".into()),
                Some("Lin".into())
            )
        );
        assert_eq!(
            got("Shorten the alert window (owner: Tomás).").0,
            "Shorten the alert window"
        );
    }

    #[test]
    fn marks_leads_owners_and_tickets() {
        let p = read("[x] Push the report to the wiki");
        assert_eq!(
            (p.item.task.as_str(), p.item.status),
            ("Push the report to the wiki", Some("done"))
        );
        let p = read("[] Schedule a follow-up meeting");
        assert_eq!(p.item.status, Some("open"));
        let p = read("✅ Rotate the leaked key");
        assert_eq!(
            (p.item.task.as_str(), p.item.status),
            ("Rotate the leaked key", Some("done"))
        );
        let p = read("**HIGH** Include retries in the client");
        assert_eq!(p.item.task, "Include retries in the client");
        assert_eq!(p.other_priority.as_deref(), Some("HIGH"));
        let p = read("[P1] Page on queue depth");
        assert_eq!(
            (p.item.task.as_str(), p.item.priority.as_deref()),
            ("Page on queue depth", Some("P1"))
        );
        let p = read("**Version tests**: Run the newest plugin against old clients. Owner: @dana");
        assert_eq!(
            p.item.task,
            "Version tests: Run the newest plugin against old clients."
        );
        assert_eq!(p.item.owner.as_deref(), Some("dana"));
        let p = read("**Ignore own errors:** drop what our SDK throws. [[PR](https://github.com/acme/sdk/pull/12)]");
        assert_eq!(
            p.item.ticket.as_deref(),
            Some("https://github.com/acme/sdk/pull/12")
        );
        assert_eq!(p.item.task, "Ignore own errors: drop what our SDK throws.");
        let p = read("Test proxying of every tool [#88]");
        assert_eq!(
            p.item.ticket.as_deref(),
            Some("https://git.example.com/ops/infra/issues/88")
        );
        let p = read("make sure the next run is not reverted (#1134)");
        assert_eq!(p.item.ticket.as_deref(), Some("#1134"));
        let p = read("[Alert on lag (#1094)](https://gitlab.com/g/p/-/issues/1094)");
        assert_eq!(
            p.item.ticket.as_deref(),
            Some("https://gitlab.com/g/p/-/issues/1094")
        );
        // A link that is not a ticket is not one.
        let p = read("Read the [runbook](https://wiki.example.com/runbook) first");
        assert_eq!(p.item.ticket, None);
    }

    #[test]
    fn tasks_in_the_past_are_done() {
        for done in [
            "Reverted the change and released 1.2.1",
            "We've tightened the release workflow",
            "Increased the review a workflow change gets",
            "Large pools were asked to switch back",
            "A full report has been published",
            "Sent a notice to every affected team",
        ] {
            assert!(in_the_past(done), "{done}");
        }
        for open in [
            "Need an alert on lag",
            "Add automated tests for old clients",
            "Set up alerting for expiring certificates",
            "Shared dashboards for on-call",
            "We should declare incidents sooner",
            "Improved dashboards",
        ] {
            assert!(!in_the_past(open), "{open}");
        }
    }
}
