#!/usr/bin/env python3
"""Writes a deterministic site of N write-ups for the browser checks at scale:
timelines of 3 to 40 entries (some with entries minutes apart), action items
with owners, due dates (some overdue), tickets and priorities, tags, services,
a `teams` taxonomy and links between write-ups.

    python3 gen-site.py SITE_DIR N
"""
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

WORDS = ("cache database replica queue disk certificate resolver proxy deploy config "
         "timeout retry pool lock index shard lease token quota alert pager backup "
         "snapshot migration schema kernel memory latency throughput gateway").split()
KINDS = ["trigger", "detection", "escalation", "action", "action", "mitigation", "note"]
STATUSES = ["open", "in-progress", "done", "done", "wontfix"]


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def main():
    site, count = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(31)
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "blameless.yaml").write_text(
        "title: Scale check\nbase_url: https://incidents.example.com/\ntimezone: UTC\n"
        "ticket_url: \"https://tracker.example.com/browse/{ticket}\"\n"
        "taxonomies:\n  - key: teams\n    singular: Team\n    stats: true\n")
    start = datetime(2016, 1, 4, 9, 0)
    slugs = []
    for i in range(count):
        day = start + timedelta(days=i * 3650 // count, hours=i % 12)
        slug = f"incident-{i:05d}"
        title = sentence(rng, rng.randint(3, 9)).rstrip(".")
        entries = rng.randint(3, 40 if i % 50 == 0 else 12)
        t = day
        timeline = []
        for e in range(entries):
            # Bursts: several entries a minute or two apart, then a gap.
            t += timedelta(minutes=rng.choice([1, 1, 2, 3, 7, 15, 40]))
            kind = "trigger" if e == 0 else ("resolution" if e == entries - 1 else rng.choice(KINDS))
            timeline.append(f"  - at: {t:%Y-%m-%d %H:%M}\n    type: {kind}\n"
                            f"    event: \"{sentence(rng, rng.randint(4, 18))}\"\n")
        items = []
        for a in range(rng.randint(0, 6)):
            status = rng.choice(STATUSES)
            due = (day + timedelta(days=rng.randint(7, 400))).date()
            items.append(f"  - task: \"{sentence(rng, rng.randint(4, 14))}\"\n"
                         f"    owner: eng-{rng.randint(1, 60):02d}\n    status: {status}\n"
                         f"    priority: P{rng.randint(1, 3)}\n    due: {due}\n"
                         f"    ticket: OPS-{rng.randint(100, 9999)}\n")
        tags = sorted({rng.choice(WORDS) for _ in range(rng.randint(1, 5))})
        services = sorted({f"svc-{rng.randint(1, 40):02d}" for _ in range(rng.randint(1, 3))})
        related = f"related: [{slugs[-1]}]\n" if slugs and i % 7 == 0 else ""
        text = (f"---\ntitle: \"{title}\"\nslug: {slug}\ndate: {day:%Y-%m-%d}\n"
                f"severity: SEV{rng.randint(1, 4)}\nauthors: [eng-{rng.randint(1, 60):02d}]\n"
                f"dek: \"{sentence(rng, 8).rstrip('.')}\"\n"
                f"services: [{', '.join(services)}]\ntags: [{', '.join(tags)}]\n"
                f"teams: [team-{rng.randint(1, 12):02d}]\n{related}"
                f"impact:\n  summary: \"{sentence(rng, 12)}\"\n"
                f"timeline:\n{''.join(timeline)}"
                + (f"action_items:\n{''.join(items)}" if items else "")
                + "---\n\n## What happened\n\n"
                + "\n\n".join(sentence(rng, rng.randint(12, 40)) for _ in range(rng.randint(2, 6)))
                + "\n")
        (site / "content" / f"{day:%Y-%m-%d}-{slug}.md").write_text(text)
        slugs.append(slug)


if __name__ == "__main__":
    main()
