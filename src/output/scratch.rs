//! A build's scratch folder beside the output: each page is written there as soon as
//! it is rendered (and each search index and open data file once made), and the
//! write moves it into the staging folder (the same file system, so a rename). The
//! site's files are then never all in memory at once.
//! Named `.public.sotay-pages-<pid>` and holding the output marker from the start,
//! a folder left by a killed build is removed by the next one ([`super::tidy`]).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::absolute;
use super::leftovers::Names;
use crate::layout::OUTPUT_MARKER as MARKER;

pub struct Scratch {
    dir: PathBuf,
    /// The name of the next file: a number, so the folder holds no folders.
    next: AtomicUsize,
}

impl Scratch {
    /// A new scratch folder beside `output`; none when the folder the output is in
    /// does not exist yet or cannot be written (the build then holds its files).
    pub fn beside(output: &Path) -> Option<Scratch> {
        let names = Names::of(&absolute(output));
        if !names.parent().is_dir() {
            return None;
        }
        let dir = names.pages(std::process::id());
        // Left by a dead build that had this process's number: ours, so emptied.
        if dir.join(MARKER).is_file() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        std::fs::create_dir(&dir).ok()?;
        let scratch = Scratch {
            dir,
            next: AtomicUsize::new(0),
        };
        std::fs::write(scratch.dir.join(MARKER), "").ok()?;
        Some(scratch)
    }

    /// Writes `bytes` into a new file of the folder and says where.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<PathBuf> {
        let at = self.new_file();
        std::fs::write(&at, bytes)?;
        Ok(at)
    }

    /// Writes `parts` one after another into a new file of the folder and says where.
    pub fn put_all(&self, parts: &[impl AsRef<[u8]>]) -> std::io::Result<PathBuf> {
        let at = self.new_file();
        let mut file = std::io::BufWriter::with_capacity(1 << 18, std::fs::File::create(&at)?);
        for part in parts {
            file.write_all(part.as_ref())?;
        }
        file.into_inner().map_err(|e| e.into_error())?;
        Ok(at)
    }

    /// The path of the next new file.
    fn new_file(&self) -> PathBuf {
        self.dir
            .join(self.next.fetch_add(1, Ordering::Relaxed).to_string())
    }
}

/// What the write did not move (pages the output already held) goes with the folder.
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
