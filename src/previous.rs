//! What the previous build wrote, taken again when what it was made from has not
//! changed: rendering pages and building the search index are most of a build that
//! changed nothing.
//!
//! Each page has a key, a hash of everything its rendering reads
//! ([`crate::render::Renderer::key`]); the search index has one over its inputs
//! ([`crate::search::Inputs::key`]). `.sotay-cache/build` notes, for the output last
//! written, each page's key and a hash of its bytes, the path of every file (a page
//! taken as it was keeps the link check it passed against them), and the index's
//! key, manifest and files with theirs. A page is taken when its file still has the
//! metadata noted for it once written (size, inode, modification and change times,
//! which [`crate::unchanged`] trusts the same way): it is then left on disk and
//! linked into the new output, never read. Otherwise its bytes are read back and used
//! only when their hash still matches: a file changed by hand, or left by a killed
//! build, is made again. The note belongs to one sotay binary, like the cache of
//! decoded records, and one damaged byte makes it ignored whole.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use crate::assemble::{File, Files, OnDisk, OutputFile};
use crate::fast_hash::FastMap;
use crate::note_bytes::{Reader, Writer};
use crate::sources::cache::{CACHE_DIR, this_binary, unseal, write_note};

const FILE: &str = "build";
const MAGIC: &[u8] = b"sotay build note 3\n";

/// The previous build's pages and index, as far as they can be trusted.
pub struct PreviousBuild {
    root: PathBuf,
    output: PathBuf,
    /// Path → what it was made from and what was written.
    pages: HashMap<String, Page>,
    index: Option<Index>,
    /// Every file of the output, as written.
    paths: Vec<String>,
    /// The files this build read back from the output and found as noted.
    verified: Mutex<Verified>,
}

/// Paths of the previous output, by the hash of the bytes this build found in them:
/// writing the new site links those files again without reading them a second time.
pub type Verified = FastMap<String, u128>;

/// A page as the previous build wrote it.
struct Page {
    /// What it was made from.
    key: u128,
    /// The hash of its bytes.
    hash: u128,
    /// Its file's [`crate::unchanged::stamp`] once written, if it could be told.
    stamp: Option<(u128, u64)>,
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

impl PreviousBuild {
    /// What the last build of the handbook at `root` wrote into `output`.
    pub fn open(root: &Path, output: &Path) -> PreviousBuild {
        let bytes = std::fs::read(root.join(CACHE_DIR).join(FILE)).unwrap_or_default();
        let (pages, paths, index) = read(&bytes, &this_binary()).unwrap_or_default();
        PreviousBuild {
            root: root.to_path_buf(),
            output: output.to_path_buf(),
            pages,
            index,
            paths,
            verified: Mutex::default(),
        }
    }

    /// The page at `path` as the previous build wrote it, if it was made from `key`
    /// and the output still holds exactly those bytes: left on disk when its file is
    /// as noted, else read back and checked.
    pub fn page(&self, path: &str, key: u128) -> Option<File> {
        let page = self.pages.get(path).filter(|page| page.key == key)?;
        let at = self.output.join(path);
        if let Some((stamp, len)) = page.stamp
            && crate::unchanged::stamp(&at) == Some((stamp, len))
        {
            let hash = page.hash;
            return Some(File::OnDisk(Arc::new(OnDisk { at, hash, len })));
        }
        self.file(path, page.hash).map(File::made)
    }

    /// The search index's manifest (JSON) and files as the previous build wrote them,
    /// if it was made from `key` and every file is still as written.
    pub fn index(&self, key: u128) -> Option<(String, Vec<OutputFile>)> {
        let index = self.index.as_ref().filter(|index| index.key == key)?;
        let files = index
            .files
            .par_iter()
            .map(|(path, hash)| self.output_file(path, *hash))
            .collect::<Option<Vec<OutputFile>>>()?;
        Some((index.manifest.clone(), files))
    }

    /// Whether `has` holds every file the previous build wrote. Its pages' links
    /// were checked against its files, so a page taken from it still has no broken
    /// link then. False when nothing was noted.
    pub fn all_files_in(&self, has: impl Fn(&str) -> bool + Sync) -> bool {
        !self.paths.is_empty() && self.paths.par_iter().all(|path| has(path))
    }

    /// The handbook's folder, whose cache holds the notes.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The key of the search index the output holds, as noted.
    pub fn index_key(&self) -> Option<u128> {
        self.index.as_ref().map(|index| index.key)
    }

    /// The files at `paths` of the previous search index, if each is still as written.
    pub fn index_files(&self, paths: &[String]) -> Option<Vec<OutputFile>> {
        let index = self.index.as_ref()?;
        let hashes: FastMap<&str, u128> = index
            .files
            .iter()
            .map(|(path, hash)| (path.as_str(), *hash))
            .collect();
        paths
            .par_iter()
            .map(|path| self.output_file(path, *hashes.get(path.as_str())?))
            .collect()
    }

    fn output_file(&self, path: &str, hash: u128) -> Option<OutputFile> {
        Some(OutputFile {
            bytes: self.file(path, hash)?,
            path: path.to_string(),
        })
    }

    fn file(&self, path: &str, hash: u128) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.output.join(path)).ok()?;
        if xxh3_128(&bytes) != hash {
            return None;
        }
        let mut verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        verified.insert(path.to_string(), hash);
        Some(bytes)
    }

    /// The files read back from the output so far, as they were found.
    pub fn take_verified(&self) -> Verified {
        let mut verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *verified)
    }
}

/// Notes what `keys` say each file of `files` was made from, for the next build of
/// the handbook at `root` (whose `output` now holds `files`). Written whole, then
/// renamed into place. A note that cannot be written costs time, never a build:
/// errors are returned for the caller to ignore.
pub fn save(root: &Path, output: &Path, keys: &Keys, files: &Files) -> std::io::Result<()> {
    // Each note names the index key it belongs to: one without the other is unused.
    let search = keys
        .search
        .as_ref()
        .map_or(Ok(()), |search| search.save(root));
    let mut body = Writer(Vec::with_capacity(keys.pages.len() * 96));
    let written = |path: &str| files.get(path).map(File::hash);
    let pages: Vec<(&str, Page)> = keys
        .pages
        .par_iter()
        .filter_map(|(path, key)| {
            let page = Page {
                key: *key,
                hash: written(path)?,
                stamp: crate::unchanged::stamp(&output.join(path)),
            };
            Some((path.as_str(), page))
        })
        .collect();
    body.len(pages.len());
    for (path, Page { key, hash, stamp }) in pages {
        body.u128(key);
        body.u128(hash);
        // No stamp is 0 long: a file noted 0 long is read back.
        let (stamp, len) = stamp.unwrap_or_default();
        body.u128(stamp);
        body.u128(len.into());
        body.text(path);
    }
    body.texts(files.keys().map(|path| &**path));
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
    write_note(root, FILE, MAGIC, &body.0)?;
    search
}

type Read = (HashMap<String, Page>, Vec<String>, Option<Index>);

/// The note of the binary stamped `stamp`, when its checksum holds.
fn read(bytes: &[u8], stamp: &str) -> Option<Read> {
    let mut at = Reader(unseal(bytes, MAGIC, stamp)?);
    let mut pages = HashMap::new();
    for _ in 0..at.len()? {
        let (key, hash, stamp, len) = (at.u128()?, at.u128()?, at.u128()?, at.u128()?);
        let stamp = (len > 0).then_some((stamp, u64::try_from(len).ok()?));
        pages.insert(at.text()?.to_string(), Page { key, hash, stamp });
    }
    let paths: Vec<String> = at.texts()?;
    if at.is_done() {
        return Some((pages, paths, None));
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
    at.is_done().then_some((pages, paths, Some(index)))
}
