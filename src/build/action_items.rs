//! `/action-items/`: every write-up's follow-ups as one list, each item
//! once, what is still to do first. Each filter (overdue, a status, a
//! severity, an owner, a term of the site's own taxonomies) is its own
//! page, so the filters work without JavaScript; `items.js` swaps those
//! pages in place. Every list is paginated, so no page grows with the
//! site.

use super::views::{page_path, pagination, LinkView, SeverityView};
use super::{BuildError, Rendering};
use crate::content::ItemStatus;
use crate::text::slugify;
use serde::Serialize;
use std::collections::BTreeMap;

/// Items per page: at most about 100 KB of HTML a page (about 650 bytes an
/// item, with the filters and the sidebar), whatever the site's size.
pub const PER_PAGE: usize = 100;

/// The folder of every page here.
const DIR: &str = "action-items/";

#[derive(Serialize)]
struct ItemRow {
    task_html: String,
    owner: String,
    /// Their page, when they still have something to do.
    owner_url: Option<String>,
    priority: Option<String>,
    status: &'static str,
    due: Option<String>,
    overdue: bool,
    ticket: Option<String>,
    ticket_url: Option<String>,
    incident_title: String,
    incident_url: String,
    severity: SeverityView,
}

/// What the filters read of an item.
struct Item {
    row: ItemRow,
    status: ItemStatus,
    owner_slug: String,
    severity: String,
    /// The write-up's terms of each of the site's own taxonomies, as slugs.
    terms: Vec<Vec<String>>,
}

/// One page of filters: its own list, under `DIR` + `path`.
struct Filter {
    path: String,
    /// Its link's text: `Overdue`, `SEV1`, `eng-41`.
    heading: String,
    /// What its list is: `Overdue`, `Owner eng-41: still to do`.
    list_heading: String,
    items: Vec<usize>,
}

#[derive(Serialize)]
struct FilterLink {
    name: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct FilterGroup {
    label: String,
    links: Vec<FilterLink>,
}

fn items(site: &Rendering) -> Vec<Item> {
    let d = &site.derived;
    let own = d.tax.declared();
    let mut items = Vec::new();
    for (i, w) in d.writeups.iter().enumerate() {
        let terms: Vec<Vec<String>> = own
            .iter()
            .map(|t| {
                w.names(t.key())
                    .iter()
                    .filter_map(|n| t.term(n))
                    .map(|term| term.slug.clone())
                    .collect()
            })
            .collect();
        for (j, a) in w.action_items.iter().enumerate() {
            let owner_slug = slugify(&a.owner);
            items.push(Item {
                row: ItemRow {
                    task_html: super::fields::FieldsHtml::or_plain(
                        d.fields[i].tasks.get(j).and_then(Option::as_ref),
                        &a.task,
                    ),
                    owner: a.owner.clone(),
                    owner_url: None,
                    priority: a.priority.clone(),
                    status: a.status.as_str(),
                    due: a.due.map(|d| d.to_string()),
                    overdue: a.is_overdue(d.today),
                    ticket: a.ticket.as_deref().map(crate::tickets::label),
                    ticket_url: a.ticket_link(d.config),
                    incident_title: w.title.clone(),
                    incident_url: format!("{}#action-items", d.entries[i].view.url),
                    severity: d.entries[i].view.severity.clone(),
                },
                status: a.status,
                owner_slug,
                severity: w.severity.clone(),
                terms: terms.clone(),
            });
        }
    }
    // Overdue first, then by due date and priority (none last), task.
    items.sort_by(|a, b| {
        fn key(r: &ItemRow) -> (bool, bool, Option<&str>, bool, Option<&str>) {
            (
                !r.overdue,
                r.due.is_none(),
                r.due.as_deref(),
                r.priority.is_none(),
                r.priority.as_deref(),
            )
        }
        key(&a.row)
            .cmp(&key(&b.row))
            .then_with(|| a.row.task_html.cmp(&b.row.task_html))
    });
    items
}

/// Every filter page, and the groups of links to them.
fn filters(site: &Rendering, items: &[Item]) -> (Vec<Filter>, Vec<FilterGroup>) {
    let d = &site.derived;
    let still_to_do: Vec<usize> = (0..items.len())
        .filter(|&i| !items[i].status.is_closed())
        .collect();
    let which = |keep: &dyn Fn(&Item) -> bool| -> Vec<usize> {
        still_to_do
            .iter()
            .copied()
            .filter(|&i| keep(&items[i]))
            .collect()
    };
    let mut filters = Vec::new();
    let mut groups = Vec::new();
    // A filter with nothing in it has no link (but the first). Its page
    // stays only when it is a status: a bookmarked "overdue" then says
    // there are none rather than 404; the others are left out before.
    let mut group = |label: &str, pages: Vec<Filter>, filters: &mut Vec<Filter>| {
        let links = pages
            .iter()
            .filter(|f| !f.items.is_empty() || f.path.is_empty())
            .map(|f| FilterLink {
                name: f.heading.clone(),
                url: d.urls.link(&format!("{DIR}{}", f.path)),
                count: f.items.len(),
            })
            .collect::<Vec<_>>();
        if !links.is_empty() {
            groups.push(FilterGroup {
                label: label.to_string(),
                links,
            });
        }
        filters.extend(pages);
    };

    let status = |path: &str, name: &str, keep: &dyn Fn(&Item) -> bool| Filter {
        path: path.to_string(),
        heading: name.to_string(),
        list_heading: name.to_string(),
        items: which(keep),
    };
    let still = |label: &str, path: String, name: &str, items: Vec<usize>| Filter {
        path,
        heading: name.to_string(),
        list_heading: format!("{label} {name}: still to do"),
        items,
    };
    let mut by_status = vec![
        status("", "Still to do", &|_| true),
        status("overdue/", "Overdue", &|i| i.row.overdue),
        status("open/", "Open", &|i| i.status == ItemStatus::Open),
        status("in-progress/", "In progress", &|i| {
            i.status == ItemStatus::InProgress
        }),
    ];
    by_status.push(Filter {
        path: "closed/".into(),
        heading: "Closed".into(),
        list_heading: "Closed".into(),
        items: (0..items.len())
            .filter(|&i| items[i].status.is_closed())
            .collect(),
    });
    group("Status", by_status, &mut filters);

    let by_severity = d
        .config
        .severities
        .iter()
        .map(|level| {
            still(
                "Severity",
                format!("severity/{}/", slugify(&level.name)),
                &level.name,
                which(&|i| i.severity == level.name),
            )
        })
        .filter(|f| !f.items.is_empty())
        .collect();
    group("Severity", by_severity, &mut filters);

    for (t, tax) in d.tax.declared().iter().enumerate() {
        let pages = tax
            .terms
            .iter()
            .map(|term| {
                still(
                    &tax.def.singular,
                    format!("{}/{}/", tax.key(), term.slug),
                    &term.name,
                    which(&|i| i.terms[t].contains(&term.slug)),
                )
            })
            .filter(|f| !f.items.is_empty())
            .collect();
        group(&tax.def.singular, pages, &mut filters);
    }

    // Owners with nothing left to do have no page and no link.
    let mut owners: BTreeMap<&str, (&str, Vec<usize>)> = BTreeMap::new();
    for &i in &still_to_do {
        owners
            .entry(&items[i].owner_slug)
            .or_insert((&items[i].row.owner, Vec::new()))
            .1
            .push(i);
    }
    let by_owner = owners
        .into_iter()
        .map(|(slug, (name, items))| still("Owner", format!("owner/{slug}/"), name, items))
        .collect();
    group("Owner", by_owner, &mut filters);
    (filters, groups)
}

pub(super) fn action_item_pages(site: &Rendering) -> Result<usize, BuildError> {
    let d = &site.derived;
    let mut items = items(site);
    let (filters, groups) = filters(site, &items);
    // An owner's name links to their page; one with nothing left to do
    // has none.
    let pages: std::collections::HashSet<&str> = filters.iter().map(|f| f.path.as_str()).collect();
    for item in &mut items {
        let path = format!("owner/{}/", item.owner_slug);
        if pages.contains(path.as_str()) {
            item.row.owner_url = Some(d.urls.link(&format!("{DIR}{path}")));
        }
    }
    let closed = items.iter().filter(|i| i.status.is_closed()).count();
    let overdue = items.iter().filter(|i| i.row.overdue).count();
    let mut files = 0;
    let mut written = std::collections::HashSet::new();
    for (f, filter) in filters.iter().enumerate() {
        let base = format!("{DIR}{}", filter.path);
        let pages = filter.items.len().div_ceil(PER_PAGE).max(1);
        for page in 1..=pages {
            let path = page_path(&base, page);
            let title = match (f, page) {
                (0, 1) => "Action items".to_string(),
                (0, _) => format!("Action items, page {page}"),
                (_, 1) => format!("Action items: {}", filter.heading),
                _ => format!("Action items: {}, page {page}", filter.heading),
            };
            let shown: Vec<&ItemRow> = filter
                .items
                .iter()
                .skip((page - 1) * PER_PAGE)
                .take(PER_PAGE)
                .map(|&i| &items[i].row)
                .collect();
            let mut ctx = site.context(&title, &path, Vec::new());
            ctx.insert("title", &title);
            ctx.insert("list_heading", &filter.list_heading);
            ctx.insert("is_closed_list", &(filter.path == "closed/"));
            ctx.insert("groups", &groups);
            ctx.insert("current_url", &d.urls.link(&base));
            ctx.insert("items", &shown);
            ctx.insert("count", &filter.items.len());
            ctx.insert("first", &((page - 1) * PER_PAGE + 1));
            ctx.insert("last", &((page - 1) * PER_PAGE + shown.len()));
            ctx.insert("pagination", &pagination(&base, page, pages, &d.urls));
            ctx.insert("total", &items.len());
            ctx.insert("closed", &closed);
            ctx.insert("overdue", &overdue);
            ctx.insert("today", &d.today.to_string());
            ctx.insert(
                "all_url",
                &LinkView {
                    name: "all still to do".into(),
                    url: d.urls.link(DIR),
                },
            );
            files += site.page("action-items.html", &ctx, &path)?;
            written.insert(format!("{path}index.html"));
        }
    }
    // An update keeps only this build's pages: an owner whose last item
    // closed loses theirs.
    let keep = written.iter().map(String::as_str).collect();
    site.staging
        .remove_others(DIR.trim_end_matches('/'), &keep)?;
    Ok(files)
}
