"""Checks every RSS feed of a built blameless site with a real feed reader
library (feedparser) and against the RSS 2.0 structure: required channel and
item elements, RFC 822 dates, unique guids, absolute links. Descriptions
(the channel's and every item's) hold text, so the HTML a reader gets from
them must have no element: a summary `<img src=x onerror=...>` must reach it
as those characters. With --expect TEXT, some item's description must read
TEXT (for the hostile site, whose summaries are markup).

    python3 feeds.py SITE_DIR BASE_URL [--expect TEXT]...

Prints one line per feed and a closing "feeds: N passed, M failed" line;
exits 1 on any failure.
"""
import email.utils
import html.parser
import pathlib
import sys
import xml.etree.ElementTree as ET

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"


class Elements(html.parser.HTMLParser):
    """The start tags and the text of an HTML fragment."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def text_only(what: str, fragment: str, texts: set) -> list[str]:
    """Problems if the HTML `fragment` has an element; else adds its text."""
    parsed = Elements(fragment)
    texts.add("".join(parsed.text))
    if parsed.tags:
        return [f"{what} reaches the reader as HTML elements {parsed.tags}: {fragment[:120]!r}"]
    return []


def check(path: pathlib.Path, site: pathlib.Path, base_url: str, texts: set) -> list[str]:
    problems = []
    text = path.read_bytes()
    parsed = feedparser.parse(text)
    if parsed.bozo:
        problems.append(f"feedparser: {parsed.bozo_exception}")
    if parsed.version != "rss20":
        problems.append(f"feedparser reads it as {parsed.version!r}, not rss20")
    channel = ET.fromstring(text).find("channel")
    if channel is None:
        return problems + ["no <channel>"]
    for tag in ("title", "link", "description"):
        if not (channel.findtext(tag) or "").strip():
            problems.append(f"channel has no <{tag}>")
    self_links = [l for l in channel.findall(f"{ATOM}link") if l.get("rel") == "self"]
    expected_self = base_url + path.relative_to(site).as_posix()
    if [l.get("href") for l in self_links] != [expected_self]:
        problems.append(f"atom:link rel=self should be {expected_self}")
    items = channel.findall("item")
    if not items:
        problems.append("no items")
    guids = set()
    dates = []
    for item in items:
        title = item.findtext("title")
        link = item.findtext("link") or ""
        guid = item.findtext("guid") or ""
        if not title:
            problems.append("an item has no title")
        if not link.startswith(base_url):
            problems.append(f"item link {link!r} is not absolute under {base_url}")
        if guid in guids:
            problems.append(f"guid {guid!r} is not unique")
        guids.add(guid)
        try:
            dates.append(email.utils.parsedate_to_datetime(item.findtext("pubDate") or ""))
        except (TypeError, ValueError):
            problems.append(f"item {title!r} has no RFC 822 pubDate")
    if dates and dates != sorted(dates, reverse=True):
        problems.append("items are not newest first")
    last = channel.findtext("lastBuildDate")
    if dates and (last is None or email.utils.parsedate_to_datetime(last) != dates[0]):
        problems.append("lastBuildDate is not the newest item's date")
    if len(parsed.entries) != len(items):
        problems.append(f"feedparser found {len(parsed.entries)} entries, the XML has {len(items)}")
    problems += text_only("the channel description", parsed.feed.get("subtitle", ""), texts)
    for entry in parsed.entries:
        problems += text_only(f"the description of {entry.get('title')!r}", entry.get("summary", ""), texts)
        if not entry.get("published_parsed"):
            problems.append(f"feedparser found no date for {entry.get('title')!r}")
        if not entry.get("link", "").startswith(base_url):
            problems.append(f"feedparser link {entry.get('link')!r} is not absolute")
    return problems


def main() -> int:
    site = pathlib.Path(sys.argv[1])
    base_url = sys.argv[2]
    expected = [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == "--expect"]
    texts = set()
    feeds = sorted(p for p in site.rglob("rss.xml"))
    if not feeds:
        print("no feeds found")
        return 1
    passed = failed = 0
    for feed in feeds:
        problems = check(feed, site, base_url, texts)
        name = feed.relative_to(site).as_posix()
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"  {p}")
        else:
            passed += 1
    for text in expected:
        if not any(text in t for t in texts):
            failed += 1
            print(f"FAIL no description reads {text!r}")
    print(f"{passed} feeds parsed cleanly")
    print(f"feeds: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
