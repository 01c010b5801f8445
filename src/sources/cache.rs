//! Decoded records kept between runs: every record file is still read, but only
//! those not seen before are decoded (decoding is most of loading). An entry is
//! found by a hash of the file's path and text, and the whole cache belongs to one
//! sotay binary, so a record is never read with another version's rules.
//!
//! The cache is one file, `.sotay-cache/records`: a header naming the binary, then
//! entries (key, length, checksum, JSON). A cache of another binary, an entry whose
//! checksum fails and a file cut short are ignored, never trusted: those records are
//! decoded again and the file written anew. The folder is safe to delete.
//!
//! Beside it, `.sotay-cache/record-files` notes each record file's metadata (size,
//! inode, modification and change times, as `unchanged` tells a file's
//! version) with the key of its entry: a file that still has them is not even read
//! (its text is read only if a problem must be shown in it). Only metadata older
//! than the run that noted it is noted, so an edit in the same clock tick as a
//! look still shows.

use std::io::{Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

use crate::diagnostics::Diagnostic;
use crate::fast_hash::FastMap;
use crate::model::record::Record;
use crate::note_bytes::{Reader, Writer};

/// The cache folder, in the handbook's root.
pub const CACHE_DIR: &str = ".sotay-cache";
const FILE: &str = "records";
const MAGIC: &[u8] = b"sotay record cache 1\n";
const FILES: &str = "record-files";
const FILES_MAGIC: &[u8] = b"sotay record files 1\n";
/// Key (16 bytes), payload length (4), checksum of key and payload (8).
const HEADER: usize = 28;

/// What decoding one record file gave: kept as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decoded {
    pub record: Option<Record>,
    /// Its problems, the character checks' included.
    pub problems: Vec<Diagnostic>,
}

impl Decoded {
    /// Decodes `text`, read from `file`; also gives the text without controls,
    /// which positions are shown in.
    pub fn of(file: &Path, text: String) -> (String, Decoded) {
        let (text, characters) = super::read::checked(file, text);
        let (record, mut problems) = crate::decode::decode_record(file, &text);
        problems.extend(characters);
        (text, Decoded { record, problems })
    }
}

pub struct RecordCache {
    folder: PathBuf,
    stamp: String,
    /// The file as read, and where each entry's payload is in it.
    bytes: Vec<u8>,
    entries: FastMap<u128, Range<usize>>,
    /// Read whole, with this binary's stamp and no damaged entry.
    sound: bool,
    /// An entry passed its checksum but could not be read back.
    unreadable: AtomicBool,
    /// The keys this run found, and what it decoded, to write back.
    found: Mutex<Vec<u128>>,
    fresh: Mutex<Vec<(u128, Vec<u8>)>>,
    misses: AtomicUsize,
    unread: AtomicUsize,
    /// Each record file's stamp, as noted, and the key of its entry.
    stamps: FastMap<PathBuf, Stamped>,
    /// The clock when this run began, when it notes stamps for the next.
    clock: Option<i128>,
    /// The stamps to note, of files as this run found them.
    seen: Mutex<Vec<(PathBuf, Stamped)>>,
}

/// A file's [`crate::unchanged::stamp`] and the key of the entry decoded from it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stamped {
    stamp: (u128, u64),
    key: u128,
}

/// How a run used the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheReport {
    /// Records taken from the cache.
    pub hits: usize,
    /// Records decoded (and added to the cache when it is saved).
    pub misses: usize,
    /// Of the hits, records whose file was not read: its metadata was as noted.
    pub unread: usize,
}

impl RecordCache {
    /// The cache of the handbook at `root` for this binary.
    pub fn open(root: &Path) -> RecordCache {
        RecordCache::open_as(root, &this_binary())
    }

    /// The cache as a binary stamped `stamp` sees it: entries of any other stamp
    /// are ignored. (Tests stand in for other versions with it.)
    pub fn open_as(root: &Path, stamp: &str) -> RecordCache {
        let folder = root.join(CACHE_DIR);
        let bytes = read_in_parallel(&folder.join(FILE)).unwrap_or_default();
        let (entries, sound) = entries(&bytes, stamp);
        let stamps = std::fs::read(folder.join(FILES))
            .ok()
            .and_then(|bytes| read_stamps(unseal(&bytes, FILES_MAGIC, stamp)?))
            .unwrap_or_default();
        RecordCache {
            stamps,
            clock: None,
            seen: Mutex::new(Vec::new()),
            unread: AtomicUsize::new(0),
            folder,
            stamp: stamp.to_string(),
            bytes,
            entries,
            sound,
            unreadable: AtomicBool::new(false),
            found: Mutex::new(Vec::new()),
            fresh: Mutex::new(Vec::new()),
            misses: AtomicUsize::new(0),
        }
    }

    /// Notes, for the next run, the stamps of the files this one reads: the clock is
    /// taken now, before any is looked at.
    pub fn noting_stamps(mut self, root: &Path) -> RecordCache {
        self.clock = crate::unchanged::clock(root);
        self
    }

    /// What decoding `file` (relative to `root`) gave, when the file still has the
    /// stamp noted with its entry: it is not read.
    pub fn unchanged(&self, root: &Path, file: &Path) -> Option<Decoded> {
        let noted = *self.stamps.get(file)?;
        if crate::unchanged::stamp(&root.join(file))? != noted.stamp {
            return None;
        }
        let decoded = self.get(noted.key)?;
        lock(&self.found).push(noted.key);
        self.unread.fetch_add(1, Ordering::Relaxed);
        if self.clock.is_some() {
            lock(&self.seen).push((file.to_path_buf(), noted));
        }
        Some(decoded)
    }

    /// What `decode` gives for `text`, read from `file` (relative to the root):
    /// from the cache when it holds it, else decoded and noted for [`save`](Self::save).
    /// `looked`: the file's stamp and change time, taken before it was read.
    pub fn decoded(
        &self,
        file: &Path,
        text: &str,
        looked: Option<((u128, u64), i128)>,
        decode: impl FnOnce() -> Decoded,
    ) -> Decoded {
        let key = key(file, text);
        if let (Some((stamp, changed)), Some(clock)) = (looked, self.clock)
            && changed < clock
        {
            lock(&self.seen).push((file.to_path_buf(), Stamped { stamp, key }));
        }
        if let Some(decoded) = self.get(key) {
            lock(&self.found).push(key);
            return decoded;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let decoded = decode();
        if let Some(payload) = payload(&decoded) {
            lock(&self.fresh).push((key, payload));
        }
        decoded
    }

    fn get(&self, key: u128) -> Option<Decoded> {
        let range = self.entries.get(&key)?.clone();
        // Checked as text once, then parsed without checking each string again.
        let text = crate::text::utf8(&self.bytes[range]);
        match text.map(serde_json::from_str::<Decoded>) {
            Some(Ok(mut decoded)) => {
                if let Some(record) = &mut decoded.record {
                    // Not stored: the title's sort key is made from the title.
                    record.title_key = crate::text::collate::sort_key(&record.title);
                }
                Some(decoded)
            }
            _ => {
                self.unreadable.store(true, Ordering::Relaxed);
                None
            }
        }
    }

    pub fn report(&self) -> CacheReport {
        CacheReport {
            hits: lock(&self.found).len(),
            misses: self.misses.load(Ordering::Relaxed),
            unread: self.unread.load(Ordering::Relaxed),
        }
    }

    /// Writes what this run decoded: appended when the file is sound and mostly
    /// still used, else the file is written anew with this run's entries only.
    /// A cache that cannot be written costs time, never a build: errors are
    /// returned for the caller to ignore.
    pub fn save(self) -> std::io::Result<()> {
        if self.clock.is_some() {
            let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            let mut body = Writer(Vec::with_capacity(seen.len() * 96));
            body.len(seen.len());
            for (file, Stamped { stamp, key }) in seen.iter() {
                body.u128(stamp.0);
                body.u128(stamp.1.into());
                body.u128(*key);
                body.text(&file.to_string_lossy());
            }
            let root = self.folder.parent().unwrap_or(Path::new("."));
            write_note(root, FILES, FILES_MAGIC, &body.0)?;
        }
        let found = self.found.into_inner().unwrap_or_else(|e| e.into_inner());
        let fresh = self.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
        let stale = self.entries.len().saturating_sub(found.len());
        let whole = self.sound && !self.unreadable.into_inner() && stale * 4 <= self.entries.len();
        if whole && fresh.is_empty() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.folder)?;
        mark_as_cache(&self.folder)?;
        if whole {
            let mut out = Vec::new();
            for (key, payload) in &fresh {
                out.extend_from_slice(&entry_head(*key, payload));
                out.extend_from_slice(payload);
            }
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .append(true)
                .open(self.folder.join(FILE))?;
            // The header is read from the file appended to: a cache another sotay
            // put in its place since is never given this binary's entries.
            let expected = header(&self.stamp);
            let mut held = vec![0; expected.len()];
            file.read_exact(&mut held)?;
            if held != expected {
                return Ok(());
            }
            // One write: another sotay appending at the same time cannot split it.
            return file.write_all(&out);
        }
        let entries: Vec<(u128, &[u8])> = found
            .iter()
            .map(|key| (*key, &self.bytes[self.entries[key].clone()]))
            .chain(
                fresh
                    .iter()
                    .map(|(key, payload)| (*key, payload.as_slice())),
            )
            .collect();
        // Checksummed in parallel and written as they are, not copied into one
        // buffer first: the entries of 10,000 records are 90 MB.
        let heads: Vec<[u8; HEADER]> = entries
            .par_iter()
            .map(|(key, payload)| entry_head(*key, payload))
            .collect();
        let temporary = self
            .folder
            .join(format!("{FILE}.{}.tmp", std::process::id()));
        let mut file =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&temporary)?);
        file.write_all(&header(&self.stamp))?;
        for (head, (_, payload)) in heads.iter().zip(&entries) {
            file.write_all(head)?;
            file.write_all(payload)?;
        }
        file.into_inner().map_err(|e| e.into_error())?;
        std::fs::rename(&temporary, self.folder.join(FILE))
    }
}

/// The entries of a cache file whose checksums hold, and whether the file is
/// sound: this stamp's, read to its end, nothing damaged.
fn entries(bytes: &[u8], stamp: &str) -> (FastMap<u128, Range<usize>>, bool) {
    let header = header(stamp);
    if !bytes.starts_with(&header) {
        return (FastMap::default(), false);
    }
    let mut at = header.len();
    let mut listed = Vec::new();
    let mut whole = true;
    while at < bytes.len() {
        let Some(header) = bytes.get(at..at + HEADER) else {
            whole = false;
            break;
        };
        let key = u128::from_le_bytes(header[..16].try_into().expect("16 bytes"));
        let length = u32::from_le_bytes(header[16..20].try_into().expect("4 bytes")) as usize;
        let checksum = u64::from_le_bytes(header[20..28].try_into().expect("8 bytes"));
        let payload = at + HEADER..at + HEADER + length;
        if payload.end > bytes.len() {
            whole = false;
            break;
        }
        at = payload.end;
        listed.push((key, payload, checksum));
    }
    // Checked in parallel: the entries of 10,000 records are 90 MB.
    let count = listed.len();
    let entries: FastMap<u128, Range<usize>> = listed
        .into_par_iter()
        .filter(|(key, payload, checksum)| sum(*key, &bytes[payload.clone()]) == *checksum)
        .map(|(key, payload, _)| (key, payload))
        .collect();
    let sound = whole && entries.len() == count;
    (entries, sound)
}

/// The file at `path`, read in parallel parts: one thread copying in the 90 MB of
/// the cache of 10,000 records was a sixth of loading them from it.
#[cfg(unix)]
fn read_in_parallel(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    const PART: usize = 8 << 20;
    let file = std::fs::File::open(path)?;
    let len = usize::try_from(file.metadata()?.len()).map_err(std::io::Error::other)?;
    // Zeroed by the system as each page is first written, by the thread reading it.
    let mut bytes = vec![0; len];
    bytes
        .par_chunks_mut(PART)
        .enumerate()
        .try_for_each(|(i, part)| file.read_exact_at(part, (i * PART) as u64))?;
    Ok(bytes)
}

#[cfg(not(unix))]
fn read_in_parallel(path: &Path) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}

/// The stamps noted by [`RecordCache::save`].
fn read_stamps(body: &[u8]) -> Option<FastMap<PathBuf, Stamped>> {
    let mut at = Reader(body);
    let mut stamps = FastMap::default();
    for _ in 0..at.len()? {
        let (stamp, len, key) = (at.u128()?, at.u128()?, at.u128()?);
        let stamp = (stamp, u64::try_from(len).ok()?);
        stamps.insert(PathBuf::from(at.text()?), Stamped { stamp, key });
    }
    at.is_done().then_some(stamps)
}

/// What a cache file of the binary stamped `stamp` starts with.
fn header(stamp: &str) -> Vec<u8> {
    note_header(MAGIC, stamp)
}

/// What comes before an entry's payload: its key, length and checksum.
fn entry_head(key: u128, payload: &[u8]) -> [u8; HEADER] {
    let mut head = [0; HEADER];
    head[..16].copy_from_slice(&key.to_le_bytes());
    head[16..20].copy_from_slice(&(payload.len() as u32).to_le_bytes());
    head[20..].copy_from_slice(&sum(key, payload).to_le_bytes());
    head
}

/// The checksum covers the key too: a flipped key bit is damage, not another entry.
fn sum(key: u128, payload: &[u8]) -> u64 {
    xxh3_64(payload) ^ xxh3_64(&key.to_le_bytes())
}

/// The path is part of the key: decoding names the file in problems and slugs.
fn key(file: &Path, text: &str) -> u128 {
    let path = file.to_string_lossy();
    let mut bytes = Vec::with_capacity(path.len() + 1 + text.len());
    bytes.extend_from_slice(path.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(text.as_bytes());
    xxh3_128(&bytes)
}

/// What is stored for `decoded`; nothing when JSON cannot carry it exactly (free
/// `extra` data with numbers as keys, tags, infinities): such a record is decoded
/// every time.
fn payload(decoded: &Decoded) -> Option<Vec<u8>> {
    let exact = decoded
        .record
        .as_ref()
        .is_none_or(|r| r.extra.iter().all(|(k, v)| k.is_string() && json_exact(v)));
    if !exact {
        return None;
    }
    let payload = serde_json::to_vec(decoded).ok()?;
    u32::try_from(payload.len()).is_ok().then_some(payload)
}

fn json_exact(value: &yaml_serde::Value) -> bool {
    use yaml_serde::Value;
    match value {
        Value::Null | Value::Bool(_) | Value::String(_) => true,
        Value::Number(n) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(f64::is_finite),
        Value::Sequence(items) => items.iter().all(json_exact),
        Value::Mapping(map) => map.iter().all(|(k, v)| k.is_string() && json_exact(v)),
        Value::Tagged(_) => false,
    }
}

/// The binary's version and build: a rebuilt sotay, even of the same version, may
/// decode differently, so its size and time stand for the build.
pub(crate) fn this_binary() -> String {
    let build = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|m| Ok((m.len(), m.modified()?)))
        .map(|(len, modified)| {
            let since = modified
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            format!("{len} {}", since.as_nanos())
        })
        // Unknown, the cache is this run's alone: never trusted by another binary.
        .unwrap_or_else(|_| format!("unknown build {}", std::process::id()));
    format!("sotay {} {build}", env!("CARGO_PKG_VERSION"))
}

/// Writes `body` as the note `name` in the cache folder of the handbook at `root`,
/// sealed: a header naming this binary and a checksum, so that a note of another
/// binary, or damaged, is never trusted ([`unseal`]). Written whole, then renamed
/// into place.
pub(crate) fn write_note(
    root: &Path,
    name: &str,
    magic: &[u8],
    body: &[u8],
) -> std::io::Result<()> {
    let folder = root.join(CACHE_DIR);
    std::fs::create_dir_all(&folder)?;
    mark_as_cache(&folder)?;
    let mut head = note_header(magic, &this_binary());
    head.extend_from_slice(&xxh3_64(body).to_le_bytes());
    let temporary = folder.join(format!("{name}.{}.tmp", std::process::id()));
    // The body is written where it is, not copied behind the head: the search
    // index's note is 27 MB at 10,000 records.
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(&head)?;
    file.write_all(body)?;
    drop(file);
    std::fs::rename(&temporary, folder.join(name))
}

/// What a note of kind `magic`, written by the binary `stamp`, begins with; its
/// body's checksum (8 bytes) follows.
fn note_header(magic: &[u8], stamp: &str) -> Vec<u8> {
    [magic, stamp.as_bytes(), b"\n"].concat()
}

/// The body of a note [`write_note`] sealed, when `bytes` begin with `magic` and
/// the binary `stamp`, and the checksum holds.
pub(crate) fn unseal<'a>(bytes: &'a [u8], magic: &[u8], stamp: &str) -> Option<&'a [u8]> {
    let header = note_header(magic, stamp);
    let rest = bytes.strip_prefix(header.as_slice())?;
    let (checksum, body) = rest.split_first_chunk::<8>()?;
    (u64::from_le_bytes(*checksum) == xxh3_64(body)).then_some(body)
}

/// The first `len` bytes of the body of the note at `path`, read alone and not
/// checked: whether they are the ones wanted tells whether the rest is needed at
/// all (a note that is then read is checked whole by [`unseal`]).
pub(crate) fn unchecked_start(
    path: &Path,
    magic: &[u8],
    stamp: &str,
    len: usize,
) -> Option<Vec<u8>> {
    let header = note_header(magic, stamp);
    let mut head = vec![0; header.len() + 8 + len];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    head.starts_with(&header)
        .then(|| head.split_off(header.len() + 8))
}

/// Tells git and backup tools that the folder is a cache (no one commits it).
pub(crate) fn mark_as_cache(folder: &Path) -> std::io::Result<()> {
    let ignore = folder.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(ignore, "*\n")?;
    }
    let tag = folder.join("CACHEDIR.TAG");
    if !tag.exists() {
        std::fs::write(
            tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n# sotay's caches (decoded records, what the last build was made from): safe to delete.\n",
        )?;
    }
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
