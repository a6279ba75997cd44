//! The pages about the whole history's follow-ups: `/action-items/` (what
//! is still open, by status and by owner) with `/action-items/closed/`
//! (done and won't do), and the data exports `/incidents.json` and
//! `/action-items.csv`. `/stats/` is `stats_page.rs`.

use super::views::Urls;
use super::{BuildError, Rendering};
use crate::content::ItemStatus;
use crate::insight::export;
use crate::text::slugify;
use jiff::civil::Date;
use serde::Serialize;

#[derive(Serialize, Clone)]
struct ItemRow {
    task: String,
    task_html: String,
    owner: String,
    owner_anchor: String,
    priority: Option<String>,
    status: &'static str,
    due: Option<String>,
    overdue: bool,
    ticket: Option<String>,
    ticket_url: Option<String>,
    incident_title: String,
    incident_url: String,
}

#[derive(Serialize)]
struct StatusGroup {
    status: &'static str,
    title: &'static str,
    items: Vec<ItemRow>,
}

#[derive(Serialize)]
struct OwnerGroup {
    name: String,
    anchor: String,
    open: usize,
    overdue: usize,
    items: Vec<ItemRow>,
}

fn action_items_context(
    site: &Rendering,
    today: Date,
) -> (Vec<StatusGroup>, Vec<OwnerGroup>, usize, usize) {
    let mut rows: Vec<(ItemStatus, ItemRow)> = Vec::new();
    for (i, w) in site.derived.writeups.iter().enumerate() {
        for (j, a) in w.action_items.iter().enumerate() {
            rows.push((
                a.status,
                ItemRow {
                    task: a.task.clone(),
                    task_html: super::fields::FieldsHtml::or_plain(
                        site.derived.fields[i].tasks.get(j).and_then(Option::as_ref),
                        &a.task,
                    ),
                    owner: a.owner.clone(),
                    owner_anchor: format!("owner-{}", slugify(&a.owner)),
                    priority: a.priority.clone(),
                    status: a.status.as_str(),
                    due: a.due.map(|d| d.to_string()),
                    overdue: a.is_overdue(today),
                    ticket: a.ticket.as_deref().map(crate::tickets::label),
                    ticket_url: a.ticket_link(site.derived.config),
                    incident_title: w.title.clone(),
                    incident_url: site.derived.entries[i].view.url.clone(),
                },
            ));
        }
    }
    // Overdue first, then by due date (none last), priority, task.
    rows.sort_by(|(_, a), (_, b)| {
        (!a.overdue, a.due.is_none(), &a.due, &a.priority, &a.task).cmp(&(
            !b.overdue,
            b.due.is_none(),
            &b.due,
            &b.priority,
            &b.task,
        ))
    });
    let groups = [
        (ItemStatus::Open, "Open"),
        (ItemStatus::InProgress, "In progress"),
        (ItemStatus::Done, "Done"),
        (ItemStatus::Wontfix, "Won't do"),
    ]
    .into_iter()
    .map(|(status, title)| StatusGroup {
        status: status.as_str(),
        title,
        items: rows
            .iter()
            .filter(|(s, _)| *s == status)
            .map(|(_, r)| r.clone())
            .collect(),
    })
    .collect();
    let mut owners: std::collections::BTreeMap<String, OwnerGroup> =
        std::collections::BTreeMap::new();
    for (status, row) in &rows {
        let group = owners
            .entry(row.owner_anchor.clone())
            .or_insert_with(|| OwnerGroup {
                name: row.owner.clone(),
                anchor: row.owner_anchor.clone(),
                open: 0,
                overdue: 0,
                items: Vec::new(),
            });
        // An owner's section is their to-do list: what is still open.
        if !status.is_closed() {
            group.open += 1;
            group.overdue += usize::from(row.overdue);
            group.items.push(row.clone());
        }
    }
    let total = rows.len();
    let overdue = rows.iter().filter(|(_, r)| r.overdue).count();
    (groups, owners.into_values().collect(), total, overdue)
}

pub(super) fn action_item_pages(site: &Rendering, today: Date) -> Result<usize, BuildError> {
    // What is still to do on one page; what is closed on another, so the
    // page people open every week stays small on a large site.
    let (groups, owners, total, overdue) = action_items_context(site, today);
    let (closed, open): (Vec<StatusGroup>, Vec<StatusGroup>) = groups
        .into_iter()
        .partition(|g| g.status == "done" || g.status == "wontfix");
    let closed_count: usize = closed.iter().map(|g| g.items.len()).sum();
    let mut files = 0;
    for (path, title, groups, owners) in [
        ("action-items/", "Action items", open, owners),
        (
            "action-items/closed/",
            "Closed action items",
            closed,
            Vec::new(),
        ),
    ] {
        let mut ctx = site.context(title, path, Vec::new());
        ctx.insert("title", title);
        ctx.insert("closed_page", &(path != "action-items/"));
        ctx.insert("groups", &groups);
        ctx.insert("owners", &owners);
        ctx.insert("total", &total);
        ctx.insert("closed", &closed_count);
        ctx.insert("overdue", &overdue);
        ctx.insert("today", &today.to_string());
        files += site.page("action-items.html", &ctx, path)?;
    }
    Ok(files)
}

/// `incidents.json` and `action-items.csv`.
pub(super) fn export_files(site: &Rendering, today: Date) -> Result<usize, BuildError> {
    let url_of =
        |w: &crate::content::WriteUp| site.derived.urls.absolute(&Urls::writeup_path(&w.slug));
    let json = export::incidents_json(&site.derived.writeups, site.derived.config, today, &url_of);
    let parts: Vec<&[u8]> = json.iter().map(Vec::as_slice).collect();
    site.staging.write_parts("incidents.json", &parts)?;
    let csv = export::action_items_csv(&site.derived.writeups, site.derived.config, today, &url_of);
    site.staging.write("action-items.csv", csv.as_bytes())?;
    Ok(2)
}
