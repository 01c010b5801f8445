//! What the previous build wrote, taken again when what it was made from has not
//! changed: rendering pages and building the search index are most of a build that
//! changed nothing.
//!
//! Each page has a key, a hash of everything its rendering reads
//! ([`crate::render::Renderer::key`]); the search index has one over its inputs
//! ([`crate::search::Inputs::key`]). `.sotay-cache/build` notes, for the output last
//! written, each page's key; every file with a hash of its bytes and its metadata
//! once written (a page taken as it was keeps the link check it passed against
//! them); and the index's key, manifest and files. A page is taken when its file
//! still has that metadata (size, inode, modification and change times, which
//! [`crate::unchanged`] trusts the same way): it is then left on disk and linked into
//! the new output, never read. Otherwise its bytes are read back and used only when
//! their hash still matches: a file changed by hand, or left by a killed build, is
//! made again. A file made anew whose bytes hash as noted, in a file still as written,
//! is linked from the output without reading it to compare ([`Verified`]). The note
//! belongs to one sotay binary, like the cache of decoded records, and one damaged
//! byte makes it ignored whole.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use crate::assemble::{File, Files, OnDisk};
use crate::fast_hash::FastMap;
use crate::note_bytes::{Reader, Writer};
use crate::sources::cache::{CACHE_DIR, this_binary, unseal, write_note};
use crate::unchanged::{Looked, stamp_of};

const FILE: &str = "build";
const MAGIC: &[u8] = b"sotay build note 4\n";

/// The previous build's pages and index, as far as they can be trusted.
pub struct PreviousBuild {
    root: PathBuf,
    output: PathBuf,
    /// Each page's path → what it was made from (for a record's data file, the
    /// hash of its JSON).
    pages: FastMap<String, u128>,
    index: Option<Index>,
    /// Every file of the output, as written.
    written: Arc<FastMap<String, Written>>,
    /// The files this build read back from the output and found as noted.
    read: Mutex<FastMap<String, u128>>,
}

/// A file as the previous build wrote it.
struct Written {
    /// The hash of its bytes.
    hash: u128,
    /// Its [`crate::unchanged::stamp`] once written, if it could be told.
    stamp: Option<(u128, u64)>,
}

/// What the previous output holds, as far as this build knows without reading it
/// again: the files it read back, and the files still as written. Writing the new
/// site links those files again when their bytes are the ones it made.
#[derive(Default)]
pub struct Verified {
    output: PathBuf,
    read: FastMap<String, u128>,
    written: Arc<FastMap<String, Written>>,
}

impl Verified {
    /// Whether the output's file at `path` holds the bytes hashed `hash`.
    pub fn holds(&self, path: &str, hash: u128) -> bool {
        if let Some(read) = self.read.get(path) {
            return *read == hash;
        }
        self.written.get(path).is_some_and(|written| {
            written.hash == hash
                && written.stamp.is_some()
                && crate::unchanged::stamp(&self.output.join(path)) == written.stamp
        })
    }
}

struct Index {
    key: u128,
    manifest: String,
    /// Each index file's path and the hash of its bytes.
    files: Vec<(String, u128)>,
}

/// What a build notes for the next one: the keys its pages and index were made from.
#[derive(Debug, Default)]
pub struct Keys {
    pub pages: Vec<(String, u128)>,
    /// The index's key, its manifest as JSON and its files' paths.
    pub index: Option<(u128, String, Vec<String>)>,
    /// The index as this build made or updated it, for the next one to update
    /// (none when it was taken whole: the note of the one taken stands).
    pub search: Option<crate::search::Note>,
}

/// The note the last build of a handbook left, read before the build knows where
/// it writes: at 10,000 records, 8 MB read while the sources load.
pub struct Note(Read);

impl Note {
    /// The note in the handbook at `root`; empty when there is none or it is not
    /// to be trusted.
    pub fn read(root: &Path) -> Note {
        let bytes = std::fs::read(root.join(CACHE_DIR).join(FILE)).unwrap_or_default();
        Note(read(&bytes, &this_binary()).unwrap_or_default())
    }
}

impl PreviousBuild {
    /// What the last build of the handbook at `root`, which left `note`, wrote
    /// into `output`.
    pub fn of(note: Note, root: &Path, output: &Path) -> PreviousBuild {
        let Note((pages, written, index)) = note;
        PreviousBuild {
            root: root.to_path_buf(),
            output: output.to_path_buf(),
            pages,
            index,
            written: Arc::new(written),
            read: Mutex::default(),
        }
    }

    /// The page at `path` as the previous build wrote it, if it was made from `key`
    /// and the output still holds exactly those bytes: left on disk when its file is
    /// as noted, else read back and checked.
    pub fn page(&self, path: &str, key: u128) -> Option<File> {
        self.pages.get(path).filter(|noted| **noted == key)?;
        self.taken(path, self.written.get(path)?.hash)
    }

    /// The file at `path` as the previous build wrote it, when the output still
    /// holds exactly the bytes hashed `hash`: left on disk when its file is as
    /// noted, else read back and checked.
    fn taken(&self, path: &str, hash: u128) -> Option<File> {
        self.holds(path, hash)
            .or_else(|| self.file(path, hash).map(File::made))
    }

    /// The output's file at `path`, left on disk, when it is as the previous build
    /// wrote it with the bytes hashed `hash`: a file this build made again the same
    /// (each record's open data, at every build) is then neither kept nor written.
    pub fn holds(&self, path: &str, hash: u128) -> Option<File> {
        let written = self.written.get(path).filter(|w| w.hash == hash)?;
        let (stamp, len) = written.stamp?;
        let at = self.output.join(path);
        let metadata = std::fs::symlink_metadata(&at).ok()?;
        (stamp_of(&metadata) == Some((stamp, len))).then(|| {
            File::OnDisk(Arc::new(OnDisk {
                at,
                hash,
                len,
                seen: Some(metadata),
            }))
        })
    }

    /// The search index's manifest (JSON) and files as the previous build wrote them,
    /// if it was made from `key` and every file is still as written.
    pub fn index(&self, key: u128) -> Option<(String, Vec<(String, File)>)> {
        let index = self.index.as_ref().filter(|index| index.key == key)?;
        let files = index
            .files
            .par_iter()
            .map(|(path, hash)| Some((path.clone(), self.taken(path, *hash)?)))
            .collect::<Option<_>>()?;
        Some((index.manifest.clone(), files))
    }

    /// Whether `has` holds every file the previous build wrote. Its pages' links
    /// were checked against its files, so a page taken from it still has no broken
    /// link then. False when nothing was noted.
    pub fn all_files_in(&self, has: impl Fn(&str) -> bool + Sync) -> bool {
        !self.written.is_empty() && self.written.par_iter().all(|(path, _)| has(path))
    }

    /// The paths of the files the previous build wrote, when it noted them for this
    /// output: one of them is still there as noted (a note of another output, built
    /// with `--output`, names other files).
    pub fn written(&self) -> Option<impl Iterator<Item = &str>> {
        let (path, noted) = self.written.iter().next()?;
        self.holds(path, noted.hash)?;
        Some(self.written.keys().map(String::as_str))
    }

    /// The handbook's folder, whose cache holds the notes.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder the previous build wrote.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The key of the search index the output holds, as noted.
    pub fn index_key(&self) -> Option<u128> {
        self.index.as_ref().map(|index| index.key)
    }

    /// The files at `paths` of the previous search index, if each is still as written.
    pub fn index_files(&self, paths: Vec<String>) -> Option<Vec<(String, File)>> {
        let index = self.index.as_ref()?;
        let hashes: FastMap<&str, u128> = index
            .files
            .iter()
            .map(|(path, hash)| (path.as_str(), *hash))
            .collect();
        paths
            .into_par_iter()
            .map(|path| {
                let file = self.taken(&path, *hashes.get(path.as_str())?)?;
                Some((path, file))
            })
            .collect()
    }

    fn file(&self, path: &str, hash: u128) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.output.join(path)).ok()?;
        if xxh3_128(&bytes) != hash {
            return None;
        }
        let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        read.insert(path.to_string(), hash);
        Some(bytes)
    }

    /// What the output holds as far as this build knows, with the files read back
    /// from it so far.
    pub fn take_verified(&self) -> Verified {
        let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        Verified {
            output: self.output.clone(),
            read: std::mem::take(&mut *read),
            written: self.written.clone(),
        }
    }
}

/// Notes what `keys` say each file of `files` was made from, for the next build of
/// the handbook at `root`, whose output now holds `files` as `looked` found them.
/// Written whole, then renamed into place. A note that cannot be written costs time,
/// never a build: errors are returned for the caller to ignore.
pub fn save(root: &Path, keys: &Keys, files: &Files, looked: &Looked) -> std::io::Result<()> {
    // Each note names the index key it belongs to: one without the other is unused.
    // The search index's, the larger, is written beside this one.
    let search = || {
        keys.search
            .as_ref()
            .map_or(Ok(()), |search| search.save(root))
    };
    let (noted, search) = rayon::join(|| save_build(root, keys, files, looked), search);
    noted.and(search)
}

/// The note of what each file was made from ([`save`]).
fn save_build(root: &Path, keys: &Keys, files: &Files, looked: &Looked) -> std::io::Result<()> {
    let mut body = Writer(Vec::with_capacity(files.len() * 96));
    let written = |path: &str| files.get(path).map(File::hash);
    let pages: Vec<(&str, u128)> = keys
        .pages
        .iter()
        .filter(|(path, _)| files.contains_key(path.as_str()))
        .map(|(path, key)| (path.as_str(), *key))
        .collect();
    body.len(pages.len());
    for (path, key) in pages {
        body.u128(key);
        body.text(path);
    }
    let noted: Vec<(&str, Written)> = files
        .par_iter()
        .map(|(path, file)| {
            let metadata = looked.get(&**path).and_then(Option::as_ref);
            let stamp = metadata.and_then(stamp_of);
            (
                &**path,
                Written {
                    hash: file.hash(),
                    stamp,
                },
            )
        })
        .collect();
    body.len(noted.len());
    for (path, Written { hash, stamp }) in noted {
        body.u128(hash);
        // No stamp is 0 long: a file noted 0 long is read back.
        let (stamp, len) = stamp.unwrap_or_default();
        body.u128(stamp);
        body.u128(len.into());
        body.text(path);
    }
    let index = keys.index.as_ref().and_then(|(key, manifest, paths)| {
        let files: Option<Vec<(&str, u128)>> = paths
            .iter()
            .map(|path| Some((path.as_str(), written(path)?)))
            .collect();
        Some((key, manifest, files?))
    });
    if let Some((key, manifest, files)) = index {
        body.u128(*key);
        body.text(manifest);
        body.len(files.len());
        for (path, hash) in files {
            body.u128(hash);
            body.text(path);
        }
    }
    write_note(root, FILE, MAGIC, &body.0)
}

type Read = (
    FastMap<String, u128>,
    FastMap<String, Written>,
    Option<Index>,
);

/// The note of the binary stamped `stamp`, when its checksum holds.
fn read(bytes: &[u8], stamp: &str) -> Option<Read> {
    let mut at = Reader(unseal(bytes, MAGIC, stamp)?);
    let mut pages = FastMap::default();
    for _ in 0..at.len()? {
        let key = at.u128()?;
        pages.insert(at.text()?.to_string(), key);
    }
    let mut written = FastMap::default();
    for _ in 0..at.len()? {
        let (hash, stamp, len) = (at.u128()?, at.u128()?, at.u128()?);
        let stamp = (len > 0).then_some((stamp, u64::try_from(len).ok()?));
        written.insert(at.text()?.to_string(), Written { hash, stamp });
    }
    if at.is_done() {
        return Some((pages, written, None));
    }
    let key = at.u128()?;
    let manifest = at.text()?.to_string();
    let mut files = Vec::new();
    for _ in 0..at.len()? {
        let hash = at.u128()?;
        files.push((at.text()?.to_string(), hash));
    }
    let index = Index {
        key,
        manifest,
        files,
    };
    at.is_done().then_some((pages, written, Some(index)))
}
