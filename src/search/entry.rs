//! A key's postings: where a word, title pair or code is found, record by record,
//! and what the index file says of it.

use std::collections::BTreeMap;

use super::{encode, json};

/// A key's postings while the index is built.
#[derive(Default)]
pub(super) struct Entry {
    /// Title postings with the word as written ("" for pairs).
    pub(super) title: Vec<(String, u32)>,
    /// Field, documents and body postings.
    pub(super) other: [Vec<u32>; 3],
    pub(super) code: Option<u32>,
}

impl Entry {
    pub(super) fn merge(&mut self, other: Entry) {
        self.title.extend(other.title);
        for (mine, theirs) in self.other.iter_mut().zip(other.other) {
            mine.extend(theirs);
        }
        self.code = self.code.or(other.code);
    }

    /// Sorts each posting list, titles by id then form, and drops repeats: the
    /// order a kept index ([`super::Live`]) holds its entries in, to find one
    /// record's postings by binary search. Editing a record walked every list of
    /// its keys three times, 10,000 ids for a common word: a third of an update.
    pub(super) fn sort(&mut self) {
        self.title
            .sort_unstable_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        self.title.dedup();
        for ids in &mut self.other {
            ids.sort_unstable();
            ids.dedup();
        }
    }

    /// Whether every list is as [`Entry::sort`] leaves it.
    pub(super) fn is_sorted(&self) -> bool {
        let titles = |w: &[(String, u32)]| (w[0].1, &w[0].0) < (w[1].1, &w[1].0);
        self.title.windows(2).all(titles)
            && self
                .other
                .iter()
                .all(|ids| ids.windows(2).all(|w| w[0] < w[1]))
    }

    /// Where `id`'s title postings are in a sorted entry.
    fn titles_of(&self, id: u32) -> std::ops::Range<usize> {
        let start = self.title.partition_point(|(_, i)| *i < id);
        start..start + self.title[start..].partition_point(|(_, i)| *i == id)
    }

    /// Adds `other`'s postings to a sorted entry, each in its place.
    pub(super) fn insert(&mut self, other: Entry) {
        for posting in other.title {
            let place = self
                .title
                .binary_search_by(|p| (p.1, &p.0).cmp(&(posting.1, &posting.0)));
            if let Err(at) = place {
                self.title.insert(at, posting);
            }
        }
        for (mine, theirs) in self.other.iter_mut().zip(other.other) {
            for id in theirs {
                if let Err(at) = mine.binary_search(&id) {
                    mine.insert(at, id);
                }
            }
        }
        self.code = self.code.or(other.code);
    }

    /// Takes `id` out of every posting list of a sorted entry.
    pub(super) fn remove(&mut self, id: u32) {
        self.title.drain(self.titles_of(id));
        for ids in &mut self.other {
            if let Ok(at) = ids.binary_search(&id) {
                ids.remove(at);
            }
        }
        if self.code == Some(id) {
            self.code = None;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.title.is_empty() && self.other.iter().all(Vec::is_empty) && self.code.is_none()
    }

    /// Whether a sorted entry lists `id` in a title.
    pub(super) fn in_title(&self, id: u32) -> bool {
        !self.titles_of(id).is_empty()
    }

    /// Where a sorted entry lists `id`: an edit that lists a record where it was
    /// changes nothing of the entry.
    pub(super) fn membership(&self, id: u32) -> Membership {
        // Sorted by form, each once.
        let title = self.title[self.titles_of(id)].iter();
        Membership {
            title: title.map(|(form, _)| form.clone()).collect(),
            other: self
                .other
                .each_ref()
                .map(|ids| ids.binary_search(&id).is_ok()),
            code: self.code == Some(id),
        }
    }

    /// `rows`: the display rows by id. A code's entry carries its record's row, so
    /// a code shows its procedure after one request.
    pub(super) fn json(&self, total: usize, rows: &[String]) -> String {
        if let Some(id) = self.code {
            return format!("{{\"c\":{id},\"r\":{}}}", rows[id as usize]);
        }
        let mut parts = Vec::new();
        if !self.title.is_empty() {
            let mut forms: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
            for (form, id) in &self.title {
                forms.entry(form).or_default().push(*id);
            }
            if !(forms.len() == 1 && forms.contains_key("")) {
                parts.push(format!("\"v\":{}", json(&forms.keys().collect::<Vec<_>>())));
            }
            let lists: Vec<String> = forms
                .values_mut()
                .map(|ids| {
                    ids.sort_unstable();
                    ids.dedup();
                    encode::postings(ids, total)
                })
                .collect();
            parts.push(format!("\"t\":[{}]", lists.join(",")));
        }
        // A record is listed once per key, under the best class it has: "Đất" in a
        // title and "đất" in the body fold alike.
        let mut seen: Vec<u32> = self.title.iter().map(|(_, id)| *id).collect();
        seen.sort_unstable();
        for (name, ids) in ["f", "d", "b"].iter().zip(&self.other) {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            ids.retain(|id| seen.binary_search(id).is_err());
            if !ids.is_empty() {
                parts.push(format!("\"{name}\":{}", encode::postings(&ids, total)));
                seen.extend_from_slice(&ids);
                seen.sort_unstable();
            }
        }
        format!("{{{}}}", parts.join(","))
    }
}

/// Where an [`Entry`] lists one record.
#[derive(PartialEq, Eq)]
pub(super) struct Membership {
    /// The title forms it is listed under.
    pub(super) title: Vec<String>,
    other: [bool; 3],
    pub(super) code: bool,
}

/// What a key adds to an index file: `"key":{…}`.
pub(super) fn encoded(key: &str, entry: &Entry, total: usize, rows: &[String]) -> String {
    format!("{}:{}", json(key), entry.json(total, rows))
}
