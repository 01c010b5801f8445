//! Where each page is written and how pages link to each other. Every link is
//! relative and names `index.html` explicitly, so the same output works at a domain
//! root, under any subfolder and opened from disk.

use crate::text::slugify;

pub const PROCEDURES: &str = "thu-tuc";
pub const FIELDS: &str = "linh-vuc";
pub const LEVELS: &str = "cap";
pub const AUDIENCES: &str = "doi-tuong";
pub const ONLINE: &str = "truc-tuyen";
pub const AGENCIES: &str = "co-quan";
pub const AZ: &str = "a-z";
pub const CODES: &str = "ma-thu-tuc";
pub const OFFICES: &str = "noi-nop";
pub const PAGES: &str = "trang";
pub const SEARCH: &str = "search";
/// What the service worker shows for a page not stored (`offline:` in sotay.yaml).
pub const OFFLINE: &str = "ngoai-tuyen";
/// Open data: the catalogue as JSON and CSV, and the page describing them.
pub const DATA: &str = "data";
/// Counts of the catalogue, drawn as charts.
pub const STATISTICS: &str = "thong-ke";
/// What changed for citizens, and its feed.
pub const CHANGES: &str = "thay-doi";
/// Every folder at the site's root: a 404 page served at any depth finds the root
/// as the part of the address before the first of them.
pub const SECTIONS: [&str; 15] = [
    PROCEDURES, FIELDS, LEVELS, AUDIENCES, ONLINE, AGENCIES, OFFICES, AZ, CODES, PAGES, SEARCH,
    OFFLINE, DATA, STATISTICS, CHANGES,
];

/// The page's address on the published site: `https://…/thu-tuc/x/`.
pub fn canonical(base_url: &str, path: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    format!("{}/{}", base_url.trim_end_matches('/'), path)
}

/// The page shown offline in place of a page not stored.
pub fn offline_page() -> String {
    format!("{OFFLINE}/index.html")
}

/// The printable notice of a procedure (niêm yết), beside its page.
pub fn notice(slug: &str) -> String {
    format!("{PROCEDURES}/{slug}/niem-yet/index.html")
}

/// The notice beside a procedure page at `page` (`thu-tuc/x/index.html`).
pub fn notice_beside(page: &str) -> String {
    let folder = page.strip_suffix("index.html").unwrap_or(page);
    format!("{folder}niem-yet/index.html")
}

/// The list of procedures handled at an office of `content/offices.yaml`.
pub fn office(id: &str) -> String {
    term_list(OFFICES, id)
}

/// The printable poster of the list at `dir` (a field, an office) on `paper`:
/// what an office pins on its board.
pub fn poster(dir: &str, paper: Paper) -> String {
    format!("{dir}/{}/index.html", paper.folder())
}

/// The sheets a poster is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    A3,
}

impl Paper {
    pub const ALL: [Paper; 2] = [Paper::A4, Paper::A3];

    fn folder(self) -> &'static str {
        match self {
            Paper::A4 => "niem-yet",
            Paper::A3 => "niem-yet-a3",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A3 => "A3",
        }
    }
}

/// A phone number as a `tel:` link wants it: digits and a leading +
/// ("0200 3 000 001" → "02003000001").
pub fn tel(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

/// The open data of one procedure, beside its page.
pub fn procedure_data(slug: &str) -> String {
    format!("{PROCEDURES}/{slug}/index.json")
}

/// The open data beside a procedure page at `page` (`thu-tuc/x/index.html`).
pub fn data_beside(page: &str) -> String {
    let folder = page.strip_suffix("index.html").unwrap_or(page);
    format!("{folder}index.json")
}

/// A file of the open data (`data/procedures.json`).
pub fn data_file(name: &str) -> String {
    format!("{DATA}/{name}")
}

pub fn procedure(slug: &str) -> String {
    format!("{PROCEDURES}/{slug}/index.html")
}

/// A free page of `content/pages/`.
pub fn free_page(slug: &str) -> String {
    format!("{PAGES}/{slug}/index.html")
}

/// Page `number` (1-based) of a paginated list at `dir`.
pub fn list_page(dir: &str, number: usize) -> String {
    if number <= 1 {
        format!("{dir}/index.html")
    } else {
        format!("{dir}/trang-{number}/index.html")
    }
}

/// First page of the list of `term` under `base` (`linh-vuc/ho-tich/index.html`).
pub fn term_list(base: &str, term: &str) -> String {
    list_page(&format!("{base}/{}", term_slug(term)), 1)
}

/// A slug for a taxonomy term, kept short enough for file systems.
pub fn term_slug(name: &str) -> String {
    let slug = slugify(name);
    let mut cut = slug.len().min(80);
    while !slug.is_char_boundary(cut) {
        cut -= 1;
    }
    let slug = slug[..cut].trim_end_matches('-').to_string();
    if slug.is_empty() { "khac".into() } else { slug }
}

/// The prefix that leads from the page at `path` back to the site root: `../../`.
pub fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Percent-encodes a relative file path for use in an `href` (spaces, Vietnamese letters).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Why a percent-encoded path cannot be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PercentError {
    CutShort,
    NotHex,
    NotUtf8,
}

impl PercentError {
    pub fn reason(self) -> &'static str {
        match self {
            PercentError::CutShort => "a `%` escape is cut short",
            PercentError::NotHex => "a `%` escape is not hexadecimal",
            PercentError::NotUtf8 => "the address is not UTF-8",
        }
    }
}

/// The inverse of [`encode_path`]: `%XX` escapes to bytes, which must be UTF-8. The
/// one decoder for links checked at build time and addresses the preview serves.
pub fn percent_decode(raw: &str) -> Result<String, PercentError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let [high, low] = bytes
                .get(i + 1..i + 3)
                .ok_or(PercentError::CutShort)?
                .try_into()
                .map_err(|_| PercentError::CutShort)?;
            let digit = |b: u8| (b as char).to_digit(16).ok_or(PercentError::NotHex);
            out.push((digit(high)? * 16 + digit(low)?) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PercentError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_roots() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("thu-tuc/dang-ky/index.html"), "../../");
    }

    #[test]
    fn encoding_round_trips() {
        let path = "forms/Mẫu số 01.docx";
        assert_eq!(
            encode_path(path),
            "forms/M%E1%BA%ABu%20s%E1%BB%91%2001.docx"
        );
        assert_eq!(percent_decode(&encode_path(path)).unwrap(), path);
        // Malformed escapes are refused, never guessed (`%+5` is not hexadecimal,
        // and a `%` inside a Vietnamese letter must not panic).
        assert_eq!(percent_decode("a%+5"), Err(PercentError::NotHex));
        assert_eq!(percent_decode("a%é"), Err(PercentError::NotHex));
        assert_eq!(percent_decode("a%4"), Err(PercentError::CutShort));
        assert_eq!(percent_decode("%ff"), Err(PercentError::NotUtf8));
    }

    #[test]
    fn term_slugs_are_bounded() {
        assert_eq!(term_slug("Hộ tịch"), "ho-tich");
        assert!(term_slug(&"Ủy ban nhân dân ".repeat(20)).len() <= 80);
        assert_eq!(term_slug("..."), "khac");
    }
}
