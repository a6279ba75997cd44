//! Action items, under Action items, Follow-ups, Next steps, Remediation,
//! Corrective actions or "Improving ... procedures": list items (a whole
//! item, an issue link `[Title (#1094)](url)`, a `**Lead**: text` bullet, a
//! `**Title**` with a paragraph), and tables with Action Item / Owner / Bug
//! / Priority / Due columns. A heading such as "Immediate actions
//! (completed)" gives the status of what is under it.

use super::document::{item_text, BlockKind, Document};
use super::draft::{Draft, Item};

fn is_actions(title: &str) -> bool {
    let t = title.to_lowercase();
    [
        "action item",
        "follow-up",
        "follow up",
        "followup",
        "next step",
        "remediation",
        "corrective action",
        "action plan",
    ]
    .iter()
    .any(|w| t.contains(w))
        || (t.starts_with("improving") && t.contains("procedure"))
}

/// The status a heading gives what is under it.
fn status_of(title: &str) -> Option<&'static str> {
    let t = title.to_lowercase();
    if t.contains("complete") || t.contains("(done)") || t.contains("already done") {
        Some("done")
    } else if t.contains("in progress") || t.contains("in-progress") || t.contains("ongoing") {
        Some("in-progress")
    } else {
        None
    }
}

/// One list item: the item, and whether all of its text is in it.
fn list_item(source: &str) -> (Item, bool) {
    let text = item_text(source);
    let (text, status) = if let Some(rest) = text.strip_prefix("[ ] ") {
        (rest, Some("open"))
    } else if let Some(rest) = text
        .strip_prefix("[x] ")
        .or_else(|| text.strip_prefix("[X] "))
    {
        (rest, Some("done"))
    } else {
        (text, None)
    };
    let item = |task: &str| Item {
        task: task.trim().to_string(),
        status,
        ..Item::default()
    };
    // `[Title (#1094)](https://.../issues/1094)`, the whole item.
    if text.starts_with('[') && text.ends_with(')') {
        if let Some((label, url)) = text[1..text.len() - 1].split_once("](") {
            if !label.contains(']') && crate::tickets::is_url(url) {
                let title = match label.rfind("(#") {
                    Some(at) if label.ends_with(')') => label[..at].trim(),
                    _ => label,
                };
                let mut it = item(title);
                it.ticket = Some(url.to_string());
                return (it, true);
            }
        }
    }
    // `**Lead**: text`, `**Title**` then a paragraph: the lead is the task.
    if let Some(rest) = text.strip_prefix("**") {
        if let Some((lead, after)) = rest.split_once("**") {
            let after = after.trim_start_matches([':', ' ', '-', '–']).trim();
            let lead = lead.trim().trim_end_matches(':');
            return (item(lead), after.is_empty());
        }
    }
    (item(&crate::text::squash_whitespace(text)), true)
}

pub fn action_items(doc: &Document, d: &mut Draft, owner: Option<&str>, priorities: &[String]) {
    let starts: Vec<usize> = (0..doc.sections.len())
        .filter(|&i| is_actions(&doc.sections[i].title))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for start in starts {
        let mut sections = vec![start];
        sections.extend(doc.children(start));
        for s in sections {
            if !seen.insert(s) {
                continue;
            }
            let section = &doc.sections[s];
            let status = status_of(&section.title).or(status_of(&doc.sections[start].title));
            for block in &section.blocks {
                match &block.kind {
                    BlockKind::List(items) => {
                        let mut whole = true;
                        for r in items {
                            let source = doc.source(r);
                            let (mut it, all) = list_item(source);
                            whole &= all;
                            it.status = it.status.or(status);
                            it.owner = owner.map(str::to_string);
                            d.guess("action item", &it.task, doc.line(r.start), source);
                            d.items.push(it);
                        }
                        if whole {
                            d.taken.push(block.range.clone());
                        }
                    }
                    BlockKind::Table(head, rows)
                        if table(
                            doc,
                            d,
                            head,
                            rows,
                            block.range.start,
                            owner,
                            status,
                            priorities,
                        ) =>
                    {
                        d.taken.push(block.range.clone());
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A table of action items; whether every cell went into a field.
#[allow(clippy::too_many_arguments)]
fn table(
    doc: &Document,
    d: &mut Draft,
    head: &[String],
    rows: &[Vec<String>],
    at: usize,
    owner: Option<&str>,
    status: Option<&'static str>,
    priorities: &[String],
) -> bool {
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
                ("Circuit breakers", None),
                ("Runbooks", None)
            ]
        );
        // The rest of a lead's text stays in the body.
        assert_eq!(d.taken.len(), 1);
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
}
