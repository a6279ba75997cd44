//! Tickets of action items on any tracker: a ticket written as a URL is
//! linked as given; an id (`INFRA-1094`, `gitlab-ce#27581`) is linked
//! through the site's `ticket_url`, one template or one per prefix. What a
//! ticket is called on a page, and the words search finds it by.

use serde::Serialize;

/// The site's `ticket_url`: one template for every ticket, or templates by
/// the ticket's prefix (`*` for the rest).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Templates {
    One(String),
    /// Longest prefix first.
    ByPrefix(Vec<(String, String)>),
}

/// Characters that end a ticket's prefix: `JIRA-12`, `gitlab-ce#27581`,
/// `org/repo#12`.
const SEPARATORS: &[char] = &['-', '#', ':', '/'];

/// Whether a ticket is written as a web address.
pub fn is_url(ticket: &str) -> bool {
    let lower = ticket.get(..8).unwrap_or(ticket).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

impl Templates {
    /// A mapping's entries, longest prefix first.
    pub fn by_prefix(mut entries: Vec<(String, String)>) -> Templates {
        entries.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Templates::ByPrefix(entries)
    }

    /// The template for `ticket` and its id (what follows the prefix).
    fn template_for<'t>(&'t self, ticket: &'t str) -> Option<(&'t str, &'t str)> {
        match self {
            Templates::One(template) => Some((template, id_of(ticket))),
            Templates::ByPrefix(entries) => entries.iter().find_map(|(prefix, template)| {
                if prefix == "*" {
                    return Some((template.as_str(), id_of(ticket)));
                }
                let head = ticket.get(..prefix.len())?;
                let rest = &ticket[prefix.len()..];
                (head.eq_ignore_ascii_case(prefix) && rest.starts_with(SEPARATORS))
                    .then(|| (template.as_str(), &rest[1..]))
            }),
        }
    }

    /// The prefixes of a mapping, for messages.
    pub fn prefixes(&self) -> Vec<&str> {
        match self {
            Templates::One(_) => Vec::new(),
            Templates::ByPrefix(entries) => entries.iter().map(|(p, _)| p.as_str()).collect(),
        }
    }

    /// Whether an id (not a URL) has a template.
    pub fn covers(&self, ticket: &str) -> bool {
        self.template_for(ticket).is_some()
    }
}

/// What follows the last separator of a ticket (`1094` of `INFRA-1094`),
/// or the whole ticket.
fn id_of(ticket: &str) -> &str {
    match ticket.rfind(SEPARATORS) {
        Some(at) if at + 1 < ticket.len() => &ticket[at + 1..],
        _ => ticket,
    }
}

/// The link of a ticket: a URL as given (http and https only), else
/// through `templates`, each placeholder encoded as one path segment.
pub fn link(templates: Option<&Templates>, ticket: &str) -> Option<String> {
    let ticket = ticket.trim();
    if is_url(ticket) {
        return Some(ticket.to_string());
    }
    let (template, id) = templates?.template_for(ticket)?;
    Some(
        template
            .replace("{ticket}", &crate::text::percent_encode(ticket))
            .replace("{id}", &crate::text::percent_encode(id)),
    )
}

/// A ticket as a page names it: an id as written; a URL shortened to
/// `repo#1094` for issues and merge requests, else to its host and path,
/// with the middle left out of a long path.
pub fn label(ticket: &str) -> String {
    let ticket = ticket.trim();
    if !is_url(ticket) {
        return ticket.to_string();
    }
    let rest = ticket.split_once("://").map_or(ticket, |(_, r)| r);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let path = rest
        .split(['?', '#'])
        .next()
        .unwrap_or(rest)
        .trim_end_matches('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != "-")
        .collect();
    if let [.., repo, kind, number] = parts.as_slice() {
        if matches!(*kind, "issues" | "pull" | "merge_requests" | "pulls")
            && number.bytes().all(|b| b.is_ascii_digit())
            && parts.len() >= 4
        {
            let mark = if *kind == "merge_requests" { '!' } else { '#' };
            return format!("{repo}{mark}{number}");
        }
    }
    if path.chars().count() <= 40 || parts.len() <= 3 {
        return path.to_string();
    }
    format!("{}/…/{}", parts[0], parts[parts.len() - 2..].join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> Templates {
        Templates::by_prefix(vec![
            (
                "JIRA".into(),
                "https://jira.example.com/browse/{ticket}".into(),
            ),
            (
                "gitlab-ce".into(),
                "https://gitlab.com/gitlab-org/gitlab-ce/-/issues/{id}".into(),
            ),
        ])
    }

    #[test]
    fn ids_link_through_their_prefix() {
        let t = map();
        assert_eq!(
            link(Some(&t), "JIRA-1094").as_deref(),
            Some("https://jira.example.com/browse/JIRA-1094")
        );
        assert_eq!(
            link(Some(&t), "gitlab-ce#27581").as_deref(),
            Some("https://gitlab.com/gitlab-org/gitlab-ce/-/issues/27581")
        );
        assert_eq!(link(Some(&t), "OPS-12"), None);
        assert_eq!(link(Some(&t), "JIRAX-12"), None);
        let all = Templates::by_prefix(vec![("*".into(), "https://t.example.com/{ticket}".into())]);
        assert_eq!(
            link(Some(&all), "OPS-12").as_deref(),
            Some("https://t.example.com/OPS-12")
        );
    }

    #[test]
    fn placeholders_are_one_path_segment() {
        let one = Templates::One("https://t.example.com/browse/{ticket}".into());
        assert_eq!(
            link(Some(&one), "a/b?c=d#e f").as_deref(),
            Some("https://t.example.com/browse/a%2Fb%3Fc%3Dd%23e%20f")
        );
    }

    #[test]
    fn urls_are_linked_as_given_and_shortened() {
        let url = "https://gitlab.com/gitlab-org/gitlab-ce/-/issues/27581";
        assert_eq!(link(None, url).as_deref(), Some(url));
        assert_eq!(label(url), "gitlab-ce#27581");
        assert_eq!(label("https://github.com/org/repo/pull/12"), "repo#12");
        assert_eq!(label("https://gitlab.com/g/p/-/merge_requests/7"), "p!7");
        assert_eq!(
            label("https://status.example.com/incident/1"),
            "status.example.com/incident/1"
        );
        assert_eq!(
            label("https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/edit"),
            "docs.google.com/…/1AbCdEfGhIjKlMnOpQrStUvWxYz/edit"
        );
        assert_eq!(link(None, "javascript:alert(1)"), None);
        assert_eq!(link(None, "INFRA-1"), None);
    }
}
