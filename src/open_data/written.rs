//! The catalogue's CSV and JSON-LD lines as the last build wrote them, taken again
//! for the records whose JSON has not changed: making every record's lines anew
//! was a third of the open data's work in a build that changed ten records of
//! 10,000.
//!
//! A record's lines are made of its JSON alone (its [`super::DataRecord`] serialises
//! every field), the theme's strings and the publisher: `.sotay-cache/catalogue-lines`
//! notes a key of the last two, each record's JSON hash with where its lines are in
//! the two files, and the files' metadata as written. The files are read back only
//! while they are as written; the note, sealed like the others, belongs to one sotay
//! binary.

use std::fs::Metadata;
use std::ops::Range;
use std::path::Path;

use super::Lines;
use crate::fast_hash::FastMap;
use crate::note_bytes::{Reader, Writer};
use crate::sources::cache::{CACHE_DIR, this_binary, unseal, write_note};
use crate::theme::strings::Strings;
use crate::unchanged::stamp_of;
use crate::urls;

const NOTE: &str = "catalogue-lines";
const MAGIC: &[u8] = b"sotay catalogue lines 1\n";

/// What a record's lines are made of besides its JSON.
pub fn key(strings: &Strings, publisher: &str) -> Option<u128> {
    crate::digest::digest(&(publisher, strings.tree()))
}

/// The lines of the CSV and JSON-LD files the last build wrote, by the hash of
/// the JSON each record's were made from.
pub struct Written {
    csv: Vec<u8>,
    cpsv: Vec<u8>,
    at: FastMap<u128, (Range<usize>, Range<usize>)>,
}

impl Written {
    /// The lines noted in the handbook at `root` for its output `output`, when they
    /// were made with `key` and both files are as written.
    pub fn read(root: &Path, output: &Path, key: u128) -> Option<Written> {
        let note = std::fs::read(root.join(CACHE_DIR).join(NOTE)).ok()?;
        let mut note = Reader(unseal(&note, MAGIC, &this_binary())?);
        if note.u128()? != key {
            return None;
        }
        let csv = read_as_noted(&output.join(urls::data_file("procedures.csv")), &mut note)?;
        let cpsv = read_as_noted(&output.join(urls::data_file("cpsv-ap.jsonld")), &mut note)?;
        let count = note.len()?;
        let mut at = FastMap::default();
        // A damaged count fails at the end of the note, not in a huge allocation.
        at.reserve(count.min(note.0.len() / 48));
        for _ in 0..count {
            let hash = note.u128()?;
            let csv_at = note.len()?..note.len()?;
            let cpsv_at = note.len()?..note.len()?;
            csv.get(csv_at.clone())?;
            cpsv.get(cpsv_at.clone())?;
            at.insert(hash, (csv_at, cpsv_at));
        }
        note.is_done().then_some(Written { csv, cpsv, at })
    }

    /// The lines of a record whose JSON hashes `hash`, as written.
    pub fn lines(&self, hash: u128) -> Option<Lines<'_>> {
        let (csv, cpsv) = self.at.get(&hash)?;
        Some(Lines {
            csv: self.csv[csv.clone()].into(),
            cpsv: self.cpsv[cpsv.clone()].into(),
        })
    }
}

/// The file at `path`, when its metadata are the ones `note` holds next, before
/// and after it is read.
fn read_as_noted(path: &Path, note: &mut Reader) -> Option<Vec<u8>> {
    let noted = Some((note.u128()?, u64::try_from(note.u128()?).ok()?));
    let as_noted = || crate::unchanged::stamp(path) == noted;
    if !as_noted() {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    as_noted().then_some(bytes)
}

/// Where each record's lines are in the files a build writes, for the next build.
pub struct LinesNote {
    key: u128,
    /// Each record's JSON hash, and its lines' places in the CSV and JSON-LD files.
    at: Vec<(u128, Range<usize>, Range<usize>)>,
}

impl LinesNote {
    /// `csv` and `cpsv`: where each record's lines are, in the order of `hashes`.
    pub fn new(
        key: u128,
        hashes: &[u128],
        csv: Vec<Range<usize>>,
        cpsv: Vec<Range<usize>>,
    ) -> LinesNote {
        let at = hashes
            .iter()
            .zip(csv.into_iter().zip(cpsv))
            .map(|(hash, (csv, cpsv))| (*hash, csv, cpsv))
            .collect();
        LinesNote { key, at }
    }

    /// Notes the lines in the handbook at `root`, whose CSV and JSON-LD files have
    /// the metadata `csv` and `cpsv` as written.
    pub fn note(&self, root: &Path, csv: &Metadata, cpsv: &Metadata) -> std::io::Result<()> {
        let (Some(csv), Some(cpsv)) = (stamp_of(csv), stamp_of(cpsv)) else {
            return Ok(());
        };
        let mut body = Writer(Vec::with_capacity(80 + self.at.len() * 48));
        body.u128(self.key);
        for (stamp, len) in [csv, cpsv] {
            body.u128(stamp);
            body.u128(len.into());
        }
        body.len(self.at.len());
        for (hash, csv, cpsv) in &self.at {
            body.u128(*hash);
            for at in [csv, cpsv] {
                body.len(at.start);
                body.len(at.end);
            }
        }
        write_note(root, NOTE, MAGIC, &body.0)
    }
}
