//! From a request target to a file of the built site. The site lives in memory, so a
//! request can only ever name one of its files; still, anything that tries to climb
//! out or hide what it asks for is refused outright, before any lookup.

use crate::urls::percent_decode;

/// What a request target asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A path of the site (`thu-tuc/x/index.html`); the file may not exist.
    File(String),
    /// The address without its trailing slash, or outside the base path's folder:
    /// send the browser to this one instead.
    Redirect(String),
    /// The live reload event stream.
    Events,
    /// Not under the base path.
    Outside,
    /// Malformed or unsafe: answered with 400.
    Refused(&'static str),
}

/// Where the event stream is, under the base path.
pub const EVENTS: &str = "__sotay/events";

/// Resolves `target` (as on the request line) under `base` (`/` or `/thu-tuc/`).
pub fn resolve(target: &str, base: &str) -> Target {
    if !target.starts_with('/') {
        return Target::Refused("the address must start with /");
    }
    let (raw, query) = match target.find(['?', '#']) {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    if raw
        .bytes()
        .any(|b| b == b'\\' || b.is_ascii_control() || b == b' ')
    {
        return Target::Refused("backslashes, spaces and control characters are not allowed");
    }
    let path = match percent_decode(raw) {
        Ok(path) => path,
        Err(error) => return Target::Refused(error.reason()),
    };
    if path.contains(['\\', '\0', '%']) || path.chars().any(char::is_control) {
        // `%` after decoding is a second layer of encoding.
        return Target::Refused("encoded backslashes, NUL, control characters or double encoding");
    }
    let Some(rest) = path.strip_prefix(base) else {
        if format!("{path}/") == base {
            return Target::Redirect(format!("{base}{query}"));
        }
        return Target::Outside;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        if *segment == "." || *segment == ".." {
            return Target::Refused("`.` and `..` are not allowed in paths");
        }
        if segment.is_empty() && i != last {
            return Target::Refused("empty path segments are not allowed");
        }
    }
    if rest == EVENTS {
        return Target::Events;
    }
    if rest.is_empty() || rest.ends_with('/') {
        Target::File(format!("{rest}index.html"))
    } else {
        Target::File(rest.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> Target {
        Target::File(path.into())
    }

    #[test]
    fn site_paths_map_to_files() {
        assert_eq!(resolve("/", "/"), file("index.html"));
        assert_eq!(resolve("/thu-tuc/x/", "/"), file("thu-tuc/x/index.html"));
        assert_eq!(resolve("/style.css?v=2", "/"), file("style.css"));
        assert_eq!(
            resolve("/search/index.html?q=t%C3%A1ch+h%E1%BB%99", "/"),
            file("search/index.html")
        );
        assert_eq!(
            resolve("/linh-vuc/h%E1%BB%99-t%E1%BB%8Bch/", "/"),
            file("linh-vuc/hộ-tịch/index.html")
        );
        assert_eq!(resolve("/__sotay/events", "/"), Target::Events);
    }

    #[test]
    fn the_base_path_is_required_and_its_bare_form_redirects() {
        assert_eq!(resolve("/tt/", "/tt/"), file("index.html"));
        assert_eq!(resolve("/tt/a/", "/tt/"), file("a/index.html"));
        assert_eq!(resolve("/tt", "/tt/"), Target::Redirect("/tt/".into()));
        assert_eq!(
            resolve("/tt?q=a", "/tt/"),
            Target::Redirect("/tt/?q=a".into())
        );
        assert_eq!(resolve("/", "/tt/"), Target::Outside);
        assert_eq!(resolve("/ttx/a", "/tt/"), Target::Outside);
        assert_eq!(resolve("/tt/__sotay/events", "/tt/"), Target::Events);
    }

    #[test]
    fn climbing_out_and_hidden_encodings_are_refused() {
        for target in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2e%2e%2fetc%2fpasswd",
            "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
            "/..%2f..%2fetc%2fpasswd",
            "/%252e%252e%252fetc%252fpasswd",
            "/..\\..\\etc\\passwd",
            "/%5c..%5c..%5cetc%5cpasswd",
            "/index.html%00.css",
            "/a\0b",
            "//etc/passwd",
            "http://example.com/etc/passwd",
            "etc/passwd",
            "/%zz",
            "/%c3",
            "/%",
            "/./index.html",
        ] {
            assert!(
                matches!(resolve(target, "/"), Target::Refused(_)),
                "{target:?} was not refused: {:?}",
                resolve(target, "/")
            );
        }
        assert!(matches!(
            resolve("/tt/../etc/passwd", "/tt/"),
            Target::Refused(_)
        ));
    }
}
