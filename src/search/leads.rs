//! The lead files: for a title word found in few titles (or a pair of words found in
//! many), the display data of every record with it in the title, so a query's
//! rarest word shows its results in one request.

use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::prelude::*;

use super::synonyms::Table;
use super::{Entry, LEAD_ROWS, LEADS, Put, encode, json, script, terms};
use crate::assemble::{File, OutputFile};
use crate::model::record::Record;
use crate::urls;

/// Every key's title postings in key order, from some key on: the sorted keys of a
/// whole build, or the preview's map ([`super::Live`]).
pub(super) trait Titles: Sync {
    fn from<'s>(&'s self, key: &str) -> Box<dyn Iterator<Item = (&'s str, &'s Entry)> + 's>;
}

pub(super) struct Sorted<'k>(pub(super) &'k [(String, Entry, String)]);

impl Titles for Sorted<'_> {
    fn from<'s>(&'s self, key: &str) -> Box<dyn Iterator<Item = (&'s str, &'s Entry)> + 's> {
        let start = self.0.partition_point(|(k, _, _)| k.as_str() < key);
        Box::new(self.0[start..].iter().map(|(k, e, _)| (k.as_str(), e)))
    }
}

/// Which words and pairs have a lead file.
pub(super) struct Leads {
    /// By `vocab` word: its [`lead_digit`], and whether it has a file.
    pub(super) words: Vec<(char, bool)>,
    /// Title pairs ("khai sinh") with a file.
    pub(super) pairs: Vec<String>,
}

/// The lead files of a whole index, as [`Put`] gave them.
pub(super) struct LeadFiles {
    /// By `vocab` word: its [`lead_digit`] and file.
    pub(super) words: Vec<(char, Option<(String, File)>)>,
    pub(super) pairs: Vec<(String, (String, File))>,
}

impl LeadFiles {
    pub(super) fn files(self) -> impl Iterator<Item = (String, File)> {
        let words = self.words.into_iter().filter_map(|(_, file)| file);
        words.chain(self.pairs.into_iter().map(|(_, file)| file))
    }
}

/// What the lead files are made from.
///
/// A word's lead file `w/<word>` lists every record with a title word that begins
/// with it: the last word of a query may still be being typed ("hon" may end as
/// "hông"), and its completions must be there too. A pair's file `w/<first>-<second>`
/// lists every record whose title has the first word followed by a word that begins
/// with the second: the results with the query's words as a phrase, for queries made
/// only of words in many titles (so only pairs of such words have one). Files are
/// named by their words, not by place in `vocab`, so a new word renames none.
///
/// Each file is `{"r": [[id, …display row…, everyday names?], …]}` in id order; the
/// everyday names (each a list of index keys) are those the title's wording stands
/// for, which count as title words. Files of more than [`LEAD_ROWS`] records are not
/// written.
pub(super) struct Lead<'a> {
    titles: &'a dyn Titles,
    /// By id.
    records: &'a [&'a Record],
    rows: &'a [String],
    synonyms: &'a Table,
    /// Each record's line, by id, made once: a record is in the file of every word
    /// and pair its title begins, and finding its everyday names for each was a
    /// third of making the index.
    lines: Vec<OnceLock<String>>,
}

impl<'a> Lead<'a> {
    pub(super) fn new(
        titles: &'a dyn Titles,
        records: &'a [&'a Record],
        rows: &'a [String],
        synonyms: &'a Table,
    ) -> Lead<'a> {
        Lead {
            titles,
            records,
            rows,
            synonyms,
            lines: records.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    pub(super) fn all(
        &self,
        vocab: &[&str],
        pairs: &[&str],
        stopped: &(dyn Fn() -> bool + Sync),
        put: Put,
    ) -> LeadFiles {
        let words: Vec<(char, Option<(String, File)>)> = vocab
            .par_iter()
            .map(|word| {
                // What a stopped build makes is thrown away.
                if stopped() {
                    return ('0', None);
                }
                let (digit, file) = self.word(word);
                (digit, file.map(put))
            })
            .collect();
        let with_file: HashMap<&str, bool> = vocab
            .iter()
            .zip(&words)
            .map(|(word, (_, file))| (*word, file.is_some()))
            .collect();
        let pairs = pairs
            .par_iter()
            .filter_map(|pair| {
                let (first, second) = pair.split_once(' ')?;
                // The browser fetches a pair's file only when neither word has one.
                if stopped() || *with_file.get(first)? || *with_file.get(second)? {
                    return None;
                }
                Some((pair.to_string(), put(self.pair(pair)?)))
            })
            .collect();
        LeadFiles { words, pairs }
    }

    /// A word's digit and file.
    pub(super) fn word(&self, word: &str) -> (char, Option<OutputFile>) {
        let ids = titles_beginning(self.titles, word, false);
        match (ids, lead_name(word)) {
            (Ok(ids), Some(name)) => (lead_digit(ids.len(), true), Some(self.file(&name, &ids))),
            (Ok(_), None) => (lead_digit(exact_titles(self.titles, word), false), None),
            (Err(many), _) => (lead_digit(many, false), None),
        }
    }

    /// A pair's file, if it has one.
    pub(super) fn pair(&self, pair: &str) -> Option<OutputFile> {
        let (first, second) = pair.split_once(' ')?;
        let name = format!("{}-{}", lead_name(first)?, lead_name(second)?);
        let ids = titles_beginning(self.titles, pair, true).ok()?;
        Some(self.file(&name, &ids))
    }

    fn file(&self, name: &str, ids: &[u32]) -> OutputFile {
        let lines: Vec<&str> = ids.iter().map(|&id| self.line(id)).collect();
        script(
            &format!("{LEADS}/{name}"),
            &format!("{{\"r\":[{}]}}", lines.join(",")),
        )
    }

    /// The record's entry in a lead file: its id, display row and everyday names.
    fn line(&self, id: u32) -> &str {
        self.lines[id as usize].get_or_init(|| {
            let row = &self.rows[id as usize];
            let inner = &row[1..row.len() - 1];
            let aliases = terms::title_aliases(self.records[id as usize], self.synonyms);
            if aliases.is_empty() {
                format!("[{id},{inner}]")
            } else {
                format!("[{id},{inner},{}]", json(&aliases))
            }
        })
    }
}

/// The file name of a word's lead file: the word, when it is ASCII letters (every
/// folded Vietnamese word is) short enough for any file system; with a `-` after it
/// when Windows keeps the name for a device. search.js has the same rule.
fn lead_name(word: &str) -> Option<String> {
    if word.is_empty() || word.len() > 40 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let device = ["con", "prn", "aux", "nul"].contains(&word);
    Some(if device {
        format!("{word}-")
    } else {
        word.to_string()
    })
}

/// The path of a lead file, from a word ("hon") or pair ("khai sinh") with one.
pub(super) fn lead_path(key: &str) -> Option<String> {
    let name = match key.split_once(' ') {
        Some((first, second)) => format!("{}-{}", lead_name(first)?, lead_name(second)?),
        None => lead_name(key)?,
    };
    Some(format!("{}/{LEADS}/{name}.js", urls::SEARCH))
}

/// A word's [`super::Manifest::lead`] digit: the bit length of the number of titles
/// (1–9) when it has a lead file; otherwise 10 + the bit length of the number of
/// titles with the word itself (0 for none), for choosing the rarest pair.
fn lead_digit(titles: usize, has_file: bool) -> char {
    let bits = (usize::BITS - titles.leading_zeros()) as usize;
    encode::digit(if has_file { bits } else { 10 + bits })
}

/// The records with a title word (or everyday name) that begins with `prefix`, or
/// with a title pair that does (`pairs`), sorted. Err(the number of titles with
/// exactly `prefix`) when there are none or more than [`LEAD_ROWS`].
fn titles_beginning(titles: &dyn Titles, prefix: &str, pairs: bool) -> Result<Vec<u32>, usize> {
    let mut ids = Vec::new();
    for (key, entry) in titles
        .from(prefix)
        .take_while(|(key, _)| key.starts_with(prefix))
    {
        // Pairs ("khai sinh") begin with their first word; a pair's second word
        // never has a space.
        if key[prefix.len()..].contains(' ') || key.contains(' ') != pairs {
            continue;
        }
        ids.extend(entry.title.iter().map(|(_, id)| *id));
        if ids.len() > LEAD_ROWS {
            ids.sort_unstable();
            ids.dedup();
            if ids.len() > LEAD_ROWS {
                return Err(exact_titles(titles, prefix));
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() { Err(0) } else { Ok(ids) }
}

/// The number of titles with exactly `word`.
fn exact_titles(titles: &dyn Titles, word: &str) -> usize {
    let Some((key, entry)) = titles.from(word).next() else {
        return 0;
    };
    if key != word {
        return 0;
    }
    let mut ids: Vec<u32> = entry.title.iter().map(|(_, id)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}
