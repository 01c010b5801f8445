//! Live reload and the error overlay. Pages get a few lines of script when they are
//! served (never in the built files): it listens to the event stream and reloads the
//! page when the page, a style sheet or script, or the error state changed.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use super::target::EVENTS;
use crate::diagnostics::Language;

/// One published change: the site paths that differ, or every page.
#[derive(Debug, Clone)]
pub struct Change {
    pub all: bool,
    pub paths: Vec<String>,
}

impl Change {
    /// Pages show what changed in `paths`; a style sheet, script or picture
    /// changes every page, search index files only the search page (also in `paths`).
    /// Files pages only link to (open data, the feed, forms) change no page.
    pub fn of(paths: Vec<String>) -> Change {
        const SHOWN_IN_PAGES: [&str; 9] = [
            ".css", ".js", ".svg", ".png", ".jpg", ".jpeg", ".webp", ".ico", ".woff2",
        ];
        let all = paths.iter().any(|p| {
            !p.starts_with("search/") && SHOWN_IN_PAGES.iter().any(|ext| p.ends_with(ext))
        });
        Change { all, paths }
    }

    fn json(&self) -> String {
        if self.all {
            return "{\"all\":true}".into();
        }
        serde_json::json!({ "all": false, "paths": self.paths }).to_string()
    }
}

/// Changes kept for event streams that are a little behind.
const KEPT: usize = 64;

/// Hands each published change to every open event stream.
#[derive(Default)]
pub struct Hub {
    log: Mutex<(u64, VecDeque<(u64, Change)>)>,
    changed: Condvar,
}

impl Hub {
    pub fn publish(&self, change: Change) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.0 += 1;
        let number = log.0;
        log.1.push_back((number, change));
        if log.1.len() > KEPT {
            log.1.pop_front();
        }
        self.changed.notify_all();
    }

    fn latest(&self) -> u64 {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).0
    }

    /// Waits up to `timeout` for changes after `seen`; all of them, merged.
    fn wait(&self, seen: u64, timeout: Duration) -> Option<(u64, Change)> {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let (log, _) = self
            .changed
            .wait_timeout_while(log, timeout, |log| log.0 == seen)
            .unwrap_or_else(|e| e.into_inner());
        if log.0 == seen {
            return None;
        }
        let newer: Vec<&Change> = log
            .1
            .iter()
            .filter(|(n, _)| *n > seen)
            .map(|(_, c)| c)
            .collect();
        // Fell behind the log: reload everything rather than miss a change.
        let complete = log.1.front().is_some_and(|(first, _)| *first <= seen + 1);
        let merged = Change {
            all: !complete || newer.iter().any(|c| c.all),
            paths: newer.iter().flat_map(|c| c.paths.iter().cloned()).collect(),
        };
        Some((log.0, merged))
    }

    /// Streams changes to one browser until it goes away.
    pub fn stream(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n",
        )?;
        out.flush()?;
        let mut seen = self.latest();
        loop {
            // The comment keeps proxies from closing the stream and notices closed tabs.
            let message = match self.wait(seen, Duration::from_secs(15)) {
                Some((number, change)) => {
                    seen = number;
                    format!("event: reload\ndata: {}\n\n", change.json())
                }
                None => ":\n\n".to_string(),
            };
            out.write_all(message.as_bytes())?;
            out.flush()?;
        }
    }
}

/// Adds the live reload script, and the error report when there is one, to a page
/// served as `path`.
pub fn inject(
    html: &[u8],
    path: &str,
    base: &str,
    errors: Option<&str>,
    language: Language,
) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(report) = errors {
        extra.push_str(&overlay(report, language));
    }
    let me = json_in_script(path);
    let url = json_in_script(&format!("{base}{EVENTS}"));
    extra.push_str(&format!(
        "<script>/* sotay serve: live reload */(()=>{{const me={me};\
         const s=window.sotayLive=new EventSource({url});\
         s.addEventListener(\"reload\",e=>{{const d=JSON.parse(e.data);\
         if(d.all||d.paths.includes(me))location.reload();}});}})();</script>"
    ));
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// A page for when no build has succeeded yet: only the report, and the script that
/// reloads it once the sources are fixed.
pub fn error_page(path: &str, base: &str, report: &str, language: Language) -> Vec<u8> {
    let (lang, title) = match language {
        Language::Vi => ("vi", "sotay: lỗi nội dung"),
        Language::En => ("en", "sotay: content errors"),
    };
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><main><h1>sotay serve</h1></main></body></html>"
    );
    inject(html.as_bytes(), path, base, Some(report), language)
}

fn overlay(report: &str, language: Language) -> String {
    let (lang, heading, hint) = match language {
        Language::Vi => (
            "vi",
            "Nội dung có lỗi: trang đang hiển thị bản dựng tốt gần nhất.",
            "Sửa tệp và lưu lại, trang sẽ tự tải lại.",
        ),
        Language::En => (
            "en",
            "The content has errors: this is the last good version of the page.",
            "Fix the file and save it; the page reloads by itself.",
        ),
    };
    format!(
        "<div id=\"sotay-errors\" role=\"alert\" lang=\"{lang}\" style=\"position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem;background:#fff5f5;color:#1a1a1a;border-top:4px solid #b00020;font:15px/1.45 system-ui,sans-serif;box-shadow:0 -4px 16px rgba(0,0,0,.25)\">\
         <p style=\"margin:0 0 .5rem\"><strong>{heading}</strong> {hint}</p>\
         <pre style=\"margin:0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace\">{}</pre></div>",
        crate::render::html::escape(report)
    )
}

/// A JSON string that cannot end the script element it sits in.
fn json_in_script(text: &str) -> String {
    serde_json::to_string(text)
        .expect("strings serialise")
        .replace('<', "\\u003c")
}

/// The last `needle` in the end of `haystack`, where `</body>` is.
fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let from = haystack.len().saturating_sub(4096);
    haystack[from..]
        .windows(needle.len())
        .rposition(|w| w == needle)
        .map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = inject(
            b"<html><body><p>x</p></body></html>",
            "a/index.html",
            "/tt/",
            None,
            Language::Vi,
        );
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with("<html><body><p>x</p><script>"), "{page}");
        assert!(page.ends_with("</script></body></html>"), "{page}");
        assert!(page.contains("const me=\"a/index.html\""));
        assert!(page.contains("new EventSource(\"/tt/__sotay/events\")"));
        assert!(!page.contains("sotay-errors"));
    }

    #[test]
    fn only_files_pages_load_reload_every_page() {
        let page = Change::of(vec![
            "thu-tuc/a/index.html".into(),
            "thu-tuc/a/index.json".into(),
        ]);
        assert!(!page.all, "open data and the feed are only linked to");
        let data = Change::of(vec![
            "data/procedures.json".into(),
            "thay-doi/atom.xml".into(),
        ]);
        assert!(!data.all);
        assert!(Change::of(vec!["style.css".into()]).all);
        assert!(!Change::of(vec!["search/i3.js".into()]).all);
    }

    #[test]
    fn the_error_report_is_escaped() {
        let report = "error: <script>alert(1)</script> & more\n --> content/procedures/a.md:3:1";
        let page = inject(
            b"<body></body>",
            "index.html",
            "/",
            Some(report),
            Language::En,
        );
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(page.contains("content/procedures/a.md:3:1"));
        assert!(!page.contains("<script>alert(1)"));
    }

    #[test]
    fn streams_that_fell_behind_reload_everything() {
        let hub = Hub::default();
        hub.publish(Change::of(vec!["a/index.html".into()]));
        let (n, change) = hub.wait(0, Duration::ZERO).unwrap();
        assert!(!change.all);
        assert_eq!(change.paths, ["a/index.html"]);
        for _ in 0..KEPT + 1 {
            hub.publish(Change::of(vec!["b/index.html".into()]));
        }
        let (_, change) = hub.wait(n, Duration::ZERO).unwrap();
        assert!(change.all);
        assert!(Change::of(vec!["style.css".into()]).all);
        assert!(!Change::of(vec!["search/i3.js".into(), "search/index.html".into()]).all);
    }
}
