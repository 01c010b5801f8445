//! A build with nothing to do. When no file the handbook is made from has changed
//! since the last build, and the output folder still holds exactly what that build
//! wrote, building again would write the same bytes: `build` says so, repeats that
//! build's warnings and writes nothing.
//!
//! "Not changed" is told from each file's metadata (size, modification and change
//! times, inode), as make and git do, without reading it: reading and decoding ten
//! thousand records is most of a build that changed nothing. The change time cannot
//! be set back, so a file edited and given its old date again still shows. A file
//! written in the same clock tick as the build looked at it could be changed again
//! unseen ("racy", as git calls it): then nothing is noted and the next build runs
//! whole. The note, `.sotay-cache/unchanged`, is sealed like the other caches: of
//! another binary, or damaged, it is ignored.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::assemble::OfflineReport;
use crate::diagnostics::{Diagnostic, Language};
use crate::fast_hash::FastMap;
use crate::layout::{CONFIG_FILE, SOURCE_DIRS};
use crate::sources::cache::{
    CACHE_DIR, mark_as_cache, this_binary, unchecked_start, unseal, write_note,
};

const FILE: &str = "unchanged";
const MAGIC: &[u8] = b"sotay unchanged note 2\n";
/// Written to learn what time the file system gives a file written now.
const CLOCK: &str = "clock";

/// The sources as a build found them before reading any.
pub struct Snapshot {
    sources: Fingerprint,
    /// Every source is older than the clock tick the build started in.
    settled: bool,
}

/// Metadata of a set of files, in one hash: equal when no file was added, removed
/// or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Fingerprint {
    hash: [u64; 2],
    files: u64,
}

impl Fingerprint {
    const BYTES: usize = 24;

    fn bytes(&self) -> [u8; Fingerprint::BYTES] {
        let mut bytes = [0; Fingerprint::BYTES];
        let parts = [self.hash[0], self.hash[1], self.files];
        for (chunk, part) in bytes.chunks_exact_mut(8).zip(parts) {
            chunk.copy_from_slice(&part.to_le_bytes());
        }
        bytes
    }
}

/// What a build wrote and said, for the next one to say again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub language: Language,
    pub pages: usize,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    pub offline: Option<OfflineReport>,
}

/// The note: the sources' fingerprint first, in [`Fingerprint::BYTES`], then the
/// rest as JSON. Its warnings make it megabytes at 10,000 records: after an edit,
/// the sources differ and the rest is not parsed.
#[derive(Serialize, Deserialize)]
struct Note {
    /// The output folder as sotay.yaml names it.
    configured: PathBuf,
    /// The output folder written, absolute, and its files.
    output: PathBuf,
    written: Fingerprint,
    outcome: Outcome,
}

impl Snapshot {
    /// The sources of the handbook at `root` as they are now; `None` when one
    /// cannot be looked at (then there is nothing to compare with).
    pub fn take(root: &Path) -> Option<Snapshot> {
        let now = clock(root)?;
        let mut fingerprint = Summing::default();
        fingerprint.add_tree(root, &root.join(CONFIG_FILE), true)?;
        for dir in SOURCE_DIRS {
            fingerprint.add_tree(root, &root.join(dir), true)?;
        }
        Some(Snapshot {
            settled: fingerprint.newest < now,
            sources: fingerprint.finish(),
        })
    }

    /// What the last build said and where it wrote, when it was made from these
    /// very sources and its output is still exactly as it wrote it. `output` is where
    /// this build is asked to write instead of the configured folder.
    pub fn unchanged(&self, root: &Path, output: Option<&Path>) -> Option<(PathBuf, Outcome)> {
        let path = root.join(CACHE_DIR).join(FILE);
        let stamp = this_binary();
        // After an edit the sources differ, and the rest of the note (megabytes of
        // warnings at 10,000 records) is neither read nor checked.
        let noted = unchecked_start(&path, MAGIC, &stamp, Fingerprint::BYTES)?;
        if noted != self.sources.bytes() {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let (sources, rest) = unseal(&bytes, MAGIC, &stamp)?.split_first_chunk()?;
        if *sources != self.sources.bytes() {
            return None;
        }
        let note: Note = serde_json::from_slice(rest).ok()?;
        // The same sources: the same sotay.yaml, so the same configured folder.
        let asked = output.map_or_else(|| root.join(&note.configured), Path::to_path_buf);
        let same = std::path::absolute(&asked).ok()? == note.output
            && written(&note.output)?.finish() == note.written;
        same.then_some((asked, note.outcome))
    }

    /// Notes that the build made from these sources wrote into `output` the files
    /// `looked` found there (paths relative to it), and said `outcome`. Nothing is
    /// noted when a source was too new to be sure of, and a note that cannot be
    /// written costs the next build time, never a build: errors are returned for the
    /// caller to ignore.
    pub fn note(
        &self,
        root: &Path,
        configured: &Path,
        output: &Path,
        looked: &Looked,
        outcome: Outcome,
    ) -> std::io::Result<()> {
        let path = root.join(CACHE_DIR).join(FILE);
        // First of all: whatever happens next, an old note must not outlive this build.
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        if !self.settled {
            return Ok(());
        }
        let output = std::path::absolute(output)?;
        // Written by this build: a hand edit in the same clock tick as its last file,
        // keeping the size, would go unseen; no person edits that fast.
        let unreadable = || std::io::Error::other("the output cannot be looked at");
        let written = listed(&output, looked).ok_or_else(unreadable)?.finish();
        let note = Note {
            configured: configured.to_path_buf(),
            output,
            written,
            outcome,
        };
        let mut body = self.sources.bytes().to_vec();
        serde_json::to_writer(&mut body, &note)?;
        write_note(root, FILE, MAGIC, &body)
    }
}

/// The metadata of each file a build wrote, by its path in the output folder, as the
/// write left it ([`crate::output::write_site`]), for the notes of
/// [`crate::previous`] and of this module.
pub(crate) type Looked<'a> = FastMap<&'a str, Option<std::fs::Metadata>>;

/// [`stamp`] from metadata already looked up.
pub(crate) fn stamp_of(metadata: &std::fs::Metadata) -> Option<(u128, u64)> {
    if !metadata.is_file() {
        return None;
    }
    let mut hasher = Xxh3::new();
    for part in identity(metadata)? {
        hasher.update(&part.to_le_bytes());
    }
    Some((hasher.digest128(), metadata.len()))
}

/// What [`written`] finds in `output` when it holds exactly `files`, looked up one
/// by one rather than walked: a third of the time at 10,000 records. A file the
/// output holds beyond them shows when the next build walks it.
fn listed(output: &Path, files: &Looked) -> Option<Summing> {
    let mut summing = Summing::default();
    summing.add(output, &std::fs::symlink_metadata(output).ok()?)?;
    let found = files
        .par_iter()
        .map(|(file, metadata)| {
            let mut one = Summing::default();
            one.add(Path::new(file), metadata.as_ref()?)?;
            Some(one)
        })
        .try_reduce(Summing::default, |mut all, one| {
            all.merge(one);
            Some(all)
        })?;
    summing.merge(found);
    Some(summing)
}

/// The files of the output folder (its own inode too: a new build is a new folder).
fn written(output: &Path) -> Option<Summing> {
    let mut summing = Summing::default();
    summing.add(output, &std::fs::symlink_metadata(output).ok()?)?;
    summing.add_tree(output, output, false)?;
    Some(summing)
}

/// The time the file system gives a file written now, in nanoseconds. A file whose
/// change time is older, seen after this was taken, shows any later change in its
/// stamp; one changed in the same tick might not.
pub(crate) fn clock(root: &Path) -> Option<i128> {
    let folder = root.join(CACHE_DIR);
    std::fs::create_dir_all(&folder).ok()?;
    // The clock may be the first thing in the folder (a build that then stops on
    // errors writes nothing else): git must ignore it all the same.
    mark_as_cache(&folder).ok()?;
    let path = folder.join(CLOCK);
    std::fs::write(&path, b"").ok()?;
    changed(&std::fs::metadata(&path).ok()?)
}

#[derive(Default)]
struct Summing {
    /// Per-file hashes added up, so the order files are found in does not matter.
    sum: u128,
    files: u64,
    /// The latest change time seen.
    newest: i128,
}

impl Summing {
    /// Adds every file under `path` (or `path` itself), named relative to `root`.
    /// A missing `path` adds nothing; any other error gives `None`.
    fn add_tree(&mut self, root: &Path, path: &Path, follow_links: bool) -> Option<()> {
        let metadata = match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(()),
            found => found.ok()?,
        };
        let tree = Tree { root, follow_links };
        let found = tree.entry(path, metadata, 0)?;
        self.merge(found);
        Some(())
    }

    fn merge(&mut self, other: Summing) {
        self.sum = self.sum.wrapping_add(other.sum);
        self.files += other.files;
        self.newest = self.newest.max(other.newest);
    }

    fn add(&mut self, name: &Path, metadata: &std::fs::Metadata) -> Option<()> {
        let mut hasher = Xxh3::new();
        hasher.update(name.as_os_str().as_encoded_bytes());
        hasher.update(&[0]);
        for part in identity(metadata)? {
            hasher.update(&part.to_le_bytes());
        }
        self.sum = self.sum.wrapping_add(hasher.digest128());
        self.files += 1;
        self.newest = self.newest.max(changed(metadata)?);
        Some(())
    }

    fn finish(&self) -> Fingerprint {
        Fingerprint {
            hash: [self.sum as u64, (self.sum >> 64) as u64],
            files: self.files,
        }
    }
}

/// A folder looked at in parallel, each entry through its folder (no path lookups):
/// ten thousand records and forty thousand output files are most of the time.
struct Tree<'a> {
    root: &'a Path,
    follow_links: bool,
}

/// Deeper than any handbook: a link loop.
const DEPTH: usize = 64;

impl Tree<'_> {
    fn entry(&self, path: &Path, mut metadata: std::fs::Metadata, depth: usize) -> Option<Summing> {
        if self.follow_links && metadata.file_type().is_symlink() {
            metadata = std::fs::metadata(path).ok()?;
        }
        if !metadata.is_dir() {
            let mut summing = Summing::default();
            summing.add(path.strip_prefix(self.root).unwrap_or(path), &metadata)?;
            return Some(summing);
        }
        if depth > DEPTH {
            return None;
        }
        let entries = std::fs::read_dir(path)
            .ok()?
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        entries
            .par_iter()
            .map(|entry| self.entry(&entry.path(), entry.metadata().ok()?, depth + 1))
            .try_fold(Summing::default, |mut all, one| {
                all.merge(one?);
                Some(all)
            })
            .try_reduce(Summing::default, |mut all, one| {
                all.merge(one);
                Some(all)
            })
    }
}

/// A hash of what tells the version of the plain file at `path` without reading
/// it, and its length; `None` where that cannot be told.
pub(crate) fn stamp(path: &Path) -> Option<(u128, u64)> {
    stamp_and_time(path).map(|(stamp, _)| stamp)
}

/// [`stamp`], and the file's change time: a stamp is only as good as the clock
/// tick it was taken in (see [`clock`]).
pub(crate) fn stamp_and_time(path: &Path) -> Option<((u128, u64), i128)> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    Some((stamp_of(&metadata)?, changed(&metadata)?))
}

/// What tells a file's version without reading it.
#[cfg(unix)]
fn identity(metadata: &std::fs::Metadata) -> Option<[i128; 6]> {
    use std::os::unix::fs::MetadataExt;
    Some([
        metadata.len().into(),
        metadata.mode().into(),
        metadata.dev().into(),
        metadata.ino().into(),
        metadata.mtime() as i128 * 1_000_000_000 + metadata.mtime_nsec() as i128,
        changed(metadata)?,
    ])
}

#[cfg(unix)]
fn changed(metadata: &std::fs::Metadata) -> Option<i128> {
    use std::os::unix::fs::MetadataExt;
    Some(metadata.ctime() as i128 * 1_000_000_000 + metadata.ctime_nsec() as i128)
}

/// Elsewhere there is no change time: every build runs whole.
#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<[i128; 6]> {
    None
}

#[cfg(not(unix))]
fn changed(_: &std::fs::Metadata) -> Option<i128> {
    None
}
