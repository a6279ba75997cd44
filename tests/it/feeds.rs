//! What feed readers get: the facts and the dek in every item, the whole
//! write-up with `full_content`, and an updated write-up announced again.

use crate::common;
use common::{html, texts, writeup, Site};

fn channel(site: &Site, path: &str) -> rss::Channel {
    rss::Channel::read_from(site.read(path).as_bytes()).unwrap()
}

#[test]
fn an_item_carries_the_dek_the_facts_and_with_full_content_the_whole_write_up() {
    let site = common::built(&[]);
    let feed = channel(&site, "public/rss.xml");
    let item = feed
        .items()
        .iter()
        .find(|i| i.title() == Some("Database replaced with a stale snapshot"))
        .unwrap();
    let description = item.description().unwrap();
    assert!(
        description.starts_with(
            "(Hint: it&#39;s about the team.) [SEV2 · accounts-db · duration 3 h 50 min] "
        ),
        "{description}"
    );
    let content = scraper::Html::parse_fragment(item.content().unwrap());
    let headings: Vec<String> = content
        .select(&scraper::Selector::parse("h2").unwrap())
        .map(|h| h.text().collect::<String>())
        .collect();
    for section in ["Impact", "Timeline", "Lessons", "Action items"] {
        assert!(
            headings.iter().any(|h| h == section),
            "{section} in {headings:?}"
        );
    }
    let paragraphs: Vec<String> = content
        .select(&scraper::Selector::parse("p").unwrap())
        .map(|p| p.text().collect())
        .collect();
    assert_eq!(paragraphs[0], "(Hint: it's about the team.)");
    let facts = &paragraphs[1];
    assert!(facts.starts_with("SEV2"), "{facts}");
    assert!(facts.contains("Duration: 3 h 50 min"), "{facts}");
}

#[test]
fn an_updated_write_up_is_announced_again_with_a_new_guid() {
    let site = Site::new();
    site.write(
        "blameless.yaml",
        b"title: T\nbase_url: https://incidents.example.com/\ntimezone: UTC\nfeed: {limit: 2}\n",
    );
    let dated = |title: &str, date: &str, extra: &str| {
        writeup(title, extra, "Body.").replace("date: 2020-01-02", &format!("date: {date}"))
    };
    site.write(
        "content/old.md",
        dated("Old", "2020-01-02", "updated: 2020-06-01\n").as_bytes(),
    );
    site.write(
        "content/middle.md",
        dated("Middle", "2020-03-01", "").as_bytes(),
    );
    site.write("content/new.md", dated("New", "2020-05-01", "").as_bytes());
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let feed = channel(&site, "public/rss.xml");
    let titles: Vec<&str> = feed.items().iter().filter_map(|i| i.title()).collect();
    assert_eq!(
        titles,
        ["Old", "New"],
        "the update is the newest; two items"
    );
    let old = &feed.items()[0];
    let guid = old.guid().unwrap();
    assert_eq!(
        guid.value(),
        "https://incidents.example.com/incidents/old/#updated-2020-06-01"
    );
    assert!(!guid.is_permalink());
    assert_eq!(old.pub_date(), Some("Mon, 01 Jun 2020 00:00:00 +0000"));
    assert_eq!(
        old.link(),
        Some("https://incidents.example.com/incidents/old/")
    );
    let new = &feed.items()[1];
    assert!(new.guid().unwrap().is_permalink());
    // The page, the sitemap and the export say so too.
    let page = html(&site, "incidents/old/index.html");
    assert_eq!(
        texts(&page, ".post-full .date-line"),
        ["Thursday, January 2nd, 2020 (updated Monday, June 1st, 2020)"]
    );
    assert!(site.read("public/sitemap.xml").contains(
        "<loc>https://incidents.example.com/incidents/old/</loc><lastmod>2020-06-01</lastmod>"
    ));
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/incidents.json")).unwrap();
    let exported: Vec<&serde_json::Value> = json["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["updated"])
        .collect();
    assert_eq!(
        exported,
        [
            &serde_json::Value::Null,
            &serde_json::Value::Null,
            &serde_json::json!("2020-06-01")
        ]
    );
}

#[test]
fn an_update_before_the_write_up_is_an_error_at_its_place() {
    let site = Site::new();
    site.write("blameless.yaml", b"title: T\n");
    site.write(
        "content/a.md",
        writeup("A", "updated: 2019-12-31\n", "Body.").as_bytes(),
    );
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.problem_lines(),
        ["content/a.md:6:10: error: updated: 2019-12-31 is before the write-up's date, 2020-01-02"]
    );
    assert!(
        run.stderr
            .contains("= hint: give the day the write-up was last changed"),
        "{}",
        run.stderr
    );
}

#[test]
fn keys_other_tools_use_for_updated_and_aliases_point_to_ours() {
    let site = Site::new();
    site.write("blameless.yaml", b"title: T\n");
    site.write(
        "content/a.md",
        writeup(
            "A",
            "lastmod: 2020-02-01\nmodified: 2020-02-01\nalias: [the other name]\n",
            "Body.",
        )
        .as_bytes(),
    );
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let all: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let said: Vec<(String, String)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["message"].as_str().unwrap().to_string(),
                d["hint"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want = [
        (
            "unknown key `lastmod`",
            "did you mean `updated`? (the day the write-up was last changed)",
        ),
        (
            "unknown key `modified`",
            "did you mean `updated`? (the day the write-up was last changed)",
        ),
        (
            "unknown key `alias`",
            "did you mean `aliases`? It takes a list: aliases: [the stale snapshot]",
        ),
    ];
    assert_eq!(said, want.map(|(m, h)| (m.to_string(), h.to_string())));
}
