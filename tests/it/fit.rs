//! Real postmortems' shapes: files beside write-ups, a write-up's own time
//! zone and zone suffixes, approximate times, exact durations, inline
//! Markdown in fields, tickets on any tracker, `extra:`, and the warnings
//! and errors that keep anything from being lost without a word. The
//! fixture `tests/fixtures/fit` uses all of it.

use crate::common;
use common::{html, texts, writeup, Site};

fn fit() -> Site {
    let site = Site::fixture("fit");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

#[test]
fn the_fixture_is_clean() {
    let site = Site::fixture("fit");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("check ok: 0 errors, 0 warnings in 2 write-ups"),
        "{}",
        run.stderr
    );
}

#[test]
fn files_beside_a_write_up_are_published_beside_its_page() {
    let site = fit();
    let public = site.path().join("public");
    for file in [
        "nodes.png",
        "heatmap.png",
        "logs/kubectl.log",
        "rule v1.yaml",
    ] {
        assert!(
            public.join("incidents/node-deletion").join(file).is_file(),
            "{file}"
        );
    }
    assert_eq!(
        std::fs::read(public.join("incidents/node-deletion/logs/kubectl.log")).unwrap(),
        std::fs::read(
            site.path()
                .join("content/2019-12-04-node-deletion/logs/kubectl.log")
        )
        .unwrap()
    );
    // Nobody refers to it.
    assert!(!public.join("incidents/node-deletion/unused.png").exists());
    let doc = html(&site, "incidents/node-deletion/index.html");
    let srcs: Vec<String> = doc
        .select(&scraper::Selector::parse("#body img").unwrap())
        .map(|e| e.value().attr("src").unwrap().to_string())
        .collect();
    assert_eq!(
        srcs,
        [
            "/eng/incidents/node-deletion/nodes.png",
            "/eng/incidents/node-deletion/heatmap.png",
            "/eng/img/logo.svg"
        ]
    );
    let hrefs: Vec<String> = doc
        .select(&scraper::Selector::parse("#body a").unwrap())
        .map(|e| e.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        hrefs,
        [
            "/eng/incidents/node-deletion/logs/kubectl.log",
            "/eng/incidents/node-deletion/rule%20v1.yaml"
        ]
    );
    // The home page shows the whole post (home.full_posts), with the same
    // addresses.
    let home = site.read("public/index.html");
    assert!(
        home.contains("<img src=\"/eng/incidents/node-deletion/nodes.png\""),
        "{home}"
    );
}

#[test]
fn feed_items_have_only_absolute_addresses() {
    let site = fit();
    let xml = site.read("public/rss.xml");
    let channel = rss::Channel::read_from(xml.as_bytes()).unwrap();
    let item = channel
        .items()
        .iter()
        .find(|i| i.title() == Some("Worker nodes deleted by an autoscaler change"))
        .unwrap();
    let content = item.content().unwrap();
    let doc = scraper::Html::parse_fragment(content);
    let mut addresses = Vec::new();
    for e in doc.select(&scraper::Selector::parse("[src], [href]").unwrap()) {
        addresses.extend(
            e.value()
                .attr("src")
                .or(e.value().attr("href"))
                .map(String::from),
        );
    }
    // The body's, then the impact's, the timeline's and the action
    // items' tickets.
    assert_eq!(
        addresses,
        [
            "https://wiki.example.com/eng/incidents/node-deletion/nodes.png",
            "https://wiki.example.com/eng/incidents/node-deletion/logs/kubectl.log",
            "https://wiki.example.com/eng/incidents/node-deletion/rule%20v1.yaml",
            "https://wiki.example.com/eng/incidents/node-deletion/heatmap.png",
            "https://wiki.example.com/eng/img/logo.svg",
            "https://grafana.example.com/d/jobs",
            "https://wiki.example.com/eng/incidents/db-outage/",
            "https://jira.example.com/browse/INFRA-1094",
            "https://gitlab.com/gitlab-org/gitlab-ce/-/issues/27581",
            "https://github.com/example/cluster-config/issues/12",
        ]
    );
}

#[test]
fn times_show_in_the_write_ups_zone_approximate_ones_marked() {
    let site = fit();
    let doc = html(&site, "incidents/node-deletion/index.html");
    assert_eq!(
        texts(&doc, "#timeline time"),
        [
            "2019-12-04 00:30 CET",
            "≈ 2019-12-04 00:41 CET",
            "≈ 2019-12-04 00:52 CET",
            "2019-12-05 00:41 CET"
        ]
    );
    assert_eq!(texts(&doc, "#timeline th")[0], "Time (Europe/Copenhagen)");
    assert_eq!(
        texts(&doc, ".generator"),
        ["Built with blameless. Times are shown in Europe/Copenhagen."]
    );
    let datetimes: Vec<String> = doc
        .select(&scraper::Selector::parse("#timeline time").unwrap())
        .map(|e| e.value().attr("datetime").unwrap().to_string())
        .collect();
    assert_eq!(datetimes[2], "2019-12-04T00:52:00+01:00");
    let facts = texts(&doc, "#facts dd");
    assert!(
        facts.contains(&"2019-12-04 00:30 CET".to_string()),
        "{facts:?}"
    );
    // 24 h 11 min, once shown as "1 d".
    assert!(facts.contains(&"1 d 0 h 11 min".to_string()), "{facts:?}");
    let other = html(&site, "incidents/db-outage/index.html");
    assert_eq!(texts(&other, "#timeline time")[1], "≈ 2017-01-31 23:27");
    assert_eq!(texts(&other, "#timeline th")[0], "Time (UTC)");
}

#[test]
fn fields_render_inline_markdown_and_tickets_link_anywhere() {
    let site = fit();
    let page = site.read("public/incidents/node-deletion/index.html");
    for fragment in [
        "<td class=\"text\" data-label=\"Event\">The autoscaler's new rule matched <code>role=worker</code> on every node <a class=\"permalink\" href=\"#",
        "<td class=\"text\" data-label=\"Event\">Nodes drained with <code>kubectl drain</code>, as in <a href=\"/eng/incidents/db-outage/\">the database outage</a> <a class=\"permalink\" href=\"#",
        "<li id=\"lesson-the-runbook-for-a-cold-start-was-current\">The <em>runbook</em> for a cold start was current <a class=\"permalink\" href=\"#lesson-the-runbook-for-a-cold-start-was-current\"",
        "<p>Every <strong>batch job</strong> in the cluster was stopped; see <a href=\"https://grafana.example.com/d/jobs\">the dashboard</a>.</p>",
        "<td class=\"text\" data-label=\"Task\">Show which nodes a scale-in rule matches in <code>plan</code> output <a class=\"permalink\" href=\"#",
        "<a href=\"https://jira.example.com/browse/INFRA-1094\">INFRA-1094</a>",
        "<a href=\"https://gitlab.com/gitlab-org/gitlab-ce/-/issues/27581\">gitlab-ce#27581</a>",
        "<a href=\"https://github.com/example/cluster-config/issues/12\">cluster-config#12</a>",
    ] {
        assert!(page.contains(fragment), "{fragment}");
    }
    let items = site.read("public/action-items/index.html");
    assert!(
        items.contains("<td class=\"text\" data-label=\"Task\">Show which nodes a scale-in rule matches in <code>plan</code> output"),
        "{items}"
    );
    // Exports keep the text as written.
    let csv = site.read("public/action-items.csv");
    assert!(
        csv.contains("Show which nodes a scale-in rule matches in `plan` output"),
        "{csv}"
    );
}

#[test]
fn incidents_json_has_own_offsets_approx_and_extra() {
    let site = fit();
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/incidents.json")).unwrap();
    let node = json["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "node-deletion")
        .unwrap();
    assert_eq!(node["timezone"], "Europe/Copenhagen");
    assert_eq!(node["date"], "2019-12-04");
    assert_eq!(node["incident"]["started"], "2019-12-04T00:30:00+01:00");
    assert_eq!(node["incident"]["approx"], serde_json::json!(["detected"]));
    assert_eq!(node["timeline"][1]["approx"], true);
    assert_eq!(node["timeline"][0].get("approx"), None);
    assert_eq!(
        node["extra"],
        serde_json::json!({"customer_ticket": "CS-4411", "regions": ["eu-west-1", "eu-north-1"]})
    );
    assert_eq!(
        node["metrics"]["time_to_resolve_seconds"],
        24 * 3600 + 11 * 60
    );
    assert_eq!(
        node["action_items"][1]["ticket_url"],
        "https://gitlab.com/gitlab-org/gitlab-ce/-/issues/27581"
    );
}

#[test]
fn search_finds_ticket_ids_and_image_alt_text() {
    let site = fit();
    for query in [
        "INFRA-1094",
        "1094",
        "gitlab-ce#27581",
        "cluster-config",
        "heatmap",
        "falling",
    ] {
        let run = site.run(&["search", "--site", "public", query]);
        assert_eq!(run.code, 0, "{query}: {}", run.stderr);
        assert!(
            run.stdout.contains("/eng/incidents/node-deletion/"),
            "{query}: {}",
            run.stdout
        );
    }
}

#[test]
fn a_changed_file_is_published_again_and_a_removed_reference_unpublished() {
    let site = fit();
    site.write(
        "content/2019-12-04-node-deletion/logs/kubectl.log",
        b"new log\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        site.read("public/incidents/node-deletion/logs/kubectl.log"),
        "new log\n"
    );
    let path = "content/2019-12-04-node-deletion/index.md";
    let text = site
        .read(path)
        .replace("[kubectl.log](logs/kubectl.log)", "kubectl.log");
    site.write(path, text.as_bytes());
    assert_eq!(site.run(&["build"]).code, 0);
    assert!(!site
        .path()
        .join("public/incidents/node-deletion/logs/kubectl.log")
        .exists());
}

fn check(files: &[(&str, &str)]) -> (i32, String) {
    let site = Site::with(files);
    let run = site.run(&["check", "--format", "github"]);
    (run.code, run.stdout + &run.stderr)
}

#[test]
fn files_that_cannot_be_published_are_errors_at_their_position() {
    let site = Site::with(&[
        (
            "content/2019-12-04-lag/index.md",
            &writeup(
                "Lag",
                "",
                "![Lag](lag.pgn)\n\n[log](logs/run.log) [up](../../etc/passwd) [dir](logs)\n\n![Logo](/img/logo.svg)\n\n![Big](big.bin) ![Link](linked.png)\n",
            ),
        ),
        ("content/2019-12-04-lag/lag.png", "png"),
        ("content/2019-12-04-lag/logs/other.log", "x"),
        ("blameless.yaml", "title: T\nassets:\n  max_size_mb: 1\n"),
    ]);
    site.write(
        "content/2019-12-04-lag/big.bin",
        &vec![b'x'; 1024 * 1024 + 1],
    );
    std::os::unix::fs::symlink(
        "/etc/hostname",
        site.path().join("content/2019-12-04-lag/linked.png"),
    )
    .unwrap();
    let run = site.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "::error file=content/2019-12-04-lag/index.md,line=7,col=1::image `lag.pgn` names no file: there is no content/2019-12-04-lag/lag.pgn%0Ahint: did you mean `lag.png`?",
            "::error file=content/2019-12-04-lag/index.md,line=9,col=1::link to `logs/run.log` names no file: there is no content/2019-12-04-lag/logs/run.log%0Ahint: the files there: other.log",
            "::error file=content/2019-12-04-lag/index.md,line=9,col=21::link to `../../etc/passwd` is outside content/%0Ahint: keep the files a write-up refers to under content/, beside it",
            "::error file=content/2019-12-04-lag/index.md,line=9,col=44::link to `logs` is a folder (content/2019-12-04-lag/logs), not a file%0Ahint: link to a file in it",
            "::error file=content/2019-12-04-lag/index.md,line=11,col=1::image `/img/logo.svg` is not in static/ (there is no static/img/logo.svg)%0Ahint: put the file at static/img/logo.svg, or beside the write-up and refer to it by its name",
            "::error file=content/2019-12-04-lag/index.md,line=13,col=1::image `big.bin` is 1.0 MiB (content/2019-12-04-lag/big.bin); a file a write-up refers to may be at most 1 MiB%0Ahint: make it smaller, link to where it is kept, or raise `assets.max_size_mb` in blameless.yaml",
            "::error file=content/2019-12-04-lag/index.md,line=13,col=17::image `linked.png` is a symbolic link (content/2019-12-04-lag/linked.png); links are not followed%0Ahint: copy the file there instead of linking to it",
        ],
        "{}",
        run.stdout
    );
    // The folder gives the slug and the date.
    site.write(
        "content/2019-12-04-lag/index.md",
        writeup("Lag", "", "![Lag](lag.png)\n").as_bytes(),
    );
    assert_eq!(site.run(&["build"]).code, 0);
    assert!(site.path().join("public/incidents/lag/lag.png").is_file());
}

#[test]
fn zones_are_read_and_ambiguous_ones_refused() {
    let (code, out) = check(&[(
        "content/a.md",
        &writeup(
            "A",
            "timezone: Europe/Copenhagn\ntimeline:\n  - at: 2019-12-04 00:30 IST\n    event: x\n  - at: 17:20 CST\n    event: y\n",
            "Body.\n",
        ),
    )]);
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        lines,
        [
            "::error file=content/a.md,line=6,col=11::timezone: \"Europe/Copenhagn\" is not a known time zone%0Ahint: did you mean `Europe/Copenhagen`? Use an IANA name such as Europe/Copenhagen, UTC, or an offset such as +01:00",
            "::error file=content/a.md,line=8,col=9::timeline[0].at: \"2019-12-04 00:30 IST\": the time zone \"IST\" is ambiguous: it is used for India (Asia/Kolkata), Ireland (Europe/Dublin) or Israel (Asia/Jerusalem)%0Ahint: name the zone (an IANA name such as Asia/Kolkata) or give the offset, such as +05:30",
            "::error file=content/a.md,line=10,col=9::timeline[1].at: \"17:20 CST\": the time zone \"CST\" is ambiguous: it is used for US Central (America/Chicago), China (Asia/Shanghai) or Cuba (America/Havana)%0Ahint: name the zone (an IANA name such as Asia/Kolkata) or give the offset, such as +05:30",
        ],
        "{out}"
    );
}

#[test]
fn keys_people_write_get_hints() {
    let (code, out) = check(&[(
        "content/a.md",
        &writeup("A", "description: What happened\nauthor: sam\n", "Body.\n"),
    )]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("::error file=content/a.md,line=6,col=1::unknown key `description`%0Ahint: did you mean `summary` (a paragraph on what happened) or `dek` (a short line under the title)?"), "{out}");
    assert!(out.contains("::error file=content/a.md,line=7,col=1::unknown key `author`%0Ahint: did you mean `authors`? It takes a list: authors: [your-name]"), "{out}");
}

#[test]
fn values_cut_at_a_comment_images_without_alt_and_repeated_sections_warn() {
    let (code, out) = check(&[
        (
            "content/a.md",
            &writeup(
                "A",
                "summary: Posted in #incidents first\ntimeline:\n  - at: 2018-10-07 10:00\n    event: see issue #1094 for details\n",
                "## Timeline\n\n![](lag.png)\n\n<img src=\"lag.png\">\n",
            ),
        ),
        ("content/lag.png", "png"),
        ("blameless.yaml", "title: T\nticket_url: {JIRA: \"https://jira.example.com/browse/{ticket}\"}\n"),
    ]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        lines,
        [
            "::warning file=content/a.md,line=6,col=20::`summary` is cut at `#incidents`: YAML reads \" #\" as the start of a comment, so the value is \"Posted in\"%0Ahint: quote the value: summary: 'Posted in #incidents first'",
            "::warning file=content/a.md,line=9,col=22::`event` is cut at `#1094`: YAML reads \" #\" as the start of a comment, so the value is \"see issue\"%0Ahint: quote the value: event: 'see issue #1094 for details'",
            "::warning file=content/a.md,line=11,col=1::the body has its own \"Timeline\" section and the front matter has `timeline`, which the page shows as a section too%0Ahint: keep one: move what the body's section says into `timeline:` and remove the section, or remove `timeline:`",
            "::warning file=content/a.md,line=13,col=1::image without alt text%0Ahint: say what it shows, for readers who cannot see it: ![Replication lag on db2 from 17:00 to 18:00](lag.png)",
            "::warning file=content/a.md,line=15,col=1::image without alt text%0Ahint: add alt=\"...\" saying what it shows (alt=\"\" if it only decorates)",
        ],
        "{out}"
    );
    let (_, out) = check(&[
        (
            "content/a.md",
            &writeup("A", "action_items:\n  - task: Fix it\n    owner: sam\n    ticket: OPS-12\n", "Body.\n"),
        ),
        ("blameless.yaml", "title: T\nticket_url: {JIRA: \"https://jira.example.com/browse/{ticket}\", gitlab-ce: \"https://gitlab.com/g/p/-/issues/{id}\"}\n"),
    ]);
    assert!(out.contains("::warning file=content/a.md,line=9,col=13::action_items[0].ticket: \"OPS-12\" matches no prefix of `ticket_url` (gitlab-ce, JIRA), so it is not linked%0Ahint: add a template for its prefix to `ticket_url` in blameless.yaml, or write the ticket as a URL"), "{out}");
}

#[test]
fn raw_images_without_alt_stay_valid_html() {
    let site = Site::with(&[
        (
            "content/a.md",
            &writeup(
                "A",
                "",
                "<img src=\"lag.png\">\n\n<p>x <img src=\"lag.png\" width=\"3\"></p>\n",
            ),
        ),
        ("content/lag.png", "png"),
    ]);
    assert_eq!(site.run(&["build"]).code, 0);
    let doc = html(&site, "incidents/a/index.html");
    let alts: Vec<Option<&str>> = doc
        .select(&scraper::Selector::parse("#body img").unwrap())
        .map(|e| e.value().attr("alt"))
        .collect();
    assert_eq!(alts, [Some(""), Some("")]);
}

#[test]
fn templates_see_the_teams_own_keys() {
    let site = Site::fixture("fit");
    site.write(
        "templates/incident.html",
        b"{% extends \"base.html\" %}{% block content %}{% if page.extra.customer_ticket %}<p id=\"own\">{{ page.extra.customer_ticket }} in {{ page.extra.regions | join(sep=\", \") }}</p>{% endif %}{% endblock content %}",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = html(&site, "incidents/node-deletion/index.html");
    assert_eq!(texts(&doc, "#own"), ["CS-4411 in eu-west-1, eu-north-1"]);
}

#[test]
fn the_templates_and_the_demo_have_no_cut_values() {
    let site = Site::new();
    assert_eq!(site.run(&["init", "."]).code, 0);
    assert_eq!(site.run(&["new", "Replication lag"]).code, 0);
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("0 warnings"), "{}", run.stderr);
    let demo = common::run_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "--format", "json"],
    );
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    // It does report: the demo's overdue action items.
    assert!(demo.stdout.contains("overdue"), "{}", demo.stdout);
    for message in [
        "is cut at",
        "without alt text",
        "section too",
        "matches no prefix",
    ] {
        assert!(!demo.stdout.contains(message), "{message}: {}", demo.stdout);
    }
}

#[test]
fn a_zone_written_as_an_abbreviation_is_shown_as_written() {
    let site = Site::with(&[(
        "content/a.md",
        &writeup(
            "A",
            "timezone: CET\ntimeline:\n  - at: 2019-07-04 00:30\n    event: x\n",
            "Body.\n",
        ),
    )]);
    assert_eq!(site.run(&["build"]).code, 0);
    let doc = html(&site, "incidents/a/index.html");
    // A fixed +01:00, even in July.
    assert_eq!(texts(&doc, "#timeline time"), ["2019-07-04 00:30 CET"]);
    let datetime = doc
        .select(&scraper::Selector::parse("#timeline time").unwrap())
        .map(|e| e.value().attr("datetime").unwrap().to_string())
        .next();
    assert_eq!(datetime.as_deref(), Some("2019-07-04T00:30:00+01:00"));
}

#[test]
fn settings_and_extra_values_that_cannot_be_kept_are_errors() {
    let (code, out) = check(&[
        (
            "blameless.yaml",
            "title: T\nassets:\n  max_size_mb: 0\nticket_url:\n  JIRA: \"javascript:alert(1)\"\n  OPS: \"https://ops.example.com/browse/\"\n",
        ),
        ("content/a.md", &writeup("A", "", "Body.\n")),
    ]);
    assert_eq!(code, 2, "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        lines,
        [
            "::error file=blameless.yaml,line=3,col=16::assets.max_size_mb: must be at least 1%0Ahint: the default is 20",
            "::error file=blameless.yaml,line=5,col=9::ticket_url.JIRA: must be an http(s) URL, not \"javascript:alert(1)\"%0Ahint: for example https://tracker.example.com/browse/{ticket}",
            "::error file=blameless.yaml,line=6,col=8::ticket_url.OPS: must contain the placeholder {ticket} (the ticket as written) or {id} (what follows its prefix)%0Ahint: for example https://tracker.example.com/browse/{ticket}",
        ],
        "{out}"
    );
    for (extra, want) in [
        ("extra: [a, b]\n", "::error file=content/a.md,line=6,col=8::extra: expected a mapping of your own keys to values%0Ahint: for example `extra: {customer_ticket: CS-4411, region: eu-west-1}`"),
        ("extra: {1: a}\n", "::error file=content/a.md,line=6,col=12::extra: the key 1 is not text%0Ahint: quote the key so that it is kept as written"),
        ("extra: {a: {[1]: b}}\n", "::error file=content/a.md,line=6,col=8::extra: cannot be kept: key must be a string%0Ahint: keys inside `extra` must be text; quote them"),
    ] {
        let (code, out) = check(&[("content/a.md", &writeup("A", extra, "Body.\n"))]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains(want), "{want}\n{out}");
    }
    let (code, out) = check(&[
        (
            "content/2020-01-02-a/index.md",
            &writeup("A", "", "![Page](index.html)\n"),
        ),
        ("content/2020-01-02-a/index.html", "x"),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("::error file=content/2020-01-02-a/index.md,line=7,col=1::image `index.html` would replace the write-up's own page%0Ahint: rename the file"), "{out}");
}
