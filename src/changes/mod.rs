//! What changed for citizens between builds: new and removed procedures and, for the
//! others, each citizen-facing field that changed, in words ("Phí, lệ phí: 8.000
//! đồng → Miễn phí"). Wording alone (spacing, punctuation) is not announced.
//!
//! The last build's open data (`data/procedures.json` in the output folder) is the
//! manifest compared against, and the log so far (`thay-doi/changes.json`) is carried
//! from build to build. `sotay changes --since <ref>` compares with the records at a
//! git revision instead, for a fresh checkout that has no previous output.

pub mod atom;
mod describe;
pub mod git;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use xxhash_rust::xxh3::xxh3_128;

pub use atom::feed;
pub use describe::{describe, wording};

use crate::fast_hash::{FastMap, FastSet};
use crate::model::record::Date;
use crate::note_bytes::{Reader, Writer};
use crate::open_data::DataRecord;
use crate::sources::cache::{CACHE_DIR, this_binary, unseal, write_note};
use crate::theme::strings::Strings;
use crate::urls;

/// The layout of `thay-doi/changes.json`.
pub const FORMAT: u32 = 1;

/// One procedure's change on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Unique within its date: the code, and which change of the day it is after
    /// the first. The feed's entry id is made of the two.
    pub id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub code: String,
    pub title: String,
    /// `thu-tuc/x/index.html`; none for a procedure removed.
    pub page: Option<String>,
    /// `new`, `removed` or `changed`.
    pub kind: String,
    /// The fields that changed, in words.
    pub items: Vec<String>,
    /// The record's `change_note:`, when it is new with this change.
    pub note: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Log {
    format: u32,
    entries: Vec<Entry>,
}

/// What the last build published, to compare the records with.
#[derive(Debug, Default)]
pub struct History {
    baseline: Option<Baseline>,
    /// Newest first.
    log: Vec<Entry>,
}

/// The procedures as last published, each left as its JSON text and parsed only
/// when the record now serialises differently: most are as they were, and parsing
/// the whole catalogue of 10,000 records took a twentieth of a rebuild.
#[derive(Debug)]
struct Baseline {
    json: Json,
    /// Where each procedure is in `json`, by code (compared by its lower case).
    by_code: HashMap<String, Range<usize>>,
    /// The hash of each procedure's JSON.
    published: FastSet<u128>,
    /// Where each procedure is and the hash of its JSON, by the key of what its open
    /// data was made from ([`crate::open_data::keys`]), when the build that wrote the
    /// catalogue noted them.
    made_from: FastMap<u128, (Range<usize>, u128)>,
}

/// The last catalogue: read whole, or left in the output and read where a
/// procedure is needed, when the build that wrote it noted where each one is.
#[derive(Debug)]
enum Json {
    Read(Vec<u8>),
    Noted(PathBuf),
}

impl Baseline {
    /// The procedures of a catalogue, when it is one: every procedure an object
    /// with a code.
    fn read(json: Vec<u8>) -> Option<Baseline> {
        #[derive(Deserialize)]
        struct Catalogue<'a> {
            #[serde(borrow)]
            procedures: Vec<&'a RawValue>,
        }
        // Checked as text once; the procedures are only found, not parsed.
        let text = crate::text::utf8(&json)?;
        let catalogue: Catalogue = serde_json::from_str(text).ok()?;
        let found: Vec<(String, Range<usize>)> = catalogue
            .procedures
            .par_iter()
            .map(|raw| {
                let procedure = raw.get();
                let code = code_of(procedure)?;
                let at = procedure.as_ptr() as usize - text.as_ptr() as usize;
                Some((code.to_lowercase(), at..at + procedure.len()))
            })
            .collect::<Option<_>>()?;
        Some(Baseline::of(json, found))
    }

    /// The procedures of `records`, as a build would publish them.
    fn serialising(records: &[DataRecord]) -> Baseline {
        let mut json = Vec::new();
        let mut found = Vec::with_capacity(records.len());
        for record in records {
            let at = json.len();
            serde_json::to_writer(&mut json, record).expect("data records serialise");
            found.push((record.code.to_lowercase(), at..json.len()));
        }
        Baseline::of(json, found)
    }

    fn of(json: Vec<u8>, found: Vec<(String, Range<usize>)>) -> Baseline {
        let published = found
            .par_iter()
            .map(|(_, range)| hash(&json[range.clone()]))
            .collect();
        Baseline {
            by_code: found.into_iter().collect(),
            published,
            made_from: FastMap::default(),
            json: Json::Read(json),
        }
    }

    /// The catalogue at `path` as `note` says the build that wrote it found it,
    /// when the file is still as that build left it.
    fn noted(path: PathBuf, note: &[u8]) -> Option<Baseline> {
        let mut note = Reader(note);
        let stamp = (note.u128()?, u64::try_from(note.u128()?).ok()?);
        if crate::unchanged::stamp(&path) != Some(stamp) {
            return None;
        }
        let count = note.len()?;
        let keyed = note.len()? == 1;
        let mut by_code = HashMap::with_capacity(count);
        let mut published = FastSet::default();
        let mut made_from = FastMap::default();
        for _ in 0..count {
            let hash = note.u128()?;
            published.insert(hash);
            let range = note.len()?..note.len()?;
            by_code.insert(note.text()?.to_string(), range.clone());
            if keyed {
                made_from.insert(note.u128()?, (range, hash));
            }
        }
        Some(Baseline {
            json: Json::Noted(path),
            by_code,
            published,
            made_from,
        })
    }

    /// The procedure published with `code` (lower case); none when it was not, or
    /// cannot be read as this version publishes it (then it is not compared).
    fn procedure(&self, code: &str) -> Option<serde_json::Result<DataRecord>> {
        let range = self.by_code.get(code)?.clone();
        Some(match &self.json {
            Json::Read(json) => serde_json::from_slice(json.get(range)?),
            Json::Noted(path) => read_range(path, range)
                .map_err(serde_json::Error::io)
                .and_then(|json| serde_json::from_slice(&json)),
        })
    }

    /// Whether a procedure whose JSON hashes to `hash` ([`hash`]) was published
    /// exactly so.
    fn holds(&self, hash: u128) -> bool {
        self.published.contains(&hash)
    }
}

/// The hash of a record's JSON, as the log compares it with the last catalogue
/// and [`Published`] notes it.
pub fn hash(json: &[u8]) -> u128 {
    xxh3_128(json)
}

/// The bytes of `file` in `range`.
fn read_range(file: &Path, range: Range<usize>) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(file)?;
    file.seek(SeekFrom::Start(range.start as u64))?;
    let mut bytes = vec![0; range.len()];
    file.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// Where each procedure is in the catalogue a build wrote, and the hash of its
/// JSON: noted in the cache folder for the next build, which then reads only the
/// procedures that changed instead of parsing the 60 MB catalogue of 10,000.
pub struct Published {
    /// Each procedure's code (lower case), place in the catalogue and hash.
    procedures: Vec<(String, Range<usize>, u128)>,
    /// The key of what each one's open data was made from, when they are known.
    keys: Option<Vec<u128>>,
}

impl Published {
    /// `codes`: each record's code; `at`: where its JSON is in the catalogue;
    /// `hashes`: its [`hash`]; `keys`: what it was made from.
    pub fn of<'a>(
        codes: impl Iterator<Item = &'a str>,
        hashes: &[u128],
        keys: Option<Vec<u128>>,
        at: Vec<Range<usize>>,
    ) -> Published {
        let procedures = codes
            .zip(hashes)
            .zip(at)
            .map(|((code, hash), at)| (code.to_lowercase(), at, *hash))
            .collect();
        Published { procedures, keys }
    }

    /// Notes where the procedures are in the catalogue written in the handbook at
    /// `root`, whose metadata as written are `written`.
    pub fn note(&self, root: &Path, written: &std::fs::Metadata) -> std::io::Result<()> {
        let Some((stamp, len)) = crate::unchanged::stamp_of(written) else {
            return Ok(());
        };
        let mut body = Writer(Vec::with_capacity(self.procedures.len() * 64));
        body.u128(stamp);
        body.u128(len.into());
        body.len(self.procedures.len());
        let keys = self
            .keys
            .as_deref()
            .filter(|keys| keys.len() == self.procedures.len());
        body.len(usize::from(keys.is_some()));
        for (at, (code, range, hash)) in self.procedures.iter().enumerate() {
            body.u128(*hash);
            body.len(range.start);
            body.len(range.end);
            body.text(code);
            if let Some(keys) = keys {
                body.u128(keys[at]);
            }
        }
        write_note(root, NOTE, NOTE_MAGIC, &body.0)
    }
}

/// A record as a build publishes it, to compare with the last catalogue.
pub struct Now<'a> {
    pub code: &'a str,
    /// Its open data; none when its JSON was taken from the last catalogue
    /// ([`History::published_json`]): then it is as published.
    pub data: Option<&'a DataRecord>,
}

impl<'a> Now<'a> {
    /// A record whose open data was made.
    pub fn made(data: &'a DataRecord) -> Now<'a> {
        Now {
            code: &data.code,
            data: Some(data),
        }
    }
}

/// What [`History::published_json`] found: the last catalogue, and for each record
/// where its JSON is in it and its hash, when it is the one the record makes.
pub struct PublishedJson {
    bytes: Vec<u8>,
    each: Vec<Option<(Range<usize>, u128)>>,
}

impl PublishedJson {
    /// The JSON of the record at `at` in the records, and its hash.
    pub fn get(&self, at: usize) -> Option<(&[u8], u128)> {
        let (range, hash) = self.each.get(at)?.as_ref()?;
        Some((&self.bytes[range.clone()], *hash))
    }
}

/// The note [`Published`] leaves in the cache folder.
const NOTE: &str = "catalogue";
const NOTE_MAGIC: &[u8] = b"sotay catalogue 2\n";

/// The code of a procedure's JSON. Read where sotay writes it, first, without
/// parsing the rest: parsing 10,000 procedures whole to find their codes was
/// most of reading the last catalogue.
fn code_of(procedure: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Code {
        code: String,
    }
    let first = procedure
        .strip_prefix("{\"code\":")
        .and_then(|rest| serde_json::Deserializer::from_str(rest).into_iter().next())
        .and_then(Result::ok);
    first.or_else(|| Some(serde_json::from_str::<Code>(procedure).ok()?.code))
}

impl History {
    /// The history kept in the output folder of the last build; empty when there is
    /// none, or when its files are not ones this version reads. `noted_in`: the
    /// handbook whose cache folder may note where each procedure is in it.
    pub fn read(output: &Path, noted_in: Option<&Path>) -> History {
        let catalogue = output.join(urls::data_file("procedures.json"));
        let noted = noted_in
            .and_then(|root| std::fs::read(root.join(CACHE_DIR).join(NOTE)).ok())
            .and_then(|note| {
                Baseline::noted(
                    catalogue.clone(),
                    unseal(&note, NOTE_MAGIC, &this_binary())?,
                )
            });
        let baseline = noted.or_else(|| std::fs::read(&catalogue).ok().and_then(Baseline::read));
        let log = std::fs::read(output.join(log_path()))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Log>(&bytes).ok())
            .filter(|log| log.format == FORMAT)
            .map(|log| log.entries)
            .unwrap_or_default();
        History { baseline, log }
    }

    /// Compares with `procedures` instead of the last build's (`changes --since`).
    pub fn compare_with(&mut self, procedures: Vec<DataRecord>) {
        self.baseline = Some(Baseline::serialising(&procedures));
    }

    /// The log with today's changes first: nothing new when there is nothing to
    /// compare with (a first build).
    pub fn updated(
        &self,
        current: &[Now],
        hashes: &[u128],
        today: Date,
        strings: &Strings,
    ) -> ChangeLog {
        self.log(current, Some(hashes), today, strings, None)
    }

    /// The JSON the last catalogue holds for each record whose open data is made
    /// from the same as when that catalogue was written (`keys`, one per record,
    /// [`crate::open_data::keys`]): the same JSON, which need not be made again. Each
    /// is read from the catalogue and taken only when it still hashes as noted.
    /// None when no record's is there.
    pub fn published_json(&self, keys: &[u128]) -> Option<PublishedJson> {
        let baseline = self.baseline.as_ref()?;
        let Json::Noted(path) = &baseline.json else {
            return None;
        };
        let noted: Vec<Option<&(Range<usize>, u128)>> =
            keys.iter().map(|key| baseline.made_from.get(key)).collect();
        if noted.iter().all(Option::is_none) {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let each = noted
            .par_iter()
            .map(|noted| {
                let (range, hash) = (*noted)?;
                let json = bytes.get(range.clone())?;
                (self::hash(json) == *hash).then(|| (range.clone(), *hash))
            })
            .collect();
        Some(PublishedJson { bytes, each })
    }

    /// [`History::updated`], when `since` is `(last, edited)`: `last` the log made
    /// before the records with `edited` codes (lower case, as they were and are)
    /// changed. The other records' entries are taken from it (made again for today):
    /// comparing every record with its last published state was most of the
    /// preview's work after a save.
    pub fn updated_after(
        &self,
        current: &[Arc<DataRecord>],
        today: Date,
        strings: &Strings,
        since: Option<(&ChangeLog, &HashSet<String>)>,
    ) -> ChangeLog {
        let current: Vec<Now> = current.iter().map(|data| Now::made(data)).collect();
        self.log(&current, None, today, strings, since)
    }

    /// The log: `hashes`, when given, holds the [`hash`] of the current records'
    /// JSON, and one published exactly so is not compared further.
    fn log(
        &self,
        current: &[Now],
        hashes: Option<&[u128]>,
        today: Date,
        strings: &Strings,
        since: Option<(&ChangeLog, &HashSet<String>)>,
    ) -> ChangeLog {
        let Some(baseline) = &self.baseline else {
            return ChangeLog::new(self.log.clone());
        };
        let date = today.iso();
        let last: Option<(HashMap<String, &Entry>, &HashSet<String>)> =
            since.map(|(log, edited)| {
                let entries = log
                    .fresh()
                    .iter()
                    .filter(|e| e.kind != "removed")
                    .map(|e| (e.code.to_lowercase(), e))
                    .collect();
                (entries, edited)
            });
        // In parallel, in the records' order.
        let mut fresh: Vec<Entry> = current
            .par_iter()
            .enumerate()
            .filter_map(|(at, now)| {
                let code = now.code.to_lowercase();
                match &last {
                    Some((entries, edited)) if !edited.contains(&code) => {
                        entries.get(&code).map(|entry| Entry {
                            date: date.clone(),
                            ..(*entry).clone()
                        })
                    }
                    _ if hashes.is_some_and(|all| baseline.holds(all[at])) => None,
                    // A record without data had its JSON taken from the baseline,
                    // so it is held: never here.
                    _ => match (now.data?, baseline.procedure(&code)) {
                        (now, None) => compared(None, now, &date, strings),
                        (now, Some(Ok(before))) => compared(Some(&before), now, &date, strings),
                        // Published in a form this version does not read.
                        (_, Some(Err(_))) => None,
                    },
                }
            })
            .collect();
        let seen: HashSet<String> = current.iter().map(|now| now.code.to_lowercase()).collect();
        let mut removed: Vec<DataRecord> = baseline
            .by_code
            .keys()
            .filter(|code| !seen.contains(*code))
            .filter_map(|code| baseline.procedure(code)?.ok())
            .collect();
        removed.sort_by(|a, b| a.code.cmp(&b.code));
        for before in removed {
            fresh.push(Entry {
                id: String::new(),
                date: date.clone(),
                code: before.code.clone(),
                title: before.title.clone(),
                page: None,
                kind: "removed".into(),
                items: Vec::new(),
                note: None,
            });
        }
        // Ids stay unique when a procedure changes twice in a day.
        for entry in &mut fresh {
            let earlier = self
                .log
                .iter()
                .filter(|e| e.date == entry.date && e.code == entry.code)
                .count();
            entry.id = if earlier == 0 {
                entry.code.clone()
            } else {
                format!("{}/{}", entry.code, earlier + 1)
            };
        }
        let count = fresh.len();
        fresh.extend(self.log.iter().cloned());
        let mut log = ChangeLog::new(fresh);
        log.fresh = count;
        log
    }
}

/// The entry for a record as it is `now`, published as `before` (none: it is new),
/// when it changed.
fn compared(
    before: Option<&DataRecord>,
    now: &DataRecord,
    date: &str,
    strings: &Strings,
) -> Option<Entry> {
    let (kind, items, note) = match before {
        None => ("new", Vec::new(), now.change_note.clone()),
        // Most records are as they were: no need to put them into words.
        Some(before) if before == now => return None,
        Some(before) => {
            let items = describe(before, now, strings);
            let note = now
                .change_note
                .clone()
                .filter(|n| before.change_note.as_ref() != Some(n));
            if items.is_empty() && note.is_none() {
                return None;
            }
            ("changed", items, note)
        }
    };
    Some(Entry {
        id: String::new(),
        date: date.to_string(),
        code: now.code.clone(),
        title: now.title.clone(),
        page: Some(page_of(&now.url)),
        kind: kind.into(),
        items,
        note,
    })
}

/// The page a data record's url names, relative to the site's root.
fn page_of(url: &str) -> String {
    let at = url.find(&format!("{}/", urls::PROCEDURES)).unwrap_or(0);
    let page = &url[at..];
    if page.ends_with('/') {
        format!("{page}index.html")
    } else {
        page.to_string()
    }
}

/// Every change so far, newest first, and each procedure's latest.
#[derive(Debug, Default, PartialEq)]
pub struct ChangeLog {
    pub entries: Vec<Entry>,
    latest: HashMap<String, usize>,
    /// How many of `entries`, at the head, this build found.
    fresh: usize,
}

impl ChangeLog {
    fn new(entries: Vec<Entry>) -> ChangeLog {
        let mut latest = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            latest.entry(entry.code.to_lowercase()).or_insert(i);
        }
        ChangeLog {
            entries,
            latest,
            fresh: 0,
        }
    }

    /// The entries this build found.
    pub fn fresh(&self) -> &[Entry] {
        &self.entries[..self.fresh]
    }

    /// The latest change of the procedure with this code.
    pub fn latest(&self, code: &str) -> Option<&Entry> {
        self.latest
            .get(&code.to_lowercase())
            .map(|&i| &self.entries[i])
    }

    /// `thay-doi/changes.json`: what the next build carries on.
    pub fn file(&self) -> Vec<u8> {
        let log = LogRef {
            format: FORMAT,
            entries: &self.entries,
        };
        let mut bytes = serde_json::to_vec(&log).expect("entries serialise");
        bytes.push(b'\n');
        bytes
    }
}

#[derive(Serialize)]
struct LogRef<'a> {
    format: u32,
    entries: &'a [Entry],
}

/// Where the log is kept, in the output folder.
pub fn log_path() -> String {
    format!("{}/changes.json", urls::CHANGES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_taken_from_the_last_catalogue_is_only_json_that_still_hashes_as_noted() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("procedures.json");
        std::fs::write(&path, br#"[{"code":"1"},{"code":"2"}]"#).unwrap();
        let (first, second) = (1..13, 14..26);
        let mut made_from = FastMap::default();
        made_from.insert(7, (first.clone(), hash(br#"{"code":"1"}"#)));
        // Noted with another procedure's hash: the file no longer holds what was noted.
        made_from.insert(8, (second.clone(), hash(br#"{"code":"3"}"#)));
        let history = History {
            baseline: Some(Baseline {
                json: Json::Noted(path),
                by_code: HashMap::from([("1".into(), first), ("2".into(), second)]),
                published: FastSet::default(),
                made_from,
            }),
            log: Vec::new(),
        };

        let taken = history.published_json(&[7, 8, 9]).unwrap();
        assert_eq!(taken.get(0).unwrap().0, br#"{"code":"1"}"#);
        assert!(taken.get(1).is_none() && taken.get(2).is_none());
        assert!(history.published_json(&[8, 9]).unwrap().get(0).is_none());
        assert!(history.published_json(&[9]).is_none());
    }
}
