//! The preview server: static files from the built site with the right
//! Content-Type, `index.html` for folders (and a redirect from `/x` to `/x/`
//! on the same host), the site's `404.html`, no way out of the site folder,
//! and a live-reload script injected into every HTML page (never into
//! `build` output), fed by server-sent events from `/__blameless/events`.
//!
//! Built on hyper and tokio (two worker threads) so that what a client
//! holds is a task, not a thread: thousands of slow or idle connections
//! cost memory, not the ability to answer the next request. Limits: a
//! request's head must arrive within [`HEADER_TIMEOUT`] (also on an idle
//! kept-alive connection); at most [`MAX_STREAMS`] live-reload streams (503
//! past them, which a browser's EventSource retries) and a number of
//! connections set by the open-file limit (raised to its maximum at
//! start); past that, or when the process is out of file descriptors, new
//! connections are closed at once and served again as soon as others end.

use super::live::{self, EventStream, Hub};
use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

pub const EVENTS_PATH: &str = "/__blameless/events";

/// How long a client may take to send a request's head, and how long a
/// kept-alive connection may stay idle.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Live-reload streams open at once; one per open page.
pub const MAX_STREAMS: usize = 1024;

/// Connections open at once, at most; fewer when the open-file limit is
/// lower.
const MAX_CONNECTIONS: usize = 16_384;

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
            // One leading slash: `//x/` would name another host.
            return Target::Redirect(format!("/{}/", url_path.trim_start_matches(['/', '\\'])));
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

type Body = Either<Full<Bytes>, EventStream>;

fn response(status: StatusCode, kind: &'static str, bytes: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Either::Left(Full::new(bytes.into())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn file_response(path: &Path, status: StatusCode) -> Response<Body> {
    let Ok(mut bytes) = std::fs::read(path) else {
        return response(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "not found",
        );
    };
    let kind = content_type(path);
    if kind.starts_with("text/html") {
        bytes = with_live_reload(bytes);
    }
    response(status, kind, bytes)
}

/// What the server shares between connections.
struct Shared {
    root: PathBuf,
    hub: Arc<Hub>,
    streams: Arc<Semaphore>,
}

fn handle(request: &Request<Incoming>, shared: &Shared) -> Response<Body> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut r = response(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "method not allowed",
        );
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let path = request.uri().path();
    if path == EVENTS_PATH {
        let Ok(permit) = Arc::clone(&shared.streams).try_acquire_owned() else {
            let mut r = response(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/plain; charset=utf-8",
                "too many live-reload streams",
            );
            r.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("5"));
            return r;
        };
        let mut r = Response::new(Either::Right(live::events(Arc::clone(&shared.hub), permit)));
        let headers = r.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return r;
    }
    match resolve(&shared.root, path) {
        Target::File(file) => file_response(&file, StatusCode::OK),
        Target::Redirect(location) => {
            let query = request
                .uri()
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            let mut r = response(
                StatusCode::MOVED_PERMANENTLY,
                "text/plain; charset=utf-8",
                "",
            );
            // A value a header cannot carry is left out rather than trusted.
            if let Ok(value) = HeaderValue::from_str(&format!("{location}{query}")) {
                r.headers_mut().insert(LOCATION, value);
            }
            r
        }
        Target::NotFound => {
            let page = shared.root.join("404.html");
            if page.is_file() {
                file_response(&page, StatusCode::NOT_FOUND)
            } else {
                response(
                    StatusCode::NOT_FOUND,
                    "text/plain; charset=utf-8",
                    "not found",
                )
            }
        }
    }
}

/// Raises this process's open-file limit to its maximum, so that as many
/// connections as the system allows can be held, and returns it.
fn raise_open_file_limit() -> usize {
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource};
        let mut limit = getrlimit(Resource::Nofile);
        if limit.current != limit.maximum {
            limit.current = limit.maximum.map(|m| m.min(1 << 20));
            let _ = setrlimit(Resource::Nofile, limit);
        }
        getrlimit(Resource::Nofile)
            .current
            .map_or(MAX_CONNECTIONS, |n| {
                usize::try_from(n).unwrap_or(usize::MAX)
            })
    }
    #[cfg(not(unix))]
    {
        MAX_CONNECTIONS
    }
}

/// Serves `root` (a canonical path) on `listener` until the process ends.
pub fn run(listener: std::net::TcpListener, root: PathBuf, hub: Arc<Hub>) {
    // Room for the site's files, the watcher and the build.
    let files = raise_open_file_limit();
    let connections = files
        .saturating_sub((files / 4).min(256))
        .clamp(16, MAX_CONNECTIONS);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(2)
        .thread_name("blameless-http")
        .enable_io()
        .enable_time()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return;
        }
    };
    let shared = Arc::new(Shared {
        root,
        hub,
        streams: Arc::new(Semaphore::new(MAX_STREAMS)),
    });
    runtime.block_on(serve(listener, shared, connections));
}

async fn serve(listener: std::net::TcpListener, shared: Arc<Shared>, connections: usize) {
    let listener = match listener
        .set_nonblocking(true)
        .and_then(|_| tokio::net::TcpListener::from_std(listener))
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot serve: {e}");
            return;
        }
    };
    let open = Arc::new(Semaphore::new(connections));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors (or another passing failure): the
            // waiting connection stays queued until some close.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(|request: Request<Incoming>| {
                let response = handle(&request, &shared);
                async move { Ok::<_, Infallible>(response) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
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
        assert_eq!(resolve(&root, "//tags"), Target::Redirect("/tags/".into()));
        assert_eq!(resolve(&root, "///tags"), Target::Redirect("/tags/".into()));
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
