//! The files for feed readers and crawlers: the site's feed and each
//! term's (every text escaped for XML by `crate::feeds`), `sitemap.xml` and
//! `robots.txt`.

use super::views::{self, Urls};
use super::{BuildError, Rendering};
use crate::datetime;
use crate::feeds::{self, Channel, Item, ItemXml};
use crate::taxonomy::Kind;

/// Each write-up's feed item, made the first time a feed needs it: an
/// item reads the same in every feed it is in.
pub(super) type FeedItems = Vec<std::sync::OnceLock<ItemXml>>;

/// The items of a feed of `indices`, newest first (by the day published
/// or updated), up to the limit.
fn feed_items<'s>(site: &'s Rendering, indices: &[usize]) -> Vec<&'s ItemXml> {
    site.derived
        .feed_order(indices, site.derived.config.feed.limit)
        .into_iter()
        .map(|i| site.feed_items[i].get_or_init(|| feeds::item(&feed_item(site, i))))
        .collect()
}

fn feed_item<'s>(site: &'s Rendering, i: usize) -> Item<'s> {
    let w = site.derived.writeups[i];
    let e = &site.derived.entries[i].view;
    let mut facts = vec![w.severity.clone()];
    // As many services as lists show: an item is in a feed of each.
    facts.extend(w.services.iter().take(views::LIST_TERMS).cloned());
    if w.services.len() > views::LIST_TERMS {
        facts.push(format!(
            "{} more services",
            crate::text::thousands(w.services.len() - views::LIST_TERMS)
        ));
    }
    if let Some(d) = &e.duration {
        facts.push(format!("duration {d}"));
    }
    let dek = e
        .dek
        .as_ref()
        .map(|d| format!("({d}) "))
        .unwrap_or_default();
    Item {
        title: &w.title,
        link: e.permalink.clone(),
        // An update is a new item for readers: a new guid, dated the day
        // of the update.
        guid: match w.updated {
            Some(day) => feeds::Guid::Other(format!("{}#updated-{day}", e.permalink)),
            None => feeds::Guid::Permalink(e.permalink.clone()),
        },
        pub_date: datetime::rfc822(datetime::start_of_day(
            w.updated.unwrap_or(w.date),
            &site.derived.config.tz,
        )),
        description: format!("{dek}[{}] {}", facts.join(" · "), e.summary),
        // Feed readers show an item away from its page: every relative
        // address in it (a file beside the page, `/…`, `#…`) made absolute.
        content_html: site.derived.config.feed.full_content.then(|| {
            std::borrow::Cow::Owned(crate::markdown::refs::absolute(
                &super::feed_content::content(site, i),
                site.derived.config.origin(),
                &e.permalink,
            ))
        }),
        categories: w
            .tags
            .iter()
            .take(views::LIST_TERMS)
            .map(String::as_str)
            .collect(),
        authors: w.authors.iter().map(String::as_str).collect(),
    }
}

/// `rss.xml`: every write-up.
pub(super) fn site_feed(site: &Rendering) -> Result<usize, BuildError> {
    let config = site.derived.config;
    let all: Vec<usize> = (0..site.derived.writeups.len()).collect();
    let channel = Channel {
        title: config.title.clone(),
        link: &config.base_url,
        self_url: site.derived.urls.absolute("rss.xml"),
        description: &config.description,
        language: &config.language,
    };
    site.staging.write(
        "rss.xml",
        feeds::rss(&channel, &feed_items(site, &all)).as_bytes(),
    )?;
    Ok(1)
}

/// The feed of term `t` of taxonomy `k`.
pub(super) fn term_feed(site: &Rendering, k: Kind, t: usize) -> Result<usize, BuildError> {
    let config = site.derived.config;
    let taxonomy = site.derived.tax.get(k);
    let term = &taxonomy.terms[t];
    let path = Urls::term_path(taxonomy.key(), &term.slug);
    let channel = Channel {
        title: format!(
            "{}: {} {}",
            config.title,
            taxonomy.def.singular.to_lowercase(),
            term.name
        ),
        link: &site.derived.urls.absolute(&path),
        self_url: site.derived.urls.absolute(&format!("{path}rss.xml")),
        description: &config.description,
        language: &config.language,
    };
    let xml = feeds::rss(&channel, &feed_items(site, &term.pages));
    site.staging
        .write(&format!("{path}rss.xml"), xml.as_bytes())?;
    Ok(1)
}

pub(super) fn sitemap(site: &Rendering) -> Result<usize, BuildError> {
    let mut sitemap: Vec<(String, Option<String>)> =
        vec![(site.derived.config.base_url.clone(), None)];
    for taxonomy in &site.derived.tax.0 {
        let key = taxonomy.key();
        sitemap.push((site.derived.urls.absolute(&format!("{key}/")), None));
        for term in &taxonomy.terms {
            sitemap.push((
                site.derived
                    .urls
                    .absolute(&Urls::term_path(key, &term.slug)),
                None,
            ));
        }
    }
    sitemap.push((site.derived.urls.absolute("archive/"), None));
    for e in &site.derived.entries {
        let day = e.view.updated.as_ref().unwrap_or(&e.view.date);
        sitemap.push((e.view.permalink.clone(), Some(day.clone())));
    }
    site.staging
        .write("sitemap.xml", feeds::sitemap(&sitemap).as_bytes())?;
    Ok(1)
}

pub(super) fn robots(site: &Rendering) -> Result<usize, BuildError> {
    let robots = format!(
        "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
        site.derived.config.base_url
    );
    site.staging.write("robots.txt", robots.as_bytes())?;
    Ok(1)
}
