//! `sotay serve` as staff run it: a real process, files edited on disk the ways
//! editors save them, pages fetched over HTTP with raw requests.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::example;

const TACH_HO: &str = "content/procedures/1-010038-tach-ho.md";
const TACH_HO_PAGE: &str = "thu-tuc/1-010038-tach-ho/";

struct Server {
    child: Child,
    port: u16,
    base: String,
    stderr: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path, args: &[&str]) -> Server {
        let stderr = root.join("serve.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_sotay"))
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // "Bản xem trước của /tmp/x ở http://127.0.0.1:PORT/base/ (Ctrl+C để dừng)"
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        let rest = url.trim_start_matches("http://");
        let (host_port, base) = rest.split_at(rest.find('/').unwrap());
        let port = host_port.rsplit(':').next().unwrap().parse().unwrap();
        Server {
            child,
            port,
            base: base.to_string(),
            stderr,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Sends `request` as bytes and returns the whole answer.
    fn raw(&self, request: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    }

    /// GET `path` under the base path: (status, body).
    fn get(&self, path: &str) -> (u16, String) {
        let request = format!(
            "GET {}{path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.base, self.port
        );
        parse(&self.raw(request.as_bytes()))
    }

    /// Fetches `path` until `ready` holds for (status, body), or fails after 10 s.
    fn wait_for(&self, path: &str, what: &str, ready: impl Fn(u16, &str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let (status, body) = self.get(path);
            if ready(status, &body) {
                return body;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!(
                    "{what}: {path} never became ready; last status {status}\nserver log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn parse(answer: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

fn replace(root: &Path, relative: &str, from: &str, to: &str) {
    let path = root.join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{relative} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Saves as many editors do: write a temporary file beside it, rename it over.
fn atomic_save(path: &Path, text: &str) {
    let temporary = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

fn shows(fee: &'static str) -> impl Fn(u16, &str) -> bool {
    move |status, body| status == 200 && body.contains(fee)
}

#[test]
fn saved_edits_are_served_however_the_editor_saves() {
    let dir = example();
    let root = dir.path();
    let server = Server::start(root, &[]);
    let page = server.wait_for(TACH_HO_PAGE, "first build", shows("10.000 đồng"));
    assert!(
        page.contains("new EventSource("),
        "live reload script missing"
    );
    assert!(
        !root.join("public").exists(),
        "serve must not write public/"
    );

    // A plain save.
    replace(root, TACH_HO, "amount: 10000", "amount: 12000");
    server.wait_for(TACH_HO_PAGE, "plain save", shows("12.000 đồng"));

    // An atomic save (temporary file renamed over the record).
    let path = root.join(TACH_HO);
    let text = std::fs::read_to_string(&path).unwrap();
    atomic_save(&path, &text.replace("amount: 12000", "amount: 13000"));
    server.wait_for(TACH_HO_PAGE, "atomic save", shows("13.000 đồng"));

    // Deleted, then created again.
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    server.wait_for(TACH_HO_PAGE, "delete", |status, _| status == 404);
    std::fs::write(&path, text.replace("amount: 13000", "amount: 14000")).unwrap();
    server.wait_for(TACH_HO_PAGE, "recreate", shows("14.000 đồng"));

    // Renamed: the page moves with the file name.
    let renamed = root.join("content/procedures/tach-ho-gia-dinh.md");
    std::fs::rename(&path, &renamed).unwrap();
    server.wait_for("thu-tuc/tach-ho-gia-dinh/", "rename", shows("14.000 đồng"));
    server.wait_for(TACH_HO_PAGE, "rename leaves", |status, _| status == 404);

    // Moved into a folder, and the folder renamed.
    std::fs::create_dir(root.join("content/procedures/cu-tru")).unwrap();
    std::fs::rename(
        &renamed,
        root.join("content/procedures/cu-tru/tach-ho-gia-dinh.md"),
    )
    .unwrap();
    std::fs::rename(
        root.join("content/procedures/cu-tru"),
        root.join("content/procedures/ho-khau"),
    )
    .unwrap();
    let moved = root.join("content/procedures/ho-khau/tach-ho-gia-dinh.md");
    let text = std::fs::read_to_string(&moved).unwrap();
    std::fs::write(&moved, text.replace("amount: 14000", "amount: 15000")).unwrap();
    server.wait_for(
        "thu-tuc/tach-ho-gia-dinh/",
        "folder rename",
        shows("15.000 đồng"),
    );

    // A burst of 100 saves, half of them atomic: the last one wins.
    let text = std::fs::read_to_string(&moved).unwrap();
    for i in 0..100 {
        let next = text.replace("amount: 15000", &format!("amount: {}", 20_000 + i * 1000));
        if i % 2 == 0 {
            std::fs::write(&moved, next).unwrap();
        } else {
            atomic_save(&moved, &next);
        }
    }
    server.wait_for("thu-tuc/tach-ho-gia-dinh/", "burst", shows("119.000 đồng"));
    std::thread::sleep(Duration::from_millis(300));
    let (_, body) = server.get("thu-tuc/tach-ho-gia-dinh/");
    assert!(
        body.contains("119.000 đồng"),
        "a later build undid the last save"
    );
}

#[test]
fn a_broken_record_shows_the_errors_over_the_last_good_page_until_fixed() {
    let dir = example();
    let root = dir.path();
    let server = Server::start(root, &["--base-path", "/so-tay/thu-tuc/"]);
    assert_eq!(server.base, "/so-tay/thu-tuc/");
    server.wait_for(TACH_HO_PAGE, "first build", shows("10.000 đồng"));

    replace(root, TACH_HO, "title: \"Tách hộ\"", "title: [\"Tách hộ\"");
    let page = server.wait_for(TACH_HO_PAGE, "overlay", |_, body| {
        body.contains("id=\"sotay-errors\"")
    });
    // The same text `sotay check` prints, and the last good page under it.
    let check = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(root)
        .arg("check")
        .output()
        .unwrap();
    let check = String::from_utf8_lossy(&check.stderr);
    let first_line = check.lines().next().unwrap();
    assert!(first_line.starts_with("lỗi: YAML không hợp lệ"), "{check}");
    let escaped = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    for line in check.lines().take(5) {
        assert!(
            page.contains(&escaped(line)),
            "overlay lacks {line:?}:\n{page}"
        );
    }
    // At the `[` left open.
    assert!(page.contains("content/procedures/1-010038-tach-ho.md:3:8"));
    assert!(
        page.contains("10.000 đồng"),
        "the last good page is still served"
    );
    let (status, home) = server.get("");
    assert_eq!(status, 200);
    assert!(
        home.contains("id=\"sotay-errors\""),
        "every page shows the errors"
    );

    replace(root, TACH_HO, "title: [\"Tách hộ\"", "title: \"Tách hộ\"");
    replace(root, TACH_HO, "amount: 10000", "amount: 11000");
    let page = server.wait_for(TACH_HO_PAGE, "recovery", shows("11.000 đồng"));
    assert!(!page.contains("sotay-errors"));
    let (_, home) = server.get("");
    assert!(!home.contains("sotay-errors"));

    // A broken template is reported the same way.
    replace(
        root,
        "themes/default/templates/procedure.html",
        "{% block main %}",
        "{% block main %}{{ page.title | no_such_filter }}",
    );
    let page = server.wait_for(TACH_HO_PAGE, "template error", |_, body| {
        body.contains("sotay-errors")
    });
    assert!(page.contains("no_such_filter"), "{page}");
    replace(
        root,
        "themes/default/templates/procedure.html",
        "{{ page.title | no_such_filter }}",
        "",
    );
    server.wait_for(TACH_HO_PAGE, "template fixed", |_, body| {
        !body.contains("sotay-errors") && body.contains("11.000 đồng")
    });
}

/// CPU time (user + system) the process has used, in clock ticks (1/100 s on Linux).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn a_search_template_error_is_shown_once_and_the_preview_goes_idle() {
    let dir = example();
    let root = dir.path();
    let server = Server::start(root, &[]);
    server.wait_for("search/", "first build", |status, _| status == 200);

    let search = "themes/default/templates/search.html";
    replace(
        root,
        search,
        "{% block main %}",
        "{% block main %}{{ page.no_such_field.deeper }}",
    );
    let page = server.wait_for(TACH_HO_PAGE, "overlay", |_, body| {
        body.contains("id=\"sotay-errors\"")
    });
    assert!(page.contains("templates/search.html:"), "{page}");
    assert!(page.contains("no_such_field"), "{page}");

    // Before, the preview rebuilt the index without pause (about 1.4 cores busy).
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_ticks(server.child.id());
    std::thread::sleep(Duration::from_secs(3));
    let used = cpu_ticks(server.child.id()) - before;
    assert!(
        used <= 30,
        "the preview used {used} ticks of CPU in 3 idle seconds\n{}",
        server.log()
    );
    // Printed once: its message line and its source line.
    assert!(
        server.log().matches("no_such_field").count() <= 2,
        "the error is printed once:\n{}",
        server.log()
    );

    replace(root, search, "{{ page.no_such_field.deeper }}", "");
    server.wait_for("search/", "fixed", |status, body| {
        status == 200 && !body.contains("sotay-errors") && body.contains("<h1")
    });
}

#[test]
fn polling_watches_too() {
    let dir = example();
    let root = dir.path();
    let server = Server::start(root, &["--poll"]);
    server.wait_for(TACH_HO_PAGE, "first build", shows("10.000 đồng"));
    replace(root, TACH_HO, "amount: 10000", "amount: 16000");
    server.wait_for(TACH_HO_PAGE, "poll", shows("16.000 đồng"));
}

#[test]
fn requests_cannot_read_outside_the_site() {
    let dir = example();
    let root = dir.path();
    // (A link in the site that leads outside it is a build error: tests/invalid.rs.)
    let server = Server::start(root, &["--base-path", "/thu-tuc-hanh-chinh/"]);
    server.wait_for("", "first build", |status, _| status == 200);

    let secrets = [
        "TOP-SECRET-VALUE",
        "root:x:0:0",
        "organisation:",
        "amount: 10000",
    ];
    let targets = [
        "/thu-tuc-hanh-chinh/../sotay.yaml",
        "/thu-tuc-hanh-chinh/../../../../etc/passwd",
        "/../../../../etc/passwd",
        "/thu-tuc-hanh-chinh/%2e%2e/sotay.yaml",
        "/thu-tuc-hanh-chinh/%2e%2e%2fsotay.yaml",
        "/thu-tuc-hanh-chinh/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/thu-tuc-hanh-chinh/..%2f..%2fetc%2fpasswd",
        "/thu-tuc-hanh-chinh/%252e%252e%252fsotay.yaml",
        "/thu-tuc-hanh-chinh/%25252e%25252e%25252fsotay.yaml",
        "/thu-tuc-hanh-chinh/..\\sotay.yaml",
        "/thu-tuc-hanh-chinh/%5c..%5csotay.yaml",
        "/thu-tuc-hanh-chinh/..%5c..%5cetc%5cpasswd",
        "/thu-tuc-hanh-chinh/index.html%00../../sotay.yaml",
        "/thu-tuc-hanh-chinh/%c0%ae%c0%ae/sotay.yaml",
        "/thu-tuc-hanh-chinh//etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/thu-tuc-hanh-chinh/content/procedures/1-010038-tach-ho.md",
        "/thu-tuc-hanh-chinh/sotay.yaml",
        "/thu-tuc-hanh-chinh/secret.txt",
        "/thu-tuc-hanh-chinh/./../sotay.yaml",
        "http://127.0.0.1/../sotay.yaml",
        "C:\\Windows\\win.ini",
        "/thu-tuc-hanh-chinh/C:/Windows/win.ini",
    ];
    for target in targets {
        let request = format!(
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            server.port
        );
        let (status, body) = parse(&server.raw(request.as_bytes()));
        assert!(status == 400 || status == 404, "{target}: status {status}");
        for secret in secrets {
            assert!(!body.contains(secret), "{target} returned {secret:?}");
        }
        let (status, _) = server.get("");
        assert_eq!(status, 200, "the server stopped answering after {target}");
    }
    // A NUL byte on the request line itself.
    let (status, _) =
        parse(&server.raw(b"GET /thu-tuc-hanh-chinh/\0../sotay.yaml HTTP/1.1\r\n\r\n"));
    assert_eq!(status, 400);

    // Malformed requests: each gets an error or a closed connection, never a crash.
    let huge = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(100_000));
    let malformed: Vec<&[u8]> = vec![
        b"\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"\xff\xfe\xfd / HTTP/1.1\r\n\r\n",
        b"POST /thu-tuc-hanh-chinh/ HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
        b"DELETE /thu-tuc-hanh-chinh/ HTTP/1.1\r\n\r\n",
        b"GET /thu-tuc-hanh-chinh/ HTTP/1.1\r\nHost",
        huge.as_bytes(),
    ];
    for request in malformed {
        let (status, _) = parse(&server.raw(request));
        assert!(
            status == 0 || (400..500).contains(&status),
            "{:?}: status {status}",
            String::from_utf8_lossy(&request[..request.len().min(40)])
        );
        assert_eq!(server.get("").0, 200, "the server stopped answering");
    }
    // A client that connects and goes away without a word.
    drop(TcpStream::connect(("127.0.0.1", server.port)).unwrap());

    // Outside the base path: 404; the bare base path: redirected to its folder.
    assert_eq!(
        parse(
            &server.raw(
                format!(
                    "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                    server.port
                )
                .as_bytes()
            )
        )
        .0,
        404
    );
    let answer = server.raw(
        format!(
            "GET /thu-tuc-hanh-chinh HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            server.port
        )
        .as_bytes(),
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 301"), "{answer}");
    assert!(
        answer.contains("Location: /thu-tuc-hanh-chinh/\r\n"),
        "{answer}"
    );
    // A folder without its slash is sent to the folder, so relative links work.
    let answer = server.raw(
        format!(
            "GET /thu-tuc-hanh-chinh/thu-tuc/1-010038-tach-ho HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            server.port
        )
        .as_bytes(),
    );
    assert!(
        String::from_utf8_lossy(&answer)
            .contains("Location: /thu-tuc-hanh-chinh/thu-tuc/1-010038-tach-ho/\r\n")
    );
    // HEAD: the headers only.
    let answer = server.raw(
        format!(
            "HEAD /thu-tuc-hanh-chinh/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            server.port
        )
        .as_bytes(),
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("\r\n\r\n"),
        "{answer}"
    );
}

#[test]
fn binding_beyond_this_computer_warns() {
    let dir = example();
    let server = Server::start(dir.path(), &["--bind", "0.0.0.0"]);
    let start = Instant::now();
    // The example handbook is Vietnamese: so is what the preview says.
    while !server.log().contains("cảnh báo: đang mở trên 0.0.0.0") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let default = Server::start(dir.path(), &[]);
    std::thread::sleep(Duration::from_millis(100));
    assert!(!default.log().contains("cảnh báo"), "{}", default.log());
}

/// 10,000 requests from 8 keep-alive clients while the record they read is saved
/// every 40 ms: every answer is complete and from one build, never a mix.
#[test]
fn concurrent_requests_during_rebuilds_see_whole_pages() {
    let dir = example();
    let root = dir.path().to_path_buf();
    let server = Server::start(&root, &[]);
    // The fee is the only difference between the two versions; the old one,
    // 10,000, is also written in a note.
    replace(&root, TACH_HO, "amount: 10000", "amount: 88000");
    server.wait_for(TACH_HO_PAGE, "first version", shows("88.000 đồng"));
    let port = server.port;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let saved = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));

    let editor = {
        let stop = stop.clone();
        let saved = saved.clone();
        let root = root.clone();
        std::thread::spawn(move || {
            let path = root.join(TACH_HO);
            let text = std::fs::read_to_string(&path).unwrap();
            let mut saves = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let amount = if saves % 2 == 0 { "77000" } else { "88000" };
                atomic_save(
                    &path,
                    &text.replace("amount: 88000", &format!("amount: {amount}")),
                );
                saves += 1;
                saved.store(saves, std::sync::atomic::Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(40));
            }
            saves
        })
    };

    let clients: Vec<_> = (0..8)
        .map(|client| {
            let saved = saved.clone();
            std::thread::spawn(move || {
                let paths = [TACH_HO_PAGE, "", "a-z/", "style.css"];
                let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream.set_nodelay(true).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                let mut versions = [0usize; 2];
                // 1,250 requests each, over six saves at least; more if no rebuild
                // landed meanwhile (on a busy machine a rebuild can take seconds),
                // for 30 s at most.
                let started = Instant::now();
                let mut i = 0;
                let more = |versions: &[usize; 2]| {
                    (versions.contains(&0) || saved.load(std::sync::atomic::Ordering::SeqCst) < 6)
                        && started.elapsed() < Duration::from_secs(30)
                };
                while i < 1250 || more(&versions) {
                    i += 1;
                    let path = paths[(i + client) % paths.len()];
                    let request = format!("GET /{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
                    writer.write_all(request.as_bytes()).unwrap();
                    let (status, body) = read_response(&mut reader);
                    assert_eq!(status, 200, "GET /{path}");
                    if path.ends_with(".css") {
                        assert!(body.contains(".site-header"));
                        continue;
                    }
                    assert!(
                        body.trim_end().ends_with("</html>"),
                        "GET /{path} cut short"
                    );
                    if path == TACH_HO_PAGE {
                        let new = body.contains("77.000 đồng");
                        let old = body.contains("88.000 đồng");
                        assert!(
                            new != old,
                            "a page mixing two versions (new {new}, old {old})"
                        );
                        versions[usize::from(new)] += 1;
                    }
                }
                versions
            })
        })
        .collect();
    let mut versions = [0usize; 2];
    for client in clients {
        let seen = client.join().expect("a client failed");
        versions[0] += seen[0];
        versions[1] += seen[1];
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let saves = editor.join().unwrap();
    assert!(saves > 5, "only {saves} saves during the load");
    assert!(
        versions[0] > 0 && versions[1] > 0,
        "the requests should have seen both versions: {versions:?}"
    );
    assert_eq!(server.get("").0, 200);
}

/// One keep-alive response: status and body (by Content-Length).
fn read_response(reader: &mut impl BufRead) -> (u16, String) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, String::from_utf8(body).unwrap())
}

#[test]
fn only_the_preview_s_own_host_names_are_served_and_ambiguous_heads_are_refused() {
    let dir = example();
    let server = Server::start(dir.path(), &[]);
    server.wait_for(TACH_HO_PAGE, "first build", shows("10.000 đồng"));
    let port = server.port;
    let ask = |head: String| parse(&server.raw(head.as_bytes())).0;
    // A rebinding domain resolves to 127.0.0.1 but names itself in Host.
    assert_eq!(
        ask(format!(
            "GET / HTTP/1.1\r\nHost: drafts.evil.example:{port}\r\n\r\n"
        )),
        403
    );
    assert_eq!(
        ask(format!(
            "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
        )),
        200
    );
    assert_eq!(
        ask(format!(
            "GET / HTTP/1.1\r\nHost: [::1]:{port}\r\nConnection: close\r\n\r\n"
        )),
        200
    );
    // The event stream refuses other origins.
    let events = format!(
        "GET /__sotay/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://drafts.evil.example\r\n\r\n"
    );
    assert_eq!(ask(events), 403);
    let mut own = TcpStream::connect(("127.0.0.1", port)).unwrap();
    own.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        own,
        "GET /__sotay/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    let mut first = String::new();
    BufReader::new(own).read_line(&mut first).unwrap();
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    // Headers a proxy could read differently: a space before the colon, a folded line.
    let smuggled = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\nGET /sotay.yaml HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    );
    let answer = String::from_utf8_lossy(&server.raw(smuggled.as_bytes())).to_string();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(answer.matches("HTTP/1.1").count(), 1, "{answer}");
    assert_eq!(
        ask(format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-A: a\r\n b\r\n\r\n"
        )),
        400
    );
}

#[test]
fn sockets_that_trickle_bytes_cannot_keep_a_visitor_out() {
    let dir = example();
    let server = Server::start(dir.path(), &[]);
    server.wait_for("", "first build", |status, _| status == 200);
    // More half-sent requests than the preview holds connections.
    let trickling: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            stream.write_all(b"GET / HTTP/1.1\r\nX: ").unwrap();
            stream
        })
        .collect();
    for _ in 0..3 {
        let (status, body) = server.get("");
        assert_eq!(status, 200, "{body}");
    }
    drop(trickling);

    // Endless empty lines are cut off, not read forever.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut sent = 0;
    while sent < 50_000_000 && stream.write_all(&[b"\r\n"[0], b'\n'].repeat(4096)).is_ok() {
        sent += 8192;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(sent < 50_000_000, "the preview kept reading empty lines");

    // A head sent a byte at a time still has to arrive whole in time.
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nX: ").unwrap();
    let started = Instant::now();
    let closed = loop {
        if slow.write_all(b"a").is_err() {
            break true;
        }
        let mut byte = [0u8; 64];
        match slow.read(&mut byte) {
            Ok(0) => break true,
            Ok(_) => break true,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break true,
        }
        if started.elapsed() > Duration::from_secs(25) {
            break false;
        }
    };
    assert!(closed, "a trickled head kept its connection open for 25 s");
    let (status, _) = server.get("");
    assert_eq!(status, 200);
}

#[cfg(unix)]
#[test]
fn links_between_watched_folders_do_not_stop_live_reload() {
    let dir = example();
    let root = dir.path();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::os::unix::fs::symlink("..", root.join("static/up")).unwrap();
    std::os::unix::fs::symlink("../content/procedures", root.join("static/cu")).unwrap();
    let server = Server::start(root, &[]);
    server.wait_for(TACH_HO_PAGE, "first build", shows("10.000 đồng"));
    replace(root, TACH_HO, "amount: 10000", "amount: 16000");
    server.wait_for(TACH_HO_PAGE, "save", shows("16.000 đồng"));
}

/// A port another program holds: the preview stops at once and says so in the
/// handbook's language, with the system's own words kept.
#[test]
fn a_port_in_use_is_said_in_vietnamese() {
    let dir = example();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--root")
        .arg(dir.path())
        .args(["serve", "--port", &port])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.starts_with("lỗi: không mở được cổng 127.0.0.1:"),
        "{said}"
    );
    assert!(
        said.contains("cổng này đang được dùng (") && said.contains("os error"),
        "{said}"
    );
}
