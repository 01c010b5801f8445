//! The assembled site in memory, and a copy of it being changed that says which
//! files differ when it is done.

use std::sync::Arc;

use super::OutputFile;
use crate::fast_hash::FastMap;

/// The built site: path relative to the output folder → content. Shared keys and
/// contents make copying it for the next version cheap. `Arc<Vec<u8>>`, not
/// `Arc<[u8]>`: a rendered page moves in without a copy (copying every page made the
/// heap hold the site twice at 10,000 records).
pub type Files = FastMap<Arc<str>, Arc<Vec<u8>>>;

/// A copy of the site's files being changed; `finish` says which paths differ.
pub(super) struct Update<'a> {
    old: Option<&'a Files>,
    new: Files,
}

impl<'a> Update<'a> {
    /// `old` changed in place.
    pub fn new(old: &'a Files) -> Self {
        Update {
            old: Some(old),
            new: old.clone(),
        }
    }

    /// A site made anew, compared with `old` if there is one.
    pub fn starting_empty(old: Option<&'a Files>) -> Self {
        Update {
            old,
            new: Files::default(),
        }
    }

    pub fn remove(&mut self, path: &str) {
        self.new.remove(path);
    }

    pub fn insert(&mut self, file: OutputFile) {
        self.new.insert(file.path.into(), Arc::new(file.bytes));
    }

    pub fn insert_all(&mut self, files: impl IntoIterator<Item = OutputFile>) {
        for file in files {
            self.insert(file);
        }
    }

    pub fn contains(&self, path: &str) -> bool {
        self.new.contains_key(path)
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.new.get(path).map(|b| b.as_slice())
    }

    /// Every path of the new site.
    pub fn paths(&self) -> Vec<String> {
        self.new.keys().map(|p| p.to_string()).collect()
    }

    pub fn finish(self) -> (Files, Vec<String>) {
        let empty = Files::default();
        let old = self.old.unwrap_or(&empty);
        let mut changed: Vec<String> = self
            .new
            .iter()
            .filter(|(path, bytes)| {
                old.get(*path)
                    .is_none_or(|old| !Arc::ptr_eq(old, bytes) && old != *bytes)
            })
            .map(|(path, _)| path.to_string())
            .collect();
        changed.extend(
            old.keys()
                .filter(|p| !self.new.contains_key(*p))
                .map(|p| p.to_string()),
        );
        changed.sort();
        (self.new, changed)
    }
}
