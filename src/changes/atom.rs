//! The change log as an Atom feed (`thay-doi/atom.xml`, RFC 4287). Links are
//! absolute with `base_url`, else relative to the feed; ids are tag: URIs (RFC 4151),
//! which stay the same if the site moves.

use super::{ChangeLog, Entry};
use crate::model::config::Config;
use crate::model::keyword::Keyword;
use crate::model::site::Site;
use crate::render::html::escape;
use crate::theme::strings::Strings;
use crate::urls;

/// Entries in the feed: readers poll it, so it stays small.
const FEED_ENTRIES: usize = 50;

/// The feed. With no entry yet, its date is the newest record's `updated:`, so that
/// the same sources give the same site on any day (the offline copy's version is a
/// hash of every file).
pub fn feed(log: &ChangeLog, site: &Site, strings: &Strings) -> String {
    let config = site.config;
    let authority = authority(config);
    let quiet = site
        .records
        .iter()
        .filter_map(|r| r.updated)
        .max()
        .map_or_else(|| "2000-01-01".to_string(), |d| d.iso());
    let link = |path: &str| match &config.base_url {
        Some(base) => urls::canonical(base, path),
        // Relative to the feed, in thay-doi/.
        None => format!("../{path}"),
    };
    let updated = log
        .entries
        .first()
        .map_or(quiet.as_str(), |e| e.date.as_str());
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        config.language.key()
    ));
    xml.push_str(&format!(
        "<title>{} – {}</title>\n",
        escape(&config.title),
        escape(strings.get("changes.title"))
    ));
    xml.push_str(&format!(
        "<id>tag:{authority},2020:{}</id>\n<updated>{updated}T00:00:00Z</updated>\n",
        urls::CHANGES
    ));
    xml.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&link(&urls::list_page(urls::CHANGES, 1)))
    ));
    if config.base_url.is_some() {
        xml.push_str(&format!(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            escape(&link(&feed_path()))
        ));
    }
    xml.push_str(&format!(
        "<author><name>{}</name></author>\n",
        escape(&config.organisation.name)
    ));
    for entry in log.entries.iter().take(FEED_ENTRIES) {
        xml.push_str(&entry_xml(entry, &authority, strings, &link));
    }
    xml.push_str("</feed>\n");
    xml
}

fn entry_xml(
    entry: &Entry,
    authority: &str,
    strings: &Strings,
    link: &dyn Fn(&str) -> String,
) -> String {
    let kind = strings
        .get(&format!("changes.kind.{}", entry.kind))
        .to_string();
    let mut summary: Vec<String> = Vec::new();
    if let Some(note) = &entry.note {
        summary.push(note.clone());
    }
    summary.extend(entry.items.iter().cloned());
    if summary.is_empty() {
        summary.push(kind.clone());
    }
    let mut xml = String::from("<entry>\n");
    xml.push_str(&format!(
        "<title>{}: {} ({})</title>\n",
        escape(&kind),
        escape(&entry.title),
        escape(&entry.code)
    ));
    xml.push_str(&format!(
        "<id>tag:{authority},{}:{}/{}</id>\n<updated>{}T00:00:00Z</updated>\n",
        entry.date,
        urls::CHANGES,
        escape(&tag_specific(&entry.id)),
        entry.date
    ));
    if let Some(page) = &entry.page {
        xml.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&link(page))
        ));
    }
    xml.push_str(&format!(
        "<content type=\"text\">{}</content>\n</entry>\n",
        escape(&summary.join("\n"))
    ));
    xml
}

/// The naming authority of the tag: ids: the site's host, else the organisation's
/// mail domain, else a name that is no one's.
fn authority(config: &Config) -> String {
    let host = config.base_url.as_deref().and_then(|url| {
        let rest = url.split_once("://")?.1;
        let host = rest.split(['/', ':']).next()?;
        (!host.is_empty()).then(|| host.to_lowercase())
    });
    let mail = config
        .organisation
        .email
        .as_deref()
        .and_then(|e| e.rsplit_once('@'))
        .map(|(_, domain)| domain.to_lowercase());
    host.or(mail).unwrap_or_else(|| "sotay.invalid".into())
}

/// Only the characters a tag: URI allows (RFC 4151 `specific`).
fn tag_specific(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Where the feed is.
pub fn feed_path() -> String {
    format!("{}/atom.xml", urls::CHANGES)
}
