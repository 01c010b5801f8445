//! The changes page (`thay-doi/`): what changed for citizens, newest first, grouped
//! by date.

use serde::Serialize;

use super::{Page, PageData, Views};
use crate::changes::{ChangeLog, Entry};
use crate::model::record::Date;
use crate::urls;

/// Entries on the page; the log keeps them all.
const SHOWN: usize = 300;

#[derive(Debug, PartialEq, Serialize)]
pub struct ChangesView {
    pub days: Vec<Day>,
    /// Says how many older entries only the log file holds.
    pub more: Option<String>,
    pub feed: String,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Day {
    /// As Vietnamese documents write it: 02/12/2026.
    pub date: String,
    pub iso: String,
    pub entries: Vec<ShownEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownEntry {
    pub title: String,
    pub code: String,
    pub url: Option<String>,
    pub kind: String,
    pub kind_label: String,
    pub items: Vec<String>,
    pub note: Option<String>,
    /// 02/12/2026.
    pub date: String,
}

impl Views<'_> {
    pub(super) fn shown_entry(&self, entry: &Entry) -> ShownEntry {
        ShownEntry {
            title: entry.title.clone(),
            code: entry.code.clone(),
            url: entry.page.clone(),
            kind: entry.kind.clone(),
            kind_label: self
                .strings
                .get(&format!("changes.kind.{}", entry.kind))
                .to_string(),
            items: entry.items.clone(),
            note: entry.note.clone(),
            date: display(&entry.date),
        }
    }

    pub(super) fn changes_page(&self, log: &ChangeLog) -> Page {
        let mut days: Vec<Day> = Vec::new();
        for entry in log.entries.iter().take(SHOWN) {
            let shown = self.shown_entry(entry);
            match days.last_mut() {
                Some(day) if day.iso == entry.date => day.entries.push(shown),
                _ => days.push(Day {
                    date: display(&entry.date),
                    iso: entry.date.clone(),
                    entries: vec![shown],
                }),
            }
        }
        let title = self.strings.get("changes.title").to_string();
        Page {
            path: urls::list_page(urls::CHANGES, 1),
            template: "changes.html",
            title,
            breadcrumbs: vec![self.home_crumb()],
            data: PageData::Changes(ChangesView {
                days,
                more: (log.entries.len() > SHOWN).then(|| {
                    self.strings
                        .get("changes.more")
                        .replace("{count}", &(log.entries.len() - SHOWN).to_string())
                }),
                feed: crate::changes::atom::feed_path(),
            }),
            in_sitemap: true,
        }
    }
}

fn display(iso: &str) -> String {
    Date::parse(iso).map_or_else(|| iso.to_string(), |d| d.to_string())
}
