//! The search index a build made, kept in `.sotay-cache/index` for the next build:
//! when records changed, that build updates the index where they changed, as the
//! preview does after a save ([`Live::update`]), instead of making it whole, and
//! takes the lead files the update did not touch from the output as they were
//! written. The note holds the [`Live`] index, a hash of each record's inputs and
//! the key of the index it describes: it is used only when that is the index the
//! output holds ([`crate::previous`]), like every note, only by the binary that
//! wrote it and only whole.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use super::{Live, Put, SearchIndex};
use crate::diagnostics::Diagnostic;
use crate::digest::digest;
use crate::model::record::Record;
use crate::note_bytes::{Count, Reader, Sink, Writer};
use crate::sources::cache::{CACHE_DIR, this_binary, unseal, write_note};
use crate::view::{ProcedureItem, Views};

const FILE: &str = "index";
const MAGIC: &[u8] = b"sotay search index note 1\n";

/// What the index is made from: each record with its list line, and what every
/// record's entries read (the synonyms, the interface strings).
pub struct Inputs {
    /// A hash of each record and its line, in the records' order.
    each: Vec<u128>,
    rest: u128,
}

impl Inputs {
    /// The hashes of everything [`super::build`] reads (the binary's part is in the
    /// stamp of the notes they are kept in). Records and lines are hashed in parallel.
    pub fn of(views: &Views, records: &[Record], items: &[Arc<ProcedureItem>]) -> Option<Inputs> {
        let each: Option<Vec<u128>> = records
            .par_iter()
            .zip(items)
            .map(|(record, item)| digest(&(record, item)))
            .collect();
        Some(Inputs {
            each: each?,
            rest: digest(&(views.site.synonyms, views.strings.tree()))?,
        })
    }

    /// The hash of each record and its line, in the records' order.
    pub fn each(&self) -> &[u128] {
        &self.each
    }

    /// One hash of them all: the same inputs make the same index.
    pub fn key(&self) -> u128 {
        let mut all: Vec<u8> = self.each.iter().flat_map(|h| h.to_le_bytes()).collect();
        all.extend_from_slice(&self.rest.to_le_bytes());
        xxh3_128(&all)
    }
}

/// The index as a build left it, with what it was made from.
pub struct Stored {
    live: Live,
    /// By id: [`Inputs::each`] of the record when it was indexed.
    each: Vec<u128>,
    rest: u128,
    /// [`Inputs::key`].
    key: u128,
}

impl Stored {
    /// `live`, made from `records` (with `inputs`).
    pub fn new(live: Live, records: &[Record], inputs: &Inputs) -> Option<Stored> {
        let each = by_id(&live, records, inputs)?;
        Some(Stored {
            live,
            each,
            rest: inputs.rest,
            key: inputs.key(),
        })
    }

    /// The index the last build of the handbook at `root` noted, if it is the one
    /// made from `key`: the index the output holds.
    pub fn open(root: &Path, key: u128) -> Option<Stored> {
        let bytes = std::fs::read(root.join(CACHE_DIR).join(FILE)).ok()?;
        let mut at = Reader(unseal(&bytes, MAGIC, &this_binary())?);
        if at.u128()? != key {
            return None;
        }
        let rest = at.u128()?;
        let each = (0..at.len()?)
            .map(|_| at.u128())
            .collect::<Option<Vec<u128>>>()?;
        let live = Live::read(&mut at)?;
        (at.is_done() && each.len() == live.records()).then_some(Stored {
            live,
            each,
            rest,
            key,
        })
    }

    /// The note of the index for the next build: a tenth of the memory the index
    /// takes, held until the site is in place. Made on a thread of its own while the
    /// build goes on: written out (27 MB at 10,000 records) it made the index the
    /// last part of a rebuild to finish.
    pub fn note(self) -> Note {
        Note {
            making: Mutex::new(Some(std::thread::spawn(move || self.body()))),
            made: OnceLock::new(),
        }
    }

    /// The note's body; None when a record file's name is not UTF-8: the index is
    /// not kept then.
    fn body(&self) -> Option<Vec<u8>> {
        // Sized first: grown by doubling, the body (27 MB at 10,000 records) took
        // ~40 MB more at a cold build's peak, while the pages render.
        let mut size = Writer(Count::default());
        self.write(&mut size)?;
        let mut body = Writer(Vec::with_capacity(size.0.0));
        self.write(&mut body)?;
        debug_assert_eq!(body.0.len(), size.0.0, "the note is as long as counted");
        Some(body.0)
    }

    fn write<S: Sink>(&self, body: &mut Writer<S>) -> Option<()> {
        body.u128(self.key);
        body.u128(self.rest);
        body.len(self.each.len());
        self.each.iter().for_each(|hash| body.u128(*hash));
        self.live.write(body)
    }

    /// The index of `records` (made from `inputs`), updated from this one where
    /// their inputs changed; its [`SearchIndex::kept`] files are this index's as
    /// the output holds them. `None` when it has to be made whole: other
    /// synonyms or interface strings, records added, removed or renumbered.
    pub fn update(
        mut self,
        views: &Views,
        records: &[Record],
        items: &[Arc<ProcedureItem>],
        inputs: &Inputs,
        put: Put,
    ) -> Result<Option<(Stored, SearchIndex)>, Box<Diagnostic>> {
        if inputs.rest != self.rest {
            return Ok(None);
        }
        let Some(each) = by_id(&self.live, records, inputs) else {
            return Ok(None);
        };
        let edited: HashSet<PathBuf> = records
            .iter()
            .zip(&inputs.each)
            .filter(|(record, hash)| {
                let id = self.live.id(&record.file).expect("by_id found every file");
                self.each[id as usize] != **hash
            })
            .map(|(record, _)| record.file.clone())
            .collect();
        let Some(index) = self.live.update(views, records, items, &edited, put)? else {
            return Ok(None);
        };
        self.each = each;
        self.key = inputs.key();
        Ok(Some((self, index)))
    }
}

/// A [`Stored`] index as the next build reads it ([`Stored::open`]), once made.
pub struct Note {
    making: Mutex<Option<JoinHandle<Option<Vec<u8>>>>>,
    made: OnceLock<Option<Vec<u8>>>,
}

impl std::fmt::Debug for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Note")
    }
}

impl Note {
    /// The note's body, waiting for it to be made; None when it could not be.
    fn body(&self) -> &Option<Vec<u8>> {
        self.made.get_or_init(|| {
            let making = self.making.lock().ok().and_then(|mut m| m.take());
            making.and_then(|thread| thread.join().ok()).flatten()
        })
    }

    /// Puts the note in the cache of the handbook at `root` when it is made, or
    /// removes an older one when there is no note. A note that cannot be written
    /// costs time, never a build: errors are for the caller to ignore.
    pub fn save(&self, root: &Path) -> std::io::Result<()> {
        match self.body() {
            Some(body) => write_note(root, FILE, MAGIC, body),
            None => match std::fs::remove_file(root.join(CACHE_DIR).join(FILE)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
        }
    }
}

/// `inputs.each` by the ids of `live`, when it indexes exactly the files of `records`.
fn by_id(live: &Live, records: &[Record], inputs: &Inputs) -> Option<Vec<u128>> {
    if live.records() != records.len() {
        return None;
    }
    let mut each = vec![None; records.len()];
    for (record, hash) in records.iter().zip(&inputs.each) {
        let id = live.id(&record.file)? as usize;
        each[id] = Some(*hash);
    }
    each.into_iter().collect()
}
