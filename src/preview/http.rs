//! Just enough HTTP/1.1 for a local preview: GET and HEAD, keep-alive, fixed-length
//! responses and one event stream. Anything else gets a plain error status.

use std::io::{self, BufRead, Write};

/// Longest request head accepted; a browser's is well under 8 KB.
const MAX_HEAD: usize = 16 * 1024;
/// Empty lines before a request: HTTP/1.1 asks servers to ignore at least one.
const MAX_STRAY_LINES: usize = 4;

#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub keep_alive: bool,
    /// The `Host` header, as sent.
    pub host: Option<String>,
    /// The `Origin` header, as sent (browsers send it on cross-origin requests).
    pub origin: Option<String>,
}

#[derive(Debug)]
pub enum ReadError {
    /// The client closed the connection (or went quiet) between requests.
    Closed,
    /// Malformed: answer with this status and close.
    Bad(u16, &'static str),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Closed
    }
}

/// Reads one request head. Bodies are refused: GET and HEAD have none.
pub fn read_request<R: BufRead>(reader: &mut R) -> Result<Request, ReadError> {
    let mut head = Vec::new();
    let mut strays = 0;
    loop {
        let before = head.len();
        let limit = (MAX_HEAD + 1 - before) as u64;
        let n = io::Read::take(&mut *reader, limit).read_until(b'\n', &mut head)?;
        if n == 0 {
            return Err(if head.is_empty() {
                ReadError::Closed
            } else {
                ReadError::Bad(400, "the request ended early")
            });
        }
        if head.len() > MAX_HEAD {
            return Err(ReadError::Bad(431, "the request head is too large"));
        }
        if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") || head == b"\r\n" {
            if head == b"\r\n" {
                // A stray empty line between requests is allowed, a stream of them is not.
                strays += 1;
                if strays > MAX_STRAY_LINES {
                    return Err(ReadError::Bad(400, "empty lines instead of a request"));
                }
                head.clear();
                continue;
            }
            break;
        }
    }
    let head = std::str::from_utf8(&head).map_err(|_| ReadError::Bad(400, "not UTF-8"))?;
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(400, "malformed request line"));
    };
    if !version.starts_with("HTTP/1.") || target.is_empty() || method.is_empty() {
        return Err(ReadError::Bad(400, "malformed request line"));
    }
    let mut keep_alive = version == "HTTP/1.1";
    let (mut host, mut origin) = (None, None);
    for line in lines.filter(|l| !l.is_empty()) {
        // A folded line, or a space before the colon, makes a header that a proxy and
        // this server could read differently: refused, as HTTP/1.1 requires.
        if line.starts_with([' ', '\t']) {
            return Err(ReadError::Bad(400, "folded headers are not allowed"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Bad(400, "malformed header"));
        };
        if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(ReadError::Bad(400, "malformed header name"));
        }
        let value = value.trim();
        if name.eq_ignore_ascii_case("host") {
            if host.replace(value.to_string()).is_some() {
                return Err(ReadError::Bad(400, "more than one Host header"));
            }
        } else if name.eq_ignore_ascii_case("origin") {
            origin = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("connection") {
            keep_alive = !value.eq_ignore_ascii_case("close")
                && (keep_alive || value.eq_ignore_ascii_case("keep-alive"));
        } else if (name.eq_ignore_ascii_case("content-length") && value != "0")
            || name.eq_ignore_ascii_case("transfer-encoding")
        {
            return Err(ReadError::Bad(
                400,
                "requests with a body are not supported",
            ));
        }
    }
    if version == "HTTP/1.1" && host.is_none() {
        return Err(ReadError::Bad(
            400,
            "an HTTP/1.1 request needs a Host header",
        ));
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive,
        host,
        origin,
    })
}

pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn text(status: u16, message: &str) -> Self {
        Response::new(status, "text/plain; charset=utf-8", format!("{message}\n"))
    }

    pub fn redirect(location: String) -> Self {
        let mut response = Response::text(301, &format!("moved to {location}"));
        response.headers.push(("Location", location));
        response
    }

    /// Writes the response; `head_only` leaves the body out (HEAD).
    pub fn write(&self, out: &mut impl Write, head_only: bool, keep_alive: bool) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len(),
            if keep_alive { "keep-alive" } else { "close" },
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        // One write: a head and a body sent apart wait on delayed ACKs.
        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        out.write_all(&bytes)?;
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// The media type browsers need to use a file of the site.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Request, ReadError> {
        read_request(&mut io::BufReader::new(text.as_bytes()))
    }

    #[test]
    fn reads_a_browser_request() {
        let request =
            read("GET /thu-tuc/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n").unwrap();
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/thu-tuc/");
        assert!(request.keep_alive);
        let request = read("GET / HTTP/1.0\r\n\r\n").unwrap();
        assert!(!request.keep_alive);
        let request =
            read("GET / HTTP/1.1\r\nHost: localhost:1111\r\nConnection: close\r\n\r\n").unwrap();
        assert!(!request.keep_alive);
        assert_eq!(request.host.as_deref(), Some("localhost:1111"));
    }

    #[test]
    fn malformed_requests_get_an_error_status() {
        for text in [
            "GET\r\n\r\n",
            "GET / \r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "GET / HTTP/1.1 extra\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
            "GET / HTTP/1.1\r\nHost: x",
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n",
        ] {
            assert!(
                matches!(read(text), Err(ReadError::Bad(..))),
                "{text:?} was accepted"
            );
        }
        let huge = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD));
        assert!(matches!(read(&huge), Err(ReadError::Bad(431, _))));
        assert!(matches!(read(""), Err(ReadError::Closed)));
    }
}
