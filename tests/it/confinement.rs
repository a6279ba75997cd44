//! Nothing outside its place: import reads only inside the folders it was
//! given and writes only inside `--into`; check, build and serve read only
//! regular files under `content/`, no symbolic link followed; files a
//! browser would run are not published at the site's address unless the
//! site says how. Each test is a reproduction from issue 29.
#![cfg(unix)]

use crate::common;
use common::{writeup, Site};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn empty_site() -> Site {
    Site::with(&[("blameless.yaml", "title: Imported\n")])
}

fn import(site: &Site, args: &[&str]) -> common::Run {
    let mut all = vec!["import", "--severity", "SEV3", "--author", "sre"];
    all.extend_from_slice(args);
    site.run(&all)
}

/// A document in Markdown and the same as an HTML export, linking to `dest`.
fn linking_documents(site: &Site, dest: &str) {
    site.write(
        "in/md/outage.md",
        format!("# Outage\n\nOn 2020-01-02 it broke. See [the notes]({dest}).\n").as_bytes(),
    );
    site.write(
        "in/html/export.html",
        format!("<html><body><h1>Export</h1><p>On 2020-01-03 it broke. See <a href=\"{dest}\">the notes</a>.</p></body></html>").as_bytes(),
    );
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn import_never_truncates_or_reads_a_file_outside_its_folder() {
    let site = empty_site();
    let outside = tempfile::tempdir().unwrap();
    let notes = outside.path().join("notes.txt");
    std::fs::write(&notes, "precious\n").unwrap();
    // Encoded, as an absolute path reads once decoded.
    let encoded = notes.display().to_string().replace('/', "%2F");
    linking_documents(&site, &encoded);
    for folder in ["in/md", "in/html"] {
        let run = import(&site, &[folder]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains(&format!(
                "  file not copied (the link is now text that keeps its address): {encoded}: it leaves the folder the document was found in\n"
            )),
            "{}",
            run.stdout
        );
    }
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "precious\n");
    // Climbing out with ../ after ./ is the same.
    let site = empty_site();
    let depth = site.path().components().count();
    let climb = format!("./{}{}", "../".repeat(depth + 2), notes.display());
    linking_documents(&site, &climb);
    let run = import(&site, &["in/md", "--into", "content/imported"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(&format!(
        "  file not copied (the link is now text that keeps its address): {climb}: it leaves the folder the document was found in\n"
    )), "{}", run.stdout);
    assert_eq!(
        files_under(&site.path().join("content")),
        ["imported/2020-01-02-outage.md"]
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "precious\n");
}

#[test]
fn import_follows_no_symbolic_link() {
    let site = empty_site();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0\n").unwrap();
    site.write(
        "in/outage.md",
        b"# Outage\n\nOn 2020-01-02 it broke.\n\n![diagram](diagram.png) [logs](logs/app.log) [data](data.csv)\n",
    );
    site.write("in/data.csv", b"a,b\n1,2\n");
    symlink(
        outside.path().join("passwd"),
        site.path().join("in/diagram.png"),
    )
    .unwrap();
    std::fs::create_dir_all(outside.path().join("logs")).unwrap();
    std::fs::write(outside.path().join("logs/app.log"), "secret\n").unwrap();
    symlink(outside.path().join("logs"), site.path().join("in/logs")).unwrap();
    symlink(
        site.path().join("in/outage.md"),
        site.path().join("in/again.md"),
    )
    .unwrap();
    let run = import(&site, &["in"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.stdout;
    for line in [
        "  file copied: content/2020-01-02-outage/data.csv\n",
        "  file not copied (the link is now text that keeps its address): diagram.png: diagram.png is a symbolic link; links are not followed\n",
        "  file not copied (the link is now text that keeps its address): logs/app.log: logs is a symbolic link; links are not followed\n",
        "in/again.md: skipped: it is a symbolic link; links are not followed (import the file it points to by its own path)\n",
        "imported 1 of 1 documents (0 already imported, 0 failed), 1 path skipped\n",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    assert_eq!(
        files_under(&site.path().join("content")),
        ["2020-01-02-outage/data.csv", "2020-01-02-outage/index.md"]
    );
}

#[test]
fn a_killed_import_leaves_no_half_file_that_counts_as_imported() {
    let site = empty_site();
    site.write(
        "in/outage.md",
        b"# Outage\n\nOn 2020-01-02 it broke.\n\n![graph](graph.png)\n",
    );
    let graph = vec![7u8; 100_000];
    site.write("in/graph.png", &graph);
    let run = import(&site, &["in"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let copied = site.path().join("content/2020-01-02-outage/graph.png");
    // What an import killed in the middle of a copy left before: the
    // write-up whole, its file cut short. Import now tells.
    std::fs::write(&copied, &graph[..4096]).unwrap();
    let run = import(&site, &["in"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error: in/outage.md: content/2020-01-02-outage/graph.png already exists and differs; it was not overwritten (move it away to import again)\n"), "{}", run.stdout);
    // Killed after the files, before the write-up (files come first): the
    // next import writes the write-up and finds the files already there.
    std::fs::write(&copied, &graph).unwrap();
    std::fs::remove_file(site.path().join("content/2020-01-02-outage/index.md")).unwrap();
    let run = import(&site, &["in"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run
        .stdout
        .contains("imported 1 of 1 documents (0 already imported, 0 failed)"));
    let run = import(&site, &["in"]);
    assert!(run
        .stdout
        .contains("imported 0 of 1 documents (1 already imported, 0 failed)"));
    assert_eq!(std::fs::read(&copied).unwrap(), graph);
    assert_eq!(
        files_under(&site.path().join("content")),
        ["2020-01-02-outage/graph.png", "2020-01-02-outage/index.md"],
        "no part file left"
    );
}

#[test]
fn of_imports_racing_over_one_folder_one_writes_and_the_others_find_it_done() {
    let site = empty_site();
    // Long enough to write that the runs overlap (before, two in five
    // rounds of this failed with "File exists" or "already exists and
    // differs").
    let filler = "Some long text about what happened. ".repeat(2000);
    for i in 0..20 {
        site.write(
            &format!("in/doc-{i}.md"),
            format!("# Outage {i}\n\nOn 2020-01-{:02} it broke.\n\n![graph](graph-{i}.png)\n\n{filler}\n", i + 1)
                .as_bytes(),
        );
        site.write(&format!("in/graph-{i}.png"), &vec![i as u8; 200_000]);
    }
    let runs: Vec<_> = (0..6)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_blameless"))
                .args(["import", "in", "--severity", "SEV3", "--author", "sre"])
                .current_dir(site.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut written = 0;
    for child in runs {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let summary = stdout.lines().last().unwrap().to_string();
        let (imported, already) = summary
            .strip_prefix("imported ")
            .and_then(|s| s.split_once(" of 20 documents ("))
            .map(|(n, rest)| {
                (
                    n.parse::<usize>().unwrap(),
                    rest.split(' ').next().unwrap().parse::<usize>().unwrap(),
                )
            })
            .unwrap_or_else(|| panic!("{summary}"));
        assert_eq!(imported + already, 20, "{summary}");
        written += imported;
    }
    assert_eq!(written, 20, "each document written once");
    for i in 0..20 {
        let dir = site
            .path()
            .join(format!("content/2020-01-{:02}-outage-{i}", i + 1));
        assert_eq!(
            std::fs::read(dir.join(format!("graph-{i}.png"))).unwrap(),
            vec![i as u8; 200_000]
        );
        assert!(std::fs::read_to_string(dir.join("index.md"))
            .unwrap()
            .starts_with("---\n"));
    }
    assert_eq!(
        files_under(&site.path().join("content")).len(),
        40,
        "no part file left"
    );
}

fn check(site: &Site) -> common::Run {
    site.run(&["check", "--color", "never"])
}

#[test]
fn build_follows_no_symbolic_link_inside_content() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0\n").unwrap();
    let site = Site::with(&[
        ("blameless.yaml", "title: T\n"),
        (
            "content/x/index.md",
            &writeup("X", "", "[u](etc/passwd) and [inside](alias/notes.txt)\n"),
        ),
        ("content/x/real/notes.txt", "notes\n"),
    ]);
    symlink(outside.path(), site.path().join("content/x/etc")).unwrap();
    symlink("real", site.path().join("content/x/alias")).unwrap();
    let run = check(&site);
    assert_eq!(run.code, 1);
    common::assert_snapshot(
        &run.stderr,
        "confinement-build-follows-no-symbolic-link-inside-content.txt",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_fifo_or_folder_named_by_a_write_up_is_refused_without_waiting() {
    let site = Site::with(&[
        ("blameless.yaml", "title: T\n"),
        (
            "content/x/index.md",
            &writeup("X", "", "[p](pipe) [d](dir)\n"),
        ),
        ("content/x/dir/a.txt", "a\n"),
    ]);
    rustix::fs::mknodat(
        rustix::fs::CWD,
        site.path().join("content/x/pipe"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        0,
    )
    .unwrap();
    // A FIFO with no writer blocks a reader forever: the run is watched
    // and killed rather than left to hang the suite.
    let mut child = Command::new(env!("CARGO_BIN_EXE_blameless"))
        .args(["build", "--color", "never"])
        .current_dir(site.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("build waited on the FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "content/x/index.md:7:1: error: link to `pipe` is a named pipe (FIFO) (content/x/pipe), not a regular file\n 7 | [p](pipe) [d](dir)\n   | ^\n  = hint: only regular files are published; copy the data into a file\n\
content/x/index.md:7:11: error: link to `dir` is a folder (content/x/dir), not a file\n 7 | [p](pipe) [d](dir)\n   |           ^\n  = hint: link to a file in it\n\
error: 2 errors found; nothing was written\n"
    );
}

fn active_site(config: &str) -> Site {
    Site::with(&[
        ("blameless.yaml", config),
        (
            "content/x/index.md",
            &writeup("X", "", "![d](d.svg) [r](r.html) [data](data.xml)\n"),
        ),
        (
            "content/x/d.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script><foreignObject><p>x</p></foreignObject><rect width=\"5\" height=\"5\" onclick=\"alert(2)\"/><a href=\"javascript:alert(3)\"><text>t</text></a></svg>",
        ),
        ("content/x/r.html", "<script>alert(document.cookie)</script>\n"),
        ("content/x/data.xml", "<?xml version=\"1.0\"?><x/>\n"),
    ])
}

#[test]
fn files_a_browser_would_run_are_refused_unless_the_site_says_how() {
    let site = active_site("title: T\nmarkdown:\n  raw_html: deny\n");
    let run = check(&site);
    assert_eq!(run.code, 1);
    common::assert_snapshot(
        &run.stderr,
        "confinement-files-a-browser-would-run-are-refused-unless-the-site-says-how.txt",
    );

    // inert: the SVG without what runs or reaches out, the others as text.
    let site = active_site("title: T\nassets:\n  active: inert\n");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.read("public/incidents/x/index.html");
    assert!(
        page.contains("<img src=\"/incidents/x/d.svg\" alt=\"d\" />"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"/incidents/x/r.html.txt\">r</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"/incidents/x/data.xml.txt\">data</a>"),
        "{page}"
    );
    let svg = site.read("public/incidents/x/d.svg");
    for gone in ["script", "alert", "onclick", "foreignObject", "javascript"] {
        assert!(!svg.contains(gone), "{gone} in {svg}");
    }
    assert!(svg.contains("<rect height=\"5\" width=\"5\""), "{svg}");
    assert_eq!(
        site.read("public/incidents/x/r.html.txt"),
        "<script>alert(document.cookie)</script>\n"
    );
    assert!(!site.path().join("public/incidents/x/r.html").exists());

    // allow: as they are, the site's own choice.
    let site = active_site("title: T\nassets:\n  active: allow\n");
    assert_eq!(site.run(&["build"]).code, 0);
    assert_eq!(
        site.read("public/incidents/x/r.html"),
        "<script>alert(document.cookie)</script>\n"
    );

    // An SVG that cannot be read as one is said so where it is named.
    let site = active_site("title: T\nassets:\n  active: inert\n");
    site.write("content/x/d.svg", b"<svg><g></svg>");
    let run = check(&site);
    assert_eq!(run.code, 1);
    assert!(run.stderr.starts_with("content/x/index.md:7:1: error: image `d.svg` cannot be made safe to publish (content/x/d.svg): it is not well-formed XML: "), "{}", run.stderr);

    let site = active_site("title: T\nassets:\n  active: download\n");
    let run = check(&site);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("blameless.yaml:3:11: error: assets.active: \"download\" is not one of refuse, inert, allow\n"), "{}", run.stderr);
}

#[test]
fn import_names_each_path_it_leaves_out_and_why() {
    let site = empty_site();
    site.write(
        "in/team/outage.md",
        b"# Outage\n\nOn 2020-01-02 it broke. [shared](../shared.png) [gone](gone.png) [dir](img)\n",
    );
    site.write("in/shared.png", b"png");
    site.write("in/team/img/a.png", b"png");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        site.path().join("in/team/pipe.md"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        0,
    )
    .unwrap();
    let run = import(&site, &["in"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "  file not copied (the link is now text that keeps its address): ../shared.png: it is not in the document's folder or below it\n",
        "  file not copied (the link is now text that keeps its address): gone.png: there is no such file\n",
        "  file not copied (the link is now text that keeps its address): img: it is a folder, not a regular file\n",
        "in/team/pipe.md: skipped: it is not a regular file\n",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
    // A document named by its own path is read only if it is one.
    symlink(
        site.path().join("in/team/outage.md"),
        site.path().join("link.md"),
    )
    .unwrap();
    let run = import(&site, &["link.md"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error: link.md: it is a symbolic link; links are not followed (give the file it points to)\n"), "{}", run.stdout);
}

#[test]
fn a_name_that_cannot_be_a_file_is_said_so() {
    let long = "n".repeat(256);
    let site = Site::with(&[
        ("blameless.yaml", "title: T\n"),
        (
            "content/a.md",
            &writeup("A", "", &format!("[w](dir%5Cfile.txt) [l]({long}.txt)\n")),
        ),
    ]);
    let run = check(&site);
    assert_eq!(run.code, 1);
    let firsts = run.problem_lines();
    common::assert_snapshot(
        &common::lines(&firsts),
        "confinement-a-name-that-cannot-be-a-file-is-said-so.txt",
    );
    assert!(run
        .stderr
        .contains("  = hint: rename the file and the link\n"));
    // A file under static/ whose name is not text is not published under
    // another name.
    let site = Site::with(&[
        ("blameless.yaml", "title: T\n"),
        ("content/a.md", &writeup("A", "", "")),
    ]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::fs::write(site.path().join("static").join(name), "x").unwrap();
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("static/caf\u{fffd}.txt: its name is not UTF-8 text; rename the file\n"),
        "{}",
        run.stderr
    );
}
