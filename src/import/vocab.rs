//! The names documents give their sections, per recognizer, as data in one
//! place. To teach import a heading it does not know, add it here (and a
//! fixture to the recognizer's tests). Headings are compared lower-cased,
//! with `’` as `'`; lessons and impact headings whole (punctuation and
//! emoji left out), the others by the phrases they contain.

/// Lessons that went well.
pub const WENT_WELL: &[&str] = &[
    "what went well",
    "things that went well",
    "went well",
    "what worked",
    "what worked well",
    "what went right",
    "the good",
];

/// Lessons that went wrong.
pub const WENT_WRONG: &[&str] = &[
    "what went wrong",
    "what went poorly",
    "what went badly",
    "what could have gone better",
    "what could have been better",
    "what could be improved",
    "what we could have done better",
    "what didn't go well",
    "what didn't go so well",
    "what did not go well",
    "things that went wrong",
    "where things went wrong",
    "went wrong",
    "the bad",
    "problems encountered",
    "contributing factors",
];

/// Where the team got lucky.
pub const LUCKY: &[&str] = &[
    "where we got lucky",
    "where we were lucky",
    "what we got lucky with",
    "where we got lucky with",
    "lucky",
];

/// Lessons a document does not sort.
pub const LEARNED: &[&str] = &[
    "lessons learned",
    "lessons learnt",
    "lessons",
    "key takeaways",
    "takeaways",
    "learnings",
    "what we learned",
    "what we learnt",
    "insights",
    "key insights",
];

/// The impact.
pub const IMPACT: &[&str] = &[
    "impact",
    "customer impact",
    "user impact",
    "business impact",
    "data loss",
    "data loss impact",
    "impact and data loss",
];

/// Phrases in a heading that plainly names action items.
pub const ACTIONS: &[&str] = &[
    "action item",
    "follow-up",
    "follow up",
    "followup",
    "next step",
    "remediation",
    "corrective action",
    "action plan",
    "to do",
    "todo",
];

/// Phrases in a heading over the work that follows an incident, less
/// plainly named (`Preventing a repeat`, `Improvements`).
pub const ACTIONS_BROADLY: &[&str] = &["prevent", "improvements"];

/// Phrases in a heading over advice to readers, which is not the team's
/// own work.
pub const ADVICE: &[&str] = &[
    "should i do",
    "should you do",
    "recommend",
    "call to action",
];

/// Phrases in a heading over the timeline.
pub const TIMELINE: &[&str] = &["timeline", "chronology", "sequence of events"];

/// Words in a heading over logs and transcripts kept for the record,
/// whose times are not the incident's (as whole words or their starts).
pub const RECORDS: &[&str] = &["appendix", "log", "transcript", "chat", "raw data"];
