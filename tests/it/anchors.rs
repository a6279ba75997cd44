//! Links to one timeline entry, action item or lesson on a write-up's page.

use crate::common;
use common::{html, texts, writeup, Site};

#[test]
fn timeline_entries_action_items_and_lessons_have_links_that_outlive_edits() {
    let front = |first: &str| {
        format!(
            "timeline:\n{first}  - {{at: 2020-01-02 10:00, type: trigger, event: A deploy}}\n  - {{at: 2020-01-02 10:00, type: action, event: Same minute}}\n  - {{at: 2020-01-02 11:30, type: resolution, event: Fixed}}\nlessons:\n  went_well: [Paging worked]\n  learned: [Paging worked, Rollbacks are quick]\naction_items:\n  - {{task: Add an alert on the queue depth of the payment workers and their retries, owner: ann}}\n  - {{task: Add an alert on the queue depth of the payment workers and their retries, owner: bob}}\n"
        )
    };
    let site = Site::new();
    site.write("blameless.yaml", b"title: T\n");
    site.write(
        "content/2020-01-02-a.md",
        writeup("A", &front(""), "Body.").as_bytes(),
    );
    assert_eq!(site.run(&["build"]).code, 0);
    let ids = |site: &Site| {
        let doc = html(site, "incidents/a/index.html");
        let sel = scraper::Selector::parse("a.permalink").unwrap();
        let hrefs: Vec<String> = doc
            .select(&sel)
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        for href in &hrefs {
            let target = format!("[id='{}']", href.trim_start_matches('#'));
            assert_eq!(texts(&doc, &target).len(), 1, "{href} names one element");
        }
        hrefs
    };
    let before = ids(&site);
    assert_eq!(
        before,
        [
            "#t-2020-01-02-1000",
            "#t-2020-01-02-1000-2",
            "#t-2020-01-02-1130",
            "#lesson-paging-worked",
            "#lesson-paging-worked-2",
            "#lesson-rollbacks-are-quick",
            "#item-add-an-alert-on-the-queue-depth-of-the-payment",
            "#item-add-an-alert-on-the-queue-depth-of-the-payment-2",
        ]
    );
    // An entry added before the others leaves their links as they were.
    site.write(
        "content/2020-01-02-a.md",
        writeup(
            "A",
            &front("  - {at: 2020-01-02 09:40, type: note, event: Earlier}\n"),
            "Body.",
        )
        .as_bytes(),
    );
    assert_eq!(site.run(&["build"]).code, 0);
    let after = ids(&site);
    assert_eq!(after[0], "#t-2020-01-02-0940");
    assert_eq!(after[1..], before[..]);
}
