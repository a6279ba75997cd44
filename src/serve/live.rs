//! Live reload: what each rebuild produced ([`LiveState`]), kept by the
//! [`Hub`] for every open page, and the server-sent event stream
//! (`/__blameless/events`) that tells a page to reload or to show the
//! problems of a failed rebuild.

use bytes::Bytes;
use hyper::body::{Body, Frame};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit};

/// What the last rebuild produced, for the browsers that are watching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveState {
    /// Rebuilt. `pages`: the URL paths of the pages that changed, when only
    /// those were rendered; `complete`: the whole site is now up to date
    /// (an update announces its pages first, then the search index and
    /// stats).
    Ready {
        pages: Option<Vec<String>>,
        complete: bool,
    },
    /// The problems, as `check` prints them.
    Failed(String),
}

impl LiveState {
    /// The whole site rebuilt: every page reloads. Also what a browser is
    /// told before the first result, or when it missed some.
    fn whole_site() -> LiveState {
        LiveState::Ready {
            pages: None,
            complete: true,
        }
    }

    /// The state as one server-sent event.
    fn event(&self) -> String {
        match self {
            LiveState::Ready { pages, complete } => format!(
                "event: reload\ndata: {}\n\n",
                serde_json::json!({"pages": pages, "complete": complete})
            ),
            LiveState::Failed(text) => format!(
                "event: problem\ndata: {}\n\n",
                serde_json::to_string(text).unwrap_or_default()
            ),
        }
    }
}

/// Broadcasts rebuild results to every connected browser.
pub struct Hub {
    state: Mutex<Published>,
    /// The latest generation, for streams waiting for the next one.
    generation: watch::Sender<u64>,
}

/// The last few rebuild results, newest last, numbered from 1.
struct Published {
    latest: u64,
    recent: VecDeque<(u64, LiveState)>,
}

/// Results kept for a browser that has not been sent the last ones yet: an
/// update publishes twice in a few milliseconds (its pages, then the search
/// index and stats), and a browser woken for the first may find both.
const KEPT: usize = 16;

/// How often an idle stream sends a comment: it keeps the connection open
/// through proxies and finds browsers that left.
const PING: Duration = Duration::from_secs(5);

impl Hub {
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub {
            state: Mutex::new(Published {
                latest: 0,
                recent: VecDeque::new(),
            }),
            generation: watch::Sender::new(0),
        })
    }

    pub fn publish(&self, state: LiveState) {
        let latest = {
            let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
            guard.latest += 1;
            let generation = guard.latest;
            guard.recent.push_back((generation, state));
            if guard.recent.len() > KEPT {
                guard.recent.pop_front();
            }
            generation
        };
        self.generation.send_replace(latest);
    }

    fn current(&self) -> (u64, LiveState) {
        let guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let state = guard
            .recent
            .back()
            .map_or_else(LiveState::whole_site, |(_, s)| s.clone());
        (guard.latest, state)
    }

    /// The results newer than `seen`, merged into one (see [`merge`]), and
    /// the generation they bring a browser to.
    fn since(&self, seen: u64) -> Option<(u64, LiveState)> {
        let guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if guard.latest == seen {
            return None;
        }
        let missed = guard
            .recent
            .front()
            .is_none_or(|(first, _)| *first > seen + 1);
        let newer: Vec<&LiveState> = guard
            .recent
            .iter()
            .filter(|(generation, _)| *generation > seen)
            .map(|(_, s)| s)
            .collect();
        Some((guard.latest, merge(&newer, missed)))
    }
}

/// What a browser needs of the results it was not sent (oldest first): the
/// last problem, or every page any of them changed (every page, when one
/// named none or some were dropped before it was sent them).
fn merge(states: &[&LiveState], missed: bool) -> LiveState {
    match states.last() {
        None => LiveState::whole_site(),
        Some(LiveState::Failed(text)) => LiveState::Failed(text.clone()),
        Some(LiveState::Ready { complete, .. }) => {
            let mut pages: Option<Vec<String>> = (!missed).then(Vec::new);
            for state in states {
                match (state, &mut pages) {
                    (LiveState::Ready { pages: Some(p), .. }, Some(all)) => {
                        for page in p {
                            if !all.contains(page) {
                                all.push(page.clone());
                            }
                        }
                    }
                    (LiveState::Ready { pages: None, .. }, _) => pages = None,
                    _ => {}
                }
            }
            LiveState::Ready {
                pages,
                complete: *complete,
            }
        }
    }
}

/// The body of an event stream: the events a task of its own sends it.
/// Dropped when the browser leaves, which ends that task and frees its
/// place among the streams.
pub struct EventStream {
    events: mpsc::Receiver<Bytes>,
}

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.events
            .poll_recv(cx)
            .map(|event| event.map(|bytes| Ok(Frame::data(bytes))))
    }
}

/// Starts the events of one browser: what the site's state is now (a page
/// opened while the site is broken shows the problem at once), then each
/// rebuild's result. `permit` is its place among the streams.
pub fn events(hub: Arc<Hub>, permit: OwnedSemaphorePermit) -> EventStream {
    let (sender, events) = mpsc::channel(4);
    // Subscribed before the browser hears back: a rebuild that ends between
    // its request and this line is then still sent, not taken as seen.
    let mut changes = hub.generation.subscribe();
    let (mut seen, state) = hub.current();
    tokio::spawn(async move {
        let _permit = permit;
        let mut first = match state {
            LiveState::Failed(_) => state.event(),
            // Sends the response head at once, so that the browser knows
            // it is connected.
            LiveState::Ready { .. } => ": connected\n\n".to_string(),
        };
        loop {
            if sender.send(Bytes::from(first)).await.is_err() {
                return;
            }
            first = loop {
                match tokio::time::timeout(PING, changes.changed()).await {
                    Err(_) => break ": ping\n\n".to_string(),
                    Ok(Err(_)) => return,
                    Ok(Ok(())) => {
                        if let Some((generation, state)) = hub.since(seen) {
                            seen = generation;
                            break state.event();
                        }
                    }
                }
            };
        }
    });
    EventStream { events }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready(pages: Option<&[&str]>, complete: bool) -> LiveState {
        LiveState::Ready {
            pages: pages.map(|p| p.iter().map(|s| s.to_string()).collect()),
            complete,
        }
    }

    #[test]
    fn a_browser_behind_gets_every_page_it_was_not_sent() {
        let hub = Hub::new();
        assert_eq!(hub.since(0), None);
        // An update's two results, before the browser was woken.
        hub.publish(ready(Some(&["/incidents/x/", "/"]), false));
        hub.publish(ready(Some(&["/search/", "/"]), true));
        assert_eq!(
            hub.since(0),
            Some((2, ready(Some(&["/incidents/x/", "/", "/search/"]), true)))
        );
        assert_eq!(
            hub.since(1),
            Some((2, ready(Some(&["/search/", "/"]), true)))
        );
        assert_eq!(hub.since(2), None);
        hub.publish(LiveState::Failed("broken".into()));
        assert_eq!(hub.since(2), Some((3, LiveState::Failed("broken".into()))));
        hub.publish(ready(None, true));
        assert_eq!(hub.since(2), Some((4, ready(None, true))));
        // More results than are kept: every page, for a browser that was
        // not sent some of those dropped.
        for _ in 0..KEPT {
            hub.publish(ready(Some(&["/a/"]), true));
        }
        let latest = 4 + KEPT as u64;
        assert_eq!(hub.since(3), Some((latest, ready(None, true))));
        assert_eq!(hub.since(4), Some((latest, ready(Some(&["/a/"]), true))));
        assert_eq!(hub.current(), (latest, ready(Some(&["/a/"]), true)));
    }

    #[test]
    fn events_are_server_sent_events() {
        assert_eq!(
            ready(Some(&["/a/"]), true).event(),
            "event: reload\ndata: {\"complete\":true,\"pages\":[\"/a/\"]}\n\n"
        );
        assert_eq!(
            LiveState::Failed("a \"b\"\nc".into()).event(),
            "event: problem\ndata: \"a \\\"b\\\"\\nc\"\n\n"
        );
    }
}
