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

/// The `Content-Type` of a file of the site, by its extension (from
/// `mime_guess`), text as UTF-8.
pub fn content_type(path: &Path) -> String {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    // A browser offers `text/markdown` as a download; feeds stay what
    // feed readers have always been sent.
    let mime = match extension.to_ascii_lowercase().as_str() {
        "md" => mime_guess::mime::TEXT_PLAIN,
        "xml" => "application/xml".parse().expect("a MIME type"),
        _ => mime_guess::from_ext(extension).first_or_octet_stream(),
    };
    let text = mime.type_() == mime_guess::mime::TEXT
        || mime.subtype() == mime_guess::mime::XML
        || mime.subtype() == mime_guess::mime::JAVASCRIPT;
    if text && mime.get_param(mime_guess::mime::CHARSET).is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// What a request path names inside the site folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file, relative to the site folder.
    File(String),
    /// A folder asked for without its trailing slash.
    Redirect(String),
    NotFound,
}

/// Resolves a URL path under `root` as [`crate::confine`] resolves every
/// path a document names, and refuses `..` (also encoded), hidden names,
/// backslashes and NUL outright: nothing outside the site, no link
/// followed.
pub fn resolve(root: &Path, url_path: &str) -> Target {
    let Some(decoded) = crate::text::percent_decode(url_path) else {
        return Target::NotFound;
    };
    if decoded
        .split('/')
        .any(|s| s == ".." || (s.starts_with('.') && s != "."))
    {
        return Target::NotFound;
    }
    let Ok(rel) = crate::confine::join("", url_path.trim_start_matches('/')) else {
        return Target::NotFound;
    };
    let file = |rel: String| match crate::confine::inspect(root, &rel) {
        Ok(_) => Target::File(rel),
        Err(_) => Target::NotFound,
    };
    match crate::confine::inspect(root, &rel) {
        Ok(_) if !rel.is_empty() => Target::File(rel),
        Err(crate::confine::Refusal::NotFile("a folder")) | Ok(_) => {
            if !decoded.ends_with('/') && !rel.is_empty() {
                // One leading slash: `//x/` would name another host.
                return Target::Redirect(format!("/{}/", url_path.trim_start_matches(['/', '\\'])));
            }
            file(if rel.is_empty() {
                "index.html".to_string()
            } else {
                format!("{rel}/index.html")
            })
        }
        Err(_) => Target::NotFound,
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

fn response(status: StatusCode, kind: &str, bytes: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Either::Left(Full::new(bytes.into())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let kind =
        HeaderValue::from_str(kind).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(CONTENT_TYPE, kind);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn file_response(root: &Path, rel: &str, status: StatusCode) -> Response<Body> {
    let Ok(mut bytes) = crate::confine::read(root, rel) else {
        return response(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "not found",
        );
    };
    let kind = content_type(Path::new(rel));
    if kind.starts_with("text/html") {
        bytes = with_live_reload(bytes);
    }
    response(status, &kind, bytes)
}

/// Whether a request's `Host` names this preview: `localhost` (and names
/// under it), an IP address, or a name given with `--allowed-host`. Any
/// other name reached this machine through someone's DNS, which is how a
/// page on another site would read the preview (DNS rebinding). A request
/// with no `Host` is not a browser's.
pub fn host_allowed(host: Option<&str>, allowed: &[String]) -> bool {
    let Some(host) = host else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        // `[::1]:1111`
        Some(v6) => v6.split_once(']').map_or("", |(address, _)| address),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok()
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(&name))
}

/// What the server shares between connections.
struct Shared {
    root: PathBuf,
    /// Host names allowed besides `localhost` and addresses.
    hosts: Vec<String>,
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
    let host = request
        .headers()
        .get(hyper::header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{fffd}"));
    if !host_allowed(host, &shared.hosts) {
        let name = host.unwrap_or_default();
        return response(
            StatusCode::FORBIDDEN,
            "text/plain; charset=utf-8",
            format!(
                "blameless serve answers to localhost and IP addresses, not to the host name {name:?}.\nA page of another site can reach a preview through a name like this one (DNS rebinding), so it is refused.\nIf you meant to use this name, start the preview with --allowed-host {}\n",
                name.rsplit_once(':').map_or(name, |(n, _)| n)
            ),
        );
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
        Target::File(file) => file_response(&shared.root, &file, StatusCode::OK),
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
            if crate::confine::inspect(&shared.root, "404.html").is_ok() {
                file_response(&shared.root, "404.html", StatusCode::NOT_FOUND)
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

/// Serves `root` (a canonical path) on `listener` until the process ends,
/// to requests for `localhost`, an IP address or one of `hosts`.
pub fn run(listener: std::net::TcpListener, root: PathBuf, hosts: Vec<String>, hub: Arc<Hub>) {
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
        hosts,
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
    fn files_are_served_as_their_type_text_as_utf_8() {
        let kind = |name: &str| content_type(Path::new(name));
        assert_eq!(kind("index.html"), "text/html; charset=utf-8");
        assert_eq!(kind("rss.xml"), "application/xml; charset=utf-8");
        assert_eq!(kind("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(kind("incidents.json"), "application/json");
        assert_eq!(kind("action-items.csv"), "text/csv; charset=utf-8");
        // Shown in the browser, not offered as downloads.
        assert_eq!(kind("incidents/x/notes.md"), "text/plain; charset=utf-8");
        assert_eq!(kind("incidents/x/app.log"), "text/plain; charset=utf-8");
        assert_eq!(kind("incidents/x/lag.PNG"), "image/png");
        assert_eq!(kind("search/shard-1.bin"), "application/octet-stream");
    }

    #[test]
    fn paths_cannot_leave_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("tags")).unwrap();
        std::fs::write(root.join("tags/index.html"), "x").unwrap();
        std::fs::write(root.join("style.css"), "x").unwrap();
        assert_eq!(
            resolve(&root, "/style.css"),
            Target::File("style.css".into())
        );
        assert_eq!(
            resolve(&root, "/tags/"),
            Target::File("tags/index.html".into())
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
        // A link that stays inside is not followed either.
        std::os::unix::fs::symlink(root.join("tags"), root.join("inside")).unwrap();
        assert_eq!(resolve(&root, "/inside/index.html"), Target::NotFound);
    }

    #[test]
    fn only_local_names_addresses_and_allowed_hosts_are_answered() {
        let allowed = vec!["preview.internal".to_string()];
        for host in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.",
            "app.localhost:1111",
            "127.0.0.1:1111",
            "192.168.1.20:8080",
            "[::1]:1111",
            "preview.internal:1111",
            "Preview.Internal",
        ] {
            assert!(host_allowed(Some(host), &allowed), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "",
            "[::1",
        ] {
            assert!(!host_allowed(Some(host), &allowed), "{host}");
        }
        assert!(host_allowed(None, &[]));
    }

    #[test]
    fn live_reload_goes_before_the_end_of_body() {
        let html = with_live_reload(b"<html><body><p>x</p></body></html>".to_vec());
        let text = String::from_utf8(html).unwrap();
        assert!(text.contains("<p>x</p><script>"), "{text}");
        assert!(text.ends_with("</script></body></html>"), "{text}");
    }
}
