//! Stats, action items, exports and `blameless stats` on a fixture whose
//! figures were worked out by hand (see tests/fixtures/insight).

use crate::common;
use common::Site;
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
fn action_items_page_groups_by_status_and_owner_and_flags_overdue() {
    let site = built();
    let doc = Html::parse_document(&site.read("public/action-items/index.html"));
    let h2 = Selector::parse("main h2").unwrap();
    let headings: Vec<String> = doc.select(&h2).map(|h| h.text().collect()).collect();
    assert_eq!(
        headings,
        [
            "Open (1)",
            "In progress (1)",
            "By owner: what is still open"
        ]
    );
    // What is closed is on a page of its own.
    let closed = Html::parse_document(&site.read("public/action-items/closed/index.html"));
    let headings: Vec<String> = closed.select(&h2).map(|h| h.text().collect()).collect();
    assert_eq!(headings, ["Done (1)", "Won't do (1)"]);
    assert_eq!(
        rows(&closed, "section[aria-labelledby=status-wontfix]"),
        ["Rewrite the client | ann |  | wontfix |  |  | Charlie errors"]
    );
    let owner = Selector::parse("section[aria-labelledby=status-done] td a[href*=owner]").unwrap();
    assert_eq!(
        closed.select(&owner).next().unwrap().value().attr("href"),
        Some("/action-items/#owner-ann")
    );
    assert_eq!(
        rows(&doc, "section[aria-labelledby=status-open]"),
        ["Write the runbook, with care Overdue | ann | P2 | open | 2020-02-01 | OPS 2 | Alpha outage"]
    );
    let link = Selector::parse("section[aria-labelledby=status-open] td a[href^=https]").unwrap();
    assert_eq!(
        doc.select(&link).next().unwrap().value().attr("href"),
        Some("https://tracker.example.com/browse/OPS%202")
    );
    let h3 = Selector::parse("main h3").unwrap();
    let owners: Vec<(String, String)> = doc
        .select(&h3)
        .map(|h| {
            (
                h.value().attr("id").unwrap().to_string(),
                h.text().collect(),
            )
        })
        .collect();
    assert_eq!(
        owners,
        [
            (
                "owner-ann".to_string(),
                "ann: 1 open, 1 overdue".to_string()
            ),
            ("owner-bob".to_string(), "bob: 1 open".to_string()),
        ]
    );
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
