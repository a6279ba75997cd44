//! The ids a write-up's page gives its timeline entries, action items and
//! lessons, so that a link can point at one (`#t-2018-10-07-1845`,
//! `#item-restore-script-asks-the-operator`). An id comes from what the
//! thing says, not from its place: adding an entry or an item leaves the
//! others' links as they were. The table and the picture of the timeline
//! take the ids from here, so they always agree.

use crate::content::WriteUp;
use crate::text::slugify;
use jiff::tz::TimeZone;
use std::collections::HashSet;

/// The longest a slug-based id grows: enough words to tell items apart.
const MAX_SLUG: usize = 48;

/// Hands out ids, each once: a second `x` is `x-2`.
#[derive(Default)]
struct Unique(HashSet<String>);

impl Unique {
    fn take(&mut self, id: String) -> String {
        if self.0.insert(id.clone()) {
            return id;
        }
        let id = (2..)
            .map(|n| format!("{id}-{n}"))
            .find(|candidate| !self.0.contains(candidate))
            .expect("a free suffix");
        self.0.insert(id.clone());
        id
    }
}

/// `text` as a slug of at most `MAX_SLUG` characters, cut between words.
fn short_slug(text: &str) -> String {
    let slug = slugify(text);
    if slug.len() <= MAX_SLUG {
        return slug;
    }
    let cut = slug[..=MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
    slug[..cut].to_string()
}

/// The ids of `w`'s timeline entries: `t-` and the entry's local date and
/// time in `tz`, the zone its page shows times in.
pub fn timeline_ids(w: &WriteUp, tz: &TimeZone) -> Vec<String> {
    let mut unique = Unique::default();
    w.timeline
        .iter()
        .map(|e| {
            let local = e.at.to_zoned(tz.clone());
            unique.take(format!(
                "t-{}-{:02}{:02}",
                local.date(),
                local.hour(),
                local.minute()
            ))
        })
        .collect()
}

/// The ids of `w`'s action items: `item-` and the start of the task.
pub fn item_ids(w: &WriteUp) -> Vec<String> {
    let mut unique = Unique::default();
    w.action_items
        .iter()
        .map(|a| unique.take(format!("item-{}", short_slug(&a.task))))
        .collect()
}

/// The ids of the lessons in `groups` (went well, went wrong, lucky,
/// learned, in that order): `lesson-` and the start of the lesson.
pub fn lesson_ids(groups: [&[String]; 4]) -> [Vec<String>; 4] {
    let mut unique = Unique::default();
    groups.map(|lessons| {
        lessons
            .iter()
            .map(|l| unique.take(format!("lesson-{}", short_slug(l))))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_repeated_gets_a_suffix_and_a_long_one_is_cut_between_words() {
        let mut unique = Unique::default();
        assert_eq!(unique.take("t-1".into()), "t-1");
        assert_eq!(unique.take("t-1".into()), "t-1-2");
        assert_eq!(unique.take("t-1".into()), "t-1-3");
        let long = short_slug(
            "Restore script asks the operator to type the target host name before it starts",
        );
        assert_eq!(long, "restore-script-asks-the-operator-to-type-the");
        assert!(long.len() <= MAX_SLUG);
        assert_eq!(short_slug("Add an alert"), "add-an-alert");
    }
}
