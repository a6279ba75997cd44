//! What one run leaves for the next in `.blameless-cache/`: highlighted
//! code and parsed write-ups. A cache only saves time: each test shows the
//! cache is used, that what it must not reuse is made again, and that the
//! output is the same bytes as without it.

use crate::common;
use common::{built, writeup, Site};

#[test]
fn highlighted_code_is_cached_for_the_same_program_only() {
    let site = built(&[]);
    let page = "public/incidents/stale-snapshot/index.html";
    let fresh = common::snapshot(&site.path().join("public"));
    let cache = site.path().join(".blameless-cache/highlight.bin");
    let saved = std::fs::read(&cache).expect("the build saves its cache");
    let header = b"blameless memo 1\n";
    assert!(saved.starts_with(header));
    let stamp_end = header.len()
        + saved[header.len()..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap();
    let stamp = String::from_utf8(saved[header.len()..stamp_end].to_vec()).unwrap();

    let forge = |stamp: &str| {
        let value = "<b>FORGED</b>";
        let mut bytes = header.to_vec();
        bytes.extend(format!("{stamp}\n").as_bytes());
        bytes.extend(blameless::memo::key(&["highlight", "sql", "SELECT 1;\n"]).to_le_bytes());
        bytes.extend((value.len() as u32).to_le_bytes());
        bytes.extend(value.as_bytes());
        std::fs::write(&cache, bytes).unwrap();
        let run = site.run(&["build", "--force"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        site.read(page).contains("FORGED")
    };
    // The cache is really used: an entry under this program's stamp is
    // taken as the highlighted block...
    assert!(forge(&stamp));
    // ...and one saved by another program (another version, or a rebuilt
    // binary) is not.
    assert!(!forge(&stamp.replacen(' ', "-other ", 1)));
    assert_eq!(common::snapshot(&site.path().join("public")), fresh);
    // Without a cache, the same bytes.
    std::fs::remove_dir_all(site.path().join(".blameless-cache")).unwrap();
    assert_rebuilds_to(&site, &fresh);
}

/// A forced build of `site` writes exactly `output`.
fn assert_rebuilds_to(site: &Site, output: &[(String, Vec<u8>)]) {
    let run = site.run(&["build", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(common::snapshot(&site.path().join("public")), output);
}

#[test]
fn a_cache_that_cannot_be_saved_does_not_stop_the_build() {
    let site = Site::fixture("site");
    // A file where the cache folder would go.
    site.write(".blameless-cache", b"in the way");
    let run = site.run(&["build", "-v", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for cache in ["highlight.bin", "parse.bin"] {
        assert!(
            run.stderr.contains(&format!(
                "note: cannot save .blameless-cache/{cache}: File exists"
            )),
            "{}",
            run.stderr
        );
    }
    assert!(site.path().join("public/index.html").is_file());
    // Without --verbose it says nothing of it.
    let quiet = site.run(&["build", "--force", "--color", "never"]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("cannot save"), "{}", quiet.stderr);
}

#[test]
fn parsed_write_ups_are_reused_until_their_file_or_the_settings_change() {
    let site = built(&[]);
    let page = "public/incidents/stale-snapshot/index.html";
    let fresh = common::snapshot(&site.path().join("public"));
    let cache = site.path().join(".blameless-cache/parse.bin");
    let title = "Database replaced with a stale snapshot";
    // The same length, so that the entry's length prefix still holds.
    let forged = "Database replaced with a FORGE snapshot";
    let forge = || {
        let mut saved = std::fs::read(&cache).expect("the build saves it");
        let at = saved
            .windows(title.len())
            .position(|w| w == title.as_bytes())
            .expect("the entry holds the title");
        saved[at..at + title.len()].copy_from_slice(forged.as_bytes());
        std::fs::write(&cache, saved).unwrap();
    };
    let shows_forged_title = || {
        let run = site.run(&["build", "--force"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        site.read(page).contains(forged)
    };
    // The cache is really used: the entry is taken as the parsed file...
    forge();
    assert!(shows_forged_title());
    let run = site.run(&["build", "--force", "-v"]);
    assert!(
        run.stderr
            .contains(" (5 of 5 files from the parse cache)\n"),
        "{}",
        run.stderr
    );
    // ...until the file changes...
    let file = "content/2018-10-07-stale-snapshot.md";
    let text = site.read(file);
    site.write(file, format!("{text}\n").as_bytes());
    assert!(!shows_forged_title());
    // ...or the settings do (validation reads some of them).
    forge();
    let config = site.read("blameless.yaml");
    site.write(
        "blameless.yaml",
        config.replace("paginate: 2", "paginate: 3").as_bytes(),
    );
    assert!(!shows_forged_title());

    // The same bytes as the first build, from the cache and without one.
    site.write(file, text.as_bytes());
    site.write("blameless.yaml", config.as_bytes());
    assert_rebuilds_to(&site, &fresh);
    assert_rebuilds_to(&site, &fresh);
    std::fs::remove_dir_all(site.path().join(".blameless-cache")).unwrap();
    assert_rebuilds_to(&site, &fresh);
}

#[test]
fn check_says_the_same_with_its_cache() {
    let site = Site::fixture("broken");
    // Clean on its own: it is cached, and its one problem is found across
    // files, against content/a.md.
    site.write(
        "content/c.md",
        writeup("Also DNS", "tags: [DNS]\n", "Body.\n").as_bytes(),
    );
    let cache = site.path().join(".blameless-cache/parse.bin");
    let mut runs = Vec::new();
    for format in ["human", "json"] {
        for _ in 0..2 {
            let run = site.run(&["check", "--color", "never", "--format", format]);
            assert_eq!(run.code, 1, "{}", run.stderr);
            runs.push((run.stdout, run.stderr));
        }
    }
    assert!(cache.is_file());
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[2], runs[3]);
    assert!(
        runs[0].1.contains(
            "content/c.md:6:8: warning: tags[0]: \"DNS\" differs from \"dns\" (in content/a.md)"
        ),
        "{}",
        runs[0].1
    );
    // The files with problems are read afresh; the clean ones are kept.
    let saved = String::from_utf8_lossy(&std::fs::read(&cache).unwrap()).into_owned();
    assert!(saved.contains("Also DNS"));
    assert!(!saved.contains("Bad values"));
}

#[test]
fn check_leaves_the_cache_alone_when_the_configuration_fails() {
    let site = Site::fixture("site");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cache = site.path().join(".blameless-cache/parse.bin");
    let saved = std::fs::read(&cache).unwrap();
    site.write("blameless.yaml", b"paginate: many\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(std::fs::read(&cache).unwrap(), saved);
}
