//! What the HTML exports of office tools mean beyond their tags, told to
//! the HTML-to-Markdown conversion (htmd) as element handlers, so that the
//! recognizers read an export as they read Markdown:
//!
//! - Google Docs ("Web page" export): bold set by a CSS class (`.c4{font-
//!   weight:700}`) is bold; `<p class="title">` is the title; a link through
//!   `google.com/url?q=` is a link to where it goes.
//! - Confluence: breadcrumbs, the table of contents and the footer are the
//!   wiki's, not the document's; the page title without its space
//!   (`Ops : Queue backlog`); "Created by" of the page's metadata; a
//!   page-properties table (a `<th>` then a `<td>` per row) is a block of
//!   labels (`**Severity:** SEV 2`); a status lozenge is its word; a
//!   mention is the person's name; a task list's items are check boxes
//!   with their owner and due date (`<time datetime>`).

use htmd::element_handler::{HandlerResult, Handlers};
use htmd::Element;
use markup5ever_rcdom::{Node, NodeData};
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

fn attr(e: &Element, name: &str) -> Option<String> {
    e.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| a.value.to_string())
}

fn node_attr(node: &Node, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

fn tag(node: &Node) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

fn has_class(class: Option<&str>, wanted: &str) -> bool {
    class.is_some_and(|c| c.split_whitespace().any(|c| c == wanted))
}

/// A Confluence mention of a person (`<a class="confluence-userlink
/// user-mention">`).
fn is_mention(class: Option<&str>) -> bool {
    has_class(class, "user-mention") || has_class(class, "confluence-userlink")
}

/// The visible text below `node`, its whitespace squashed.
fn text_of(node: &Node) -> String {
    fn walk(node: &Node, out: &mut String) {
        match &node.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            NodeData::Element { name, .. } if matches!(&*name.local, "script" | "style") => {}
            _ => {
                for child in node.children.borrow().iter() {
                    walk(child, out);
                }
                if tag(node).is_some_and(|t| matches!(t.as_str(), "p" | "br" | "div" | "li")) {
                    out.push(' ');
                }
            }
        }
    }
    let mut out = String::new();
    walk(node, &mut out);
    crate::text::squash_whitespace(&out)
}

fn element_children(node: &Node) -> Vec<Rc<Node>> {
    node.children
        .borrow()
        .iter()
        .filter(|c| tag(c).is_some())
        .cloned()
        .collect()
}

/// The classes a Google Docs export's style sheet makes bold.
fn bold_classes(html: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let lower = html.to_ascii_lowercase();
    let Some(start) = lower.find("<style") else {
        return out;
    };
    let end = lower[start..]
        .find("</style")
        .map_or(lower.len(), |e| start + e);
    for rule in html[start..end].split('}') {
        let Some((selector, body)) = rule.split_once('{') else {
            continue;
        };
        let body = body.replace(' ', "");
        if !(body.contains("font-weight:700") || body.contains("font-weight:bold")) {
            continue;
        }
        for sel in selector.split(',') {
            let sel = sel.trim();
            if let Some(class) = sel.strip_prefix('.') {
                if class
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    out.insert(class.to_string());
                }
            }
        }
    }
    out
}

/// The rows of a table: its `<tr>`s, also inside the row groups `groups`
/// names; `None` when it holds anything else (a caption and column widths
/// aside).
fn table_rows(table: &Node, groups: &[&str]) -> Option<Vec<Rc<Node>>> {
    let mut trs = Vec::new();
    for child in element_children(table) {
        match tag(&child).as_deref() {
            Some(t) if groups.contains(&t) => trs.extend(element_children(&child)),
            Some("tr") => trs.push(child),
            Some("colgroup" | "caption") => {}
            _ => return None,
        }
    }
    Some(trs)
}

/// The rows of a table whose every row is one `<th>` and one `<td>`: the
/// label and the value of each.
fn label_rows(table: &Node) -> Option<Vec<(String, String)>> {
    let mut rows = Vec::new();
    for tr in table_rows(table, &["tbody", "thead"])? {
        let cells = element_children(&tr);
        match &cells[..] {
            [th, td] if tag(th).as_deref() == Some("th") && tag(td).as_deref() == Some("td") => {
                rows.push((text_of(th), text_of(td)))
            }
            _ => return None,
        }
    }
    (!rows.is_empty()).then_some(rows)
}

/// The rows of a table of plain rows and cells (no cell spans rows or
/// holds a table), each cell's content as one line of Markdown.
fn grid(table: &Node, h: &dyn Handlers) -> Option<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    for tr in table_rows(table, &["tbody", "thead", "tfoot"])? {
        if tag(&tr).as_deref() != Some("tr") {
            return None;
        }
        let mut row = Vec::new();
        for cell in element_children(&tr) {
            if !matches!(tag(&cell).as_deref(), Some("td" | "th"))
                || node_attr(&cell, "rowspan").is_some_and(|n| n.trim() != "1")
                || contains_table(&cell)
            {
                return None;
            }
            let text = h.walk_children(&cell).content;
            let line = crate::text::squash_whitespace(&text).replace('|', "\\|");
            row.push(line);
        }
        rows.push(row);
    }
    let width = rows.first()?.len();
    (width >= 2 && rows.len() >= 2 && rows.iter().all(|r| r.len() == width)).then_some(rows)
}

fn contains_table(node: &Node) -> bool {
    element_children(node)
        .iter()
        .any(|c| tag(c).as_deref() == Some("table") || contains_table(c))
}

/// A Confluence task's text: the task, then its owner and due date as
/// words the action-item reader takes (`(owner: Ana Ruiz, due 2023-05-19)`).
fn task_text(li: &Node) -> String {
    let mut task = String::new();
    let mut owners = Vec::new();
    let mut due = None;
    fn walk(node: &Node, task: &mut String, owners: &mut Vec<String>, due: &mut Option<String>) {
        let class = node_attr(node, "class");
        match &node.data {
            NodeData::Text { contents } => task.push_str(&contents.borrow()),
            NodeData::Element { name, .. }
                if &*name.local == "a" && is_mention(class.as_deref()) =>
            {
                owners.push(text_of(node).trim_start_matches('@').to_string());
            }
            NodeData::Element { name, .. }
                if &*name.local == "time" && node_attr(node, "datetime").is_some() =>
            {
                *due = node_attr(node, "datetime");
            }
            _ => {
                for child in node.children.borrow().iter() {
                    walk(child, task, owners, due);
                }
            }
        }
    }
    walk(li, &mut task, &mut owners, &mut due);
    let mut out = crate::text::squash_whitespace(&task);
    let mut notes = Vec::new();
    if !owners.is_empty() {
        notes.push(format!("owner: {}", owners.join(", ")));
    }
    if let Some(due) = due {
        notes.push(format!("due {due}"));
    }
    if !notes.is_empty() {
        out.push_str(&format!(" ({})", notes.join(", ")));
    }
    out
}

/// The converter for `html`, with the handlers an export needs.
pub fn converter(html: &str) -> htmd::HtmlToMarkdown {
    let bold = Arc::new(bold_classes(html));
    htmd::HtmlToMarkdown::builder()
        .skip_tags(vec!["script", "style", "head", "nav", "footer"])
        .add_handler(
            vec!["span"],
            move |h: &dyn Handlers, e: Element| -> Option<HandlerResult> {
                let class = attr(&e, "class");
                let classes = class.as_deref().unwrap_or("");
                if has_class(Some(classes), "status-macro") {
                    return Some(text_of(e.node).into());
                }
                let is_bold = classes.split_whitespace().any(|c| bold.contains(c));
                let content = h.walk_children(e.node).content;
                if !is_bold || content.trim().is_empty() || content.contains("**") {
                    return Some(content.into());
                }
                // The marks go around the words, not the spaces.
                let lead = &content[..content.len() - content.trim_start().len()];
                let tail = &content[content.trim_end().len()..];
                Some(format!("{lead}**{}**{tail}", content.trim()).into())
            },
        )
        .add_handler(vec!["a"], |h: &dyn Handlers, e: Element| {
            let class = attr(&e, "class");
            if is_mention(class.as_deref()) {
                return Some(text_of(e.node).trim_start_matches('@').to_string().into());
            }
            let href = attr(&e, "href").unwrap_or_default();
            let target = href
                .split_once("google.com/url?q=")
                .filter(|(before, _)| before.ends_with("www.") || before.ends_with("//"))
                .map(|(_, rest)| rest.split('&').next().unwrap_or(rest).to_string());
            match target {
                Some(target) => {
                    let target = percent_decoded(&target);
                    let content = h.walk_children(e.node).content;
                    Some(format!("[{}]({target})", content.trim()).into())
                }
                None => h.fallback(e),
            }
        })
        .add_handler(vec!["p"], |h: &dyn Handlers, e: Element| {
            let class = attr(&e, "class");
            if has_class(class.as_deref(), "title") {
                return Some(format!("\n\n# {}\n\n", text_of(e.node)).into());
            }
            h.fallback(e)
        })
        .add_handler(vec!["table"], |h: &dyn Handlers, e: Element| {
            match label_rows(e.node) {
                Some(rows) => {
                    let lines: Vec<String> = rows
                        .iter()
                        .map(|(label, value)| {
                            format!("**{}:** {value}", label.trim_end_matches(':'))
                        })
                        .collect();
                    Some(format!("\n\n{}\n\n", lines.join("\n")).into())
                }
                None => match grid(e.node, h) {
                    // The first row is the header, as the exports write it.
                    Some(rows) => {
                        let line = |r: &Vec<String>| format!("| {} |", r.join(" | "));
                        let mut out = vec![line(&rows[0])];
                        out.push(format!("|{}", " --- |".repeat(rows[0].len())));
                        out.extend(rows[1..].iter().map(line));
                        Some(format!("\n\n{}\n\n", out.join("\n")).into())
                    }
                    None => h.fallback(e),
                },
            }
        })
        .add_handler(vec!["li"], |h: &dyn Handlers, e: Element| {
            if attr(&e, "data-inline-task-id").is_none() {
                return h.fallback(e);
            }
            let mark = if has_class(attr(&e, "class").as_deref(), "checked") {
                "[x]"
            } else {
                "[ ]"
            };
            Some(format!("\n- {mark} {}", task_text(e.node)).into())
        })
        .add_handler(
            vec!["div", "ol", "ul", "section"],
            |h: &dyn Handlers, e: Element| {
                let id = attr(&e, "id").unwrap_or_default();
                let class = attr(&e, "class");
                if matches!(
                    id.as_str(),
                    "breadcrumb-section" | "breadcrumbs" | "footer" | "navigation"
                ) || has_class(class.as_deref(), "toc-macro")
                {
                    return Some("".into());
                }
                if has_class(class.as_deref(), "page-metadata") {
                    let text = text_of(e.node);
                    let author = text
                        .strip_prefix("Created by ")
                        .and_then(|rest| rest.split([',', '\n']).next())
                        .map(str::trim)
                        .filter(|a| !a.is_empty());
                    return Some(match author {
                        Some(author) => format!("\n\n**Created by:** {author}\n\n").into(),
                        None => "".into(),
                    });
                }
                h.fallback(e)
            },
        )
        .add_handler(vec!["h1"], |h: &dyn Handlers, e: Element| {
            if attr(&e, "id").as_deref() == Some("title-heading") {
                let title = text_of(e.node);
                // `Space : Page`: the page's own title.
                let title = title.split_once(" : ").map_or(title.as_str(), |(_, t)| t);
                return Some(format!("\n\n# {title}\n\n").into());
            }
            h.fallback(e)
        })
        .build()
}

fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(a), Some(b)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((a * 16 + b) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        converter(html).convert(html).unwrap()
    }

    #[test]
    fn bold_by_class_is_bold_and_a_redirect_goes_where_it_points() {
        let page = "<style>.c1{font-weight:400}.c4{color:#000;font-weight:700}</style>\
            <p><span class=\"c4\">Date: </span><span class=\"c1\">2024-03-12</span></p>\
            <p><a href=\"https://www.google.com/url?q=https://x.example/a%23b&amp;sa=D\">it</a></p>";
        assert_eq!(bold_classes(page), HashSet::from(["c4".to_string()]));
        let out = md(page);
        assert!(out.contains("**Date:** 2024-03-12"), "{out}");
        assert!(out.contains("[it](https://x.example/a#b)"), "{out}");
    }

    #[test]
    fn tables_of_labels_and_of_paragraph_cells() {
        let labels = "<table><tbody><tr><th><p>Severity</p></th><td><span class=\"status-macro aui-lozenge\">SEV 2</span></td></tr>\
            <tr><th>Owner</th><td><a class=\"confluence-userlink user-mention\" href=\"/u\">Ana</a></td></tr></tbody></table>";
        assert_eq!(md(labels).trim(), "**Severity:** SEV 2\n**Owner:** Ana");
        let grid = "<table><tr><td><p>Time</p></td><td><p>Event</p></td></tr>\
            <tr><td><p>14:02</p></td><td><p>Deploy | one</p><p>two</p></td></tr></table>";
        assert_eq!(
            md(grid).trim(),
            "| Time | Event |\n| --- | --- |\n| 14:02 | Deploy \\| one two |"
        );
    }

    #[test]
    fn wiki_furniture_goes_and_tasks_are_check_boxes() {
        let page = "<div id=\"breadcrumb-section\"><ol><li>Ops</li></ol></div>\
            <h1 id=\"title-heading\"><span>Ops : Queue backlog</span></h1>\
            <div class=\"toc-macro\"><ul><li>Summary</li></ul></div>\
            <ul class=\"inline-task-list\"><li data-inline-task-id=\"1\" class=\"checked\">Raise it \
            <a class=\"user-mention\">@Bo</a> <time datetime=\"2023-05-03\">3 May</time></li></ul>";
        let out = md(page);
        assert_eq!(
            out.trim(),
            "# Queue backlog\n\n- [x] Raise it (owner: Bo, due 2023-05-03)"
        );
    }
}
