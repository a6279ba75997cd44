//! The front-matter texts a write-up's page shows as inline Markdown
//! (timeline events, action item tasks, lessons, impact texts), rendered
//! once per build beside its body and with the same links between
//! write-ups. Feeds, exports and search keep the plain text.

use crate::content::WriteUp;
use crate::markdown::{inline_markup, plain_html};

/// A write-up's field texts as HTML, in the order of its fields; `None`
/// for a text without markup, whose HTML is the text escaped (see
/// [`FieldsHtml::or_plain`]).
#[derive(Clone, Default, Hash)]
pub(crate) struct FieldsHtml {
    pub events: Vec<Option<String>>,
    pub tasks: Vec<Option<String>>,
    pub went_well: Vec<Option<String>>,
    pub went_wrong: Vec<Option<String>>,
    pub lucky: Vec<Option<String>>,
    pub learned: Vec<Option<String>>,
    pub impact_summary: Option<String>,
    pub data_loss: Option<String>,
}

impl FieldsHtml {
    pub fn render(w: &WriteUp, resolve: &dyn Fn(&str) -> Option<String>) -> FieldsHtml {
        let all = |texts: &[String]| texts.iter().map(|t| inline_markup(t, resolve)).collect();
        let markup =
            |text: &Option<String>| text.as_deref().and_then(|t| inline_markup(t, resolve));
        FieldsHtml {
            events: w
                .timeline
                .iter()
                .map(|e| inline_markup(&e.event, resolve))
                .collect(),
            tasks: w
                .action_items
                .iter()
                .map(|a| inline_markup(&a.task, resolve))
                .collect(),
            went_well: all(&w.lessons.went_well),
            went_wrong: all(&w.lessons.went_wrong),
            lucky: all(&w.lessons.lucky),
            learned: all(&w.lessons.learned),
            impact_summary: markup(&w.impact.summary),
            data_loss: markup(&w.impact.data_loss),
        }
    }

    /// The HTML of a field: `html` as rendered, else `plain` escaped.
    pub fn or_plain(html: Option<&String>, plain: &str) -> String {
        match html {
            Some(html) => html.clone(),
            None => plain_html(plain),
        }
    }

    /// [`FieldsHtml::or_plain`] for each text of a list.
    pub fn all_or_plain(html: &[Option<String>], plain: &[String]) -> Vec<String> {
        plain
            .iter()
            .enumerate()
            .map(|(i, text)| Self::or_plain(html.get(i).and_then(Option::as_ref), text))
            .collect()
    }
}
