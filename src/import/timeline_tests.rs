//! The timeline recognizer on fixtures written for it, one per shape.

use super::*;

fn entries(text: &str, date: Option<&str>) -> Draft {
    let doc = Document::parse(text);
    let mut d = Draft {
        day_context: date.map(|s| s.parse().unwrap()),
        ..Draft::default()
    };
    timeline(&doc, &mut d, None);
    d
}

fn ats(d: &Draft) -> Vec<(String, String)> {
    d.timeline
        .iter()
        .map(|e| (e.at.clone(), e.event.clone()))
        .collect()
}

fn at_list(d: &Draft) -> Vec<String> {
    d.timeline.iter().map(|e| e.at.clone()).collect()
}

#[test]
fn bold_time_bullets_roll_over_midnight() {
    let d = entries("## Timeline\n\n- **23:58 UTC** - Writer database saturates\n- **00:02 UTC** - Deploy lowers the timeout\n", Some("2025-09-29"));
    assert_eq!(
        ats(&d),
        [
            (
                "2025-09-29 23:58 UTC".into(),
                "Writer database saturates".into()
            ),
            (
                "2025-09-30 00:02 UTC".into(),
                "Deploy lowers the timeout".into()
            )
        ]
    );
    assert_eq!(d.taken.len(), 1);
    assert_eq!(
        d.moments[0],
        Some(("2025-09-29 23:58 UTC".to_string(), false))
    );
}

#[test]
fn approximate_bold_paragraphs_and_at_lines() {
    let d = entries("## Incident timeline\n\n**± 17:20 UTC:** YP runs the removal.\n\n**± 23:27 UTC:** Data removed, alert fires.\n\nAt 2017/02/01 00:36 UTC, backup restored.\n", Some("2017-01-31"));
    assert_eq!(d.timeline.len(), 3);
    assert!(d.timeline[0].approx);
    assert_eq!(d.timeline[1].kind, Some("detection"));
    assert_eq!(d.timeline[2].at, "2017-02-01 00:36 UTC");
    assert_eq!(
        d.moments[1],
        Some(("2017-01-31 23:27 UTC".to_string(), true))
    );
}

#[test]
fn clock_lines_under_a_day_line_and_markers() {
    let d = entries("## Timeline\n\n2022-11-22 (all times UTC)\n14:51 News reports a sonnet\n14:53 Traffic climbs **OUTAGE BEGINS**\n15:57 Traffic back to normal **OUTAGE ENDS**\n", None);
    assert_eq!(d.timeline.len(), 3);
    assert_eq!(d.timeline[1].at, "2022-11-22 14:53 UTC");
    assert_eq!(d.moments[0].as_ref().unwrap().0, "2022-11-22 14:53 UTC");
    assert_eq!(d.moments[3].as_ref().unwrap().0, "2022-11-22 15:57 UTC");
    assert_eq!(d.taken.len(), 1);
}

#[test]
fn tables_name_their_time_column_and_zone() {
    let d = entries("## Timeline\n\n| Date and Time in CET | Event |\n|---|---|\n| 2019-12-04 00:30 | Nodes deleted |\n| 2019-12-04 00:35 | VMs marked unhealthy |\n", None);
    assert_eq!(
        ats(&d)[0],
        ("2019-12-04 00:30 CET".into(), "Nodes deleted".into())
    );
    assert_eq!(d.taken.len(), 1);
}

#[test]
fn dated_headings_take_their_first_sentence() {
    let d = entries("## Timeline\n\n### 2018 October 21 22:52 UTC\n\nRoutine maintenance replaced a failing link. It cut the east coast off.\n\n### 2018 October 21 22:54 UTC\n\nOrchestrator began a failover.\n", None);
    assert_eq!(
        ats(&d),
        [
            (
                "2018-10-21 22:52 UTC".into(),
                "Routine maintenance replaced a failing link.".into()
            ),
            (
                "2018-10-21 22:54 UTC".into(),
                "Orchestrator began a failover.".into()
            )
        ]
    );
    assert!(d.taken.is_empty());
}

#[test]
fn dash_bullets_without_a_zone() {
    let d = entries(
        "## Timeline\n\n- 2017/02/01 00:36 - Backup restored\n- 2017/02/01 17:00 - Service back\n",
        None,
    );
    assert_eq!(d.timeline[0].at, "2017-02-01 00:36");
}

#[test]
fn day_headings_give_their_entries_the_day() {
    let d = entries(
        "# Two bad weeks\n\n## Incident timeline\n\n### March 3, 2024 - Queue backlog\n\nSome context first.\n\n- **09:10 UTC** - Deploy ships\n- **09:40 UTC** - Consumers stall\n\n### March 9, 2024 - Cache flush\n\n- **22:05 UTC** - Cache flushed by hand\n- **23:50 UTC** - Hit rate recovers\n\n### March 11-12, 2024 - Slow queries\n\n- **23:10 UTC (Mar 11)** - Queries slow down\n- **01:15 UTC (Mar 12)** - Index rebuilt\n- **04:00 UTC** - Latency back to normal\n",
        Some("2024-03-20"),
    );
    assert_eq!(
        at_list(&d),
        [
            "2024-03-03 09:10 UTC",
            "2024-03-03 09:40 UTC",
            "2024-03-09 22:05 UTC",
            "2024-03-09 23:50 UTC",
            "2024-03-11 23:10 UTC",
            "2024-03-12 01:15 UTC",
            "2024-03-12 04:00 UTC",
        ]
    );
    assert_eq!(d.moments[0].as_ref().unwrap().0, "2024-03-03 09:10 UTC");
    assert_eq!(d.moments[3].as_ref().unwrap().0, "2024-03-12 04:00 UTC");
}

#[test]
fn day_lines_twelve_hour_times_and_wrapped_items() {
    let d = entries(
        "## Timeline\n\nAll times in PST\n\n2020-02-10\n\n- 4:40 PM PST: the config change merges\n\n2020-02-11\n\n- 6:02 AM: a user reports that builds hang,\n  and that the queue keeps growing.\n\n- 9:15 AM: the change is reverted\n",
        None,
    );
    assert_eq!(
        ats(&d),
        [
            (
                "2020-02-10 16:40 PST".into(),
                "the config change merges".into()
            ),
            (
                "2020-02-11 06:02 PST".into(),
                "a user reports that builds hang, and that the queue keeps growing.".into()
            ),
            (
                "2020-02-11 09:15 PST".into(),
                "the change is reverted".into()
            ),
        ]
    );
    assert_eq!(d.timeline[2].kind, Some("mitigation"));
}

#[test]
fn bracketed_times_paragraph_runs_and_dates_after_the_time() {
    let d = entries(
        "## Sequence of events\n\n* [07:02] The nightly job starts. **Outage begins.**\n* [07:31] A dashboard turns red\n* [08:05] Job stopped. **Outage ends.**\n",
        Some("2022-05-14"),
    );
    assert_eq!(
        at_list(&d),
        ["2022-05-14 07:02", "2022-05-14 07:31", "2022-05-14 08:05"]
    );
    assert_eq!(d.moments[0].as_ref().unwrap().0, "2022-05-14 07:02");
    assert_eq!(d.moments[3].as_ref().unwrap().0, "2022-05-14 08:05");
    let d = entries(
        "# Flood\n\n## Timeline (all times MST) Friday Mar 4th 2022 - Saturday Mar 5th 2022\n\n11:20 PM MST Friday Mar 4th: The first burst of requests arrives\n\n11:50 PM MST Friday Mar 4th: A second burst follows,\nlarger than the first.\n\n01:05 AM MST Saturday Mar 5th: Requests stop.\n",
        None,
    );
    assert_eq!(
        ats(&d),
        [
            (
                "2022-03-04 23:20 MST".into(),
                "The first burst of requests arrives".into()
            ),
            (
                "2022-03-04 23:50 MST".into(),
                "A second burst follows, larger than the first.".into()
            ),
            ("2022-03-05 01:05 MST".into(), "Requests stop.".into()),
        ]
    );
    assert_eq!(d.taken.len(), 3);
}

#[test]
fn two_zones_per_entry_under_weekday_headings() {
    let d = entries(
        "## Timeline of events\n\nTimes are in both Central European Summer Time (CEST) and UTC.\n\n### 2023-06-02 Friday\n- 17:30 CEST (15:30 UTC): A customer writes in about a login loop,\n  with a screenshot.\n- 18:05 CEST (16:05 UTC): The on-call engineer answers.\n\n### 2023-06-05 Monday\n- 09:00 CEST (07:00 UTC): The fix ships.\n",
        None,
    );
    assert_eq!(
        ats(&d),
        [
            (
                "2023-06-02 17:30 CEST".into(),
                "A customer writes in about a login loop, with a screenshot.".into()
            ),
            (
                "2023-06-02 18:05 CEST".into(),
                "The on-call engineer answers.".into()
            ),
            ("2023-06-05 09:00 CEST".into(), "The fix ships.".into()),
        ]
    );
}

#[test]
fn rows_out_of_order_are_put_in_order_and_said_so() {
    let d = entries("## Timeline\n\n| Time (UTC) | Event |\n|---|---|\n| 2023-04-02 10:05 | Disk fills |\n| 2023-04-02 10:09 | Writes fail |\n| 2023-04-02 10:08 | Alert fires |\n", None);
    assert_eq!(
        at_list(&d),
        [
            "2023-04-02 10:05 UTC",
            "2023-04-02 10:08 UTC",
            "2023-04-02 10:09 UTC"
        ]
    );
    assert!(d.guesses.iter().any(|g| g.value == "put in time order"
        && g.source == "entries 3, 2 were out of order in the source"));
}

#[test]
fn dense_blocks_anywhere_count_and_records_do_not() {
    let d = entries(
        "# Lost writes\n\nOn 2021-08-09 the primary fell behind.\n\n## What happened\n\n- 14:02 UTC: replication lag passes a minute\n- 14:05 UTC: writes start to time out\n- 14:20 UTC: the replica is promoted\n\n## Chat log\n\n- 14:03 UTC: ana: anyone seeing this?\n- 14:04 UTC: bo: yes\n- 14:06 UTC: ana: paging db\n\n## Follow-up\n\nThe review is at 10:00 UTC tomorrow.\n",
        Some("2021-08-09"),
    );
    assert_eq!(
        at_list(&d),
        [
            "2021-08-09 14:02 UTC",
            "2021-08-09 14:05 UTC",
            "2021-08-09 14:20 UTC"
        ]
    );
    // Two times in a list of five is not a timeline.
    let d = entries(
        "## Notes\n\n- the cron runs at 03:00 UTC\n- 04:00 UTC: backups\n- disks are 80% full\n- 05:00 UTC: reports\n- nothing else\n",
        Some("2021-08-09"),
    );
    assert!(d.timeline.is_empty());
}

#[test]
fn sentences_give_a_timeline_when_nothing_else_does() {
    let d = entries(
        "# Bad release\n\nOn 2022-09-13 at 10:02 UTC we published version 2.0 of the agent. At 10:17 UTC a user reported crashes, and we withdrew the release - an action finished by 10:40 UTC.\n\nThe fix shipped later that week.\n",
        None,
    );
    assert_eq!(
        ats(&d),
        [
            (
                "2022-09-13 10:02 UTC".into(),
                "we published version 2.0 of the agent.".into()
            ),
            (
                "2022-09-13 10:17 UTC".into(),
                "a user reported crashes, and we withdrew the release".into()
            ),
            (
                "2022-09-13 10:40 UTC".into(),
                "an action finished by 10:40 UTC.".into()
            ),
        ]
    );
    assert_eq!(d.timeline[1].kind, Some("detection"));
    // A lead's own comma does not end its clause; a line break is a space.
    let d = entries(
        "# Lost records\n\nOn 2023-05-02 at 08:10 UTC the zone was replaced. Around 8:25 UTC, the records came back and\nby 8:35 UTC lookups were normal.\n",
        None,
    );
    assert_eq!(
        ats(&d)[1..],
        [
            (
                "2023-05-02 08:25 UTC".into(),
                "the records came back".into()
            ),
            ("2023-05-02 08:35 UTC".into(), "lookups were normal.".into()),
        ]
    );
    // One time alone is no timeline.
    assert!(entries("# X\n\nAt 10:02 UTC we shipped.\n", None)
        .timeline
        .is_empty());
}

#[test]
fn no_day_is_made_up_for_times_the_document_does_not_date() {
    let d = entries(
        "## Timeline\n\n- 15:26: the site stops answering\n- 15:40: it answers again\n",
        None,
    );
    assert_eq!(at_list(&d), ["15:26", "15:40"]);
    assert!(d.moments.iter().all(Option::is_none));
}

#[test]
fn an_entry_is_a_detection_when_something_goes_off_not_when_alerting_is_worked_on() {
    let kinds = |event: &str| kind_of(event).0;
    assert_eq!(kinds("Disk alarms on the primary fire."), Some("detection"));
    assert_eq!(kinds("Alert triggered in chat"), Some("detection"));
    assert_eq!(
        kinds("first [recorded instance](https://x.example/1) of a user seeing errors"),
        Some("detection")
    );
    assert_eq!(kinds("The team tunes all alerting"), None);
    assert_eq!(
        kinds("Incident declared resolved on the status page"),
        Some("resolution")
    );
    assert_eq!(
        kinds("Incident declared on the status page"),
        Some("detection")
    );
    assert_eq!(
        kinds("The mirrors were back in sync and the site status was updated to green."),
        Some("resolution")
    );
    assert_eq!(kinds("PagerDuty pages the auth on-call"), Some("detection"));
    assert_eq!(
        kinds("Monitoring confirms normal error rates; incident closed"),
        Some("resolution")
    );
}

#[test]
fn a_story_told_in_prose_keeps_its_days_its_opening_and_its_completions() {
    let d = entries(
        "# Stolen token\n\nAt 06:20 UTC on March 9th 2024, our images were replaced by an attacker.\n\nThe story starts earlier. At 14:05 UTC on March 8th 2024 a token leaked in a build log. The attacker then pushed a test tag, and did so at 14:30 UTC. Some 16 hours later, at 06:20 UTC the following morning, they pushed the images.\n\nAt 07:02 UTC we rolled back the images - an action completed by 07:40 UTC.\n",
        None,
    );
    assert_eq!(
        ats(&d),
        [
            (
                "2024-03-08 14:05 UTC".into(),
                "a token leaked in a build log.".into()
            ),
            (
                "2024-03-08 14:30 UTC".into(),
                "The attacker then pushed a test tag, and did so at 14:30 UTC.".into()
            ),
            (
                "2024-03-09 06:20 UTC".into(),
                "our images were replaced by an attacker.".into()
            ),
            (
                "2024-03-09 06:20 UTC".into(),
                "they pushed the images.".into()
            ),
            (
                "2024-03-09 07:02 UTC".into(),
                "we rolled back the images".into()
            ),
            (
                "2024-03-09 07:40 UTC".into(),
                "an action completed by 07:40 UTC.".into()
            ),
        ]
    );
    // The document opens with the start; the rollback is done when it says.
    let at = |i: usize| d.moments[i].as_ref().map(|m| m.0.as_str());
    assert_eq!(at(0), Some("2024-03-09 06:20 UTC"));
    assert_eq!(at(2), Some("2024-03-09 07:40 UTC"));
}

#[test]
fn a_span_the_story_states_is_one_entry_and_the_incident_s_end() {
    let d = entries(
        "# Degraded search\n\nFrom November 11, 4:02 PM UTC to November 14, 3:02 PM UTC, search results were degraded for some customers.\n\nOn November 11 at 4:02 PM UTC a ranking change shipped. On November 14 at 3:02 PM UTC it was reverted.\n",
        Some("2023-11-15"),
    );
    assert_eq!(
        ats(&d),
        [
            ("2023-11-11 16:02 UTC".into(), "From November 11, 4:02 PM UTC to November 14, 3:02 PM UTC, search results were degraded for some customers.".into()),
            ("2023-11-11 16:02 UTC".into(), "a ranking change shipped.".into()),
            ("2023-11-14 15:02 UTC".into(), "it was reverted.".into()),
        ]
    );
    assert_eq!(
        d.moments.clone().map(|m| m.map(|(at, _)| at)),
        [
            Some("2023-11-11 16:02 UTC".to_string()),
            None,
            Some("2023-11-14 15:02 UTC".to_string()),
            Some("2023-11-14 15:02 UTC".to_string())
        ]
    );
    // Two times in a row that are not a span stay two entries.
    let d = entries(
        "# Deploy\n\nWe deployed at 10:02 UTC and saw errors at 10:09 UTC. From then on, the queue grew until 10:30 UTC.\n",
        Some("2023-11-15"),
    );
    assert_eq!(d.timeline.len(), 3);
}
