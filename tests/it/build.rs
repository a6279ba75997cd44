//! `blameless build`: pages, feeds and output rules, checked on parsed HTML
//! and parsed RSS.

use crate::common;
use common::{built, html, texts, Site};
use scraper::{Html, Selector};
use std::collections::BTreeMap;
use std::path::Path;

/// Each table row as its cells' texts joined by single spaces.
fn rows(doc: &Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    let td = Selector::parse("td").unwrap();
    doc.select(&sel)
        .map(|row| {
            row.select(&td)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn attrs(doc: &Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(String::from))
        .collect()
}

#[test]
fn home_lists_newest_first_in_the_post_format_with_pagination() {
    let site = built(&[]);
    let home = html(&site, "index.html");
    assert_eq!(
        texts(&home, "main .post-title"),
        ["Cache stampede & <friends>", "Object storage region down"]
    );
    assert_eq!(
        texts(&home, "main .date-line"),
        ["Tuesday, May 5th, 2020", "Friday, March 1st, 2019"]
    );
    assert_eq!(texts(&home, "main .separator"), ["+ + +", "+ + +"]);
    assert_eq!(
        texts(&home, "main .summary"),
        [
            "First paragraph of the cache write-up.",
            "Uploads failed for four hours."
        ]
    );
    assert_eq!(
        attrs(&home, ".pagination a[rel=next]", "href"),
        ["/page/2/"]
    );
    let page2 = html(&site, "page/2/index.html");
    assert_eq!(
        texts(&page2, "main .post-title"),
        ["Database replaced with a stale snapshot"]
    );
    assert_eq!(texts(&page2, "main .dek"), ["(Hint: it's about the team.)"]);
    assert_eq!(texts(&page2, ".pagination span"), ["Page 2 of 2"]);
}

#[test]
fn writeup_page_shows_facts_timeline_lessons_and_action_items() {
    let site = built(&[]);
    let page = html(&site, "incidents/stale-snapshot/index.html");
    assert_eq!(
        texts(&page, "h1"),
        ["Database replaced with a stale snapshot"]
    );
    assert_eq!(
        texts(&page, ".post-full > .dek"),
        ["(Hint: it's about the team.)"]
    );
    let facts: BTreeMap<String, String> = texts(&page, ".facts dt")
        .into_iter()
        .zip(texts(&page, ".facts dd"))
        .collect();
    assert_eq!(
        facts["Severity"],
        "SEV2 Major: a core feature degraded for many users"
    );
    assert_eq!(facts["Started"], "2018-09-20 17:40");
    assert_eq!(facts["Time to detect"], "1 h 05 min");
    assert_eq!(facts["Time to mitigate"], "3 h 50 min");
    assert_eq!(facts["Time to resolve"], "16 h 20 min");
    assert_eq!(
        attrs(&page, ".facts .severity", "style"),
        ["--sev: #c2410c"]
    );
    assert_eq!(
        rows(&page, ".timeline tbody tr"),
        [
            "2018-09-20 17:40 +0 min trigger Restore run against production",
            "2018-09-20 18:45 +1 h 05 min detection Engineer realises",
            "2018-09-20 21:30 +3 h 50 min mitigation Newer snapshot restored",
        ]
    );
    assert_eq!(
        texts(&page, ".lessons h3"),
        ["What went well", "What went wrong", "Where we got lucky"]
    );
    assert_eq!(
        rows(&page, ".action-items tbody tr"),
        [
            "Restore script asks for the host name ops-team P1 done 2018-10-20 OPS-1234",
            "Point-in-time recovery db-oncall open",
        ]
    );
    assert_eq!(
        attrs(&page, ".action-items a:not(.permalink)", "href"),
        ["https://tracker.example.com/browse/OPS-1234"]
    );
    assert_eq!(
        texts(&page, ".post-full .date-line"),
        ["Sunday, October 7th, 2018"]
    );
    assert_eq!(
        texts(&page, ".contact"),
        ["Questions? Ask in #incident-review"]
    );
    assert_eq!(texts(&page, ".impact-figures li"), ["1,200 users affected"]);
}

#[test]
fn lessons_the_team_takes_away_and_tickets_are_shown_and_exported() {
    let site = Site::with(&[
        ("blameless.yaml", "title: T\n"),
        (
            "content/a.md",
            &common::writeup(
                "A",
                "lessons:\n  went_well: [Backups held]\n  learned: [Rehearse the restore, Name the target out loud]\naction_items:\n  - task: Rehearse restores\n    owner: ops\n    ticket: https://github.com/acme/infra/issues/412\n",
                "Body.\n",
            ),
        ),
    ]);
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = html(&site, "incidents/a/index.html");
    assert_eq!(
        texts(&page, ".lessons h3"),
        ["What went well", "What we learned"]
    );
    assert_eq!(
        texts(&page, ".lessons ul:last-of-type li"),
        ["Rehearse the restore", "Name the target out loud"]
    );
    let export: serde_json::Value =
        serde_json::from_str(&site.read("public/incidents.json")).unwrap();
    assert_eq!(
        export["incidents"][0]["lessons"]["learned"],
        serde_json::json!(["Rehearse the restore", "Name the target out loud"])
    );
    // A ticket as pages name it, and where it links.
    let item = &export["incidents"][0]["action_items"][0];
    assert_eq!(item["ticket"], "infra#412");
    assert_eq!(
        item["ticket_url"],
        "https://github.com/acme/infra/issues/412"
    );
    let csv = site.read("public/action-items.csv");
    assert!(
        csv.contains(",infra#412,https://github.com/acme/infra/issues/412"),
        "{csv}"
    );
}

#[test]
fn bodies_render_links_code_alerts_and_are_sanitised() {
    let site = built(&[]);
    let page = html(&site, "incidents/stale-snapshot/index.html");
    assert_eq!(
        attrs(&page, ".post-body a[href*='incidents']", "href"),
        ["/incidents/s3-outage/#timeline"]
    );
    assert_eq!(attrs(&page, ".post-body h2", "id"), ["summary"]);
    assert!(
        !attrs(&page, "pre.code code span", "class").is_empty(),
        "code is highlighted with classes"
    );
    assert_eq!(
        attrs(&page, "script", "src"),
        ["/search.js"],
        "only the theme's script"
    );
    assert!(texts(&page, ".post-body script").is_empty());
    assert!(attrs(&page, "[onclick]", "onclick").is_empty());
    assert_eq!(
        texts(&page, ".post-body p"),
        [
            "It was the production database. See the S3 write-up.",
            "click"
        ]
    );
    let cache = html(&site, "incidents/cache/index.html");
    assert_eq!(texts(&cache, ".alert-warning .alert-title"), ["Warning"]);
    assert_eq!(texts(&cache, "h1"), ["Cache stampede & <friends>"]);
}

#[test]
fn related_links_go_both_ways_then_by_shared_terms() {
    let site = built(&[]);
    let s3 = html(&site, "incidents/s3-outage/index.html");
    let related = texts(&s3, ".related li a");
    assert_eq!(
        related[0], "Database replaced with a stale snapshot",
        "explicit link shown back"
    );
    assert_eq!(related[1], "Cache stampede & <friends>");
    assert_eq!(texts(&s3, ".related .shared"), ["shares database"]);
    assert_eq!(
        texts(&s3, ".prev-next a[rel=prev]"),
        ["← Database replaced with a stale snapshot"]
    );
    assert_eq!(
        texts(&s3, ".prev-next a[rel=next]"),
        ["Cache stampede & <friends> →"]
    );
}

#[test]
fn sidebar_has_about_tag_cloud_services_and_counter() {
    let site = built(&[]);
    let home = html(&site, "index.html");
    assert_eq!(
        texts(&home, "#sidebar h2"),
        [
            "About",
            "Pile o'Tags",
            "Stuff We Run",
            "Incident Report",
            "Subscribe"
        ]
    );
    assert_eq!(
        attrs(&home, "#sidebar section:first-child a", "href"),
        ["/archive/"]
    );
    // The three most used tags, alphabetically, sized by count.
    assert_eq!(
        texts(&home, ".tag-cloud a"),
        ["backups", "cache", "database"]
    );
    assert_eq!(
        attrs(&home, ".tag-cloud a", "title"),
        ["2 write-ups", "1 write-up", "3 write-ups"]
    );
    assert_eq!(
        attrs(&home, ".tag-cloud a", "class"),
        ["size-4", "size-1", "size-6"]
    );
    assert_eq!(
        texts(&home, ".stuff"),
        ["accounts-db, media-upload, Status page"]
    );
    assert_eq!(
        texts(&home, ".counter"),
        ["At least 3 incidents written up since 2018; 1 action item closed."]
    );
}

#[test]
fn the_sidebar_lists_the_most_used_services_and_links_to_all() {
    let site = Site::with(&[
        ("blameless.yaml", "sidebar:\n  services_limit: 2\n"),
        (
            "content/a.md",
            &common::writeup("A", "services: [zeta, beta]\n", "A.\n"),
        ),
        (
            "content/b.md",
            &common::writeup("B", "services: [beta, gamma]\n", "B.\n"),
        ),
        (
            "content/c.md",
            &common::writeup("C", "services: [beta, gamma, alpha]\n", "C.\n"),
        ),
    ]);
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = html(&site, "index.html");
    assert_eq!(texts(&home, ".stuff"), ["beta, gamma"]);
    assert_eq!(texts(&home, "#sidebar .stuff + .more"), ["All 4 services"]);
    assert_eq!(
        attrs(&home, "#sidebar .stuff + .more a", "href"),
        ["/services/"]
    );
    // Under the limit, no link.
    let site = built(&[]);
    assert_eq!(
        texts(&html(&site, "index.html"), "#sidebar .stuff + .more"),
        Vec::<String>::new()
    );
}

#[test]
fn taxonomy_pages_and_archive() {
    let site = built(&[]);
    let tags = html(&site, "tags/index.html");
    assert_eq!(
        texts(&tags, ".tag-cloud-full a"),
        ["backups", "cache", "database", "storage"]
    );
    let database = html(&site, "tags/database/index.html");
    assert_eq!(texts(&database, "h1"), ["Tag: database"]);
    assert_eq!(
        texts(&database, "main .post-title").len(),
        2,
        "paginated by 2"
    );
    assert!(site
        .path()
        .join("public/tags/database/page/2/index.html")
        .is_file());
    let sev = html(&site, "severity/index.html");
    assert_eq!(
        texts(&sev, ".term-list .severity"),
        ["SEV1", "SEV2", "SEV3"]
    );
    assert!(site
        .path()
        .join("public/services/accounts-db/index.html")
        .is_file());
    assert!(site
        .path()
        .join("public/authors/db-oncall/index.html")
        .is_file());
    let archive = html(&site, "archive/index.html");
    assert_eq!(
        texts(&archive, "main h2"),
        ["2020 (1)", "2019 (1)", "2018 (1)"]
    );
    assert_eq!(
        texts(&archive, "main h3"),
        ["May 2020 (1)", "March 2019 (1)", "October 2018 (1)"]
    );
    // A year index at the top jumps to each year's section.
    assert_eq!(
        texts(&archive, "nav.year-index li"),
        ["2020 (1)", "2019 (1)", "2018 (1)"]
    );
    let year = scraper::Selector::parse("nav.year-index a").unwrap();
    for a in archive.select(&year) {
        let id = a.value().attr("href").unwrap().trim_start_matches('#');
        let target = scraper::Selector::parse(&format!("main h2#{id}")).unwrap();
        assert_eq!(archive.select(&target).count(), 1, "{id}");
    }
    assert!(site.read("public/404.html").contains("Page not found"));
    assert_eq!(site.read("public/robots-extra.txt"), "static file\n");
    assert!(site
        .read("public/robots.txt")
        .contains("Sitemap: https://incidents.example.com/sitemap.xml"));
    assert!(site.read("public/sitemap.xml").contains(
        "<loc>https://incidents.example.com/incidents/cache/</loc><lastmod>2020-05-05</lastmod>"
    ));
}

#[test]
fn feeds_parse_with_absolute_links_and_dates() {
    let site = built(&[]);
    let channel =
        rss::Channel::read_from(site.read("public/rss.xml").as_bytes()).expect("valid RSS");
    assert_eq!(channel.title(), "Fixture Incidents");
    let links: Vec<&str> = channel.items().iter().filter_map(|i| i.link()).collect();
    assert_eq!(
        links,
        [
            "https://incidents.example.com/incidents/cache/",
            "https://incidents.example.com/incidents/s3-outage/",
            "https://incidents.example.com/incidents/stale-snapshot/",
        ]
    );
    let first = &channel.items()[0];
    assert_eq!(first.title(), Some("Cache stampede & <friends>"));
    assert_eq!(first.pub_date(), Some("Tue, 05 May 2020 04:00:00 +0000"));
    assert_eq!(
        first.guid().map(|g| g.value()),
        Some("https://incidents.example.com/incidents/cache/")
    );
    let categories: Vec<&str> = first.categories().iter().map(|c| c.name()).collect();
    assert_eq!(categories, ["cache", "database", "backups"]);
    assert!(first.content().unwrap().contains("First paragraph"));
    assert_eq!(
        channel.last_build_date(),
        Some("Tue, 05 May 2020 04:00:00 +0000")
    );
    assert_eq!(
        channel.atom_ext().unwrap().links()[0].href(),
        "https://incidents.example.com/rss.xml"
    );
    let tag = rss::Channel::read_from(site.read("public/tags/backups/rss.xml").as_bytes()).unwrap();
    assert_eq!(tag.items().len(), 2);
    let sev =
        rss::Channel::read_from(site.read("public/severity/sev1/rss.xml").as_bytes()).unwrap();
    assert_eq!(sev.items().len(), 1);
    let home = html(&site, "tags/backups/index.html");
    assert_eq!(
        attrs(&home, "link[rel=alternate]", "href"),
        ["/rss.xml", "/tags/backups/rss.xml"]
    );
}

#[test]
fn feed_descriptions_reach_readers_as_text() {
    let services: Vec<String> = (0..60).map(|i| format!("s{i:02}")).collect();
    let site = Site::with(&[
        ("blameless.yaml", "description: \"<b>Ours</b> & theirs\"\n"),
        (
            "content/a.md",
            &common::writeup(
                "A <i>title</i>",
                &format!(
                    "summary: \"<img src=x onerror=alert(1)> & more\"\nservices: [{}]\n",
                    services.join(", ")
                ),
                "Body.\n",
            ),
        ),
    ]);
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let channel = rss::Channel::read_from(site.read("public/rss.xml").as_bytes()).unwrap();
    // A reader takes a description as HTML: the HTML it gets must be the
    // text, escaped, with no element in it.
    let as_text = |html: &str| {
        let fragment = Html::parse_fragment(html);
        let elements = fragment
            .root_element()
            .descendants()
            .filter(|n| n.value().is_element())
            .count();
        assert_eq!(elements, 1, "elements in {html:?}");
        fragment.root_element().text().collect::<String>()
    };
    assert_eq!(as_text(channel.description()), "<b>Ours</b> & theirs");
    let item = &channel.items()[0];
    assert_eq!(item.title(), Some("A <i>title</i>"));
    assert_eq!(
        as_text(item.description().unwrap()),
        format!(
            "[SEV2 · {} · 50 more services] <img src=x onerror=alert(1)> & more",
            services[..10].join(" · ")
        )
    );
}

/// Every root-relative href and src in every page names a file in the output.
fn assert_links_resolve(public: &Path, prefix: &str) {
    let sel = Selector::parse("[href], [src], [action]").unwrap();
    for entry in walkdir::WalkDir::new(public) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let doc = Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
        for e in doc.select(&sel) {
            for attr in ["href", "src", "action"] {
                let Some(url) = e.value().attr(attr) else {
                    continue;
                };
                if url.starts_with("http") || url.starts_with('#') || url.starts_with("mailto:") {
                    continue;
                }
                let path = url.split(['#', '?']).next().unwrap();
                let rest = path.strip_prefix(prefix).unwrap_or_else(|| {
                    panic!("{url} in {} is not under {prefix}", entry.path().display())
                });
                let target = public.join(rest);
                let target = if path.ends_with('/') {
                    target.join("index.html")
                } else {
                    target
                };
                assert!(
                    target.is_file(),
                    "{url} in {} does not resolve",
                    entry.path().display()
                );
            }
        }
    }
}

#[test]
fn every_internal_link_resolves() {
    let site = built(&[]);
    assert_links_resolve(&site.path().join("public"), "/");
}

#[test]
fn a_sub_path_base_url_prefixes_every_link() {
    let site = built(&["--base-url", "https://intranet.example.com/eng/incidents"]);
    assert_links_resolve(&site.path().join("public"), "/eng/incidents/");
    let channel = rss::Channel::read_from(site.read("public/rss.xml").as_bytes()).unwrap();
    assert_eq!(
        channel.link(),
        "https://intranet.example.com/eng/incidents/"
    );
    assert_eq!(
        channel.items()[0].link(),
        Some("https://intranet.example.com/eng/incidents/incidents/cache/")
    );
}

#[test]
fn drafts_and_future_write_ups_only_when_asked() {
    let site = built(&[]);
    assert!(!site.path().join("public/incidents/draft").exists());
    assert!(!site.path().join("public/incidents/future").exists());
    let site = built(&["--drafts", "--future"]);
    let draft = html(&site, "incidents/draft/index.html");
    assert_eq!(
        texts(&draft, ".draft-banner"),
        ["DRAFT: not published; built with --drafts"]
    );
    assert!(site
        .path()
        .join("public/incidents/future/index.html")
        .is_file());
}

#[test]
fn builds_are_byte_identical() {
    let a = built(&[]);
    let b = built(&[]);
    let (fa, fb) = (
        common::snapshot(&a.path().join("public")),
        common::snapshot(&b.path().join("public")),
    );
    assert!(fa.len() > 30);
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb));
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{name} differs between builds");
    }
}

#[test]
fn a_failed_build_writes_nothing_and_keeps_the_old_site() {
    let site = built(&[]);
    let before = site.read("public/index.html");
    site.write("content/broken.md", b"---\ntitle: [\n---\n");
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error: 1 error found; nothing was written"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("public/index.html"), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !leftovers
            .iter()
            .any(|n| n.to_string_lossy().starts_with(".public.blameless-")),
        "{leftovers:?}"
    );
}

#[test]
fn a_broken_template_fails_the_build_and_keeps_the_old_site() {
    let site = built(&[]);
    let before = site.read("public/index.html");
    site.write("templates/index.html", b"{% extends \"base.html\" %}{% block content %}{{ nope | nofilter }}{% endblock content %}");
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: templates/index.html: Failed to render 'index.html'\n  caused by: Variable `nope` not found in context while rendering 'index.html'\nerror: the build failed; the previous output was left as it was\n"
    );
    assert_eq!(site.read("public/index.html"), before);
}

#[test]
fn templates_can_be_overridden_by_name() {
    let site = Site::fixture("site");
    site.write("templates/404.html", b"{% extends \"base.html\" %}{% block content %}<h1>Lost, {{ site.title }}</h1>{% endblock content %}");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = Html::parse_document(&site.read("public/404.html"));
    assert_eq!(texts(&doc, "h1"), ["Lost, Fixture Incidents"]);
}

#[test]
fn list_pages_show_each_entry_as_entry_html_renders_it() {
    let site = Site::fixture("site");
    site.write(
        "templates/entry.html",
        b"<p class=\"mine\">{{ entry.title }} in {{ site.title }}</p>",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in ["public/index.html", "public/tags/database/index.html"] {
        let doc = Html::parse_document(&site.read(page));
        assert_eq!(
            texts(&doc, "p.mine"),
            [
                "Cache stampede & <friends> in Fixture Incidents",
                "Object storage region down in Fixture Incidents"
            ],
            "{page}"
        );
        assert!(texts(&doc, "article.post-summary").is_empty(), "{page}");
    }
}

#[test]
fn a_page_shows_every_term_where_lists_show_ten_and_how_many_more() {
    let site = Site::fixture("site");
    let services: Vec<String> = (0..55).map(|i| format!("svc-{i:02}")).collect();
    site.write(
        "content/2022-02-02-sprawl.md",
        format!(
            "---\ntitle: Sprawl\ndate: 2022-02-02\nseverity: SEV3\nauthors: [a]\nservices: [{}]\n---\nBody.\n",
            services.join(", ")
        )
        .as_bytes(),
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = html(&site, "incidents/sprawl/index.html");
    assert_eq!(texts(&page, "#facts a[href*=\"/services/\"]"), services);
    let home = html(&site, "index.html");
    let listed: Vec<String> = texts(
        &home,
        ".post-summary .facts-line a[href*=\"/services/svc-\"]",
    );
    assert_eq!(listed, services[..10]);
    assert_eq!(
        texts(
            &home,
            ".post-summary .facts-line a[href=\"/incidents/sprawl/#facts\"]"
        ),
        ["and 45 more"]
    );
    // Search finds it by every service, not only those a list shows.
    let run = site.run(&[
        "search",
        "sprawl",
        "--filter",
        "service=svc-54",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"total\": 1"), "{}", run.stdout);
}

#[test]
fn term_templates_that_read_entries_get_them() {
    // The default term page shows only the rendered summaries, so the build
    // leaves the entries out of its context; a template that reads them,
    // itself or through an included one, still gets them.
    for (term, included) in [
        (
            "{% for entry in entries %}<p class=\"mine\">{{ entry.title }}</p>{% endfor %}",
            None,
        ),
        (
            "{% include \"list.html\" %}",
            Some("{% for e in entries %}<p class=\"mine\">{{ e.title }}</p>{% endfor %}"),
        ),
    ] {
        let site = Site::fixture("site");
        site.write("templates/term.html", term.as_bytes());
        if let Some(list) = included {
            site.write("templates/list.html", list.as_bytes());
        }
        let run = site.run(&["build"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let doc = Html::parse_document(&site.read("public/tags/database/index.html"));
        assert_eq!(
            texts(&doc, "p.mine"),
            ["Cache stampede & <friends>", "Object storage region down"],
            "{term}"
        );
    }
}

#[test]
fn output_folders_that_are_not_ours_are_refused() {
    let site = Site::fixture("site");
    site.write("mine/notes.txt", b"precious");
    let run = site.run(&["build", "-o", "mine", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: refusing to write the site to mine: it is not empty and has no .blameless-output marker, so blameless did not make it (it may hold someone's files); empty it, choose another folder with -o, or pass --replace-foreign to delete its files and write the site there\n"
    );
    assert_eq!(site.read("mine/notes.txt"), "precious");
    let run = site.run(&["build", "-o", "content/out", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: refusing to write the site to content/out: it is inside the site's content/ folder\n");
    let run = site.run(&["build", "-o", "templates/out", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: refusing to write the site to templates/out: it is inside the site's templates/ folder\n");
    assert!(
        !site.path().join("templates").exists(),
        "a refused build made templates/"
    );
    let run = site.run(&["build", "-o", ".", "--color", "never"]);
    assert_eq!(
        run.stderr,
        "error: refusing to write the site to .: it is the site root\n"
    );
}

#[test]
fn summary_line_counts_what_was_built() {
    let site = Site::fixture("site");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0);
    let line = run.stderr.trim_end();
    assert!(
        line.starts_with("Built 3 write-ups, 4 tags, 2 services -> public in "),
        "{line}"
    );
    assert!(line.ends_with(" s"), "{line}");
}

#[test]
fn the_demo_site_builds_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("demo");
    let run = common::run_in(
        root,
        &["build", "-o", target.to_str().unwrap(), "--color", "never"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("Built "),
        "warnings or errors: {}",
        run.stderr
    );
    assert_links_resolve(&target, "/");
}

#[test]
fn home_can_show_whole_posts() {
    let site = Site::fixture("site");
    let config = site.read("blameless.yaml");
    site.write(
        "blameless.yaml",
        format!("{config}home:\n  full_posts: true\n").as_bytes(),
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = html(&site, "index.html");
    assert_eq!(texts(&home, "main .post .alert-title"), ["Warning"]);
    assert_eq!(
        texts(&home, "main .post-body p"),
        [
            "First paragraph of the cache write-up.",
            "Warning",
            "Careful.",
            "Body of the S3 outage."
        ]
    );
    assert!(texts(&home, "main .read-more").is_empty());
    assert_eq!(texts(&home, "main .separator").len(), 2);
}

#[test]
fn an_unchanged_site_is_not_rebuilt() {
    let site = built(&[]);
    let index = site.path().join("public/index.html");
    let written = std::fs::metadata(&index).unwrap().modified().unwrap();
    let rebuilt = |args: &[&str]| -> bool {
        let mut all = vec!["build", "--color", "never"];
        all.extend_from_slice(args);
        let run = site.run(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        if run
            .stderr
            .starts_with("Nothing changed since the last build; public is up to date (")
        {
            false
        } else {
            assert!(
                run.stderr.starts_with("Built 3 write-ups"),
                "{}",
                run.stderr
            );
            true
        }
    };
    assert!(!rebuilt(&[]));
    assert_eq!(
        std::fs::metadata(&index).unwrap().modified().unwrap(),
        written,
        "nothing rewritten"
    );
    // Any change of input, option or output means a real build.
    let path = "content/2020-05-05-cache.md";
    let text = site.read(path);
    site.write(path, format!("{text}\nOne more line.\n").as_bytes());
    assert!(rebuilt(&[]));
    assert!(!rebuilt(&[]));
    std::fs::remove_file(site.path().join("public/archive/index.html")).unwrap();
    assert!(rebuilt(&[]));
    assert!(site.path().join("public/archive/index.html").is_file());
    assert!(rebuilt(&["--base-url", "https://elsewhere.example.com/"]));
    assert!(rebuilt(&[
        "--base-url",
        "https://elsewhere.example.com/",
        "--force"
    ]));
    assert!(rebuilt(&[
        "--base-url",
        "https://elsewhere.example.com/",
        "--today",
        "2030-01-01"
    ]));
    site.write("static/extra.txt", b"new");
    let same = [
        "--base-url",
        "https://elsewhere.example.com/",
        "--today",
        "2030-01-01",
    ];
    assert!(rebuilt(&same));
    // The about text and the site's templates are inputs too.
    site.write("content/_about.md", b"We write things up.\n");
    assert!(rebuilt(&same));
    assert!(!rebuilt(&same));
    site.write("templates/404.html", b"{% extends \"base.html\" %}");
    assert!(rebuilt(&same));
    // The decision is made before parsing, yet a new broken write-up is
    // still reported, not taken for "nothing changed".
    site.write("content/2021-01-01-broken.md", b"no front matter\n");
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("missing front matter"),
        "{}",
        run.stderr
    );
}
