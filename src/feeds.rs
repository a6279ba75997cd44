//! RSS 2.0 feeds, the site's and one per tag, service and severity.
//! Written by hand rather than by template so that every text is escaped for
//! XML and characters XML cannot carry are dropped, whatever a field holds.
//! Feed readers take `<description>` as HTML, so text goes there escaped as
//! HTML first (a summary `<img onerror=…>` stays those characters);
//! `<title>` and `<category>` are text.

use crate::text::{escape_html, escape_xml};
use std::fmt::Write as _;

/// One feed item, with every URL already absolute.
pub struct Item<'a> {
    pub title: &'a str,
    pub link: String,
    pub guid: Guid,
    pub pub_date: String,
    /// Text, not HTML.
    pub description: String,
    /// HTML whose addresses are all absolute.
    pub content_html: Option<std::borrow::Cow<'a, str>>,
    pub categories: Vec<&'a str>,
    pub authors: Vec<&'a str>,
}

/// What makes an item new to a feed reader.
pub enum Guid {
    /// The page's address, which is also its id.
    Permalink(String),
    /// An id that is not an address (a write-up's address and the day it
    /// was updated).
    Other(String),
}

pub struct Channel<'a> {
    pub title: String,
    pub link: &'a str,
    pub self_url: String,
    /// Text, not HTML.
    pub description: &'a str,
    pub language: &'a str,
}

/// One `<item>` element, ready to be placed in any feed.
///
/// An item reads the same in every feed it is in (the site's, and those of
/// its tags, services and severity), so it is made once per write-up: its
/// full content is most of a feed's bytes and of the time spent escaping.
pub struct ItemXml {
    pub pub_date: String,
    pub xml: String,
}

/// The `<item>` element of `item`, every text escaped for XML.
pub fn item(item: &Item) -> ItemXml {
    let content = item
        .content_html
        .as_ref()
        .map_or(0, |html| html.len() + html.len() / 4);
    let mut out = String::with_capacity(1024 + item.description.len() + content);
    out.push_str("  <item>\n");
    let _ = writeln!(out, "    <title>{}</title>", escape_xml(item.title));
    let _ = writeln!(out, "    <link>{}</link>", escape_xml(&item.link));
    let (permalink, guid) = match &item.guid {
        Guid::Permalink(url) => ("true", url),
        Guid::Other(id) => ("false", id),
    };
    let _ = writeln!(
        out,
        "    <guid isPermaLink=\"{permalink}\">{}</guid>",
        escape_xml(guid)
    );
    let _ = writeln!(out, "    <pubDate>{}</pubDate>", item.pub_date);
    for author in &item.authors {
        let _ = writeln!(out, "    <dc:creator>{}</dc:creator>", escape_xml(author));
    }
    for category in &item.categories {
        let _ = writeln!(out, "    <category>{}</category>", escape_xml(category));
    }
    let _ = writeln!(
        out,
        "    <description>{}</description>",
        escape_xml(&escape_html(&item.description))
    );
    if let Some(html) = &item.content_html {
        out.push_str("    <content:encoded>");
        out.push_str(&escape_xml(html));
        out.push_str("</content:encoded>\n");
    }
    out.push_str("  </item>\n");
    ItemXml {
        pub_date: item.pub_date.clone(),
        xml: out,
    }
}

/// The RSS document, items newest first. `lastBuildDate` is the newest
/// item's date, never the clock, so builds are reproducible.
pub fn rss(channel: &Channel, items: &[&ItemXml]) -> String {
    let bytes: usize = items.iter().map(|i| i.xml.len()).sum();
    let mut out = String::with_capacity(4096 + bytes);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
    let _ = writeln!(out, "  <title>{}</title>", escape_xml(&channel.title));
    let _ = writeln!(out, "  <link>{}</link>", escape_xml(channel.link));
    let _ = writeln!(
        out,
        "  <description>{}</description>",
        escape_xml(&escape_html(channel.description))
    );
    let _ = writeln!(
        out,
        "  <language>{}</language>",
        escape_xml(channel.language)
    );
    let _ = writeln!(
        out,
        "  <generator>blameless {}</generator>",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "  <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        escape_xml(&channel.self_url)
    );
    if let Some(newest) = items.first() {
        let _ = writeln!(out, "  <lastBuildDate>{}</lastBuildDate>", newest.pub_date);
    }
    for item in items {
        out.push_str(&item.xml);
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

/// `sitemap.xml` for the given absolute URLs.
pub fn sitemap(urls: &[(String, Option<String>)]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (url, lastmod) in urls {
        let _ = write!(out, "  <url><loc>{}</loc>", escape_xml(url));
        if let Some(date) = lastmod {
            let _ = write!(out, "<lastmod>{date}</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}
