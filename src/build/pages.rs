//! Rendering each page of the plan (one function per kind of
//! [`super::plan::Job`]) into the staging folder; each returns how many
//! files it wrote. Also the sidebar and the list entries' summaries, which
//! the derive stage renders once for every page.

use super::views::{self, page_path, pagination, LinkView, SiteView, Taxonomies, Urls};
use super::{BuildError, Site};
use crate::content::WriteUp;
use crate::datetime;
use crate::taxonomy::{Kind, Term};
use crate::templates::{Templates, THEME_STATIC};
use serde::Serialize;
use std::collections::BTreeMap;
use tera::Context;

impl Site<'_> {
    /// The context every template gets.
    pub(super) fn context(&self, title: &str, path: &str, feeds: Vec<LinkView>) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &self.site);
        // Also on its own: pages link with it a dozen times, and a name
        // without a dot is the cheapest lookup Tera has.
        ctx.insert("root", &self.site.root);
        ctx.insert("sidebar", &self.sidebar);
        ctx.insert("page_title", title);
        ctx.insert("canonical", &self.urls.absolute(path));
        ctx.insert("current_path", path);
        let mut all = vec![LinkView {
            name: format!("{} (all write-ups)", self.config.title),
            url: self.urls.link("rss.xml"),
        }];
        all.extend(feeds);
        ctx.insert("feeds", &all);
        ctx
    }

    /// Renders `template` to `<path>index.html`.
    pub(super) fn page(
        &self,
        template: &str,
        ctx: &Context,
        path: &str,
    ) -> Result<usize, BuildError> {
        thread_local! {
            static PAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        PAGE.with_borrow_mut(|html| {
            self.templates.render_into(template, ctx, html)?;
            self.staging.write(&format!("{path}index.html"), html)?;
            Ok(1)
        })
    }

    /// Renders page `number` (0 is the first) of the list of `indices`
    /// (newest first) at `base`.
    #[allow(clippy::too_many_arguments)]
    fn list_page(
        &self,
        template: &str,
        base: &str,
        title: &str,
        indices: &[usize],
        per_page: usize,
        number: usize,
        extra: &dyn Fn(&mut Context),
        feeds: Vec<LinkView>,
    ) -> Result<usize, BuildError> {
        let total = indices.len().div_ceil(per_page).max(1);
        let chunk = indices.chunks(per_page).nth(number).unwrap_or(&[]);
        let full_posts = self.config.home_full_posts && base.is_empty();
        let number = number + 1;
        let path = page_path(base, number);
        let page_title = if number > 1 {
            format!("{title} (page {number})")
        } else {
            title.to_string()
        };
        let mut ctx = self.context(&page_title, &path, feeds);
        // Each list page would serialise its entries anew; the default term
        // pages show only the rendered summaries.
        if self.templates.may_use(template, "entries") {
            let entries: Vec<&views::EntryView> =
                chunk.iter().map(|&i| &self.entries[i].view).collect();
            ctx.insert("entries", &entries);
        }
        let summaries: Vec<&str> = chunk
            .iter()
            .map(|&i| self.entries[i].summary.as_str())
            .collect();
        ctx.insert("summaries", &summaries);
        if full_posts {
            let bodies: Vec<&str> = chunk.iter().map(|&i| self.bodies[i].as_str()).collect();
            ctx.insert("bodies", &bodies);
        }
        ctx.insert("full_posts", &full_posts);
        ctx.insert("pagination", &pagination(base, number, total, &self.urls));
        extra(&mut ctx);
        self.page(template, &ctx, &path)
    }
}

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

/// One entry as list pages show it, rendered once per build with
/// `entry.html` rather than once per list it is on.
pub(super) fn summary(
    templates: &Templates,
    site_view: &SiteView,
    entry: &views::EntryView,
) -> Result<String, BuildError> {
    let mut ctx = Context::new();
    ctx.insert("site", site_view);
    ctx.insert("entry", entry);
    Ok(templates.render("entry.html", &ctx)?)
}

pub(super) fn writeup_page(site: &Site, i: usize) -> Result<usize, BuildError> {
    let n = site.writeups.len();
    let w: &WriteUp = site.writeups[i];
    let mut view = views::page_view(
        w,
        views::page_entry(w, &site.entries[i].view, site.config, &site.urls, &site.tax),
        &site.bodies[i],
        &site.fields[i],
        site.config,
    );
    let link = |j: usize| LinkView {
        name: site.entries[j].view.title.clone(),
        url: site.entries[j].view.url.clone(),
    };
    // The list is newest first: the next (newer) one is before.
    view.next = (i > 0).then(|| link(i - 1));
    view.previous = (i + 1 < n).then(|| link(i + 1));
    view.related = site.related[i]
        .iter()
        .map(|r| {
            let e = &site.entries[r.index].view;
            views::RelatedView {
                title: e.title.clone(),
                url: e.url.clone(),
                date_long: e.date_long.clone(),
                shared: r.shared.clone(),
                explicit: r.explicit,
            }
        })
        .collect();
    view.taxonomies = views::declared_terms(w, &site.tax, &site.urls);
    let path = Urls::writeup_path(&w.slug);
    let mut ctx = site.context(&w.title, &path, Vec::new());
    ctx.insert("page", &view);
    site.page("incident.html", &ctx, &path)
}

pub(super) fn home_page(site: &Site, number: usize) -> Result<usize, BuildError> {
    let all: Vec<usize> = (0..site.writeups.len()).collect();
    site.list_page(
        "index.html",
        "",
        &site.config.title,
        &all,
        site.config.paginate.max(1),
        number,
        &|_| {},
        Vec::new(),
    )
}

#[derive(Serialize, Clone)]
pub(super) struct TermView {
    name: String,
    slug: String,
    url: String,
    feed_url: Option<String>,
    count: usize,
    size: u8,
    color: Option<String>,
    description: Option<String>,
}

/// Every term of every taxonomy as its pages show it, by taxonomy.
pub(super) fn term_views(
    config: &crate::config::Config,
    urls: &Urls,
    tax: &Taxonomies,
) -> Vec<Vec<TermView>> {
    tax.0
        .iter()
        .map(|taxonomy| {
            let sizes: BTreeMap<&str, u8> = taxonomy
                .cloud(usize::MAX)
                .into_iter()
                .map(|(t, s)| (t.slug.as_str(), s))
                .collect();
            taxonomy
                .terms
                .iter()
                .map(|term| {
                    let size = sizes.get(term.slug.as_str()).copied().unwrap_or(3);
                    term_view(config, urls, taxonomy, term, size)
                })
                .collect()
        })
        .collect()
}

fn term_view(
    config: &crate::config::Config,
    urls: &Urls,
    taxonomy: &crate::taxonomy::Taxonomy,
    term: &Term,
    size: u8,
) -> TermView {
    let path = Urls::term_path(taxonomy.key(), &term.slug);
    let severity =
        (taxonomy.kind == Kind::SEVERITY).then(|| views::severity_view(&term.name, config, urls));
    TermView {
        name: term.name.clone(),
        slug: term.slug.clone(),
        url: urls.link(&path),
        feed_url: taxonomy
            .def
            .feed
            .then(|| urls.link(&format!("{path}rss.xml"))),
        count: term.pages.len(),
        size,
        color: severity.as_ref().map(|s| s.color.clone()),
        description: match severity {
            Some(s) => Some(s.description),
            None => taxonomy.description(term).map(str::to_string),
        },
    }
}

/// The site's `templates/KEY/NAME` for a taxonomy's page, else `theme`.
fn taxonomy_template(site: &Site, key: &str, name: &str, theme: &str) -> String {
    let own = format!("{key}/{name}");
    if site.templates.has(&own) {
        own
    } else {
        theme.to_string()
    }
}

/// The page of taxonomy `k`'s terms and their counts (`taxonomy.html`, or
/// the site's `templates/KEY/list.html`).
pub(super) fn taxonomy_page(site: &Site, k: usize) -> Result<usize, BuildError> {
    let taxonomy = &site.tax.0[k];
    let key = taxonomy.key();
    let base = format!("{key}/");
    let mut ctx = site.context(&taxonomy.def.title, &base, Vec::new());
    ctx.insert("kind", key);
    ctx.insert("title", &taxonomy.def.title);
    ctx.insert("terms", &site.term_views[k]);
    site.page(
        &taxonomy_template(site, key, "list.html", "taxonomy.html"),
        &ctx,
        &base,
    )
}

/// Page `number` of term `t` of taxonomy `k` (`term.html`, or the site's
/// `templates/KEY/term.html`).
pub(super) fn term_page(
    site: &Site,
    k: usize,
    t: usize,
    number: usize,
) -> Result<usize, BuildError> {
    let taxonomy = &site.tax.0[k];
    let key = taxonomy.key();
    let def = &taxonomy.def;
    let term = &taxonomy.terms[t];
    let view = &site.term_views[k][t];
    let base = format!("{key}/");
    let path = Urls::term_path(key, &term.slug);
    let title = format!("{}: {}", def.singular, term.name);
    let feeds: Vec<LinkView> = view
        .feed_url
        .iter()
        .map(|url| LinkView {
            name: format!("{} ({})", term.name, def.singular.to_lowercase()),
            url: url.clone(),
        })
        .collect();
    let extra = |ctx: &mut Context| {
        ctx.insert("kind", key);
        ctx.insert("kind_singular", &def.singular);
        ctx.insert("kind_title", &def.title);
        ctx.insert("kind_url", &site.urls.link(&base));
        ctx.insert("term", view);
    };
    site.list_page(
        &taxonomy_template(site, key, "term.html", "term.html"),
        &path,
        &title,
        &term.pages,
        taxonomy.per_page(site.config),
        number,
        &extra,
        feeds,
    )
}

#[derive(Serialize)]
struct MonthView<'a> {
    name: String,
    count: usize,
    entries: Vec<&'a views::EntryView>,
}

#[derive(Serialize)]
struct YearView<'a> {
    year: i16,
    count: usize,
    months: Vec<MonthView<'a>>,
}

pub(super) fn archive(site: &Site) -> Result<usize, BuildError> {
    let mut years: Vec<YearView> = Vec::new();
    for (i, w) in site.writeups.iter().enumerate() {
        let month = datetime::month_name(w.date);
        if years.last().is_none_or(|y| y.year != w.date.year()) {
            years.push(YearView {
                year: w.date.year(),
                count: 0,
                months: Vec::new(),
            });
        }
        let Some(year) = years.last_mut() else {
            continue;
        };
        year.count += 1;
        if year.months.last().is_none_or(|m| m.name != month) {
            year.months.push(MonthView {
                name: month,
                count: 0,
                entries: Vec::new(),
            });
        }
        if let Some(m) = year.months.last_mut() {
            m.count += 1;
            m.entries.push(&site.entries[i].view);
        }
    }
    let mut ctx = site.context("Archive", "archive/", Vec::new());
    ctx.insert("years", &years);
    ctx.insert("total", &site.writeups.len());
    site.page("archive.html", &ctx, "archive/")
}

pub(super) fn search_page(site: &Site) -> Result<usize, BuildError> {
    let ctx = site.context("Search", "search/", Vec::new());
    site.page("search.html", &ctx, "search/")
}

pub(super) fn not_found(site: &Site) -> Result<usize, BuildError> {
    let ctx = site.context("Page not found", "404.html", Vec::new());
    let html = site.templates.render("404.html", &ctx)?;
    site.staging.write("404.html", html.as_bytes())?;
    Ok(1)
}

/// File `a` of write-up `i`, copied beside its page.
pub(super) fn writeup_file(
    site: &Site,
    root: &std::path::Path,
    i: usize,
    a: usize,
) -> Result<usize, BuildError> {
    let w = site.writeups[i];
    let asset = &w.assets[a];
    let content = root.join("content");
    let to = Urls::asset_path(&w.slug, &asset.publish);
    if asset.sanitize {
        let svg = crate::confine::read(&content, &asset.source)
            .map_err(|e| e.to_string())
            .and_then(|bytes| crate::content::sanitize_svg(&bytes))
            .map_err(|reason| crate::output::OutputError::Source {
                path: content.join(&asset.source),
                reason,
            })?;
        site.staging.write(&to, &svg)?;
    } else {
        site.staging.copy_file(&content, &asset.source, &to)?;
    }
    Ok(1)
}

/// The theme's static files, the highlighting stylesheet, then the site's
/// `static/` folder (which may override them).
pub(super) fn assets(site: &Site, root: &std::path::Path) -> Result<usize, BuildError> {
    for (name, text) in THEME_STATIC {
        site.staging.write(name, text.as_bytes())?;
    }
    let css = crate::highlight::stylesheet(
        &site.config.markdown.highlight_theme,
        &site.config.markdown.highlight_theme_dark,
    );
    site.staging.write("highlight.css", css.as_bytes())?;
    let mut files = THEME_STATIC.len() + 1;
    let static_dir = root.join("static");
    if static_dir.is_dir() {
        files += site.staging.copy_tree(&static_dir)?;
    }
    Ok(files)
}
