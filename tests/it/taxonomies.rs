//! Taxonomies declared in the configuration alone (the fixture declares
//! `teams` and a closed-vocabulary `causes`, and renames the built-in tags):
//! pages, feeds present or absent as configured, the write-up page, the
//! sidebar, search facets and query syntax, stats, exports, and the exact
//! errors of a value outside the vocabulary and of keys that collide.

use crate::common;
use common::{html, texts, Site};
use scraper::Selector;

fn built() -> Site {
    let site = Site::fixture("taxonomies");
    let run = site.run(&["build", "--color", "never", "--today", "2026-01-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

fn exists(site: &Site, path: &str) -> bool {
    site.path().join("public").join(path).is_file()
}

#[test]
fn declared_taxonomies_get_pages_feeds_and_a_place_on_each_page() {
    let site = built();
    // Teams: paginated one write-up a page, with feeds.
    let teams = html(&site, "teams/index.html");
    assert_eq!(texts(&teams, "h1"), ["Teams"]);
    assert!(exists(&site, "teams/payments/index.html"));
    assert!(exists(&site, "teams/payments/page/2/index.html"));
    assert!(!exists(&site, "teams/payments/page/3/index.html"));
    assert!(exists(&site, "teams/platform/index.html"));
    let feed = rss::Channel::read_from(site.read("public/teams/payments/rss.xml").as_bytes())
        .expect("a valid feed");
    assert_eq!(feed.title(), "Taxonomy Fixture: team payments");
    assert_eq!(feed.items().len(), 2);
    let term = html(&site, "teams/payments/index.html");
    assert_eq!(texts(&term, "h1"), ["Team: payments"]);
    // Causes: no feeds, and the vocabulary's descriptions.
    assert!(exists(&site, "causes/config-change/index.html"));
    assert!(!exists(&site, "causes/config-change/rss.xml"));
    let causes = html(&site, "causes/index.html");
    assert_eq!(texts(&causes, "h1"), ["Contributing factors"]);
    assert!(
        site.read("public/causes/index.html")
            .contains("An alert that did not exist, or did not fire"),
        "the description of missing-alert"
    );
    assert!(site
        .read("public/causes/config-change/index.html")
        .contains("A configuration change"));
    // The write-up page names its terms under each taxonomy's title.
    let writeup = html(&site, "incidents/bad-deploy/index.html");
    let facts = texts(&writeup, "#facts dt");
    assert!(facts.contains(&"Teams".to_string()), "{facts:?}");
    assert!(
        facts.contains(&"Contributing factors".to_string()),
        "{facts:?}"
    );
    assert_eq!(
        texts(&writeup, "#facts a[href^=\"/teams/\"]"),
        ["payments", "platform"]
    );
    // The sidebar: a block of teams, and no Pile o'Tags (tags set sidebar:
    // false), on every page.
    let home = html(&site, "index.html");
    assert_eq!(texts(&home, "#sidebar-teams"), ["Teams"]);
    assert_eq!(
        texts(&home, ".site-nav a"),
        [
            "Home",
            "Archive",
            "Tags",
            "Services",
            "Severity",
            "Authors",
            "Teams",
            "Contributing factors",
            "Stats",
            "Action items",
            "RSS"
        ]
    );
    assert!(texts(&home, "#pile-o-tags").is_empty());
    // The built-in tags under their new title.
    assert_eq!(texts(&html(&site, "tags/index.html"), "h1"), ["Labels"]);
    assert!(site
        .read("public/sitemap.xml")
        .contains("https://incidents.example.com/teams/payments/"));
}

#[test]
fn search_facets_the_query_syntax_and_the_cli_filter() {
    let site = built();
    let search = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["search"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let run = site.run(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        serde_json::from_str(&run.stdout).unwrap()
    };
    let by_team = search(&["teams:payments"]);
    assert_eq!(by_team["total"], 2);
    assert_eq!(
        by_team["facets"]["teams"],
        serde_json::json!([["payments", 2], ["platform", 1]])
    );
    assert_eq!(
        by_team["facets"]["causes"],
        serde_json::json!([["capacity", 1], ["config-change", 1], ["missing-alert", 1]])
    );
    let by_cause = search(&["", "--filter", "causes=capacity"]);
    assert_eq!(by_cause["total"], 1);
    assert_eq!(
        by_cause["results"][0]["title"],
        "The queue filled up and nobody was paged"
    );
    // Values are words of the write-up too.
    assert_eq!(search(&["platform"])["total"], 1);
    // The browser's client reads the same keys from the index.
    let meta: serde_json::Value =
        serde_json::from_str(&site.read("public/search/meta.json")).unwrap();
    assert_eq!(meta["filters"], serde_json::json!(["teams", "causes"]));
}

#[test]
fn stats_and_exports_carry_the_declared_taxonomies() {
    let site = built();
    let stats = html(&site, "stats/index.html");
    let rows: Vec<String> = {
        let row = Selector::parse("#table-top-teams tbody tr").unwrap();
        let cell = Selector::parse("th, td").unwrap();
        stats
            .select(&row)
            .map(|r| {
                r.select(&cell)
                    .map(|c| c.text().collect::<String>())
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect()
    };
    assert_eq!(
        rows,
        ["payments | 2 | 1 h 50 min", "platform | 1 | 1 h 30 min"]
    );
    // Only teams asks for stats.
    assert!(texts(&stats, "#table-top-causes").is_empty());
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/incidents.json")).unwrap();
    let first = &json["incidents"][0];
    assert_eq!(first["teams"], serde_json::json!(["payments", "platform"]));
    assert_eq!(first["causes"], serde_json::json!(["config-change"]));
    assert_eq!(json["incidents"][2]["teams"], serde_json::json!([]));
    let run = site.run(&["stats", "--format", "json", "--today", "2026-01-01"]);
    let figures: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(figures["by_taxonomy"][0]["key"], "teams");
    assert_eq!(figures["by_taxonomy"][0]["terms"][0]["name"], "payments");
    let run = site.run(&["stats", "--today", "2026-01-01"]);
    assert!(
        run.stdout.contains(
            "Incidents by teams\nteams    incidents     total outage\npayments         2       1 h 50 min\nplatform         1       1 h 30 min\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_value_outside_the_vocabulary_is_an_error_at_its_position() {
    let site = Site::fixture("taxonomies");
    site.write(
        "content/2021-04-01-typo.md",
        b"---\ntitle: A typo\ndate: 2021-04-01\nseverity: SEV3\nauthors: [ana]\ncauses: [capacity, config-chnage]\n---\nBody.\n",
    );
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "content/2021-04-01-typo.md:6:20: error: causes[1]: \"config-chnage\" is not one of the values of `causes` in the configuration\n 6 | causes: [capacity, config-chnage]\n   |                    ^\n  = hint: did you mean `config-change`? Allowed: config-change, missing-alert, capacity\ncheck failed: 1 error, 0 warnings in 4 write-ups\n"
    );
    // Nothing near: the allowed values, and where to add one.
    site.write(
        "content/2021-04-01-typo.md",
        b"---\ntitle: A typo\ndate: 2021-04-01\nseverity: SEV3\nauthors: [ana]\ncauses: [cosmic-rays]\n---\nBody.\n",
    );
    let run = site.run(&["check", "--color", "never", "--format", "json"]);
    assert_eq!(run.code, 1);
    let problems: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        problems[0]["hint"],
        "use one of config-change, missing-alert, capacity, or add it to `values` in the configuration"
    );
    // Another spelling of a value is that value, with the usual warning.
    site.write(
        "content/2021-04-01-typo.md",
        b"---\ntitle: A typo\ndate: 2021-04-01\nseverity: SEV3\nauthors: [ana]\nteams: [Payments]\n---\nBody.\n",
    );
    let run = site.run(&["check", "--color", "never", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let problems: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        problems[0]["message"],
        "teams[0]: \"Payments\" differs from \"payments\" (in content/2021-02-01-silent-queue.md) only in case or spacing"
    );
}

#[test]
fn taxonomy_keys_that_collide_are_configuration_errors() {
    let cases = [
        (
            "taxonomies:\n  - key: timeline\n",
            "blameless.yaml:2:10: error: taxonomies[0].key: `timeline` is already a front-matter key of every write-up\n 2 |   - key: timeline\n   |          ^\n  = hint: choose another key for this taxonomy\n",
        ),
        (
            "taxonomies:\n  - key: search\n",
            "blameless.yaml:2:10: error: taxonomies[0].key: `search` is taken by the site (a page, a search parameter or an export field)\n 2 |   - key: search\n   |          ^\n  = hint: choose another key for this taxonomy\n",
        ),
        (
            "taxonomies:\n  - key: teams\n  - key: teams\n",
            "blameless.yaml:3:10: error: taxonomies[1].key: `teams` is declared twice (also in taxonomies[0].key)\n 3 |   - key: teams\n   |          ^\n  = hint: keep one of them\n",
        ),
        (
            "taxonomies:\n  - key: Team Names\n",
            "blameless.yaml:2:10: error: taxonomies[0].key: `Team Names` is not a valid taxonomy key\n 2 |   - key: Team Names\n   |          ^\n  = hint: use lowercase letters, digits, `-` and `_`, starting with a letter (it is the front-matter key and the folder of its pages)\n",
        ),
        (
            "taxonomies:\n  - key: tags\n    values: [a]\n",
            "blameless.yaml:3:13: error: taxonomies[0].values: the built-in taxonomy `tags` cannot set `values`\n 3 |     values: [a]\n   |             ^\n  = hint: a built-in taxonomy can set title, singular, feed, sidebar and paginate\n",
        ),
        (
            "taxonomies:\n  - key: teams\n    paginate: 0\n",
            "blameless.yaml:3:15: error: taxonomies[0].paginate: must be at least 1\n",
        ),
        (
            "taxonomies:\n  - key: causes\n    values: [a, {description: b}]\n",
            "blameless.yaml:3:17: error: taxonomies[0].values[1]: a value needs a `name`\n",
        ),
        (
            "taxonomies:\n  - key: causes\n    values: [a, a]\n",
            "blameless.yaml:3:17: error: taxonomies[0].values[1]: `a` is listed twice\n",
        ),
        (
            "taxonomies:\n  - title: Teams\n",
            "blameless.yaml:2:5: error: taxonomies[0]: a taxonomy needs a `key`, the front-matter key of its values\n 2 |   - title: Teams\n   |     ^\n  = hint: for example `- key: teams`\n",
        ),
    ];
    for (config, expected) in cases {
        let site = Site::fixture("site");
        site.write("blameless.yaml", config.as_bytes());
        let run = site.run(&["check", "--color", "never"]);
        assert_eq!(run.code, 2, "{config}");
        assert!(
            run.stderr.starts_with(expected),
            "{config}\n--- got:\n{}",
            run.stderr
        );
    }
}

#[test]
fn a_site_may_give_one_taxonomy_templates_of_its_own() {
    let site = Site::fixture("taxonomies");
    site.write(
        "templates/teams/list.html",
        b"{% extends \"base.html\" %}{% block content %}<h1>Our teams</h1>{% for t in terms %}<p class=\"team\">{{ t.name }}: {{ t.count }}</p>{% endfor %}{% endblock content %}",
    );
    site.write(
        "templates/teams/term.html",
        b"{% extends \"base.html\" %}{% block content %}<h1>Team {{ term.name }}</h1>{% endblock content %}",
    );
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let teams = html(&site, "teams/index.html");
    assert_eq!(texts(&teams, "h1"), ["Our teams"]);
    assert_eq!(texts(&teams, ".team"), ["payments: 2", "platform: 1"]);
    assert_eq!(
        texts(&html(&site, "teams/platform/index.html"), "h1"),
        ["Team platform"]
    );
    // The other taxonomies keep the theme's.
    assert_eq!(
        texts(&html(&site, "causes/capacity/index.html"), "h1"),
        ["Contributing factor: capacity"]
    );
}
