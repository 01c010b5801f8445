//! Pages of the previous build, taken again when what they are rendered from has not
//! changed: rendering is half of a build that changed nothing.
//!
//! A page's key is a hash of everything its rendering reads ([`Renderer::key`]).
//! `.sotay-cache/pages` maps each page's path to the key it was last rendered from
//! and a hash of the bytes written. The bytes themselves are read back from the
//! previous output, and used only when their hash still matches: a page changed by
//! hand, or left by a killed build, is rendered again. The file belongs to one sotay
//! binary, like the cache of decoded records, and is ignored when damaged.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

use crate::assemble::Files;
use crate::sources::cache::{CACHE_DIR, mark_as_cache, this_binary};

#[cfg(doc)]
use super::Renderer;

const FILE: &str = "pages";
const MAGIC: &[u8] = b"sotay page cache 1\n";
/// Key (16 bytes), hash of the bytes (16), path length (2).
const ENTRY: usize = 34;

/// The previous build's pages, as far as they can be trusted.
pub struct PreviousPages {
    output: PathBuf,
    /// Path → (key it was rendered from, hash of its bytes).
    pages: HashMap<String, (u128, u128)>,
}

impl PreviousPages {
    /// The pages the last build of the handbook at `root` wrote into `output`.
    pub fn open(root: &Path, output: &Path) -> PreviousPages {
        PreviousPages::open_as(root, output, &this_binary())
    }

    /// As a binary stamped `stamp` sees them. (Tests stand in for other versions.)
    pub fn open_as(root: &Path, output: &Path, stamp: &str) -> PreviousPages {
        let bytes = std::fs::read(root.join(CACHE_DIR).join(FILE)).unwrap_or_default();
        PreviousPages {
            output: output.to_path_buf(),
            pages: entries(&bytes, stamp).unwrap_or_default(),
        }
    }

    /// The page at `path` as the previous build wrote it, if it was rendered from
    /// `key` and the output still holds exactly those bytes.
    pub fn page(&self, path: &str, key: u128) -> Option<Vec<u8>> {
        let (known, hash) = self.pages.get(path)?;
        if *known != key {
            return None;
        }
        let bytes = std::fs::read(self.output.join(path)).ok()?;
        (xxh3_128(&bytes) == *hash).then_some(bytes)
    }
}

/// Notes the key each page of `files` was rendered from, for the next build of the
/// handbook at `root` (whose output now holds `files`). Written whole, then renamed
/// into place. A cache that cannot be written costs time, never a build: errors are
/// returned for the caller to ignore.
pub fn save(root: &Path, keys: &[(String, u128)], files: &Files) -> std::io::Result<()> {
    save_as(root, keys, files, &this_binary())
}

pub fn save_as(
    root: &Path,
    keys: &[(String, u128)],
    files: &Files,
    stamp: &str,
) -> std::io::Result<()> {
    let folder = root.join(CACHE_DIR);
    std::fs::create_dir_all(&folder)?;
    mark_as_cache(&folder)?;
    let mut body = Vec::with_capacity(keys.len() * (ENTRY + 48));
    for (path, key) in keys {
        let (Some(bytes), Ok(length)) = (files.get(path.as_str()), u16::try_from(path.len()))
        else {
            continue;
        };
        body.extend_from_slice(&key.to_le_bytes());
        body.extend_from_slice(&xxh3_128(bytes).to_le_bytes());
        body.extend_from_slice(&length.to_le_bytes());
        body.extend_from_slice(path.as_bytes());
    }
    let mut out = header(stamp);
    out.extend_from_slice(&xxh3_64(&body).to_le_bytes());
    out.extend_from_slice(&body);
    let temporary = folder.join(format!("{FILE}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, &out)?;
    std::fs::rename(&temporary, folder.join(FILE))
}

fn header(stamp: &str) -> Vec<u8> {
    [MAGIC, stamp.as_bytes(), b"\n"].concat()
}

/// The entries of a page cache of the binary stamped `stamp`, when its checksum
/// holds: one damaged byte and none is used.
fn entries(bytes: &[u8], stamp: &str) -> Option<HashMap<String, (u128, u128)>> {
    let rest = bytes.strip_prefix(header(stamp).as_slice())?;
    let (checksum, body) = rest.split_first_chunk::<8>()?;
    if u64::from_le_bytes(*checksum) != xxh3_64(body) {
        return None;
    }
    let mut pages = HashMap::new();
    let mut at = body;
    while !at.is_empty() {
        let (entry, rest) = at.split_first_chunk::<ENTRY>()?;
        let key = u128::from_le_bytes(entry[..16].try_into().ok()?);
        let hash = u128::from_le_bytes(entry[16..32].try_into().ok()?);
        let length = u16::from_le_bytes(entry[32..].try_into().ok()?) as usize;
        let path = std::str::from_utf8(rest.get(..length)?).ok()?;
        pages.insert(path.to_string(), (key, hash));
        at = &rest[length..];
    }
    Some(pages)
}
