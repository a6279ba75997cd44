//! Rendering each page of the plan (one function per kind of
//! [`super::plan::Job`]) into the staging folder; each returns how many
//! files it wrote. Also the list entries' summaries, which the derive stage
//! renders once for every page.

use super::views::{self, page_path, pagination, LinkView, SiteView, Urls};
use super::{BuildError, Rendering};
use crate::content::WriteUp;
use crate::datetime;
use crate::taxonomy::Kind;
use crate::templates::{Templates, THEME_STATIC};
use serde::Serialize;
use tera::Context;

/// A list of write-ups shown a page at a time: the home page, a term's.
#[derive(Clone, Copy)]
struct List<'l> {
    template: &'l str,
    /// Where its first page is (`tags/dns/`; empty for the home page).
    base: &'l str,
    title: &'l str,
    /// The write-ups, newest first.
    indices: &'l [usize],
    per_page: usize,
}

impl Rendering<'_> {
    /// The context every template gets.
    pub(super) fn context(&self, title: &str, path: &str, feeds: Vec<LinkView>) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &self.derived.site);
        // Also on its own: pages link with it a dozen times, and a name
        // without a dot is the cheapest lookup Tera has.
        ctx.insert("root", &self.derived.site.root);
        ctx.insert("sidebar", &self.derived.sidebar);
        ctx.insert("page_title", title);
        ctx.insert("canonical", &self.derived.urls.absolute(path));
        ctx.insert("current_path", path);
        let mut all = vec![LinkView {
            name: format!("{} (all write-ups)", self.derived.config.title),
            url: self.derived.urls.link("rss.xml"),
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
            self.derived.templates.render_into(template, ctx, html)?;
            self.staging.write(&format!("{path}index.html"), html)?;
            Ok(1)
        })
    }

    /// Renders page `number` (0 is the first) of `list`.
    fn list_page(
        &self,
        list: &List,
        number: usize,
        extra: &dyn Fn(&mut Context),
        feeds: Vec<LinkView>,
    ) -> Result<usize, BuildError> {
        let List {
            template,
            base,
            title,
            indices,
            per_page,
        } = *list;
        let total = indices.len().div_ceil(per_page).max(1);
        let chunk = indices.chunks(per_page).nth(number).unwrap_or(&[]);
        let full_posts = self.derived.config.home_full_posts && base.is_empty();
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
        if self.derived.templates.may_use(template, "entries") {
            let entries: Vec<&views::EntryView> = chunk
                .iter()
                .map(|&i| &self.derived.entries[i].view)
                .collect();
            ctx.insert("entries", &entries);
        }
        let summaries: Vec<&str> = chunk
            .iter()
            .map(|&i| self.derived.entries[i].summary.as_str())
            .collect();
        ctx.insert("summaries", &summaries);
        if full_posts {
            let bodies: Vec<&str> = chunk
                .iter()
                .map(|&i| self.derived.bodies[i].as_str())
                .collect();
            ctx.insert("bodies", &bodies);
        }
        ctx.insert("full_posts", &full_posts);
        ctx.insert(
            "pagination",
            &pagination(base, number, total, &self.derived.urls),
        );
        extra(&mut ctx);
        self.page(template, &ctx, &path)
    }
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

pub(super) fn writeup_page(site: &Rendering, i: usize) -> Result<usize, BuildError> {
    let n = site.derived.writeups.len();
    let w: &WriteUp = site.derived.writeups[i];
    let mut view = super::page_view::page_view(
        w,
        views::page_entry(
            w,
            &site.derived.entries[i].view,
            site.derived.config,
            &site.derived.urls,
            &site.derived.tax,
            site.derived.today,
        ),
        &site.derived.bodies[i],
        &site.derived.fields[i],
        site.derived.config,
        site.derived.today,
    );
    let link = |j: usize| LinkView {
        name: site.derived.entries[j].view.title.clone(),
        url: site.derived.entries[j].view.url.clone(),
    };
    // The list is newest first: the next (newer) one is before.
    view.next = (i > 0).then(|| link(i - 1));
    view.previous = (i + 1 < n).then(|| link(i + 1));
    view.related = site.derived.related[i]
        .iter()
        .map(|r| {
            let e = &site.derived.entries[r.index].view;
            super::page_view::RelatedView {
                title: e.title.clone(),
                url: e.url.clone(),
                date_long: e.date_long.clone(),
                shared: r.shared.clone(),
                explicit: r.explicit,
            }
        })
        .collect();
    view.taxonomies = views::declared_terms(w, &site.derived.tax, &site.derived.urls);
    let ids: Vec<String> = view.timeline.iter().map(|row| row.id.clone()).collect();
    view.glance = super::glance::glance(w, &w.tz(&site.derived.config.tz), &view.timezone, &ids);
    let path = Urls::writeup_path(&w.slug);
    let mut ctx = site.context(&w.title, &path, Vec::new());
    ctx.insert("page", &view);
    site.page("incident.html", &ctx, &path)
}

pub(super) fn home_page(site: &Rendering, number: usize) -> Result<usize, BuildError> {
    let all: Vec<usize> = (0..site.derived.writeups.len()).collect();
    let list = List {
        template: "index.html",
        base: "",
        title: &site.derived.config.title,
        indices: &all,
        per_page: site.derived.config.paginate.max(1),
    };
    site.list_page(&list, number, &|_| {}, Vec::new())
}

/// The site's `templates/KEY/NAME` for a taxonomy's page, else `theme`.
fn taxonomy_template(site: &Rendering, key: &str, name: &str, theme: &str) -> String {
    let own = format!("{key}/{name}");
    if site.derived.templates.has(&own) {
        own
    } else {
        theme.to_string()
    }
}

/// The page of taxonomy `k`'s terms and their counts (`taxonomy.html`, or
/// the site's `templates/KEY/list.html`).
pub(super) fn taxonomy_page(site: &Rendering, k: Kind) -> Result<usize, BuildError> {
    let taxonomy = site.derived.tax.get(k);
    let key = taxonomy.key();
    let base = format!("{key}/");
    let mut ctx = site.context(&taxonomy.def.title, &base, Vec::new());
    ctx.insert("kind", key);
    ctx.insert("title", &taxonomy.def.title);
    ctx.insert("terms", &site.derived.term_views[k.0]);
    site.page(
        &taxonomy_template(site, key, "list.html", "taxonomy.html"),
        &ctx,
        &base,
    )
}

/// Page `number` of term `t` of taxonomy `k` (`term.html`, or the site's
/// `templates/KEY/term.html`).
pub(super) fn term_page(
    site: &Rendering,
    k: Kind,
    t: usize,
    number: usize,
) -> Result<usize, BuildError> {
    let taxonomy = site.derived.tax.get(k);
    let key = taxonomy.key();
    let def = &taxonomy.def;
    let term = &taxonomy.terms[t];
    let view = &site.derived.term_views[k.0][t];
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
        ctx.insert("kind_url", &site.derived.urls.link(&base));
        ctx.insert("term", view);
    };
    let template = taxonomy_template(site, key, "term.html", "term.html");
    let list = List {
        template: &template,
        base: &path,
        title: &title,
        indices: &term.pages,
        per_page: taxonomy.per_page(site.derived.config),
    };
    site.list_page(&list, number, &extra, feeds)
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

pub(super) fn archive(site: &Rendering) -> Result<usize, BuildError> {
    let mut years: Vec<YearView> = Vec::new();
    for (i, w) in site.derived.writeups.iter().enumerate() {
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
            m.entries.push(&site.derived.entries[i].view);
        }
    }
    let mut ctx = site.context("Archive", "archive/", Vec::new());
    ctx.insert("years", &years);
    ctx.insert("total", &site.derived.writeups.len());
    site.page("archive.html", &ctx, "archive/")
}

pub(super) fn search_page(site: &Rendering) -> Result<usize, BuildError> {
    let ctx = site.context("Search", "search/", Vec::new());
    site.page("search.html", &ctx, "search/")
}

pub(super) fn not_found(site: &Rendering) -> Result<usize, BuildError> {
    let ctx = site.context("Page not found", "404.html", Vec::new());
    let html = site.derived.templates.render("404.html", &ctx)?;
    site.staging.write("404.html", html.as_bytes())?;
    Ok(1)
}

/// File `a` of write-up `i`, copied beside its page.
pub(super) fn writeup_file(
    site: &Rendering,
    root: &std::path::Path,
    i: usize,
    a: usize,
) -> Result<usize, BuildError> {
    let w = site.derived.writeups[i];
    let asset = &w.assets[a];
    let content = root.join("content");
    let to = Urls::asset_path(&w.slug, &asset.publish);
    if asset.sanitize {
        let svg = crate::confine::read(&content, &asset.source)
            .map_err(|e| e.to_string())
            .and_then(|bytes| crate::content::sanitize_svg(&bytes).map_err(|r| r.to_string()))
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
pub(super) fn assets(site: &Rendering, root: &std::path::Path) -> Result<usize, BuildError> {
    for (name, text) in THEME_STATIC {
        site.staging.write(name, text.as_bytes())?;
    }
    let css = crate::highlight::stylesheet(
        &site.derived.config.markdown.highlight_theme,
        &site.derived.config.markdown.highlight_theme_dark,
    );
    site.staging.write("highlight.css", css.as_bytes())?;
    let mut files = THEME_STATIC.len() + 1;
    let static_dir = root.join("static");
    if static_dir.is_dir() {
        files += site.staging.copy_tree(&static_dir)?;
    }
    Ok(files)
}
