//! The front-matter texts a write-up's page shows as inline Markdown
//! (timeline events, action item tasks, lessons, impact texts), rendered
//! once per build beside its body and with the same links between
//! write-ups. Feeds, exports and search keep the plain text.

use crate::content::WriteUp;
use crate::markdown::inline;

/// A write-up's field texts as HTML, in the order of its fields.
#[derive(Clone, Default, Hash)]
pub(crate) struct FieldsHtml {
    pub events: Vec<String>,
    pub tasks: Vec<String>,
    pub went_well: Vec<String>,
    pub went_wrong: Vec<String>,
    pub lucky: Vec<String>,
    pub impact_summary: Option<String>,
    pub data_loss: Option<String>,
}

impl FieldsHtml {
    pub fn render(w: &WriteUp, resolve: &dyn Fn(&str) -> Option<String>) -> FieldsHtml {
        let all = |texts: &[String]| texts.iter().map(|t| inline(t, resolve)).collect();
        let events: Vec<String> = w
            .timeline
            .iter()
            .map(|e| inline(&e.event, resolve))
            .collect();
        let tasks: Vec<String> = w
            .action_items
            .iter()
            .map(|a| inline(&a.task, resolve))
            .collect();
        FieldsHtml {
            events,
            tasks,
            went_well: all(&w.lessons.went_well),
            went_wrong: all(&w.lessons.went_wrong),
            lucky: all(&w.lessons.lucky),
            impact_summary: w.impact.summary.as_deref().map(|t| inline(t, resolve)),
            data_loss: w.impact.data_loss.as_deref().map(|t| inline(t, resolve)),
        }
    }
}
