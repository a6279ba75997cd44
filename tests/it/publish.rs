//! Publishing the output safely: one writer at a time, what killed runs
//! leave removed, a reader never finding the site missing, `--force` and
//! `--replace-foreign`, permissions checked before anything is swapped, and
//! an output that is a mount point updated in place.

use crate::common;
use blameless::output::OutputLock;
use common::{built, run_in, snapshot, Site};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

fn blameless() -> &'static str {
    env!("CARGO_BIN_EXE_blameless")
}

#[test]
fn a_second_build_waits_for_the_first_or_stops_with_no_wait() {
    let site = built(&[]);
    let before = snapshot(&site.path().join("public"));
    // This test holds the output as a running build would.
    let held = OutputLock::acquire(&site.path().join("public"), "build", None).unwrap();
    let pid = std::process::id();

    let run = site.run(&["build", "--force", "--no-wait", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!("error: another build (pid {pid}) is writing to public/; not waiting (--no-wait)\nhint: run again when it has finished, or leave out --no-wait to wait for it\n")
    );
    assert!(snapshot(&site.path().join("public")) == before);

    let mut waiting = Command::new(blameless())
        .args(["build", "--force", "--color", "never"])
        .current_dir(site.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(waiting.stderr.take().unwrap()).lines();
    assert_eq!(
        lines.next().unwrap().unwrap(),
        format!("waiting for another build of public/ (pid {pid})")
    );
    drop(held);
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert_eq!(waiting.wait().unwrap().code(), Some(0), "{rest:?}");
    assert!(rest[0].starts_with("Built 3 write-ups"), "{rest:?}");
    assert!(!site.path().join(".public.blameless-lock").exists());
}

#[test]
fn builds_racing_into_one_output_publish_one_whole_site() {
    let site = built(&[]);
    let reference = |base: &str| {
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("site");
        let run = site.run(&["build", "--base-url", base, "-o", dir.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        (snapshot(&dir), out)
    };
    let bases = ["https://a.example.com/", "https://b.example.com/sub/"];
    let references: Vec<_> = bases.iter().map(|b| reference(b).0).collect();
    for round in 0..5 {
        let children: Vec<_> = bases
            .iter()
            .map(|base| {
                Command::new(blameless())
                    .args(["build", "-q", "--force", "--base-url", base])
                    .current_dir(site.path())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert_eq!(child.wait().unwrap().code(), Some(0), "round {round}");
        }
        let published = snapshot(&site.path().join("public"));
        assert!(
            references.contains(&published),
            "round {round}: the output is neither whole site"
        );
        assert_eq!(leftovers(site.path()), Vec::<String>::new());
    }
}

/// Staging folders, old sites and locks beside `public/` in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".public."))
        .collect();
    found.sort();
    found
}

#[test]
fn what_killed_builds_left_goes_with_the_next_build_even_when_nothing_changed() {
    let site = built(&[]);
    for stale in [
        ".public.blameless-stage-4000001/incidents/x",
        ".public.blameless-tmp/index.html",
        ".public.blameless-old/tags",
        "public/.blameless-stage-4000002/tags",
    ] {
        std::fs::create_dir_all(site.path().join(stale)).unwrap();
    }
    // A lock file left by a killed build is not held by anyone.
    site.write(".public.blameless-lock", b"4000003\nbuild\n");
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("Nothing changed since the last build; public is up to date"),
        "{}",
        run.stderr
    );
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
    assert!(!site.path().join("public/.blameless-stage-4000002").exists());
}

#[test]
fn readers_never_find_the_site_missing_while_builds_publish() {
    let site = built(&[]);
    let page = site.path().join("public/index.html");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (page, stop) = (page.clone(), stop.clone());
        std::thread::spawn(move || {
            let (mut reads, mut missing) = (0u64, 0u64);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                match std::fs::read(&page) {
                    Ok(bytes) => assert!(bytes.ends_with(b"</html>\n"), "a cut-off page"),
                    Err(_) => missing += 1,
                }
                reads += 1;
            }
            (reads, missing)
        })
    };
    for _ in 0..10 {
        let run = site.run(&["build", "-q", "--force"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (reads, missing) = reader.join().unwrap();
    assert!(reads > 100, "only {reads} reads");
    assert_eq!(
        missing, 0,
        "the page was missing in {missing} of {reads} reads"
    );
}

#[test]
fn force_rebuilds_and_only_replace_foreign_replaces_a_folder_blameless_did_not_make() {
    let site = built(&[]);
    let run = site.run(&["build", "--force", "--color", "never"]);
    assert!(
        run.stderr.starts_with("Built 3 write-ups"),
        "{}",
        run.stderr
    );

    site.write("mine/notes.txt", b"precious");
    let run = site.run(&["build", "-o", "mine", "--force", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: refusing to write the site to mine: it is not empty and has no .blameless-output marker, so blameless did not make it (it may hold someone's files); empty it, choose another folder with -o, or pass --replace-foreign to delete its files and write the site there\n"
    );
    assert_eq!(site.read("mine/notes.txt"), "precious");
    let run = site.run(&[
        "build",
        "-o",
        "mine",
        "--replace-foreign",
        "--color",
        "never",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.path().join("mine/notes.txt").exists());
    assert!(site.path().join("mine/index.html").is_file());
}

/// Runs blameless in `dir` as a user other than root: as the current user,
/// or, for root (whom no permission stops), as `nobody` through setpriv,
/// with `dir` given to `nobody` first.
fn run_unprivileged(dir: &Path, args: &[&str]) -> common::Run {
    if !is_root() {
        return run_in(dir, args);
    }
    let status = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(dir)
        .status()
        .expect("chown");
    assert!(status.success());
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            blameless(),
        ])
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .expect("setpriv (util-linux) runs blameless as nobody");
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n")
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn an_output_that_cannot_be_written_fails_before_publishing_and_works_once_fixed() {
    let site = Site::fixture("site");
    // The folder tempfile makes is private to its owner.
    chmod(site.path(), 0o755);
    let run = run_unprivileged(site.path(), &["build", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let public = site.path().join("public");
    let before = snapshot(&public);
    for (folder, shown) in [("public", "public/"), ("public/tags", "public/tags/")] {
        chmod(&site.path().join(folder), 0o555);
        let run = run_unprivileged(site.path(), &["build", "--force", "--color", "never"]);
        assert_eq!(run.code, 3);
        assert_eq!(
            run.stderr,
            format!("error: cannot publish to public/: {shown} is not writable (permission denied); the old site was left as it was\nhint: make it writable (chmod -R u+w public) or remove it, then build again\n")
        );
        assert!(snapshot(&public) == before, "{folder}: the site changed");
        assert_eq!(leftovers(site.path()), Vec::<String>::new());
        chmod(&site.path().join(folder), 0o755);
    }
    let run = run_unprivileged(site.path(), &["build", "--force", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}

#[test]
fn an_output_that_is_a_mount_point_is_published_in_place() {
    let site = Site::fixture("site");
    let copy = tempfile::tempdir().unwrap();
    let reference = tempfile::tempdir().unwrap();
    let reference_dir = reference.path().join("site");
    let run = site.run(&[
        "build",
        "--base-url",
        "https://b.example.com/",
        "-o",
        reference_dir.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::create_dir(site.path().join("public")).unwrap();
    // In a mount namespace of its own (as an unprivileged user may make
    // one), public/ becomes a tmpfs mount: it cannot be renamed, and a
    // folder beside it is on another file system. Built fresh, again, and
    // with another base URL (every page changes); then copied out.
    let script = format!(
        "set -e\nmount -t tmpfs tmpfs public\n{bin} build -q\n{bin} build -q --force\n{bin} build -q --base-url https://b.example.com/\ncp -a public/. {copy}/\n",
        bin = blameless(),
        copy = copy.path().display()
    );
    let out = Command::new("unshare")
        .args(["--map-root-user", "--mount", "sh", "-c", &script])
        .current_dir(site.path())
        .output()
        .expect("unshare (util-linux)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        snapshot(copy.path()) == snapshot(&reference_dir),
        "the mount point does not hold exactly the new site"
    );
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}
