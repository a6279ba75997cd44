//! Updates (what `serve` does after a change: render only the pages the
//! change touched, in place) give exactly the output of a whole build, for
//! every kind of edit; and the edits that can be updated are.

use crate::common;
use blameless::build::{self, Plan};
use blameless::config::Config;
use blameless::content::Loader;
use blameless::output::OutputLock;
use common::Site;
use std::cell::RefCell;
use std::path::Path;

struct Preview {
    site: Site,
    out: tempfile::TempDir,
    loader: Loader,
    snapshot: Option<Plan>,
}

/// What one rebuild did.
struct Rebuilt {
    updated: bool,
    /// Files written before the search index and stats (updates only;
    /// empty when every page changed, which `every_page` says).
    first: Vec<String>,
    every_page: bool,
}

fn options(output: &OutputLock) -> build::Options<'_> {
    build::Options {
        drafts: false,
        future: false,
        output,
        replace_foreign: false,
        today: jiff::civil::date(2030, 1, 1),
    }
}

fn lock(output: &Path) -> OutputLock {
    OutputLock::acquire(output, "build", None).unwrap()
}

impl Preview {
    fn new() -> Preview {
        Preview::of("site")
    }

    fn of(fixture: &str) -> Preview {
        Preview {
            site: Site::fixture(fixture),
            out: tempfile::tempdir().unwrap(),
            loader: Loader::default(),
            snapshot: None,
        }
    }

    fn write(&mut self, path: &str, text: &str) {
        self.site.write(path, text.as_bytes());
        self.loader.forget(&self.site.path().join(path));
    }

    fn edit(&mut self, path: &str, from: &str, to: &str) {
        let text = self.site.read(path);
        assert!(text.contains(from), "{path} has no {from:?}");
        self.write(path, &text.replacen(from, to, 1));
    }

    /// Rebuilds as `serve` does, then checks the output against a whole
    /// build of the same sources into a new folder.
    fn rebuild(&mut self) -> Rebuilt {
        let root = self.site.path();
        let (config, _) = Config::load(root, None).unwrap();
        let content = self.loader.load(root, &config, None);
        assert!(
            content
                .diagnostics
                .iter()
                .all(|d| d.level != blameless::diagnostic::Level::Error),
            "{:?}",
            content.diagnostics
        );
        let out = lock(&self.out.path().join("site"));
        let opts = options(&out);
        let first = RefCell::new(Some(Vec::new()));
        let (report, snapshot) = build::build(
            root,
            &config,
            &content,
            &opts,
            &|| build::fingerprint(root, &config, &opts, content.sources.as_deref().unwrap()),
            self.snapshot.take(),
            &|files| *first.borrow_mut() = files,
        )
        .unwrap();
        self.snapshot = Some(snapshot);

        let fresh = tempfile::tempdir().unwrap();
        let fresh_out = lock(&fresh.path().join("site"));
        let fresh_opts = options(&fresh_out);
        let whole = blameless::content::load(root, &config);
        build::build(
            root,
            &config,
            &whole,
            &fresh_opts,
            &|| build::fingerprint(root, &config, &opts, whole.sources.as_deref().unwrap()),
            None,
            &|_| {},
        )
        .unwrap();
        let (got, want) = (
            common::snapshot(out.target()),
            common::snapshot(fresh_out.target()),
        );
        let names = |files: &[(String, Vec<u8>)]| -> Vec<String> {
            files.iter().map(|(name, _)| name.clone()).collect()
        };
        assert_eq!(names(&got), names(&want), "the same files");
        for ((name, a), (_, b)) in got.iter().zip(&want) {
            assert!(a == b, "{name} differs from a whole build");
        }
        let first_written = first.into_inner();
        Rebuilt {
            updated: report.updated,
            every_page: first_written.is_none(),
            first: first_written.unwrap_or_default(),
        }
    }
}

#[test]
fn updates_equal_whole_builds() {
    let mut p = Preview::new();
    assert!(!p.rebuild().updated, "the first build is whole");

    let unchanged = p.rebuild();
    assert!(unchanged.updated);
    assert!(unchanged.first.is_empty(), "{:?}", unchanged.first);

    // The body: its page, and the lists that show its word count.
    p.edit(
        "content/2020-05-05-cache.md",
        "First paragraph",
        "First paragraph, now longer by some words,",
    );
    let body = p.rebuild();
    assert!(body.updated);
    assert!(body
        .first
        .contains(&"incidents/cache/index.html".to_string()));
    for untouched in [
        "incidents/s3-outage/index.html",
        "tags/index.html",
        "search/index.html",
    ] {
        assert!(!body.first.contains(&untouched.to_string()), "{untouched}");
    }

    // The title: also its neighbours' pages, its related ones and lists.
    p.edit(
        "content/2019/2019-02-28-s3-outage.md",
        "title: ",
        "title: Renamed, ",
    );
    let title = p.rebuild();
    assert!(title.updated);
    assert!(title
        .first
        .contains(&"incidents/stale-snapshot/index.html".to_string()));

    // `related` of one write-up changes the related lists of two.
    p.edit(
        "content/2018-10-07-stale-snapshot.md",
        "related: [s3-outage]",
        "related: [cache]",
    );
    assert!(p.rebuild().updated);

    // One more service or author (both known): their pages of terms, their
    // lists and feeds change; the sidebar does not.
    p.edit(
        "content/2020-05-05-cache.md",
        "services: [accounts-db]",
        "services: [accounts-db, media-upload]",
    );
    let service = p.rebuild();
    assert!(service.updated);
    for page in ["services/index.html", "services/media-upload/index.html"] {
        assert!(
            service.first.contains(&page.to_string()),
            "{page}: {:?}",
            service.first
        );
    }
    for page in ["tags/index.html", "severity/index.html"] {
        assert!(!service.first.contains(&page.to_string()), "{page}");
    }
    p.edit(
        "content/2020-05-05-cache.md",
        "authors: [sam]",
        "authors: [sam, maria]",
    );
    assert!(p.rebuild().updated);
    // A list page that shows the same write-ups still shows its term's
    // count. zed has four write-ups (two to a page); the oldest leaves.
    for (date, authors) in [
        ("2017-04-01", "zed"),
        ("2017-03-01", "zed"),
        ("2017-02-01", "zed, yan"),
        ("2017-01-01", "zed, yan"),
        ("2016-12-01", "yan"),
        ("2016-11-01", "yan"),
    ] {
        p.write(
            &format!("content/{date}-old-{date}.md"),
            &format!("---\ntitle: Old {date}\ndate: {date}\nseverity: SEV2\nauthors: [{authors}]\n---\nOld.\n"),
        );
    }
    assert!(p.rebuild().updated);
    p.edit(
        "content/2017-01-01-old-2017-01-01.md",
        "authors: [zed, yan]",
        "authors: [yan]",
    );
    let left = p.rebuild();
    assert!(left.updated);
    assert!(
        left.first.contains(&"authors/zed/index.html".to_string()),
        "{:?}",
        left.first
    );
    // A severity, author or service left with no write-up is a page gone
    // (the comparison with a whole build checks that its files went).
    p.edit(
        "content/2020-05-05-cache.md",
        "severity: SEV3",
        "severity: SEV1",
    );
    assert!(p.rebuild().updated);
    p.edit(
        "content/2020-05-05-cache.md",
        "authors: [sam, maria]",
        "authors: [maria]",
    );
    assert!(p.rebuild().updated);

    // Closing an action item changes the sidebar's counter: every page.
    p.edit(
        "content/2018-10-07-stale-snapshot.md",
        "status: open",
        "status: done",
    );
    let counter = p.rebuild();
    assert!(counter.updated);
    assert!(counter.every_page);

    // A new tag: its pages are new files (and the tag cloud changes).
    p.edit(
        "content/2020-05-05-cache.md",
        "tags: [cache, database, backups]",
        "tags: [cache, database, backups, brand-new]",
    );
    let tag = p.rebuild();
    assert!(tag.updated);
    assert!(tag.every_page);

    // A new date reorders the write-ups.
    p.edit(
        "content/2020-05-05-cache.md",
        "date: 2020-05-05",
        "date: 2017-05-05",
    );
    assert!(p.rebuild().updated);

    // Publishing a draft, adding and removing write-ups, the about text.
    p.edit(
        "content/2021-01-01-draft.md",
        "status: draft",
        "status: published",
    );
    assert!(p.rebuild().updated);
    p.write(
        "content/2022-02-02-new.md",
        &common::writeup("Brand new", "tags: [cache]\n", "Fresh.\n"),
    );
    assert!(p.rebuild().updated);
    std::fs::remove_file(p.site.path().join("content/2022-02-02-new.md")).unwrap();
    assert!(p.rebuild().updated);
    // The about text is on every page, a setting: a whole build.
    p.write("content/_about.md", "We write things up, blamelessly.\n");
    assert!(!p.rebuild().updated);

    // After a whole build, updates again.
    p.edit("content/2020-05-05-cache.md", "Careful.", "Very careful.");
    assert!(p.rebuild().updated);
}

#[test]
fn a_template_change_is_a_whole_build() {
    let mut p = Preview::new();
    p.rebuild();
    p.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Gone.</p>{% endblock content %}",
    );
    assert!(!p.rebuild().updated);
    p.edit("content/2020-05-05-cache.md", "Careful.", "Very careful.");
    assert!(p.rebuild().updated);
}

#[test]
fn a_home_page_of_whole_write_ups_is_updated_with_their_bodies() {
    let mut p = Preview::new();
    let config = p.site.read("blameless.yaml");
    p.write(
        "blameless.yaml",
        &format!("{config}home:\n  full_posts: true\n"),
    );
    p.rebuild();
    // The same number of words: the entry is unchanged, the body is not.
    p.edit("content/2020-05-05-cache.md", "Careful.", "Cautious.");
    let body = p.rebuild();
    assert!(body.updated);
    assert!(
        body.first.contains(&"index.html".to_string()),
        "{:?}",
        body.first
    );
}

#[test]
fn a_site_s_own_taxonomies_are_updated_like_tags() {
    let mut p = Preview::of("taxonomies");
    p.rebuild();
    // A write-up joins a team: its page, the team's pages and feed.
    p.edit(
        "content/2021-02-01-silent-queue.md",
        "teams: [payments]",
        "teams: [payments, platform]",
    );
    let joined = p.rebuild();
    assert!(joined.updated);
    for page in [
        "incidents/silent-queue/index.html",
        "teams/index.html",
        "teams/platform/index.html",
        "teams/platform/page/2/index.html",
    ] {
        assert!(
            joined.first.contains(&page.to_string()),
            "{page}: {:?}",
            joined.first
        );
    }
    assert!(!joined.first.contains(&"causes/index.html".to_string()));
    // A new team and a new cause from the vocabulary: new pages.
    p.edit(
        "content/2021-01-01-cert.md",
        "services: [edge]",
        "services: [edge]\nteams: [security]\ncauses: [capacity]",
    );
    assert!(p.rebuild().updated);
    // A team left with no write-up: its pages go.
    p.edit(
        "content/2021-01-01-cert.md",
        "teams: [security]",
        "teams: []",
    );
    assert!(p.rebuild().updated);
    // A description in the configuration: a setting, a whole build.
    let config = p.site.read("blameless.yaml");
    p.write(
        "blameless.yaml",
        &config.replace("A configuration change", "A change to the configuration"),
    );
    assert!(!p.rebuild().updated);
}

#[test]
fn files_beside_write_ups_are_updated_added_and_removed() {
    let mut p = Preview::of("fit");
    p.rebuild();
    // A changed file: only it and its page's readers are touched.
    p.write(
        "content/2019-12-04-node-deletion/logs/kubectl.log",
        "00:30:02 node/w-9 cordoned\n",
    );
    let changed = p.rebuild();
    assert!(changed.updated);
    assert_eq!(
        changed.first,
        ["incidents/node-deletion/logs/kubectl.log"],
        "{:?}",
        changed.first
    );
    // A new reference publishes the file; a dropped one removes it.
    let page = "content/2019-12-04-node-deletion/index.md";
    p.edit(
        page,
        "[kubectl.log](logs/kubectl.log)",
        "[kubectl.log](unused.png)",
    );
    let swapped = p.rebuild();
    assert!(swapped.updated);
    assert!(p
        .out
        .path()
        .join("site/incidents/node-deletion/unused.png")
        .is_file());
    assert!(!p
        .out
        .path()
        .join("site/incidents/node-deletion/logs/kubectl.log")
        .exists());
}
