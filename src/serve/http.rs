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

/// Broadcasts rebuild results to every connected browser.
pub struct Hub {
    state: Mutex<(u64, LiveState)>,
    changed: Condvar,
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub {
            state: Mutex::new((
                0,
                LiveState::Ready {
                    pages: None,
                    complete: true,
                },
            )),
            changed: Condvar::new(),
        })
    }

    pub fn publish(&self, state: LiveState) {
        if let Ok(mut guard) = self.state.lock() {
            guard.0 += 1;
            guard.1 = state;
        }
        self.changed.notify_all();
    }

    fn current(&self) -> (u64, LiveState) {
        self.state.lock().map(|g| g.clone()).unwrap_or((
            0,
            LiveState::Ready {
                pages: None,
                complete: true,
            },
        ))
    }

    /// Waits for a state newer than `seen`, or a timeout.
    fn wait_after(&self, seen: u64, timeout: Duration) -> Option<(u64, LiveState)> {
        let guard = self.state.lock().ok()?;
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.0 == seen)
            .ok()?;
        (guard.0 != seen).then(|| guard.clone())
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
