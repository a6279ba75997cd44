//! Hostile and broken input (tests/hostile/ and generated files): every text
//! escaped, no live script, nothing written outside the output, clear errors
//! and no panic or hang on malformed files, and a killed or interrupted build
//! that leaves the published site as it was.

use crate::common;
use common::{run_in, snapshot, writeup, Site};
use scraper::{Html, Selector};
use std::path::Path;

fn hostile(name: &str) -> Site {
    let site = Site::new();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile")
        .join(name);
    common::copy_dir(&from, site.path());
    site
}

fn html_files(root: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn xss_payloads_in_every_field_never_become_markup() {
    let site = hostile("xss");
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = site.path().join("public");
    let all = Selector::parse("*").unwrap();
    let pages = html_files(&public);
    assert!(pages.len() > 15);
    for page in &pages {
        let doc = Html::parse_document(&std::fs::read_to_string(page).unwrap());
        for element in doc.select(&all) {
            let tag = element.value().name();
            // The only scripts allowed: the theme's own search client and
            // action-item filters, by URL.
            if tag == "script" {
                let src = element.value().attr("src");
                assert!(
                    matches!(src, Some("/search.js" | "/items.js")),
                    "foreign <script> {src:?} in {}",
                    page.display()
                );
                assert_eq!(
                    element.inner_html(),
                    "",
                    "inline script in {}",
                    page.display()
                );
                continue;
            }
            assert!(
                !["iframe", "style", "object", "embed", "math"].contains(&tag),
                "<{tag}> in {}",
                page.display()
            );
            if tag == "svg" {
                assert_eq!(
                    element.value().attr("class"),
                    Some("chart"),
                    "foreign <svg> in {}",
                    page.display()
                );
            }
            for (name, value) in element.value().attrs() {
                assert!(!name.starts_with("on"), "{name}= in {}", page.display());
                let lowered = value.trim().to_ascii_lowercase();
                let is_url = [
                    "href",
                    "src",
                    "action",
                    "formaction",
                    "xlink:href",
                    "poster",
                    "background",
                    "data",
                ]
                .contains(&name);
                assert!(
                    !is_url
                        || !(lowered.starts_with("javascript:")
                            || lowered.starts_with("vbscript:")
                            || lowered.starts_with("data:")),
                    "{name}={value} in {}",
                    page.display()
                );
                assert!(
                    !(name == "style" && lowered.contains("url(")),
                    "style url in {}",
                    page.display()
                );
                assert!(
                    !(name == "action" && lowered.contains("evil")),
                    "foreign form in {}",
                    page.display()
                );
            }
        }
    }
    // The payloads are shown as the text they are.
    let page = Html::parse_document(&site.read("public/incidents/xss/index.html"));
    let h1 = Selector::parse("h1").unwrap();
    let title: String = page.select(&h1).next().unwrap().text().collect();
    assert_eq!(title, "<script>alert('title')</script>]]>&amp;");
    let code = Selector::parse("pre code").unwrap();
    let shown: String = page.select(&code).next().unwrap().text().collect();
    assert_eq!(
        shown,
        "<script>alert('code block is shown, not run')</script>\n"
    );
    // Feeds stay well-formed. (Control characters, which a feed cannot
    // carry, are check errors: tests/it/bounds.rs.)
    let channel =
        rss::Channel::read_from(site.read("public/rss.xml").as_bytes()).expect("well-formed feed");
    assert_eq!(channel.title(), "<script>alert('site title')</script> & Co");
    assert_eq!(
        channel.items()[0].title(),
        Some("<script>alert('title')</script>]]>&amp;")
    );
    for tag in [
        "script-alert-tag-script",
        "tmp-evil",
        "c-windows",
        "con-",
        "a-b",
        "abs-path",
    ] {
        assert!(
            public.join("tags").join(tag).join("rss.xml").is_file(),
            "tag page {tag}"
        );
    }
}

#[test]
fn a_tag_left_open_in_a_body_never_takes_the_rest_of_the_page() {
    for tag in [
        "plaintext",
        "xmp",
        "listing",
        "textarea",
        "script",
        "style",
        "iframe",
    ] {
        let body = format!(
            "First.\n\nA <{tag}> left open.\n\n<{tag}>\n\n## Later heading\n\nLast *words*.\n"
        );
        let site = Site::with(&[(
            "content/a.md",
            &writeup("A", "lessons:\n  went_well: [Something held]\n", &body),
        )]);
        let run = site.run(&["build"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let page = Html::parse_document(&site.read("public/incidents/a/index.html"));
        let text = |selector: &str| -> Vec<String> {
            let sel = Selector::parse(selector).unwrap();
            page.select(&sel)
                .map(|e| e.text().collect::<String>().trim().to_string())
                .collect()
        };
        assert_eq!(text("h2#later-heading"), ["Later heading"], "<{tag}>");
        assert_eq!(text("#body em"), ["words"], "<{tag}>");
        // What the template shows after the body renders too.
        assert_eq!(text("#lessons li"), ["Something held"], "<{tag}>");
        assert_eq!(text("#sidebar h2")[0], "Pile o'Tags", "<{tag}>");
    }
}

#[test]
fn hostile_names_never_leave_the_output_folder() {
    let site = hostile("xss");
    std::os::unix::fs::symlink("/etc/passwd", site.path().join("passwd-link")).unwrap();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::os::unix::fs::symlink("/etc", site.path().join("static/etc-link")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", site.path().join("static/hostname-link")).unwrap();
    site.write("static/ok.txt", b"ok");
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = site.path().join("public").canonicalize().unwrap();
    let mut everything: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(site.path()).follow_links(false) {
        let entry = entry.unwrap();
        everything.push(entry.path().display().to_string());
        if entry.path_is_symlink() {
            continue;
        }
        let real = entry.path().canonicalize().unwrap();
        assert!(
            real.starts_with(site.path().canonicalize().unwrap()),
            "{} escaped",
            real.display()
        );
    }
    assert!(public.join("ok.txt").is_file());
    assert!(
        !public.join("etc-link").exists() && !public.join("hostname-link").exists(),
        "symlinks are not followed"
    );
    assert!(!Path::new("/tmp/evil").exists());
    for dir in ["tags", "services", "authors"] {
        for entry in std::fs::read_dir(public.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'),
                "unsafe name {dir}/{name}"
            );
        }
    }
}

fn check(site: &Site) -> common::Run {
    site.run(&["check", "--color", "never"])
}

#[test]
#[ignore = "stress test; run by .ci/run with --include-ignored"]
fn oversized_files_and_lines_get_a_clear_limit() {
    let site = Site::new();
    let mut big = writeup("Big", "", "");
    big.push_str(&"x".repeat(50 * 1024 * 1024));
    site.write("content/big.md", big.as_bytes());
    let mut long_line = writeup("Long line", "", "");
    long_line.push_str(&"word ".repeat(10 * 1024 * 1024 / 5));
    site.write("content/long-line.md", long_line.as_bytes());
    let run = check(&site);
    assert_eq!(run.code, 1);
    common::assert_snapshot(
        &common::lines(&run.problem_lines()),
        "hostile-oversized-files-and-lines-get-a-clear-limit.txt",
    );
    // Just under the limit, one 7 MB line builds.
    let site = Site::new();
    let mut long = writeup("Long line", "", "");
    long.push_str(&"word ".repeat(7 * 1024 * 1024 / 5));
    site.write("content/long.md", long.as_bytes());
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// What a 100,000-entry timeline and 10,000 tags say and build to. How long
/// they take is `scripts/bench-hostile`'s to measure, not a test's.
#[test]
#[ignore = "stress test; run by .ci/run with --include-ignored"]
fn huge_front_matter_gets_its_first_error_placed_and_then_builds() {
    let site = Site::new();
    let mut timeline = String::from("timeline:\n");
    for i in 0..100_000 {
        timeline.push_str(&format!(
            "  - at: 2020-01-02T{:02}:{:02}:{:02}Z\n    event: step {i}\n",
            (i / 3600) % 24,
            (i / 60) % 60,
            i % 60
        ));
    }
    site.write(
        "content/timeline.md",
        writeup("Long timeline", &timeline, "Body\n").as_bytes(),
    );
    let tags: Vec<String> = (0..10_000).map(|i| format!("tag-{i}")).collect();
    site.write(
        "content/tags.md",
        writeup(
            "Many tags",
            &format!("tags: [{}]\n", tags.join(", ")),
            "Body\n",
        )
        .as_bytes(),
    );
    let run = check(&site);
    // The 100,000 entries wrap around the clock, so the timeline goes back in time.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("content/timeline.md:172807:9: error: timeline[86400].at: 2020-01-02 00:00 is earlier than the entry before it (2020-01-02 23:59)\n"), "{}", run.stderr);
    site.write("content/timeline.md", b"");
    std::fs::remove_file(site.path().join("content/timeline.md")).unwrap();
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site
        .path()
        .join("public/tags/tag-9999/index.html")
        .is_file());
}

#[test]
fn malformed_yaml_gets_clear_errors_not_panics() {
    let deep = format!("a: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let site = Site::with(&[
        (
            "content/truncated.md",
            "---\ntitle: \"unterminated\ndate: 2020-01-01\n---\n",
        ),
        ("content/deep.md", &format!("---\n{deep}---\n")),
        (
            "content/types.md",
            &writeup(
                "Types",
                "tags: dns\nimpact:\n  users: -5\n  requests: 99999999999999999999999\n",
                "",
            ),
        ),
        (
            "content/huge.md",
            &writeup("Huge", "impact:\n  users: 1e400\n", ""),
        ),
        ("content/list.md", "---\n- just\n- a list\n---\n"),
    ]);
    let run = check(&site);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains("crashed"), "{}", run.stderr);
    let firsts = run.problem_lines();
    common::assert_snapshot(
        &common::lines(&firsts),
        "hostile-malformed-yaml-gets-clear-errors-not-panics.txt",
    );
}

fn generated_site(n: usize) -> Site {
    let site = Site::new();
    for i in 0..n {
        let body = format!(
            "Paragraph {i} about the cache.\n\n```rust\nfn main() {{ println!(\"{i}\"); }}\n```\n"
        );
        site.write(
            &format!("content/2020-01-01-w{i:05}.md"),
            writeup(
                &format!("Write-up {i}"),
                &format!("tags: [t{}, t{}]\nservices: [s{}]\n", i % 50, i % 7, i % 13),
                &body,
            )
            .as_bytes(),
        );
    }
    site
}

fn no_staging_left(site: &Site) -> bool {
    staging_folder(site).is_none()
}

/// A build's staging folder beside `public/`, if there is one.
fn staging_folder(site: &Site) -> Option<std::path::PathBuf> {
    std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap())
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".public.blameless-stage-")
        })
        .map(|e| e.path())
}

/// Starts a build, stops it with `signal` once it is writing, and returns
/// its exit status.
fn interrupt_build(site: &Site, signal: &str) -> Option<i32> {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_blameless"))
        .args(["build", "-q", "--color", "never"])
        .current_dir(site.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !staging_folder(site).is_some_and(|s| s.join("incidents").exists())
        && started.elapsed().as_secs() < 60
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(
        started.elapsed().as_secs() < 60,
        "the build never wrote its staging folder"
    );
    let _ = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
    child.wait().unwrap().code()
}

#[test]
#[ignore = "stress test; run by .ci/run with --include-ignored"]
fn a_killed_or_interrupted_build_leaves_the_old_output() {
    let site = generated_site(1500);
    let first = site.run(&["build", "--color", "never"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = snapshot(&site.path().join("public"));
    site.write(
        "content/2021-01-01-new.md",
        writeup("Newer", "", "New.\n").as_bytes(),
    );

    let code = interrupt_build(&site, "-KILL");
    assert_eq!(code, None, "killed by a signal");
    assert!(
        snapshot(&site.path().join("public")) == before,
        "output changed by a killed build"
    );
    assert!(
        !no_staging_left(&site),
        "a killed build cannot clean up after itself"
    );

    // The next build removes the stale staging folder.
    let run = run_in(site.path(), &["build", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(no_staging_left(&site));
    assert!(site
        .path()
        .join("public/incidents/new/index.html")
        .is_file());

    let before = snapshot(&site.path().join("public"));
    site.write(
        "content/2021-02-01-newer.md",
        writeup("Newest", "", "New.\n").as_bytes(),
    );
    let code = interrupt_build(&site, "-INT");
    assert_eq!(code, Some(130));
    assert!(
        snapshot(&site.path().join("public")) == before,
        "output changed by an interrupted build"
    );
    assert!(no_staging_left(&site), "Ctrl-C leaves no staging folder");
}

#[test]
fn a_write_failure_keeps_the_old_output() {
    let site = Site::with(&[("content/a.md", &writeup("A", "", "Body\n"))]);
    assert_eq!(site.run(&["build"]).code, 0);
    let before = snapshot(&site.path().join("public"));
    // A static file whose name is a folder the build must create fails the write.
    site.write("static/incidents", b"not a folder");
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: cannot write "),
        "{}",
        run.stderr
    );
    assert!(snapshot(&site.path().join("public")) == before);
    assert!(no_staging_left(&site));
}
