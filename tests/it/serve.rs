//! `blameless serve`: a real server on a free port, real HTTP requests,
//! edits to the site and the reload events they cause.

use crate::common;
use common::{writeup, Site};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &Site, args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_blameless"))
        .args(["serve", "--port", "0"])
        .args(args)
        .current_dir(site.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let addr = line[at + 7..].split('/').next().unwrap_or("").to_string();
                let _ = tx.send(addr);
            }
            sink.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve printed its address");
    Server { child, addr, log }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

fn request(addr: &str, method: &str, path: &str) -> Reply {
    request_for(addr, addr, method, path)
}

/// A request sent to `addr` with `host` in its `Host` header.
fn request_for(addr: &str, host: &str, method: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

fn get(addr: &str, path: &str) -> Reply {
    request(addr, "GET", path)
}

/// A connection to the live-reload event stream.
struct Events(TcpStream, String);

impl Events {
    fn open(addr: &str) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET /__blameless/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut head = String::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut buf = [0u8; 1];
        while !head.ends_with("\r\n\r\n") {
            assert!(Instant::now() < deadline, "no event stream: {head:?}");
            if let Ok(1) = stream.read(&mut buf) {
                head.push(buf[0] as char);
            }
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: text/event-stream"),
            "{head}"
        );
        Events(stream, String::new())
    }

    /// Reads until an event starting with `needle` has fully arrived (30 s
    /// at most); returns that event and drops it and those before it.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut buf = [0u8; 4096];
        loop {
            if let Some(start) = self.1.find(needle) {
                if let Some(len) = self.1[start..].find("\n\n") {
                    let event = self.1[start..start + len].to_string();
                    self.1 = self.1[start + len + 2..].to_string();
                    return event;
                }
            }
            assert!(Instant::now() < deadline, "no {needle:?} in {:?}", self.1);
            if let Ok(n) = self.0.read(&mut buf) {
                self.1.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
    }
}

impl Events {
    /// Reads reload events until one says the whole site is up to date;
    /// returns their data.
    fn wait_complete(&mut self) -> Vec<String> {
        let mut data = Vec::new();
        loop {
            let event = self.wait_for("event: reload");
            let payload = event
                .trim_start_matches("event: reload\ndata: ")
                .to_string();
            let complete = payload.contains("\"complete\":true");
            data.push(payload);
            if complete {
                return data;
            }
        }
    }
}

/// A burst of file events may give two rebuilds, so the reload awaited may
/// be the earlier one: the outcome is checked until it holds (10 s at most).
fn eventually(check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "the served site never got there");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serving_is_correct_and_safe() {
    let site = Site::fixture("site");
    let out = tempfile::tempdir().unwrap();
    let server = serve(&site, &["--output", out.path().to_str().unwrap()]);
    let addr = &server.addr;
    let home = get(addr, "/");
    assert_eq!(home.status, 200);
    assert!(home
        .headers
        .contains("content-type: text/html; charset=utf-8"));
    assert!(
        home.body
            .contains("new EventSource(\"/__blameless/events\")"),
        "live reload injected"
    );
    assert!(
        !std::fs::read_to_string(out.path().join("index.html"))
            .unwrap()
            .contains("EventSource"),
        "not in the files"
    );
    let redirect = get(addr, "/tags?x=1");
    assert_eq!(redirect.status, 301);
    assert!(
        redirect.headers.contains("location: /tags/?x=1"),
        "{}",
        redirect.headers
    );
    let missing = get(addr, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"));
    let css = request(addr, "HEAD", "/style.css");
    assert_eq!(css.status, 200);
    assert!(css
        .headers
        .contains("content-type: text/css; charset=utf-8"));
    assert!(css.body.is_empty());
    assert!(get(addr, "/rss.xml")
        .headers
        .contains("content-type: application/xml"));
    std::os::unix::fs::symlink("/etc", out.path().join("etc")).unwrap();
    for evil in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/etc/passwd",
        "/.blameless-output",
    ] {
        let reply = get(addr, evil);
        assert_eq!(reply.status, 404, "{evil}");
        assert!(!reply.body.contains("root:"), "{evil}");
    }
    assert_eq!(request(addr, "POST", "/").status, 405);
    assert!(
        !site.path().join("public").exists(),
        "public/ is not touched"
    );
}

#[test]
fn edits_rebuild_reload_and_match_a_full_build() {
    let site = Site::fixture("site");
    let out = tempfile::tempdir().unwrap();
    let server = serve(&site, &["--output", out.path().to_str().unwrap()]);
    let addr = server.addr.clone();
    let mut events = Events::open(&addr);
    let second = Events::open(&addr);

    let path = "content/2019/2019-02-28-s3-outage.md";
    let text = site.read(path).replace(
        "Object storage region down",
        "Object storage region went down",
    );
    site.write(path, text.as_bytes());
    // An update: the pages that show the write-up first, then the rest
    // (search index, stats); a page shown elsewhere is not reloaded.
    let reloads = events.wait_complete();
    let first = &reloads[0];
    assert!(first.contains("\"/incidents/s3-outage/\""), "{reloads:?}");
    assert!(first.contains("\"complete\":false"), "{reloads:?}");
    assert!(!first.contains("\"/tags/\""), "{reloads:?}");
    assert!(
        reloads.last().unwrap().contains("\"/search/\""),
        "{reloads:?}"
    );
    eventually(|| {
        get(&addr, "/incidents/s3-outage/")
            .body
            .contains("Object storage region went down")
    });

    site.write(
        "content/2022-02-02-new.md",
        writeup("Brand new", "", "Fresh.\n").as_bytes(),
    );
    // A new write-up changes the sidebar's counter: all pages reload.
    let reloads = events.wait_complete();
    assert!(
        reloads.iter().any(|e| e.contains("\"pages\":null")),
        "{reloads:?}"
    );
    eventually(|| get(&addr, "/incidents/new/").status == 200);

    std::fs::remove_file(site.path().join("content/2022-02-02-new.md")).unwrap();
    events.wait_complete();
    eventually(|| get(&addr, "/incidents/new/").status == 404);

    site.write("content/broken.md", b"---\ntitle: [\n---\n");
    let problem = events.wait_for("event: problem");
    assert!(
        problem.starts_with("event: problem\ndata: \"content/broken.md:3:1: error: invalid YAML"),
        "{problem}"
    );
    // The terminal shows it too (its reader thread may lag a moment behind).
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server
        .log
        .lock()
        .unwrap()
        .contains("content/broken.md:3:1: error")
    {
        assert!(
            Instant::now() < deadline,
            "not in the terminal: {}",
            server.log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        get(&addr, "/").status,
        200,
        "the last good site is still served"
    );
    // A page opened now shows the problem at once.
    let mut late = Events::open(&addr);
    late.wait_for("event: problem");
    std::fs::remove_file(site.path().join("content/broken.md")).unwrap();
    // Every page reloads, to clear the overlay.
    assert!(events.wait_complete()[0].contains("\"pages\":null"));
    late.wait_complete();
    drop(second);

    // The served site equals a fresh build of the same sources.
    let fresh = tempfile::tempdir().unwrap();
    let target = fresh.path().join("site");
    let url = format!("http://{addr}/");
    let run = site.run(&[
        "build",
        "-q",
        "-o",
        target.to_str().unwrap(),
        "--base-url",
        &url,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (served, built) = (common::snapshot(out.path()), common::snapshot(&target));
    assert_eq!(served.len(), built.len());
    for ((a, x), (b, y)) in served.iter().zip(&built) {
        assert_eq!(a, b);
        assert!(x == y, "{a} differs from a fresh build");
    }
}

#[test]
fn a_taken_port_moves_to_the_next_one() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = Site::fixture("site");
    let mut child = Command::new(env!("CARGO_BIN_EXE_blameless"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(site.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = String::new();
    while !seen.contains("Serving") {
        seen.push_str(&(lines.next().unwrap().unwrap() + "\n"));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.contains(&format!("Port {port} is in use; using ")),
        "{seen}"
    );
    assert!(!seen.contains(&format!("127.0.0.1:{port}/")), "{seen}");
}

#[test]
fn redirects_stay_on_the_host() {
    let site = Site::fixture("site");
    let server = serve(&site, &[]);
    for (path, location) in [("//tags", "/tags/"), ("///tags?q=1", "/tags/?q=1")] {
        let reply = get(&server.addr, path);
        assert_eq!(reply.status, 301, "{path}");
        assert!(
            reply.headers.contains(&format!("location: {location}\r\n")),
            "{path}: {}",
            reply.headers
        );
    }
    assert_eq!(get(&server.addr, "/\\tags").status, 404);
}

#[test]
fn serve_holds_its_output_and_refuses_a_folder_blameless_did_not_make() {
    let site = Site::fixture("site");
    let server = serve(&site, &["-o", "public"]);
    let pid = server.child.id();
    let run = site.run(&["build", "--no-wait", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!("error: blameless serve (pid {pid}) is writing to public/; not waiting (--no-wait)\nhint: run again when it has finished, or leave out --no-wait to wait for it\n")
    );
    // Without --no-wait, a build waits for serve to stop, and says so.
    let mut waiting = Command::new(env!("CARGO_BIN_EXE_blameless"))
        .args(["build", "--color", "never"])
        .current_dir(site.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(waiting.stderr.take().unwrap()).lines();
    assert_eq!(
        lines.next().unwrap().unwrap(),
        format!("waiting for blameless serve (pid {pid}), which writes to public/, to stop")
    );
    drop(server);
    assert_eq!(waiting.wait().unwrap().code(), Some(0));

    site.write("mine/notes.txt", b"precious");
    let out = Command::new(env!("CARGO_BIN_EXE_blameless"))
        .args(["serve", "--port", "0", "-o", "mine"])
        .current_dir(site.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: refusing to write the site to mine: it is not empty and has no .blameless-output marker, so blameless did not make it (it may hold someone's files); empty it, choose another folder with -o, or pass --replace-foreign to delete its files and write the site there\n"
    );
    assert_eq!(site.read("mine/notes.txt"), "precious");
}

/// Raises this test process's open-file limit, for the connections below.
fn allow_many_connections() {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut limit = getrlimit(Resource::Nofile);
    limit.current = limit.maximum;
    setrlimit(Resource::Nofile, limit).unwrap();
}

/// Opens a live-reload stream; returns it with its status code.
fn open_stream(addr: &str) -> (TcpStream, u16) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /__blameless/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    let status = String::from_utf8_lossy(&head[9..12]).parse().unwrap();
    (stream, status)
}

#[test]
#[ignore = "stress test; run by .ci/run with --include-ignored"]
fn slow_clients_and_many_streams_never_stop_the_server() {
    allow_many_connections();
    let site = Site::fixture("site");
    let server = serve(&site, &[]);
    let addr = server.addr.clone();
    // A client that sends part of its request head and no more, and one
    // that sends nothing: both are cut off once the head is late.
    let closed_after = |mut client: TcpStream, start: &'static [u8]| {
        std::thread::spawn(move || {
            let opened = Instant::now();
            client.write_all(start).unwrap();
            client
                .set_read_timeout(Some(Duration::from_secs(30)))
                .unwrap();
            let mut rest = Vec::new();
            let _ = client.read_to_end(&mut rest);
            (opened.elapsed(), rest)
        })
    };
    let slow = closed_after(TcpStream::connect(&addr).unwrap(), b"GET / HT");
    let idle = closed_after(TcpStream::connect(&addr).unwrap(), b"");
    let _more_idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(&addr).unwrap())
        .collect();
    // As many live-reload streams as it takes; the one past the limit is
    // told to come back later.
    let mut streams = Vec::new();
    let refused = loop {
        let (stream, status) = open_stream(&addr);
        if status != 200 {
            break (stream, status);
        }
        streams.push(stream);
        assert!(streams.len() <= 1024, "no limit on live-reload streams");
    };
    assert_eq!(streams.len(), 1024);
    assert_eq!(refused.1, 503);
    let mut rest = String::new();
    let mut refused_stream = refused.0;
    let _ = refused_stream.read_to_string(&mut rest);
    assert!(
        rest.to_ascii_lowercase().contains("retry-after: 5"),
        "{rest}"
    );
    assert!(rest.ends_with("too many live-reload streams"), "{rest}");
    assert_eq!(get(&addr, "/").status, 200, "a page while all that is open");
    // A stream that closes frees its place (found when the next ping is
    // written, every 5 s).
    drop(streams.pop());
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (stream, status) = open_stream(&addr);
        if status == 200 {
            streams.push(stream);
            break;
        }
        assert!(Instant::now() < deadline, "the freed place never came back");
        std::thread::sleep(Duration::from_millis(50));
    }
    for (client, what) in [(slow, "the slow client"), (idle, "the idle client")] {
        let (waited, rest) = client.join().unwrap();
        assert!(rest.is_empty(), "{what} got {rest:?}");
        assert!(
            waited >= Duration::from_secs(9) && waited < Duration::from_secs(12),
            "{what} was closed after {waited:?}"
        );
    }
    drop(streams);
    assert_eq!(
        get(&addr, "/").status,
        200,
        "still serving after they closed"
    );
}

#[test]
fn previews_of_killed_serves_are_removed() {
    let site = Site::fixture("site");
    let tmp = tempfile::tempdir().unwrap();
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let stale = tmp.path().join(format!("blameless-serve-{dead}/site"));
    std::fs::create_dir_all(&stale).unwrap();
    let alive = tmp
        .path()
        .join(format!("blameless-serve-{}/site", std::process::id()));
    std::fs::create_dir_all(&alive).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_blameless"))
        .args(["serve", "--port", "0"])
        .current_dir(site.path())
        .env("TMPDIR", tmp.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut before = Vec::new();
    let serving = lines.any(|l| {
        let l = l.unwrap();
        before.push(l.clone());
        l.starts_with("Serving")
    });
    assert!(
        serving,
        "serve stopped before serving:\n{}",
        before.join("\n")
    );
    let own = tmp
        .path()
        .join(format!("blameless-serve-{}/site", child.id()));
    let _ = child.kill();
    let _ = child.wait();
    assert!(!stale.exists(), "a dead serve's preview is left");
    assert!(alive.exists(), "a live process's folder was removed");
    assert!(own.join("index.html").is_file());
}

#[test]
fn a_changed_file_beside_a_write_up_is_republished_and_its_page_reloaded() {
    let site = Site::fixture("fit");
    let out = tempfile::tempdir().unwrap();
    let server = serve(&site, &["--output", out.path().to_str().unwrap()]);
    let addr = server.addr.clone();
    let log = get(&addr, "/incidents/node-deletion/logs/kubectl.log");
    assert_eq!(log.status, 200);
    assert!(log.body.contains("node/w-1 cordoned"), "{}", log.body);
    let mut events = Events::open(&addr);
    site.write(
        "content/2019-12-04-node-deletion/logs/kubectl.log",
        b"00:30:02 node/w-9 cordoned\n",
    );
    let reloads = events.wait_complete();
    assert!(
        reloads[0].contains("\"/incidents/node-deletion/\""),
        "{reloads:?}"
    );
    eventually(|| {
        get(&addr, "/incidents/node-deletion/logs/kubectl.log")
            .body
            .contains("node/w-9 cordoned")
    });
    assert_eq!(
        std::fs::read_to_string(out.path().join("incidents/node-deletion/logs/kubectl.log"))
            .unwrap(),
        "00:30:02 node/w-9 cordoned\n"
    );
}

#[test]
fn only_requests_for_local_names_and_allowed_hosts_are_answered() {
    let site = Site::fixture("site");
    let server = serve(&site, &["--drafts", "--allowed-host", "preview.internal"]);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    for host in [
        server.addr.clone(),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        format!("preview.internal:{port}"),
    ] {
        let reply = request_for(&server.addr, &host, "GET", "/");
        assert_eq!(reply.status, 200, "{host}: {}", reply.body);
    }
    // What a page of another site sends once its name points here (DNS
    // rebinding): refused, for pages and for the live-reload stream.
    for path in ["/", "/__blameless/events"] {
        let reply = request_for(&server.addr, &format!("rebind.example:{port}"), "GET", path);
        assert_eq!(reply.status, 403);
        assert!(
            reply.headers.contains("content-type: text/plain"),
            "{}",
            reply.headers
        );
        assert_eq!(
            reply.body,
            format!("blameless serve answers to localhost and IP addresses, not to the host name \"rebind.example:{port}\".\nA page of another site can reach a preview through a name like this one (DNS rebinding), so it is refused.\nIf you meant to use this name, start the preview with --allowed-host rebind.example\n")
        );
    }
}
