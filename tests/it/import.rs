//! `blameless import`: a corpus of postmortems in the shapes real ones have
//! (fixtures in tests/fixtures/import, written for these tests) becomes
//! write-ups that pass `check` and build, with every guess reported, no word
//! lost, nothing overwritten, and bad documents named.

use crate::common;
use common::Site;
use std::collections::BTreeSet;
use std::path::Path;

fn docs() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/docs")
}

/// A site with no write-ups.
fn empty_site() -> Site {
    Site::with(&[
        ("blameless.yaml", "title: Imported\n"),
        ("content/_about.md", "About.\n"),
    ])
}

fn import(site: &Site, args: &[&str]) -> common::Run {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    site.run(&all)
}

fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words a document may lose: headings, table header rows, front
/// matter keys, bold labels and the words a time is introduced with.
fn may_lose(source: &str) -> BTreeSet<String> {
    let mut out = words("at on approx approximately about circa ca all times are in");
    let lines: Vec<&str> = source.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        let next = lines.get(i + 1).map(|l| l.trim()).unwrap_or("");
        let table_head = t.starts_with('|') && next.starts_with("|-") || next.starts_with("|:");
        if t.starts_with('#') || next.starts_with("===") || table_head || t.starts_with("<h") {
            out.extend(words(t));
        }
        if let Some((key, _)) = t.split_once(':').filter(|(k, _)| !k.contains(' ') && i < 8) {
            out.extend(words(key));
        }
        if let Some(rest) = t.strip_prefix("**") {
            if let Some((label, _)) = rest.split_once("**") {
                out.extend(words(label));
            }
        }
    }
    out
}

#[test]
fn a_corpus_imports_passes_check_and_builds() {
    let site = empty_site();
    let run = import(
        &site,
        &[
            docs().to_str().unwrap(),
            "--severity",
            "SEV3",
            "--author",
            "sre",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.stdout;
    for line in [
        "content/2018-10-30-payment-queue-stalled-after-a-broker-upgrade/index.md  (from ",
        "  date 2018-10-30 from the file name 2018-10-30-queue-stall.md",
        "  timeline 4 entries from line 9: \"## Timeline\"",
        "  incident.detected 2018-10-30 17:04 UTC from timeline entry 2: Consumers stop acknowledging; alert fires for queue depth",
        "  file copied: content/2018-10-30-payment-queue-stalled-after-a-broker-upgrade/graphs/depth.png",
        "  date 2021-03-09 from line 4: \"**Date:** 2021-03-09\"",
        "  incident.started 2021-03-09 09:12 UTC from line 9: \"**Trigger:** A zone transfer at 09:12 UTC filled the resolver cache.\"",
        "  title Resolver outage in the office network from line 1: \"Resolver outage in the office network\"",
        "  date 2022-11-22 from line 10: \"2022-11-22\"",
        "  incident.started 2022-11-22 14:53 UTC from timeline entry 2: Database CPU at 100% OUTAGE BEGINS",
        // The line of the HTML file, not of the Markdown it was converted to.
        "  date 2019-05-14 from line 5: \"May 14th 2019\"",
        "imported 4 of 4 documents (0 already imported, 0 failed)",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    // "5,000 customers" may be 5,000 companies: not a count of users.
    assert!(!report.contains("impact.users"), "{report}");
    let check = site.run(&["check", "--today", "2022-12-01"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check
            .stderr
            .contains("check ok: 0 errors, 0 warnings in 4 write-ups"),
        "{}",
        check.stderr
    );
    let build = site.run(&["build", "--today", "2022-12-01"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(site
        .path()
        .join("public/incidents/payment-queue-stalled-after-a-broker-upgrade/graphs/depth.png")
        .is_file());

    let queue =
        site.read("content/2018-10-30-payment-queue-stalled-after-a-broker-upgrade/index.md");
    for fragment in [
        "  - at: \"2018-10-30 17:20 UTC\"\n    type: mitigation\n    event: \"Upgrade rolled back on all nodes\"",
        "  - task: \"Add a canary step to broker upgrades\"\n    owner: \"sre\"\n    ticket: \"https://gitlab.example.com/ops/broker/-/issues/1094\"",
        "related: [\"2022-11-22-cache-stampede-on-the-product-pages\"]",
        "[the earlier cache incident](../2022-11-22-cache-stampede-on-the-product-pages.md)",
        "impact:\n  summary: \"5,000 customers saw delayed payment confirmations; No payment was lost\"\n",
        // A lead and its first sentence are the task; the rest stays in the
        // body, so the section does, under another name.
        "  - task: \"Alert on consumer lag: today only depth is watched.\"",
        "## Action Items (notes)",
        "Depth rises minutes after consumers stop.",
    ] {
        assert!(queue.contains(fragment), "{fragment}\n{queue}");
    }
    let cache = site.read("content/2022-11-22-cache-stampede-on-the-product-pages.md");
    for fragment in [
        "summary: \"Every cache entry expired at once\"",
        "authors: [\"ana\"]",
        "tags: [\"caching\", \"redis\"]",
        "  resolved: \"2022-11-22 15:20 UTC\"",
        "    priority: P2\n    due: 2022-12-15",
        "extra:\n  \"author_twitter\": \"@ana\"",
    ] {
        assert!(cache.contains(fragment), "{fragment}\n{cache}");
    }
    // A section all of whose text went into fields leaves the body.
    assert!(!cache.contains("## Follow-ups"), "{cache}");
    assert!(!cache.contains("Where we got lucky"), "{cache}");

    // Nothing lost: every word of each source is in its write-up.
    for (source, written) in [
        (
            "2018-10-30-queue-stall.md",
            "2018-10-30-payment-queue-stalled-after-a-broker-upgrade/index.md",
        ),
        (
            "cache-stampede.md",
            "2022-11-22-cache-stampede-on-the-product-pages.md",
        ),
        (
            "PM2021-004 dns.md",
            "2021-03-09-resolver-outage-in-the-office-network.md",
        ),
    ] {
        let text = std::fs::read_to_string(docs().join(source)).unwrap();
        let out = words(&site.read(&format!("content/{written}")));
        let allowed = may_lose(&text);
        let lost: Vec<String> = words(&text)
            .into_iter()
            .filter(|w| !out.contains(w) && !allowed.contains(w))
            .collect();
        assert!(lost.is_empty(), "{source} lost {lost:?}");
    }
}

#[test]
fn importing_again_writes_nothing_and_never_overwrites() {
    let site = empty_site();
    let doc = docs().join("cache-stampede.md");
    let doc = doc.to_str().unwrap();
    assert_eq!(import(&site, &[doc]).code, 0);
    let path = "content/2022-11-22-cache-stampede-on-the-product-pages.md";
    let first = site.read(path);
    // The write-up records its source: the path, and the bytes' SHA-256.
    let sha256 = "99e5c2f975d09533726b61f9beb08bad1be5b4fa4dfc419974d798e93b8fb800";
    assert!(
        first.contains(&format!("  \"imported_sha256\": \"{sha256}\"\n")),
        "{first}"
    );
    let recorded =
        "already imported (the write-up records this document as its source), nothing written";
    let again = import(&site, &[doc]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.stdout,
        format!("{path}  (from {doc}): {recorded}\nimported 0 of 1 documents (1 already imported, 0 failed)\n")
    );
    // Renamed and edited, it is still known by what it records.
    let renamed = "content/db-cache.md";
    site.write(renamed, format!("{first}\nEdited by hand.\n").as_bytes());
    std::fs::remove_file(site.path().join(path)).unwrap();
    let edited = import(&site, &[doc]);
    assert_eq!(edited.code, 0, "{}", edited.stderr);
    assert!(
        edited
            .stdout
            .starts_with(&format!("{renamed}  (from {doc}): {recorded}\n")),
        "{}",
        edited.stdout
    );
    assert!(!site.path().join(path).exists());
    // A copy of the document under another name is the same document.
    let copy = site.path().join("copy.md");
    std::fs::copy(doc, &copy).unwrap();
    let copied = import(&site, &[copy.to_str().unwrap()]);
    assert!(
        copied.stdout.starts_with(&format!(
            "{renamed}  (from {}): {recorded}\n",
            copy.display()
        )),
        "{}",
        copied.stdout
    );
    // The same path with other bytes: changed since, not imported beside it.
    std::fs::remove_file(site.path().join(renamed)).unwrap();
    assert_eq!(import(&site, &[copy.to_str().unwrap()]).code, 0);
    std::fs::write(
        &copy,
        format!(
            "{}\nOne more line.\n",
            std::fs::read_to_string(doc).unwrap()
        ),
    )
    .unwrap();
    let changed = import(&site, &[copy.to_str().unwrap()]);
    assert_eq!(changed.code, 0, "{}", changed.stderr);
    assert_eq!(
        changed.stdout,
        format!(
            "{path}  (from {}): imported before from this path and changed since (the write-up records other bytes), nothing written; to import it anew, move {path} away\nimported 0 of 1 documents (1 already imported, 0 failed)\n",
            copy.display()
        )
    );
    // Two documents with the same bytes in one run: imported once.
    std::fs::remove_file(site.path().join(path)).unwrap();
    let twins = site.path().join("twins");
    std::fs::create_dir(&twins).unwrap();
    std::fs::copy(doc, twins.join("a.md")).unwrap();
    std::fs::copy(doc, twins.join("b.md")).unwrap();
    let run = import(&site, &[twins.to_str().unwrap()]);
    let a = twins.join("a.md");
    let b = twins.join("b.md");
    assert!(
        run.stdout.contains(&format!(
            "{path}  (from {}): the same document as {}, imported once, nothing written\nimported 1 of 2 documents (1 already imported, 0 failed)\n",
            b.display(),
            a.display()
        )),
        "{}",
        run.stdout
    );
    // A write-up that records no source is never overwritten.
    std::fs::remove_file(site.path().join(path)).unwrap();
    site.write(path, b"---\ntitle: Someone else's\n---\n");
    let taken = import(&site, &[doc]);
    assert_eq!(taken.code, 1);
    assert!(
        taken.stdout.contains(&format!("error: {doc}: {path} already exists and differs; it was not overwritten (move it away to import again)")),
        "{}",
        taken.stdout
    );
    assert_eq!(site.read(path), "---\ntitle: Someone else's\n---\n");
}

#[test]
fn a_dry_run_writes_nothing_and_json_gives_the_same_report() {
    let site = empty_site();
    let doc = docs().join("PM2021-004 dns.md");
    let run = import(
        &site,
        &[doc.to_str().unwrap(), "--dry-run", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site
        .path()
        .join("content/2021-03-09-resolver-outage-in-the-office-network.md")
        .exists());
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let doc = &json[0];
    assert_eq!(doc["outcome"], "written");
    assert_eq!(
        doc["file"],
        "content/2021-03-09-resolver-outage-in-the-office-network.md"
    );
    let date = doc["guesses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["field"] == "date")
        .unwrap();
    assert_eq!(date["value"], "2021-03-09");
    assert_eq!(date["line"], 4);
    assert_eq!(
        doc["missing"],
        serde_json::json!([
            "severity (give --severity)",
            "action item owners (give --author)"
        ])
    );
}

#[test]
fn values_the_source_lacks_are_todos_that_check_names() {
    let site = empty_site();
    let doc = docs().join("2018-10-30-queue-stall.md");
    let run = import(&site, &[doc.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("  not found: severity (give --severity), authors (give --author), action item owners (give --author) (left as # TODO for check to name)"), "{}", run.stdout);
    let text =
        site.read("content/2018-10-30-payment-queue-stalled-after-a-broker-upgrade/index.md");
    assert!(text.contains("\nseverity:   # TODO: not in the source; one of SEV1, SEV2, SEV3, SEV4, SEV5 (or import with --severity)\n"), "{text}");
    let check = site.run(&["check", "--format", "github"]);
    assert_eq!(check.code, 1);
    assert!(check.stdout.contains("::error file=content/2018-10-30-payment-queue-stalled-after-a-broker-upgrade/index.md,line=5,col=10::missing required key `severity`"), "{}", check.stdout);
}

#[test]
fn bad_documents_are_named_and_the_rest_imported() {
    let site = empty_site();
    site.write("in/binary.md", b"# T\n\0\x01\x02");
    site.write("in/latin1.md", b"# Caf\xe9\n");
    site.write("in/empty.md", b"  \n");
    site.write("in/fragment.html", b"just some text, no markup");
    site.write("in/blank.html", b"<html><body><p> </p></body></html>");
    site.write("in/huge.md", &vec![b'a'; 8 * 1024 * 1024 + 1]);
    site.write("in/good.md", b"# Good one\n\nOn 3 March 2020 it broke.\n");
    let run = import(&site, &["in", "--severity", "SEV2", "--author", "sre"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(
        errors,
        [
            "error: in/binary.md: it is not a text file (it contains a NUL byte)",
            "error: in/blank.html: its HTML has no text",
            "error: in/empty.md: it is empty",
            "error: in/fragment.html: it is not an HTML document (no html, body, heading or paragraph)",
            "error: in/huge.md: it is 8.0 MiB; a document may be at most 8 MiB",
            "error: in/latin1.md: it is not UTF-8 text; save it as UTF-8",
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("imported 1 of 7 documents (0 already imported, 6 failed)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("6 of 7 documents could not be imported"),
        "{}",
        run.stderr
    );
    assert!(site.path().join("content/2020-03-03-good-one.md").is_file());
    // Not on a terminal, no progress line.
    assert!(!run.stderr.contains("reading documents"), "{}", run.stderr);

    // -q: only the errors, on stderr.
    let site = empty_site();
    site.write("in/binary.md", b"# T\n\0");
    site.write("in/good.md", b"# Good one\n\nOn 3 March 2020 it broke.\n");
    let run = site.run(&[
        "-q",
        "import",
        "in",
        "--severity",
        "SEV2",
        "--author",
        "sre",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    common::assert_snapshot(
        &run.stderr,
        "import-bad-documents-are-named-and-the-rest-imported.txt",
    );
    assert!(site.path().join("content/2020-03-03-good-one.md").is_file());
}

#[test]
fn wrong_flags_and_paths_are_usage_errors() {
    let site = empty_site();
    for (args, want) in [
        (vec!["content", "--status", "nope"], "error: --status: \"nope\" is not one of draft, review, published\n"),
        (vec!["content", "--severity", "SEV9"], "error: --severity: \"SEV9\" is not one of SEV1, SEV2, SEV3, SEV4, SEV5\n"),
        (
            vec!["content", "--timezone", "Mars/Base"],
            "error: --timezone: \"Mars/Base\" is not a known time zone; use an IANA name such as Europe/Copenhagen or America/New_York, UTC, or an offset such as +01:00\n",
        ),
        (vec!["nothing-here"], "error: nothing-here: no such file or folder\n"),
    ] {
        let run = import(&site, &args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with(want), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_moment_the_text_contradicts_is_a_todo_with_its_candidate_and_check_warns() {
    let site = empty_site();
    site.write(
        "incoming/dns.md",
        "# Resolver outage\n\nThe outage lasted 13 minutes: lookups failed from 10:00 to 10:13.\n\n## Timeline\n\n- 2021-03-01 10:00 UTC: outage begins, lookups fail\n- 2021-03-02 10:13 UTC: resolved, lookups answer again\n".as_bytes(),
    );
    let run = import(
        &site,
        &["--severity", "SEV3", "--author", "sre", "incoming/dns.md"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("  incident.resolved left as # TODO with 2021-03-02 10:13 UTC: not sure, it is 1 d 0 h 13 min after incident.started, and the document says the incident lasted 13 min\n"),
        "{}",
        run.stdout
    );
    let text = site.read("content/2021-03-01-resolver-outage.md");
    assert!(
        text.contains("incident:\n  started: \"2021-03-01 10:00 UTC\"\n  resolved:   # TODO: 2021-03-02 10:13 UTC? not sure: it is 1 d 0 h 13 min after incident.started, and the document says the incident lasted 13 min\n"),
        "{text}"
    );
    // The page shows no duration it cannot back; check says what to do.
    let check = site.run(&["check", "--format", "github"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(
        check.stdout.contains("::warning file=content/2021-03-01-resolver-outage.md,line=9,col=12::incident.resolved is empty, so pages leave it out"),
        "{}",
        check.stdout
    );
}

#[test]
fn office_exports_are_read_as_their_tools_mean_them() {
    let site = empty_site();
    let exports = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/exports");
    let run = import(
        &site,
        &[
            exports.to_str().unwrap(),
            "--author",
            "importer",
            "--severity",
            "SEV3",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // Confluence: the title without its space, the author of the page's
    // metadata, a page-properties table as labels (the lozenge's word), a
    // task list as check boxes with mentions as owners and <time> as due.
    let confluence = site.read("content/2023-05-02-queue-backlog-postmortem.md");
    for line in [
        "title: \"2023-05-02 Queue backlog postmortem\"\n",
        "severity: SEV2\n",
        "authors: [\"Ana Ruiz\"]\n",
        "  - task: \"Raise the consumer limit to 128\"\n    owner: \"Ana Ruiz\"\n    status: done\n    due: 2023-05-03\n",
        "  - task: \"Alert on the age of the oldest job\"\n    owner: \"Bo Chen\"\n    status: open\n    due: 2023-05-19\n",
        "  \"status\": \"RESOLVED\"\n",
    ] {
        assert!(confluence.contains(line), "{line}\n{confluence}");
    }
    for wiki in [
        "breadcrumb",
        "Postmortems_98765",
        "Document generated",
        "Ops :",
        "#id-2023",
    ] {
        assert!(!confluence.contains(wiki), "{wiki}\n{confluence}");
    }
    // Google Docs: bold by class is a label, <p class="title"> the title, a
    // table of <td><p> cells a timeline, a redirect link where it goes.
    let gdocs = site.read("content/2024-03-12-checkout-errors-after-the-pool-change.md");
    for line in [
        "title: \"Checkout errors after the pool change\"\n",
        "authors: [\"Dana Whit\", \"Omar Lind\"]\n",
        "  started: \"2024-03-12 14:02 UTC\"\n  detected: \"2024-03-12 14:09 UTC\"\n  mitigated: \"2024-03-12 14:31 UTC\"\n  resolved: \"2024-03-12 14:43 UTC\"\n",
        "  - at: \"2024-03-12 14:09 UTC\"\n    type: detection\n    event: \"Error-rate alert fires for checkout.\"\n",
        "[checkout runbook](https://runbooks.example.com/checkout#pool)",
    ] {
        assert!(gdocs.contains(line), "{line}\n{gdocs}");
    }
    assert!(!gdocs.contains("google.com/url"), "{gdocs}");
    let check = site.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stderr.contains("check ok: 0 errors"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_bound_on_a_count_is_a_todo_and_check_warns_at_it() {
    let site = empty_site();
    site.write(
        "in/relay.md",
        b"# Relay backlog\n\nOn 2021-06-02 the relay stalled.\n\n## Impact\n\nAt least 6 users lost mail; 3.7M failed requests; 40 customers wrote in.\n\n## Next\n\nThe queue is fine now. We will alert on relay lag.\n",
    );
    let run = import(&site, &["in", "--severity", "SEV3", "--author", "ana"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("  impact.users left as # TODO with 6: not sure, the text gives a bound (\"At least 6 users\"), not the count\n"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("  impact.requests 3700000 from line 5: \"3.7M failed requests\"\n"),
        "{}",
        run.stdout
    );
    let written = site.read("content/2021-06-02-relay-backlog.md");
    assert!(
        written.contains("  users:   # TODO: 6? not sure: the text gives a bound (\"At least 6 users\"), not the count\n  requests: 3700000\n"),
        "{written}"
    );
    // Customers are not users: no count of them is written.
    assert!(!written.contains("users: 40"), "{written}");
    assert!(!written.contains("action_items"), "{written}");
    let check = site.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stderr.contains("content/2021-06-02-relay-backlog.md:9:9: warning: impact.users is empty, so pages leave it out\n"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("  = hint: write the count if it is known (the comment may suggest one), for example `users: 1200`, or remove the key\n"),
        "{}",
        check.stderr
    );
}

#[test]
fn times_that_cannot_be_placed_stay_in_the_body_and_the_report_says_why() {
    let site = empty_site();
    site.write(
        "in/search.md",
        b"# Degraded search\n\nPublished 2023-11-15.\n\n## What happened\n\nAt 4:02 PM UTC a ranking change shipped. At 3:02 PM UTC it was reverted.\n",
    );
    site.write(
        "in/mail.md",
        b"# Mail backlog\n\n## Timeline\n\n- 16:02 UTC the relay stalls\n- 16:30 UTC a second relay stalls\n- 15:02 UTC relays restarted\n",
    );
    let run = import(&site, &["in", "--severity", "SEV3", "--author", "ana"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("  timeline of 2 entries left in the body: not sure, its times go back (2023-11-15 16:02 UTC, then 2023-11-15 15:02 UTC) and the document gives no day for the later\n"),
        "{}",
        run.stdout
    );
    // A list of times without any date that go back: the same.
    assert!(
        run.stdout.contains("  timeline of 3 entries left in the body: not sure, their times go back (16:30 UTC, then 15:02 UTC) and the document gives no date for them\n"),
        "{}",
        run.stdout
    );
    let written = site.read("content/2023-11-15-degraded-search.md");
    assert!(
        !written.contains("timeline:") && !written.contains("incident:"),
        "{written}"
    );
}
