//! The preview server: static files from the built site with the right
//! Content-Type, `index.html` for folders (and a redirect from `/x` to `/x/`),
//! the site's `404.html`, no way out of the site folder, and a live-reload
//! script injected into every HTML page (never into `build` output), fed by
//! server-sent events from `/__blameless/events`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

pub const EVENTS_PATH: &str = "/__blameless/events";

/// The script added to served HTML: reloads on a rebuild that changed its
/// page (every page, when the event names none), shows an overlay with the
/// problems of a failed one.
const LIVE_RELOAD: &str = r#"<script>(() => {
  const events = new EventSource("/__blameless/events");
  const overlay = (text) => {
    let box = document.getElementById("blameless-overlay");
    if (!box) {
      box = document.createElement("div");
      box.id = "blameless-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 monospace;padding:2rem;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "blameless: the site could not be rebuilt\n\n" + text;
  };
  events.addEventListener("reload", (e) => {
    const pages = JSON.parse(e.data).pages;
    if (!pages || pages.includes(location.pathname)) location.reload();
  });
  events.addEventListener("problem", (e) => overlay(JSON.parse(e.data)));
})();</script>"#;

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
}

/// Broadcasts rebuild results to every connected browser.
pub struct Hub {
    state: Mutex<Published>,
    changed: Condvar,
}

/// The last few rebuild results, newest last, numbered from 1.
struct Published {
    latest: u64,
    recent: std::collections::VecDeque<(u64, LiveState)>,
}

/// Results kept for a browser that has not been sent the last ones yet: an
/// update publishes twice in a few milliseconds (its pages, then the search
/// index and stats), and a browser woken for the first may find both.
const KEPT: usize = 16;

impl Hub {
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub {
            state: Mutex::new(Published {
                latest: 0,
                recent: std::collections::VecDeque::new(),
            }),
            changed: Condvar::new(),
        })
    }

    pub fn publish(&self, state: LiveState) {
        if let Ok(mut guard) = self.state.lock() {
            guard.latest += 1;
            let generation = guard.latest;
            guard.recent.push_back((generation, state));
            if guard.recent.len() > KEPT {
                guard.recent.pop_front();
            }
        }
        self.changed.notify_all();
    }

    fn current(&self) -> (u64, LiveState) {
        self.state
            .lock()
            .map(|g| {
                let state = g
                    .recent
                    .back()
                    .map_or_else(LiveState::whole_site, |(_, s)| s.clone());
                (g.latest, state)
            })
            .unwrap_or_else(|_| (0, LiveState::whole_site()))
    }

    /// Waits for results newer than `seen`, or a timeout; several are
    /// merged into one (see [`merge`]).
    fn wait_after(&self, seen: u64, timeout: Duration) -> Option<(u64, LiveState)> {
        let guard = self.state.lock().ok()?;
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |p| p.latest == seen)
            .ok()?;
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

/// Adds a header; a value a header cannot carry (it comes from a request
/// path) is left out rather than trusted.
fn with_header<R: std::io::Read>(response: Response<R>, name: &str, value: &str) -> Response<R> {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(h) => response.with_header(h),
        Err(_) => response,
    }
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// What a request path names inside the site folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    /// A folder asked for without its trailing slash.
    Redirect(String),
    NotFound,
}

/// Resolves a URL path under `root` (canonical), refusing anything that
/// would leave it: `..` (also encoded), backslashes, NUL, symlinks out.
pub fn resolve(root: &Path, url_path: &str) -> Target {
    let Some(decoded) = crate::text::percent_decode(url_path) else {
        return Target::NotFound;
    };
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Target::NotFound,
            s if s.contains(['\\', '\0']) || s.starts_with('.') => return Target::NotFound,
            s => path.push(s),
        }
    }
    let Ok(real) = path.canonicalize() else {
        return Target::NotFound;
    };
    if !real.starts_with(root) {
        return Target::NotFound;
    }
    if real.is_dir() {
        if !decoded.ends_with('/') {
            return Target::Redirect(format!("{url_path}/"));
        }
        let index = real.join("index.html");
        return if index.is_file() {
            Target::File(index)
        } else {
            Target::NotFound
        };
    }
    if real.is_file() {
        Target::File(real)
    } else {
        Target::NotFound
    }
}

fn with_live_reload(mut html: Vec<u8>) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, LIVE_RELOAD.bytes());
    html
}

fn send_file(request: Request, path: &Path, status: u16) {
    let Ok(mut bytes) = std::fs::read(path) else {
        let _ = request.respond(Response::from_string("not found").with_status_code(404));
        return;
    };
    let kind = content_type(path);
    if kind.starts_with("text/html") {
        bytes = with_live_reload(bytes);
    }
    let response = Response::from_data(bytes).with_status_code(StatusCode(status));
    let response = with_header(response, "Content-Type", kind);
    let response = with_header(response, "Cache-Control", "no-store");
    let _ = request.respond(response);
}

fn send_events(request: Request, hub: Arc<Hub>) {
    // Subscribed before the browser hears back: a rebuild that ends between
    // its request and this line is then still sent, not taken as seen.
    let (mut seen, state) = hub.current();
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if writer
        .write_all(head.as_bytes())
        .and_then(|_| writer.flush())
        .is_err()
    {
        return;
    }
    // A page opened while the site is broken shows the problem at once.
    if let LiveState::Failed(text) = state {
        let data = serde_json::to_string(&text).unwrap_or_default();
        let _ = write!(writer, "event: problem\ndata: {data}\n\n");
        let _ = writer.flush();
    }
    loop {
        let message = match hub.wait_after(seen, Duration::from_secs(15)) {
            Some((generation, state)) => {
                seen = generation;
                match state {
                    LiveState::Ready { pages, complete } => format!(
                        "event: reload\ndata: {}\n\n",
                        serde_json::json!({"pages": pages, "complete": complete})
                    ),
                    LiveState::Failed(text) => format!(
                        "event: problem\ndata: {}\n\n",
                        serde_json::to_string(&text).unwrap_or_default()
                    ),
                }
            }
            // Keeps the connection alive and finds browsers that left.
            None => ": ping\n\n".to_string(),
        };
        if writer
            .write_all(message.as_bytes())
            .and_then(|_| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

fn handle(request: Request, root: &Path, hub: &Arc<Hub>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("method not allowed").with_status_code(405);
        let _ = request.respond(with_header(response, "Allow", "GET, HEAD"));
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    if path == EVENTS_PATH {
        let hub = Arc::clone(hub);
        std::thread::spawn(move || send_events(request, hub));
        return;
    }
    match resolve(root, &path) {
        Target::File(file) => send_file(request, &file, 200),
        Target::Redirect(location) => {
            let query = url.find('?').map(|i| &url[i..]).unwrap_or("");
            let response = with_header(
                Response::empty(301),
                "Location",
                &format!("{location}{query}"),
            );
            let _ = request.respond(response);
        }
        Target::NotFound => {
            let page = root.join("404.html");
            if page.is_file() {
                send_file(request, &page, 404);
            } else {
                let _ = request.respond(Response::from_string("not found").with_status_code(404));
            }
        }
    }
}

/// Serves `root` (a canonical path) until the process ends, a thread per
/// connection.
pub fn run(server: Server, root: PathBuf, hub: Arc<Hub>) {
    let server = Arc::new(server);
    let workers = 4;
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (server, root, hub) = (Arc::clone(&server), root.clone(), Arc::clone(&hub));
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    handle(request, &root, &hub);
                }
            })
        })
        .collect();
    for h in handles {
        let _ = h.join();
    }
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
        let wait = |seen| hub.wait_after(seen, Duration::from_millis(1));
        assert_eq!(wait(0), None);
        // An update's two results, before the browser was woken.
        hub.publish(ready(Some(&["/incidents/x/", "/"]), false));
        hub.publish(ready(Some(&["/search/", "/"]), true));
        assert_eq!(
            wait(0),
            Some((2, ready(Some(&["/incidents/x/", "/", "/search/"]), true)))
        );
        assert_eq!(wait(1), Some((2, ready(Some(&["/search/", "/"]), true))));
        assert_eq!(wait(2), None);
        hub.publish(LiveState::Failed("broken".into()));
        assert_eq!(wait(2), Some((3, LiveState::Failed("broken".into()))));
        hub.publish(ready(None, true));
        assert_eq!(wait(2), Some((4, ready(None, true))));
        // More results than are kept: every page, for a browser that was
        // not sent some of those dropped.
        for _ in 0..KEPT {
            hub.publish(ready(Some(&["/a/"]), true));
        }
        let latest = 4 + KEPT as u64;
        assert_eq!(wait(3), Some((latest, ready(None, true))));
        assert_eq!(wait(4), Some((latest, ready(Some(&["/a/"]), true))));
        assert_eq!(hub.current(), (latest, ready(Some(&["/a/"]), true)));
    }

    #[test]
    fn paths_cannot_leave_the_site() {
        let dir = tempfile_dir();
        let root = dir.canonicalize().unwrap();
        std::fs::create_dir_all(root.join("tags")).unwrap();
        std::fs::write(root.join("tags/index.html"), "x").unwrap();
        std::fs::write(root.join("style.css"), "x").unwrap();
        assert_eq!(
            resolve(&root, "/style.css"),
            Target::File(root.join("style.css"))
        );
        assert_eq!(
            resolve(&root, "/tags/"),
            Target::File(root.join("tags/index.html"))
        );
        assert_eq!(resolve(&root, "/tags"), Target::Redirect("/tags/".into()));
        for evil in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fetc%2fpasswd",
            "/tags/..%5c..%5cetc",
            "/%00",
            "/%zz",
        ] {
            assert_eq!(resolve(&root, evil), Target::NotFound, "{evil}");
        }
        std::os::unix::fs::symlink("/etc", root.join("etc")).unwrap();
        assert_eq!(resolve(&root, "/etc/passwd"), Target::NotFound);
        std::fs::remove_dir_all(&root).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("blameless-http-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn live_reload_goes_before_the_end_of_body() {
        let html = with_live_reload(b"<html><body><p>x</p></body></html>".to_vec());
        let text = String::from_utf8(html).unwrap();
        assert!(text.contains("<p>x</p><script>"), "{text}");
        assert!(text.ends_with("</script></body></html>"), "{text}");
    }
}
