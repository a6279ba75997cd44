//! Stats, action items, exports and `blameless stats` on a fixture whose
//! figures were worked out by hand (see tests/fixtures/insight).

use crate::common;
use common::{texts, writeup, Site};
use scraper::{Html, Selector};

fn built() -> Site {
    let site = Site::fixture("insight");
    let run = site.run(&[
        "build",
        "--today",
        "2021-01-01",
        "--future",
        "--color",
        "never",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

fn rows(doc: &Html, table: &str) -> Vec<String> {
    let tr = Selector::parse(&format!("{table} tbody tr")).unwrap();
    let cell = Selector::parse("th, td").unwrap();
    doc.select(&tr)
        .map(|row| {
            row.select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

#[test]
fn stats_page_shows_every_figure() {
    let site = built();
    let doc = Html::parse_document(&site.read("public/stats/index.html"));
    assert_eq!(
        rows(&doc, "#table-by-year"),
        [
            "2021 | 0 | 1 | 1 | 0 | 0 | 2",
            "2020 | 1 | 1 | 0 | 0 | 0 | 2",
            "All | 1 | 2 | 1 | 0 | 0 | 4",
        ]
    );
    assert_eq!(
        rows(&doc, "#table-overall"),
        [
            "Time to detect | 3 | 20 min | 30 min",
            "Time to mitigate | 3 | 1 h 00 min | 2 h 00 min",
            "Time to resolve | 3 | 2 h 00 min | 4 h 00 min",
        ]
    );
    assert_eq!(
        rows(&doc, "#table-top-services"),
        ["api | 2 | 3 h 00 min", "db | 2 | 2 h 00 min"]
    );
    assert_eq!(
        rows(&doc, "#table-top-tags"),
        ["y | 2 | 3 h 00 min", "x | 2 | 2 h 00 min"]
    );
    let per_month = rows(&doc, "#table-per-period");
    assert_eq!(per_month.len(), 19, "2020-01 to 2021-07, no gaps");
    assert_eq!(per_month[0], "2020-01 | 1 | 0 | 0 | 0 | 0 | 1");
    assert_eq!(per_month[1], "2020-02 | 0 | 1 | 0 | 0 | 0 | 1");
    assert_eq!(per_month[2], "2020-03 | 0 | 0 | 0 | 0 | 0 | 0");
    assert_eq!(
        rows(&doc, "#table-times"),
        [
            "2020 Q1 | 20 min | 30 min | 1 h 00 min | 1 h 00 min | 3 h 00 min | 4 h 00 min",
            "2020 Q2 | – | – | – | – | – | –",
            "2020 Q3 | – | – | – | – | – | –",
            "2020 Q4 | – | – | – | – | – | –",
            "2021 Q1 | – | – | – | – | – | –",
            "2021 Q2 | 20 min | 20 min | 2 h 00 min | 2 h 00 min | 2 h 00 min | 2 h 00 min",
            "2021 Q3 | – | – | – | – | – | –",
        ]
    );
    let li = Selector::parse("#table-longest li").unwrap();
    let longest: Vec<String> = doc.select(&li).map(|l| l.text().collect()).collect();
    assert_eq!(
        longest,
        [
            "Bravo slowdown: 4 h 00 min",
            "Alpha outage: 2 h 00 min",
            "Charlie errors: 2 h 00 min"
        ]
    );
    // Charts: accessible inline SVG, one per figure.
    let svg = Selector::parse("svg.chart[role=img] > title").unwrap();
    assert_eq!(doc.select(&svg).count(), 10);
    let p = Selector::parse("main > p").unwrap();
    let intro: String = doc.select(&p).next().unwrap().text().collect();
    assert!(
        intro.starts_with("4 incidents written up; 4 action items, 25% done."),
        "{intro}"
    );
}

#[test]
fn action_items_are_one_list_with_a_page_per_filter() {
    let site = built();
    let doc = Html::parse_document(&site.read("public/action-items/index.html"));
    // What is still to do, each item once, the overdue one first, with
    // where it comes from.
    assert_eq!(texts(&doc, "#items-heading"), ["Still to do (2)"]);
    assert_eq!(
        rows(&doc, "table.items-table"),
        [
            "Write the runbook, with care Overdue From SEV1 Alpha outage | ann | P2 | open | 2020-02-01 | OPS 2",
            "Cache the lookups From SEV2 Bravo slowdown | bob |  | in-progress | 2030-01-01 | "
        ]
    );
    let link = Selector::parse("table.items-table td a[href^=https]").unwrap();
    assert_eq!(
        doc.select(&link).next().unwrap().value().attr("href"),
        Some("https://tracker.example.com/browse/OPS%202")
    );
    // Every filter is a page of its own, linked with its count; the page
    // shown is marked.
    let filters = Selector::parse(".item-filters a").unwrap();
    let links: Vec<(String, String)> = doc
        .select(&filters)
        .map(|a| {
            let text: String = a.text().collect();
            (text, a.value().attr("href").unwrap().to_string())
        })
        .collect();
    let expected = [
        ("Still to do (2)", "/action-items/"),
        ("Overdue (1)", "/action-items/overdue/"),
        ("Open (1)", "/action-items/open/"),
        ("In progress (1)", "/action-items/in-progress/"),
        ("Closed (2)", "/action-items/closed/"),
        ("SEV1 (1)", "/action-items/severity/sev1/"),
        ("SEV2 (1)", "/action-items/severity/sev2/"),
        ("ann (1)", "/action-items/owner/ann/"),
        ("bob (1)", "/action-items/owner/bob/"),
    ];
    assert_eq!(links, expected.map(|(t, u)| (t.to_string(), u.to_string())));
    assert_eq!(
        texts(&doc, ".item-filters a[aria-current=page]"),
        ["Still to do (2)"]
    );
    for (_, url) in expected {
        let page = Html::parse_document(&site.read(&format!("public{url}index.html")));
        let current = texts(&page, ".item-filters a[aria-current=page]");
        assert_eq!(current.len(), 1, "{url}");
    }
    let overdue = Html::parse_document(&site.read("public/action-items/overdue/index.html"));
    assert_eq!(texts(&overdue, "#items-heading"), ["Overdue (1)"]);
    assert_eq!(rows(&overdue, "table.items-table").len(), 1);
    let bob = Html::parse_document(&site.read("public/action-items/owner/bob/index.html"));
    assert_eq!(texts(&bob, "h1"), ["Action items: bob"]);
    assert_eq!(
        texts(&bob, "#items-heading"),
        ["Owner bob: still to do (1)"]
    );
    assert_eq!(
        rows(&bob, "table.items-table"),
        ["Cache the lookups From SEV2 Bravo slowdown | bob |  | in-progress | 2030-01-01 | "]
    );
    // What is closed is a list of its own.
    let closed = Html::parse_document(&site.read("public/action-items/closed/index.html"));
    assert_eq!(texts(&closed, "#items-heading"), ["Closed (2)"]);
    assert_eq!(
        rows(&closed, "table.items-table"),
        [
            "Add an alert From SEV1 Alpha outage | ann | P1 | done |  | OPS-1",
            "Rewrite the client From SEV2 Charlie errors | ann |  | wontfix |  | "
        ]
    );
}

#[test]
fn an_owner_with_nothing_left_to_do_has_no_page_and_no_link() {
    let site = Site::fixture("insight");
    site.write(
        "content/2021-07-02-e.md",
        writeup(
            "Echo",
            "action_items:\n  - {task: Tidy up, owner: cleo, status: done}\n",
            "Echo.",
        )
        .as_bytes(),
    );
    let run = site.run(&["build", "--today", "2021-01-01", "--future"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.path().join("public/action-items/owner/cleo").exists());
    let closed = Html::parse_document(&site.read("public/action-items/closed/index.html"));
    assert!(texts(&closed, "table.items-table td").contains(&"cleo".to_string()));
    let links = texts(&closed, "table.items-table td a[href*=owner]");
    assert!(!links.contains(&"cleo".to_string()), "{links:?}");
    assert!(links.contains(&"ann".to_string()), "{links:?}");
    let all = Html::parse_document(&site.read("public/action-items/index.html"));
    assert!(!texts(&all, ".item-filters a")
        .iter()
        .any(|t| t.starts_with("cleo")));
}

#[test]
fn a_write_up_and_its_list_entries_say_where_its_follow_ups_stand() {
    let site = built();
    let page = Html::parse_document(&site.read("public/incidents/a/index.html"));
    assert_eq!(texts(&page, ".follow-ups"), ["1 done · 1 overdue"]);
    assert_eq!(
        texts(&page, "section.action-items tr.overdue td.text"),
        ["Write the runbook, with care Overdue"]
    );
    let home = Html::parse_document(&site.read("public/index.html"));
    let line = Selector::parse(".facts-line a.has-overdue").unwrap();
    let a = home
        .select(&line)
        .next()
        .expect("an entry flags its overdue items");
    assert_eq!(a.text().collect::<String>(), "1 done · 1 overdue");
    assert_eq!(a.value().attr("href"), Some("/incidents/a/#action-items"));
    let c = texts(&home, ".facts-line a[href='/incidents/c/#action-items']");
    assert_eq!(c, ["1 won't do"]);
}

#[test]
fn exports_carry_every_write_up_and_item() {
    let site = built();
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/incidents.json")).unwrap();
    assert_eq!(json["count"], 4);
    let first = &json["incidents"][0];
    assert_eq!(first["slug"], "d");
    let bravo = json["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "b")
        .unwrap();
    assert_eq!(bravo["url"], "https://incidents.example.com/incidents/b/");
    assert_eq!(bravo["metrics"]["time_to_detect_seconds"], 1800);
    assert_eq!(bravo["metrics"]["time_to_mitigate_seconds"], 3600);
    assert_eq!(bravo["metrics"]["time_to_resolve_seconds"], 14400);
    assert_eq!(bravo["metrics"]["outage_seconds"], 3600);
    assert_eq!(bravo["incident"]["started"], "2020-02-15T09:00:00+00:00");
    assert_eq!(bravo["services"], serde_json::json!(["db", "api"]));
    assert_eq!(bravo["action_items"][0]["status"], "in-progress");
    assert_eq!(bravo["action_items"][0]["overdue"], false);
    let csv = site.read("public/action-items.csv");
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "incident,incident_title,incident_url,incident_date,task,owner,priority,status,due,overdue,ticket,ticket_url");
    assert_eq!(lines.len(), 6, "header, four items, final newline");
    assert!(lines.contains(&"a,Alpha outage,https://incidents.example.com/incidents/a/,2020-01-10,\"Write the runbook, with care\",ann,P2,open,2020-02-01,true,OPS 2,https://tracker.example.com/browse/OPS%202"), "{csv}");
}

#[test]
fn related_links_show_both_ways() {
    let site = built();
    let doc = Html::parse_document(&site.read("public/incidents/c/index.html"));
    let related = Selector::parse(".related li a").unwrap();
    let titles: Vec<String> = doc.select(&related).map(|a| a.text().collect()).collect();
    assert_eq!(titles[0], "Alpha outage", "C lists A, which names C");
}

#[test]
fn stats_command_prints_the_same_figures() {
    let site = Site::fixture("insight");
    let run = site.run(&["stats", "--today", "2022-01-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = [
        "Incidents by severity and year",
        "year     SEV1   SEV2   SEV3   SEV4   SEV5   total",
        "2021        0      1      1      0      0       2",
        "2020        1      1      0      0      0       2",
        "all         1      2      1      0      0       4",
        "",
        "Time from the start of an incident",
        "           incidents       median  90th percentile",
        "detect             3       20 min           30 min",
        "mitigate           3   1 h 00 min       2 h 00 min",
        "resolve            3   2 h 00 min       4 h 00 min",
        "",
        "Action items: 4 in all, 1 done, 2 closed, 2 open",
        "",
        "Open action items by owner",
        "ann       1",
        "bob       1",
        "",
    ];
    assert_eq!(run.stdout, expected.join("\n"));
    let json = site.run(&["stats", "--format", "json", "--today", "2022-01-01"]);
    let figures: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(figures["incidents"], 4);
    assert_eq!(figures["by_severity"], serde_json::json!([1, 2, 1, 0, 0]));
    assert_eq!(
        figures["detect"],
        serde_json::json!({"count": 3, "median": 1200, "p90": 1800})
    );
    assert_eq!(
        figures["resolve"],
        serde_json::json!({"count": 3, "median": 7200, "p90": 14400})
    );
    assert_eq!(
        figures["open_by_owner"],
        serde_json::json!([["ann", 1], ["bob", 1]])
    );
    assert_eq!(figures["action_items_done"], 1);
}

#[test]
fn check_warns_about_overdue_items() {
    let site = Site::fixture("insight");
    let run = site.run(&["check", "--today", "2021-01-01", "--color", "never"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stderr,
        "content/2020-01-10-a.md:23:10: warning: action_items[1]: overdue: \"Write the runbook, with care\" (owner ann) was due 2020-02-01 and is still open\n \
23 |     due: 2020-02-01\n    |          ^\n  = hint: finish it and set `status: done`, give it a new `due` date, or set `status: wontfix` and say why in the write-up\n\
check ok: 0 errors, 1 warning in 4 write-ups\n"
    );
    let before = site.run(&["check", "--today", "2020-01-31", "--color", "never"]);
    assert_eq!(
        before.stderr,
        "check ok: 0 errors, 0 warnings in 4 write-ups\n"
    );
}

#[test]
fn an_empty_site_still_has_a_sensible_stats_page() {
    let site = Site::with(&[("content/_about.md", "Nothing yet.\n")]);
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = Html::parse_document(&site.read("public/stats/index.html"));
    let p = Selector::parse("main > p").unwrap();
    let intro: String = doc.select(&p).next().unwrap().text().collect();
    assert!(
        intro.starts_with("0 incidents written up; 0 action items, – done."),
        "{intro}"
    );
    assert!(site.read("public/stats/index.html").contains("No data yet"));
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/incidents.json")).unwrap();
    assert_eq!(json["count"], 0);
    let stats = site.run(&["stats"]);
    assert_eq!(stats.code, 0);
    assert!(
        stats
            .stdout
            .contains("all         0      0      0      0      0       0\n"),
        "{}",
        stats.stdout
    );
}
