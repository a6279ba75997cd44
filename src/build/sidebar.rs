//! The sidebar (About, "Pile o' Tags", "Stuff We Run", each taxonomy's
//! most used terms, the running counter), rendered once per build and
//! placed on every page.

use super::views::{LinkView, SiteView, Taxonomies, Urls};
use super::BuildError;
use crate::content::WriteUp;
use crate::taxonomy::Kind;
use crate::templates::Templates;
use serde::Serialize;
use tera::Context;

#[derive(Serialize)]
struct CloudTag {
    name: String,
    url: String,
    count: usize,
    size: u8,
}

/// A sidebar block of a taxonomy's most used terms.
#[derive(Serialize)]
struct SidebarBlock {
    key: String,
    title: String,
    url: String,
    terms: Vec<LinkView>,
    total: usize,
}

#[derive(Serialize)]
struct Counter {
    incidents: String,
    since_year: Option<i16>,
    action_items_closed: String,
}

/// The sidebar, rendered once and placed on every page.
pub(super) fn sidebar(
    config: &crate::config::Config,
    urls: &Urls,
    site_view: &SiteView,
    tax: &Taxonomies,
    writeups: &[&WriteUp],
    templates: &Templates,
    about_markdown: Option<&str>,
) -> Result<String, BuildError> {
    let about_html = about_markdown.filter(|_| config.sidebar.about).map(|md| {
        crate::markdown::render_with_base(md, config.markdown.raw_html, &[], &urls.root, &|_| None)
    });
    let tags = tax.get(Kind::TAGS);
    let cloud: Vec<CloudTag> = tags
        .cloud(config.sidebar.tag_cloud_size)
        .into_iter()
        .map(|(t, size)| CloudTag {
            name: t.name.clone(),
            url: urls.link(&Urls::term_path(tags.key(), &t.slug)),
            count: t.pages.len(),
            size,
        })
        .collect();
    // The most used, in the order of all of them, so that the sidebar on
    // every page does not grow with the number of terms.
    let most_used = |taxonomy: &crate::taxonomy::Taxonomy| -> Vec<LinkView> {
        let mut shown = taxonomy.most_used(config.sidebar.services_limit);
        shown.sort_by_key(|t| t.slug.as_str());
        shown
            .into_iter()
            .map(|t| LinkView {
                name: t.name.clone(),
                url: urls.link(&Urls::term_path(taxonomy.key(), &t.slug)),
            })
            .collect()
    };
    let services_taxonomy = tax.get(Kind::SERVICES);
    let services = if services_taxonomy.def.sidebar {
        most_used(services_taxonomy)
    } else {
        Vec::new()
    };
    // The others that ask for a block of their own.
    let blocks: Vec<SidebarBlock> = tax
        .0
        .iter()
        .filter(|t| t.def.sidebar && t.kind != Kind::TAGS && t.kind != Kind::SERVICES)
        .map(|t| SidebarBlock {
            key: t.key().to_string(),
            title: t.def.title.clone(),
            url: urls.link(&format!("{}/", t.key())),
            terms: most_used(t),
            total: t.terms.len(),
        })
        .collect();
    let closed: usize = writeups
        .iter()
        .map(|w| {
            w.action_items
                .iter()
                .filter(|a| a.status.is_closed())
                .count()
        })
        .sum();
    let counter = Counter {
        incidents: crate::text::thousands(writeups.len()),
        since_year: writeups.iter().map(|w| w.date.year()).min(),
        action_items_closed: crate::text::thousands(closed),
    };
    let mut ctx = Context::new();
    ctx.insert("site", site_view);
    ctx.insert("about_html", &about_html);
    ctx.insert("show_tags", &tags.def.sidebar);
    ctx.insert("tag_cloud", &cloud);
    ctx.insert("all_tags_url", &urls.link(&format!("{}/", tags.key())));
    ctx.insert("services", &services);
    ctx.insert("services_total", &services_taxonomy.terms.len());
    ctx.insert(
        "all_services_url",
        &urls.link(&format!("{}/", services_taxonomy.key())),
    );
    ctx.insert("taxonomies", &blocks);
    ctx.insert("links", &config.sidebar.links);
    ctx.insert("counter", &counter);
    Ok(templates.render("sidebar.html", &ctx)?)
}
