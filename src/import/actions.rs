//! Action items: under Action items, Follow-ups, Next steps, Remediation,
//! Corrective actions, Improvements, Prevention, "What has been done" or
//! "What will be done"; after a line that names them (`**Action items:**`
//! or `Action Items` alone) or one labelled item (`**Action item:** text`);
//! and any list of check boxes. List items (see `item.rs` for what one
//! item holds), paragraphs where such a section has no list, and tables
//! with Action Item / Owner / Bug / Priority / Due columns. A heading such
//! as "Immediate actions (completed)" gives the status of what is under
//! it, and one that links a ticket gives it to its items.

use super::document::{item_text, BlockKind, Document};
use super::draft::{Draft, Item};
use super::item;

fn words_of(title: &str) -> String {
    super::text::plain(title)
        .to_lowercase()
        .replace('’', "'")
        .trim()
        .trim_end_matches(['?', ':', '.'])
        .to_string()
}

/// A heading over action items: one that names them, or prevention and
/// improvements.
pub fn is_actions(title: &str) -> bool {
    let t = words_of(title);
    !is_advice(&t)
        && (is_plainly_actions(title)
            || super::vocab::ACTIONS_BROADLY.iter().any(|w| t.contains(w)))
}

/// Advice to readers, which is not the team's own work.
fn is_advice(t: &str) -> bool {
    super::vocab::ADVICE.iter().any(|w| t.contains(w))
}

/// A heading that names nothing but the actions, so that even its
/// paragraphs are items (`Prevention` may hold an essay).
fn is_plainly_actions(title: &str) -> bool {
    let t = words_of(title);
    if is_advice(&t) {
        return false;
    }
    super::vocab::ACTIONS.iter().any(|w| t.contains(w))
        || (t.starts_with("improving") && t.contains("procedure"))
        || (t.starts_with("what")
            && [" done", "doing", "will do", "will be done", "going to do"]
                .iter()
                .any(|w| t.contains(w)))
}

/// The status a heading gives what is under it.
fn status_of(title: &str) -> Option<&'static str> {
    let t = words_of(title);
    if t.contains("complete")
        || t.contains("(done)")
        || t.contains("already done")
        || (t.starts_with("what")
            && (t.contains("has been done")
                || t.contains("we've done")
                || t.contains("we did")
                || t.contains(" done about")))
    {
        Some("done")
    } else if t.contains("in progress") || t.contains("in-progress") || t.contains("ongoing") {
        Some("in-progress")
    } else {
        None
    }
}

/// A line that names the action items after it (`Action Items`,
/// `**Follow-ups:**`).
fn is_actions_label(text: &str) -> bool {
    let t = words_of(text);
    t.len() < 40 && !t.contains('.') && is_actions(&t)
}

/// The ticket a heading links (`Improvements ([tracked in #40885](url))`).
fn heading_ticket(doc: &Document, s: usize) -> Option<String> {
    let range = doc.sections[s].heading.clone()?;
    let refs = |label: &str| doc.reference(label);
    item::parse(doc.source(&range).trim_start_matches('#'), &[], &refs)
        .item
        .ticket
        .filter(|t| crate::tickets::is_url(t))
}

/// The text of a list item's first paragraph, hard-wrapped lines joined.
fn first_paragraph(source: &str) -> String {
    let mut out = String::new();
    for line in item_text(source).lines() {
        let t = line.trim();
        if t.is_empty()
            || (t.len() > 1 && t.starts_with(['-', '*', '+']) && t.as_bytes()[1] == b' ')
        {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// The items of a list; whether all their words went into fields.
fn list_items(
    doc: &Document,
    d: &mut Draft,
    items: &[std::ops::Range<usize>],
    defaults: &Item,
    priorities: &[String],
) -> bool {
    let refs = |label: &str| doc.reference(label);
    let mut whole = true;
    for r in items {
        let source = doc.source(r);
        let text = first_paragraph(source);
        let parsed = item::parse(&text, priorities, &refs);
        whole &= parsed.whole && text.len() + 8 >= item_text(source).trim().len();
        push(d, parsed, defaults, doc.line(r.start), source);
    }
    whole
}

fn push(d: &mut Draft, parsed: item::Parsed, defaults: &Item, line: usize, source: &str) {
    let mut it = parsed.item;
    if it.task.is_empty() {
        return;
    }
    it.status = it.status.or(defaults.status);
    it.owner = it.owner.or_else(|| defaults.owner.clone());
    it.ticket = it.ticket.or_else(|| defaults.ticket.clone());
    d.guess("action item", &it.task, line, source);
    if let Some(p) = parsed.other_priority {
        d.guess(
            "action item priority",
            &p,
            line,
            &format!(
                "not one of the site's priorities; left out of \"{}\"",
                it.task
            ),
        );
    }
    d.items.push(it);
}

/// A paragraph set apart as a note, all in emphasis (`*Last updated: …*`).
fn is_aside(source: &str) -> bool {
    let t = source.trim();
    let emphasised = ["*", "_"]
        .iter()
        .any(|m| t.starts_with(m) && t.ends_with(m));
    emphasised || words_of(t).contains("last updated")
}

/// Whether every item of a list starts with a check box.
fn is_task_list(doc: &Document, items: &[std::ops::Range<usize>]) -> bool {
    !items.is_empty()
        && items.iter().all(|r| {
            let t = item_text(doc.source(r));
            ["[ ]", "[]", "[x]", "[X]"].iter().any(|m| t.starts_with(m))
        })
}

pub fn action_items(doc: &Document, d: &mut Draft, owner: Option<&str>, priorities: &[String]) {
    let starts: Vec<usize> = (0..doc.sections.len())
        .filter(|&i| is_actions(&doc.sections[i].title))
        .collect();
    let mut in_actions: Vec<Option<usize>> = vec![None; doc.sections.len()];
    for &start in &starts {
        for s in std::iter::once(start).chain(doc.children(start)) {
            in_actions[s].get_or_insert(start);
        }
    }
    let refs = |label: &str| doc.reference(label);
    for (s, section) in doc.sections.iter().enumerate() {
        let start = in_actions[s];
        let mut defaults = Item {
            owner: owner.map(str::to_string),
            ..Item::default()
        };
        if let Some(start) = start {
            defaults.status = status_of(&section.title).or(status_of(&doc.sections[start].title));
            defaults.ticket = heading_ticket(doc, s).or_else(|| heading_ticket(doc, start));
        }
        // A section of items without a list has them as paragraphs.
        let has_list = std::iter::once(s).chain(doc.children(s)).any(|c| {
            doc.sections[c]
                .blocks
                .iter()
                .any(|b| matches!(b.kind, BlockKind::List(_) | BlockKind::Table(..)))
        });
        let mut labelled = false;
        for block in &section.blocks {
            let after_label = std::mem::take(&mut labelled);
            match &block.kind {
                BlockKind::List(items)
                    if (start.is_some() || after_label || is_task_list(doc, items))
                        && list_items(doc, d, items, &defaults, priorities) =>
                {
                    d.taken.push(block.range.clone());
                }
                BlockKind::Table(head, rows)
                    if start.is_some()
                        && table(
                            doc,
                            d,
                            (head, rows),
                            block.range.start,
                            &defaults,
                            priorities,
                        ) =>
                {
                    d.taken.push(block.range.clone());
                }
                BlockKind::Paragraph => {
                    let source = doc.source(&block.range);
                    // `**Action items:**` alone: the list after it.
                    if is_actions_label(source) {
                        labelled = true;
                        continue;
                    }
                    // `**Action item:** Start incidents earlier. ...`
                    let lower = source.to_lowercase();
                    if let Some(rest) = ["**action item:**", "**action item**:", "action item:"]
                        .iter()
                        .find_map(|l| lower.starts_with(l).then(|| &source[l.len()..]))
                    {
                        let parsed = item::parse(rest.trim(), priorities, &refs).first_sentence();
                        push(d, parsed, &defaults, doc.line(block.range.start), source);
                        continue;
                    }
                    let plainly = start.is_some_and(|s| is_plainly_actions(&doc.sections[s].title));
                    if plainly && !has_list && source.len() <= 600 && !is_aside(source) {
                        let parsed = item::parse(source, priorities, &refs).first_sentence();
                        let whole = parsed.whole;
                        push(d, parsed, &defaults, doc.line(block.range.start), source);
                        if whole {
                            d.taken.push(block.range.clone());
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// A table of action items (its head and rows, at byte `at`), whose
/// items take the owner and status of `defaults` where they give none;
/// whether every cell went into a field.
fn table(
    doc: &Document,
    d: &mut Draft,
    (head, rows): (&[String], &[Vec<String>]),
    at: usize,
    defaults: &Item,
    priorities: &[String],
) -> bool {
    let (owner, status) = (defaults.owner.as_deref(), defaults.status);
    let col = |names: &[&str]| {
        head.iter().position(|h| {
            let h = h.to_lowercase();
            names.iter().any(|n| h.contains(n))
        })
    };
    let Some(task) = col(&["action", "task", "item"]) else {
        return false;
    };
    let owner_col = col(&["owner", "assignee"]);
    let ticket = col(&["bug", "ticket", "issue"]);
    let priority = col(&["priority"]);
    let due = col(&["due", "deadline"]);
    let status_col = col(&["status", "state"]);
    let used = [Some(task), owner_col, ticket, priority, due, status_col];
    let mut whole = (0..head.len()).all(|c| used.contains(&Some(c)));
    let line = doc.line(at);
    for (i, row) in rows.iter().enumerate() {
        let cell = |c: Option<usize>| {
            c.and_then(|c| row.get(c))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let Some(text) = cell(Some(task)) else {
            continue;
        };
        let mut it = Item {
            task: text.to_string(),
            owner: cell(owner_col).or(owner).map(str::to_string),
            ticket: cell(ticket).map(str::to_string),
            status,
            ..Item::default()
        };
        if let Some(p) = cell(priority) {
            if priorities.iter().any(|q| q == p) {
                it.priority = Some(p.to_string());
            } else {
                whole = false;
            }
        }
        if let Some(due) = cell(due) {
            match super::when::date_in_prose(due) {
                Some((date, _)) => it.due = Some(date.to_string()),
                None => whole = false,
            }
        }
        if let Some(s) = cell(status_col) {
            let s = s.to_lowercase();
            it.status = if s.contains("done") || s.contains("complete") || s.contains("fixed") {
                Some("done")
            } else if s.contains("progress") || s.contains("started") {
                Some("in-progress")
            } else {
                Some("open")
            };
        }
        d.guess("action item", &it.task, line + 2 + i, &row.join(" | "));
        d.items.push(it);
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Draft {
        let doc = Document::parse(text);
        let mut d = Draft::default();
        action_items(&doc, &mut d, Some("sre"), &["P1".into(), "P2".into()]);
        d
    }

    #[test]
    fn list_shapes() {
        let d = items("## Action Items\n\n- [Alert on replication lag (#1094)](https://gitlab.com/g/p/-/issues/1094)\n- Move timeouts to runtime configuration\n");
        assert_eq!(d.items[0].task, "Alert on replication lag");
        assert_eq!(
            d.items[0].ticket.as_deref(),
            Some("https://gitlab.com/g/p/-/issues/1094")
        );
        assert_eq!(d.items[1].task, "Move timeouts to runtime configuration");
        assert_eq!(d.items[1].owner.as_deref(), Some("sre"));
        assert_eq!(d.taken.len(), 1);
        let d = items("## Remediation\n\n### Immediate Actions (Completed)\n\n- Timeouts raised\n\n### Short-term\n\n- **Circuit breakers**: with exponential backoff.\n\n1. **Runbooks**\n\n   For every rollback.\n");
        assert_eq!(
            d.items
                .iter()
                .map(|i| (i.task.as_str(), i.status))
                .collect::<Vec<_>>(),
            [
                ("Timeouts raised", Some("done")),
                ("Circuit breakers: with exponential backoff.", None),
                ("Runbooks", None)
            ]
        );
        // A lead with its sentence is the whole item; the paragraph under
        // a lead stays in the body.
        assert_eq!(d.taken.len(), 2);
    }

    #[test]
    fn items_in_more_places_and_shapes() {
        let d = items("## What has been done about this?\n\n*   Power down the exposed hosts.\n*   Audit the repositories to:\n    * check every commit\n\n## Improvements ([tracked in #512](https://github.com/acme/ops/issues/512))\n\n- **Strike team**: review the service end to end\n- Update the charts. Owner: @bo\n\n## Notes\n\nAfter the meeting, make sure that:\n\n- [x] The report is pushed\n- [] Follow-ups are filed\n\n**Action item:** Declare incidents sooner. We waited two hours. Owner: @cy\n\nAction Items\n\n- Alert on expiring certificates\n");
        type Row<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);
        let got: Vec<Row> = d
            .items
            .iter()
            .map(|i| {
                (
                    i.task.as_str(),
                    i.status,
                    i.owner.as_deref(),
                    i.ticket.as_deref(),
                )
            })
            .collect();
        let issue = Some("https://github.com/acme/ops/issues/512");
        assert_eq!(
            got,
            [
                (
                    "Power down the exposed hosts.",
                    Some("done"),
                    Some("sre"),
                    None
                ),
                (
                    "Audit the repositories to:",
                    Some("done"),
                    Some("sre"),
                    None
                ),
                (
                    "Strike team: review the service end to end",
                    None,
                    Some("sre"),
                    issue
                ),
                ("Update the charts.", None, Some("bo"), issue),
                ("The report is pushed", Some("done"), Some("sre"), None),
                ("Follow-ups are filed", Some("open"), Some("sre"), None),
                ("Declare incidents sooner.", None, Some("cy"), None),
                ("Alert on expiring certificates", None, Some("sre"), None),
            ]
        );
        // Paragraphs are items where such a section has no list.
        let d = items("## What is being done\n\nLarge pools were asked to switch back to the old version.\n\n## What will be done\n\nA full report will follow.\n\n## Questions\n\n### What should I do?\n\nNothing.\n");
        let got: Vec<(&str, Option<&str>)> = d
            .items
            .iter()
            .map(|i| (i.task.as_str(), i.status))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Large pools were asked to switch back to the old version.",
                    Some("done")
                ),
                ("A full report will follow.", None),
            ]
        );
    }

    #[test]
    fn tables_with_named_columns() {
        let d = items("## Action Items\n\n| Action Item | Type | Owner | Bug |\n|---|---|---|---|\n| Update playbook | mitigate | jennifer | n/a |\n| Add a load test | prevent | martym | Bug 5554823 |\n");
        assert_eq!(d.items.len(), 2);
        assert_eq!(d.items[1].owner.as_deref(), Some("martym"));
        assert_eq!(d.items[1].ticket.as_deref(), Some("Bug 5554823"));
        // The Type column has no field: the table stays in the body.
        assert!(d.taken.is_empty());
        let d = items("## Follow-ups\n\n| Task | Owner | Priority | Due |\n|---|---|---|---|\n| Add alert | ana | P1 | 2019-01-31 |\n");
        assert_eq!(
            (d.items[0].priority.as_deref(), d.items[0].due.as_deref()),
            (Some("P1"), Some("2019-01-31"))
        );
        assert_eq!(d.taken.len(), 1);
    }

    #[test]
    fn paragraphs_are_items_only_under_a_heading_that_names_actions() {
        let d = items("## Action items\n\nRotate the signing keys every quarter. The last rotation was in 2019.\n\n*Last updated: 2024-01-02*\n");
        assert_eq!(
            d.items.iter().map(|i| i.task.as_str()).collect::<Vec<_>>(),
            ["Rotate the signing keys every quarter."]
        );
        // Prevention may be an essay: its lists are items, its prose is not.
        let d = items("## Preventing spoofed mail\n\nMail servers decide on their own whether to trust a sender.\n\n- Publish a DMARC policy\n");
        assert_eq!(
            d.items.iter().map(|i| i.task.as_str()).collect::<Vec<_>>(),
            ["Publish a DMARC policy"]
        );
        let d = items("## Preventing spoofed mail\n\nMail servers decide on their own whether to trust a sender.\n");
        assert!(d.items.is_empty());
    }
}
