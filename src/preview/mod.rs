//! `sotay serve`: a live preview for staff. The site is built into memory (never over
//! `public/`), served over HTTP, rebuilt as files are saved, and open pages reload.
//!
//! Threads: the caller's accepts connections, one thread serves each connection,
//! and one rebuild thread owns the session and the watcher. The site is an immutable
//! snapshot swapped under a lock, so a request sees the old site or the new one,
//! never a mix.

mod connections;
mod http;
mod live;
mod session;
mod target;
mod watch;

use std::io::{BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub use session::Session;

use crate::assemble::{Built, Files, Outcome};
use crate::diagnostics::{self, Diagnostics, Format, Language};
use crate::layout::{self, WATCHED};
use connections::{Connections, Deadline, Ticket};
use http::{ReadError, Response, content_type, read_request};
use live::{Change, Hub};
use target::Target;
use watch::{Batch, Watcher};

pub struct ServeOptions {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// `/` or a folder such as `/thu-tuc/`.
    pub base_path: String,
    /// Poll for changes instead of using the system's file events.
    pub poll: bool,
}

#[derive(Debug)]
pub enum ServeError {
    /// The handbook cannot be read at all (no sotay.yaml).
    Open(Diagnostics),
    BasePath(String),
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    Watch(notify::Error),
}

impl From<notify::Error> for ServeError {
    fn from(error: notify::Error) -> ServeError {
        ServeError::Watch(error)
    }
}

impl ServeError {
    /// What to tell the person who started the preview, in the handbook's language.
    pub fn report(&self, language: Language) -> String {
        let text = match self {
            ServeError::Open(problems) => {
                return diagnostics::render(problems, Format::Human, language);
            }
            ServeError::BasePath(base) => crate::tr!(
                "the base path `{base}` is not a plain folder path; write it like /thu-tuc/",
                "đường dẫn gốc `{base}` không phải một thư mục đơn giản; hãy viết như /thu-tuc/"
            ),
            ServeError::Bind { address, source } => crate::tr!(
                "cannot listen on {address}: {}; is another preview running? Try another port with --port",
                "không mở được cổng {address}: {}; có bản xem trước khác đang chạy không? Hãy thử cổng khác với --port";
                crate::diagnostics::Text::of_system(source)
            ),
            ServeError::Watch(error) => crate::tr!(
                "cannot watch the handbook's files: {error}; try --poll",
                "không theo dõi được các tệp của sổ tay: {error}; hãy thử --poll"
            ),
        };
        let label = match language {
            Language::Vi => "lỗi",
            Language::En => "error",
        };
        format!("{label}: {}\n", text.get(language))
    }
}

/// A response not taken by the client in this time ends the connection.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// What requests are answered from: the last good site and the current errors.
#[derive(Clone)]
struct Snapshot {
    files: Option<Arc<Files>>,
    errors: Option<Arc<str>>,
    language: Language,
}

struct Shared {
    snapshot: RwLock<Snapshot>,
    hub: Hub,
    base: String,
    connections: Arc<Connections>,
    /// The `Host` values this preview answers to: the names it is bound to, with
    /// its port. Any other is a page elsewhere reading drafts through a rebinding
    /// domain name, and is refused.
    hosts: Vec<String>,
    /// Bound to every address (`--bind 0.0.0.0`): other computers name this one by
    /// its IP address, which a rebinding attack cannot use (it needs a domain name).
    any_address: bool,
}

impl Shared {
    fn serves_host(&self, host: Option<&str>) -> bool {
        // HTTP/1.0 requests may come without a Host; they cannot be rebound.
        let Some(host) = host else { return true };
        self.hosts.iter().any(|ok| ok.eq_ignore_ascii_case(host))
            || (self.any_address && host.parse::<SocketAddr>().is_ok())
    }

    /// The event stream is read by the preview's own pages only.
    fn serves_origin(&self, origin: Option<&str>) -> bool {
        origin.is_none_or(|o| {
            o.strip_prefix("http://")
                .is_some_and(|host| self.serves_host(Some(host)))
        })
    }
}

/// `127.0.0.1:1111`, `localhost:1111`, `[::1]:1111` and the bound address with its port.
fn host_names(bound: SocketAddr) -> Vec<String> {
    let port = bound.port();
    let ip = match bound.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let mut hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]", ip.as_str()]
        .iter()
        .map(|h| format!("{h}:{port}"))
        .collect();
    if port == 80 {
        hosts.extend(["127.0.0.1", "localhost", "[::1]"].map(String::from));
        hosts.push(ip);
    }
    hosts
}

impl Shared {
    fn snapshot(&self) -> Snapshot {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set(&self, snapshot: Snapshot) {
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = snapshot;
    }
}

/// `/thu-tuc`, `thu-tuc/` → `/thu-tuc/`.
pub fn normalise_base(base: &str) -> Result<String, ServeError> {
    let inner = base.trim_matches('/');
    let bad = inner
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
        || inner
            .chars()
            .any(|c| c.is_control() || matches!(c, '\\' | '%' | '?' | '#' | ' '));
    if inner.is_empty() {
        Ok("/".into())
    } else if bad {
        Err(ServeError::BasePath(base.into()))
    } else {
        Ok(format!("/{inner}/"))
    }
}

/// Builds, serves and watches the site at `root` until the process is stopped.
pub fn run(root: &Path, options: &ServeOptions) -> Result<(), ServeError> {
    let base = normalise_base(&options.base_path)?;
    let started = Instant::now();
    let mut session = Session::open(root).map_err(ServeError::Open)?;
    // Taken before the first build, so a busy port is said at once.
    let address = SocketAddr::new(options.bind, options.port);
    let listener =
        TcpListener::bind(address).map_err(|source| ServeError::Bind { address, source })?;
    let address = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { address, source })?;
    let root = session.root().to_path_buf();
    let language = session.language();
    let shared = Arc::new(Shared {
        snapshot: RwLock::new(Snapshot {
            files: None,
            errors: None,
            language,
        }),
        hub: Hub::default(),
        base,
        connections: Arc::default(),
        hosts: host_names(address),
        any_address: address.ip().is_unspecified(),
    });
    match session.update(&[]) {
        Outcome::Built(built) => {
            shared.set(Snapshot {
                files: session.files(),
                errors: None,
                language,
            });
            let (pages, seconds) = (built.rendered, started.elapsed().as_secs_f64());
            let text = crate::tr!(
                "built {pages} pages in {seconds:.2} s",
                "đã build {pages} trang trong {seconds:.2} s"
            );
            eprintln!("{}", text.get(language));
        }
        Outcome::Failed(problems) => {
            let report = diagnostics::render(&problems, Format::Human, language);
            eprint!("{report}");
            let text = crate::tr!(
                "the preview shows these errors until they are fixed",
                "bản xem trước hiện các lỗi này cho đến khi chúng được sửa"
            );
            eprintln!("{}", text.get(language));
            shared.set(Snapshot {
                files: None,
                errors: Some(report.into()),
                language,
            });
        }
        Outcome::Unchanged => {}
    }

    let waiting = Arc::new(AtomicBool::new(false));
    let (mut watcher, batches) = Watcher::start(&root, options.poll, waiting.clone())?;
    say_unwatched(watcher.watch_folders(&root), language);
    {
        let shared = shared.clone();
        let saves = Saves { batches, waiting };
        std::thread::spawn(move || rebuild_loop(session, watcher, saves, &shared));
    }

    let host = match address.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    if !address.ip().is_loopback() {
        let text = crate::tr!(
            "warning: serving on {host}: other computers on the network can open this preview, drafts and errors included; use the default --bind 127.0.0.1 to keep it to this computer",
            "cảnh báo: đang mở trên {host}: các máy khác trong mạng xem được bản xem trước này, cả bản nháp và lỗi; để mặc định --bind 127.0.0.1 nếu chỉ dùng trên máy này"
        );
        eprintln!("{}", text.get(language));
    }
    let (folder, port, base) = (root.display(), address.port(), &shared.base);
    let text = crate::tr!(
        "Serving {folder} at http://{host}:{port}{base} (Ctrl+C to stop)",
        "Bản xem trước của {folder} ở http://{host}:{port}{base} (Ctrl+C để dừng)"
    );
    println!("{}", text.get(language));
    let _ = std::io::stdout().flush();

    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        let Some(ticket) = shared.connections.admit(&stream) else {
            let mut stream = stream;
            let _ = Response::text(503, "too many connections; try again").write(
                &mut stream,
                false,
                false,
            );
            continue;
        };
        std::thread::spawn(move || serve_connection(stream, &ticket, &shared));
    }
    Ok(())
}

/// A folder the watcher could not watch: saves there would go unseen, so say so.
fn say_unwatched(failed: Vec<(PathBuf, notify::Error)>, language: Language) {
    for (folder, error) in failed {
        let folder = folder.display();
        let text = crate::tr!(
            "{folder}/ is not watched ({error}); saves there are not seen until the preview restarts, or run it with --poll",
            "không theo dõi được {folder}/ ({error}); các lần lưu ở đó sẽ không được thấy cho đến khi khởi động lại, hoặc hãy chạy với --poll"
        );
        let label = match language {
            Language::Vi => "cảnh báo",
            Language::En => "warning",
        };
        eprintln!("{label}: {}", text.get(language));
    }
}

/// Everything the watcher can report, for when it lost track.
fn everything(root: &Path) -> Vec<PathBuf> {
    let mut paths = vec![
        root.join(layout::CONFIG_FILE),
        root.join(layout::PROCEDURES_DIR),
        root.join(layout::OFFICES_FILE),
        root.join(layout::PAGES_DIR),
    ];
    paths.extend(WATCHED.iter().map(|f| root.join(f)));
    paths
}

/// The watcher's batches, and whether one is waiting: the search index gives way
/// to a save (a second at 10,000 records would hold up every save made meanwhile).
struct Saves {
    batches: Receiver<Batch>,
    waiting: Arc<AtomicBool>,
}

fn rebuild_loop(mut session: Session, mut watcher: Watcher, saves: Saves, shared: &Shared) {
    let root = session.root().to_path_buf();
    loop {
        // The search index is rebuilt when no save is waiting.
        let wait = session.refresh_after().unwrap_or(Duration::from_secs(3600));
        let first = match saves.batches.recv_timeout(wait) {
            Ok(batch) => batch,
            Err(RecvTimeoutError::Timeout) => {
                let what = if wait.is_zero() {
                    crate::tr!("search index", "chỉ mục tìm kiếm")
                } else {
                    crate::tr!("open data", "dữ liệu mở")
                };
                match session.refresh_index_unless(&saves.waiting) {
                    Ok(Some(built)) => publish(&session, shared, built, what),
                    Ok(None) => {}
                    Err(problems) => show_errors(&session, shared, &problems),
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        // Cleared before the rest is taken: a batch sent after this sets it again.
        saves.waiting.store(false, Ordering::Relaxed);
        let mut paths = Vec::new();
        let mut rescan = false;
        for batch in std::iter::once(first).chain(saves.batches.try_iter()) {
            match batch {
                Some(batch) => paths.extend(batch),
                None => rescan = true,
            }
        }
        if rescan {
            paths = everything(&root);
        }
        if paths.iter().any(|p| p.parent() == Some(root.as_path())) {
            say_unwatched(watcher.watch_folders(&root), session.language());
        }
        match session.update(&paths) {
            Outcome::Unchanged => {}
            Outcome::Built(built) => {
                publish(
                    &session,
                    shared,
                    built,
                    crate::tr!("rebuilt", "đã dựng lại"),
                );
            }
            Outcome::Failed(problems) => show_errors(&session, shared, &problems),
        }
    }
}

/// Keeps the last good site and shows `problems` over every page, once.
fn show_errors(session: &Session, shared: &Shared, problems: &Diagnostics) {
    let language = session.language();
    let report = diagnostics::render(problems, Format::Human, language);
    let snapshot = shared.snapshot();
    if snapshot.errors.as_deref() == Some(report.as_str()) && snapshot.language == language {
        return;
    }
    eprint!("{report}");
    shared.set(Snapshot {
        files: snapshot.files,
        errors: Some(report.into()),
        language,
    });
    shared.hub.publish(Change {
        all: true,
        paths: Vec::new(),
    });
}

fn publish(session: &Session, shared: &Shared, built: Built, what: crate::diagnostics::Text) {
    let had_errors = shared.snapshot().errors.is_some();
    shared.set(Snapshot {
        files: session.files(),
        errors: None,
        language: session.language(),
    });
    let stages: Vec<String> = built
        .timings
        .iter()
        .map(|(name, d)| format!("{name} {:.1} ms", d.as_secs_f64() * 1e3))
        .collect();
    let total: f64 = built.timings.iter().map(|(_, d)| d.as_secs_f64()).sum();
    let (rendered, changed, total) = (built.rendered, built.changed.len(), total * 1e3);
    let stages = stages.join(", ");
    let language = session.language();
    let text = crate::tr!(
        "{}: {rendered} pages rendered, {changed} files changed in {total:.1} ms [{stages}]",
        "{}: tạo {rendered} trang, {changed} tệp đổi trong {total:.1} ms [{stages}]";
        what
    );
    eprintln!("{}", text.get(language));
    if had_errors {
        eprintln!(
            "{}",
            crate::tr!("the errors are fixed", "các lỗi đã được sửa").get(language)
        );
        shared.hub.publish(Change {
            all: true,
            paths: Vec::new(),
        });
    } else if !built.changed.is_empty() {
        shared.hub.publish(Change::of(built.changed));
    }
}

fn serve_connection(stream: TcpStream, ticket: &Ticket, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Ok(reading) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(Deadline::new(reading));
    let mut writer = stream;
    loop {
        reader.get_mut().restart();
        ticket.waiting(&writer);
        let request = read_request(&mut reader);
        if !ticket.busy() {
            return;
        }
        let request = match request {
            Ok(request) => request,
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(status, message)) => {
                let _ = Response::text(status, message).write(&mut writer, false, false);
                return;
            }
        };
        if !shared.serves_host(request.host.as_deref()) {
            let _ = Response::text(
                403,
                "this preview answers only to the address it was started on, such as 127.0.0.1",
            )
            .write(&mut writer, false, false);
            return;
        }
        let head_only = request.method == "HEAD";
        if request.method != "GET" && !head_only {
            let mut response = Response::text(405, "only GET and HEAD are served");
            response.headers.push(("Allow", "GET, HEAD".into()));
            let _ = response.write(&mut writer, false, false);
            return;
        }
        let (response, keep_alive) =
            match target::resolve(&request.target, &shared.base) {
                Target::Events if !shared.serves_origin(request.origin.as_deref()) => {
                    let _ = Response::text(403, "live reload is for the preview's own pages")
                        .write(&mut writer, false, false);
                    return;
                }
                Target::Events => {
                    let _ = shared.hub.stream(&mut writer);
                    return;
                }
                Target::Refused(reason) => (Response::text(400, reason), false),
                Target::Outside => {
                    let base = &shared.base;
                    let said = crate::tr!(
                        "not found: the preview is at {base}",
                        "không có trang này: bản xem trước ở {base}"
                    );
                    let language = shared.snapshot().language;
                    (Response::text(404, said.get(language)), request.keep_alive)
                }
                Target::Redirect(location) => (Response::redirect(location), request.keep_alive),
                Target::File(path) => (file_response(shared, &path), request.keep_alive),
            };
        if response.write(&mut writer, head_only, keep_alive).is_err() || !keep_alive {
            return;
        }
    }
}

fn file_response(shared: &Shared, path: &str) -> Response {
    let snapshot = shared.snapshot();
    let errors = snapshot.errors.as_deref();
    let Some(files) = &snapshot.files else {
        let report = errors.unwrap_or("the site has not been built yet");
        let page = live::error_page(path, &shared.base, report, snapshot.language);
        return Response::new(503, content_type("x.html"), page);
    };
    let page = |path: &str, bytes: &[u8]| {
        if path.ends_with(".html") {
            live::inject(bytes, path, &shared.base, errors, snapshot.language)
        } else {
            bytes.to_vec()
        }
    };
    // The preview's files are all made in memory.
    if let Some(bytes) = files.get(path).and_then(|f| f.in_memory()) {
        return Response::new(200, content_type(path), page(path, bytes));
    }
    if files.contains_key(format!("{path}/index.html").as_str()) {
        return Response::redirect(format!("{}{path}/", shared.base));
    }
    match files.get("404.html").and_then(|f| f.in_memory()) {
        Some(bytes) => Response::new(404, content_type("404.html"), page("404.html", bytes)),
        None => Response::text(404, "not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths_are_normalised_or_refused() {
        assert_eq!(normalise_base("/").unwrap(), "/");
        assert_eq!(normalise_base("").unwrap(), "/");
        assert_eq!(normalise_base("/thu-tuc/").unwrap(), "/thu-tuc/");
        assert_eq!(normalise_base("thu-tuc").unwrap(), "/thu-tuc/");
        assert_eq!(normalise_base("/a/b").unwrap(), "/a/b/");
        for bad in ["/a/../b/", "/a//b/", "/a b/", "/%2e/", "/a\\b/", "/./"] {
            assert!(normalise_base(bad).is_err(), "{bad}");
        }
    }
}
