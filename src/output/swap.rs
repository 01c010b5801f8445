//! The write itself: a staging folder filled beside the output, then swapped in as
//! the last step that can fail. On Linux the swap is one atomic exchange of the two
//! folders; elsewhere two renames, which a killed build may leave half done (the
//! next build restores the previous site, see [`super::leftovers`]).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::leftovers::Names;
use super::{OutputError, absolute, io};
use crate::assemble::{File, Files};
use crate::diagnostics::{Diagnostic, Text};
use crate::fast_hash::{FastMap, FastSet};
use crate::layout::OUTPUT_MARKER as MARKER;
use crate::previous::Verified;
use crate::tr;
use crate::unchanged::Looked;

/// Writes `files` into a staging folder next to `output`, then swaps it in. If
/// anything fails, the previous output is left exactly as it was. What it returns
/// are warnings about the previous copy, which could not be removed afterwards, and
/// each file's metadata as written, for the build's notes.
/// `replaceable` is what [`check_replaceable`] found: refused, nothing is written.
///
/// The previous copy is not removed but kept beside the output as the spare, and the
/// next build updates the spare in place into its staging folder: on a slow disk,
/// making and removing a folder per page cost more than the rest of a build.
pub fn write_site<'a>(
    output: &Path,
    files: &'a Files,
    verified: &Verified,
    replaceable: Result<(), OutputError>,
    spare: Option<Spare>,
) -> Result<(Vec<Diagnostic>, Looked<'a>), OutputError> {
    // Refused before writing anything (a spare taken is given back).
    replaceable?;
    let output = absolute(output);
    let names = Names::of(&output);
    std::fs::create_dir_all(names.parent()).map_err(io(names.parent()))?;
    let previous = output.is_dir().then_some(output.as_path());
    let (staging, listed) = match spare.filter(|_| previous.is_some()) {
        Some(spare) => {
            let (staging, listed) = spare.keep();
            (staging, Some(listed))
        }
        None => (names.staging(std::process::id()), None),
    };
    let swapped = write_all(&staging, files, previous, listed, verified)
        .and_then(|looked| Ok((swap(&staging, &output, &names)?, looked)));
    let (old, looked) = match swapped {
        Ok(swapped) => swapped,
        Err(failed) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(failed);
        }
    };
    let Some(old) = old else {
        return Ok((Vec::new(), looked));
    };
    // Another build may have put a spare in place meanwhile: then this copy goes.
    if std::fs::rename(&old, names.spare()).is_ok() {
        ignored_by_git(&names.spare());
        return Ok((Vec::new(), looked));
    }
    let warnings = remove_tree(&old)
        .err()
        .map(|failed| not_removed(&old, &failed))
        .into_iter()
        .collect();
    // Removing the copy changed the change times of the files it shared with the
    // site: the notes then know none, and the next build reads them back.
    Ok((warnings, Looked::default()))
}

/// The spare, taken by a build as its staging folder and listed while the site is
/// assembled: walking its 20,000 folders at 10,000 records was a third of the
/// write. A build that writes nothing gives it back.
#[derive(Debug)]
pub struct Spare {
    /// None once the build keeps it.
    staging: Option<PathBuf>,
    spare: PathBuf,
    listed: Listing,
}

/// Every file and folder below a folder, relative to it, with its type and inode.
type Listing = Vec<(PathBuf, std::fs::FileType, u64)>;

impl Spare {
    /// The spare beside `output`, when there is one sotay made and an output to
    /// update: moved to this build's staging folder in one rename, so two builds
    /// never share it, then listed.
    pub fn take(output: &Path) -> Option<Spare> {
        let output = absolute(output);
        if !output.is_dir() {
            return None;
        }
        let names = Names::of(&output);
        let (spare, staging) = (names.spare(), names.staging(std::process::id()));
        let ours = !spare.is_symlink() && spare.join(MARKER).is_file();
        if !ours || staging.exists() || std::fs::rename(&spare, &staging).is_err() {
            return None;
        }
        // Given back (dropped) when it cannot be listed.
        let mut taken = Spare {
            staging: Some(staging.clone()),
            spare,
            listed: Vec::new(),
        };
        taken.listed = entries_below(&staging).ok()?;
        Some(taken)
    }

    fn keep(mut self) -> (PathBuf, Listing) {
        let staging = self.staging.take().expect("a spare is kept once");
        (staging, std::mem::take(&mut self.listed))
    }
}

/// Given back, unless another build has put a spare in place meanwhile: then the
/// next build removes this staging folder as a dead build's.
impl Drop for Spare {
    fn drop(&mut self) {
        if let Some(staging) = self.staging.take() {
            let _ = std::fs::rename(staging, &self.spare);
        }
    }
}

/// Tells git to ignore the spare, which sits in the handbook's folder beside the
/// output: `git add -A` would commit a whole site. Never written over a file the
/// site has (it is linked to the live site's own); the next build prunes it.
fn ignored_by_git(spare: &Path) {
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(spare.join(".gitignore"))
        .and_then(|mut file| std::io::Write::write_all(&mut file, b"*\n"));
}

/// The new site is in place; only the previous copy is left behind.
fn not_removed(old: &Path, failed: &OutputError) -> Diagnostic {
    let reason = match failed {
        OutputError::Io { source, .. } => Text::of_system(source),
        other => Text::same(other.to_string()),
    };
    Diagnostic::warning(
        old,
        tr!(
            "the site was built, but the previous copy could not be removed: {}",
            "trang đã được build, nhưng không xóa được bản cũ: {}";
            reason
        ),
    )
    .help(tr!(
        "the next build tries again; or delete this folder yourself",
        "lần build sau sẽ thử lại; hoặc tự xóa thư mục này"
    ))
}

/// Every folder of the previous output must be writable: a folder that cannot be
/// emptied would fail a later build, once the new site is already in place. Walking
/// 20,000 folders is a fifth of a write: a build looks while it assembles the site,
/// and only at the folders of the files the previous build `noted`, when it noted
/// any (a walk opened and read each folder: five system calls each, one here). A
/// folder made by hand in the output is then not looked at: pruning it from the
/// spare fails that later build before anything changes.
pub fn check_replaceable<'a>(
    output: &Path,
    noted: Option<impl Iterator<Item = &'a str>>,
) -> Result<(), OutputError> {
    let output = absolute(output);
    let output = output.as_path();
    if !output.is_dir() {
        return Ok(());
    }
    if let Some(parent) = output.parent()
        && !writable(parent)
    {
        return Err(OutputError::ReadOnly(parent.to_path_buf()));
    }
    let mut folders: Vec<PathBuf> = match noted {
        Some(files) => folders(files).into_iter().map(|f| output.join(f)).collect(),
        None => entries_below(output)
            .map_err(io(output))?
            .into_iter()
            .filter(|(_, kind, _)| kind.is_dir())
            .map(|(folder, _, _)| output.join(folder))
            .collect(),
    };
    folders.push(output.to_path_buf());
    // A noted folder removed by hand since is not in the way.
    match folders
        .into_par_iter()
        .find_any(|folder| !writable(folder) && folder.is_dir())
    {
        Some(folder) => Err(OutputError::ReadOnly(folder)),
        None => Ok(()),
    }
}

#[cfg(unix)]
fn writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `path` is a valid NUL-terminated string for the duration of the call.
    unsafe { libc::access(path.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

#[cfg(not(unix))]
fn writable(dir: &Path) -> bool {
    std::fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
}

/// Fills `staging` with `files`. A file whose bytes the previous output already holds
/// at the same path is linked to it, not written again: a rebuild after a small edit
/// writes only what changed, and unchanged files keep their dates (so browsers and
/// proxies keep what they cached). Where links cannot be made (FAT, say), it is written.
/// A recycled staging folder (the spare, `listed` with what it holds) is first
/// cleared of what the site no longer has; a file in it is kept only when it is the
/// previous output's own file (the same inode) and that holds exactly the bytes.
/// What the previous output holds is read and compared, unless this build knows it
/// already (`verified`: a file it read back, or one still as the last build noted
/// it, with the same bytes by hash). Gives each file's metadata as written, and the
/// marker's: the folder is then only renamed, which leaves them as they are.
fn write_all<'a>(
    staging: &Path,
    files: &'a Files,
    previous: Option<&Path>,
    listed: Option<Listing>,
    verified: &Verified,
) -> Result<Looked<'a>, OutputError> {
    let needed = folders(files.keys().map(|path| &**path));
    // A spare that cannot be cleared is given up for a new folder.
    let pruned = listed.and_then(|listed| prune(staging, files, &needed, listed).ok());
    let recycled = pruned.is_some();
    let (missing, held) = match pruned {
        Some(pruned) => (pruned.missing, Held::in_folder(staging, pruned.inodes)),
        None => {
            if staging.exists() {
                std::fs::remove_dir_all(staging).map_err(io(staging))?;
            }
            std::fs::create_dir_all(staging).map_err(io(staging))?;
            (needed.iter().copied().collect(), None)
        }
    };
    // The marker goes first: a build killed while writing leaves a folder that the
    // next build can prove is its own.
    let marker = staging.join(MARKER);
    if !marker.is_file() {
        std::fs::write(
            &marker,
            "This folder is written by sotay build and replaced on every build.\n",
        )
        .map_err(io(&marker))?;
    }
    make_folders(staging, missing)?;
    let into = Staging {
        staging,
        previous,
        recycled,
        held,
        verified,
    };
    let mut looked: Looked = files
        .par_iter()
        .map(|(path, file)| Ok((&**path, into.put(path, file)?)))
        .collect::<Result<_, OutputError>>()?;
    looked.insert(MARKER, std::fs::symlink_metadata(&marker).ok());
    Ok(looked)
}

/// Where [`write_all`] puts each file, and what it knows of the previous output.
struct Staging<'s> {
    staging: &'s Path,
    previous: Option<&'s Path>,
    recycled: bool,
    /// What the recycled spare holds.
    held: Option<Held<'s>>,
    verified: &'s Verified,
}

/// The files a recycled spare holds for the site, as its listing found them.
struct Held<'a> {
    /// Each file's inode, by its path in the site.
    inodes: FastMap<&'a str, u64>,
    /// The device the spare is on.
    device: u64,
}

impl<'a> Held<'a> {
    #[cfg(unix)]
    fn in_folder(staging: &Path, inodes: FastMap<&'a str, u64>) -> Option<Held<'a>> {
        use std::os::unix::fs::MetadataExt;
        let device = std::fs::symlink_metadata(staging).ok()?.dev();
        Some(Held { inodes, device })
    }

    #[cfg(not(unix))]
    fn in_folder(_: &Path, _: FastMap<&'a str, u64>) -> Option<Held<'a>> {
        None
    }

    /// Whether the file at `path` is the one `seen`: the same inode on the same
    /// device. (The listing's inode is the file's own wherever sotay wrote both.)
    #[cfg(unix)]
    fn is(&self, path: &str, seen: &std::fs::Metadata) -> bool {
        use std::os::unix::fs::MetadataExt;
        self.device == seen.dev() && self.inodes.get(path) == Some(&seen.ino())
    }

    #[cfg(not(unix))]
    fn is(&self, _: &str, _: &std::fs::Metadata) -> bool {
        false
    }
}

impl Staging<'_> {
    /// Kept, linked or written, and its metadata then.
    fn put(&self, path: &str, file: &File) -> Result<Option<std::fs::Metadata>, OutputError> {
        let to = self.staging.join(path);
        // The spare holds the very file the previous output does, found as its build
        // noted it while the site was assembled: kept without another look (a look
        // per file was a tenth of a rebuild's system time).
        if let File::OnDisk(kept) = file
            && let Some(seen) = &kept.seen
            && self.held.as_ref().is_some_and(|held| held.is(path, seen))
        {
            return Ok(Some(seen.clone()));
        }
        let old = self.previous.map(|previous| previous.join(path));
        // A file on disk is the previous output's own, its metadata as noted.
        let same = |old: &Path| match file {
            File::OnDisk(_) => true,
            File::Made(made) => self.verified.holds(path, made.hash()) || holds(old, made.bytes()),
            File::Scratch(made) => {
                self.verified.holds(path, made.hash)
                    || (size_of(old) == Some(made.len)
                        && file.bytes().is_ok_and(|bytes| holds(old, &bytes)))
            }
        };
        if let Some(old) = &old
            && same(old)
        {
            if self.recycled
                && let Some(kept) = same_file(old, &to)
            {
                return Ok(Some(kept));
            }
            if self.recycled {
                clear(&to)?;
            }
            if std::fs::hard_link(old, &to).is_ok() {
                return Ok(std::fs::symlink_metadata(&to).ok());
            }
        }
        // Never written into: a spare's file may be linked into the live site.
        if self.recycled {
            clear(&to)?;
        }
        // Moved in as written; nothing reads it after the write.
        if let File::Scratch(made) = file
            && std::fs::rename(&made.at, &to).is_ok()
        {
            return Ok(std::fs::symlink_metadata(&to).ok());
        }
        let bytes = file.bytes().map_err(io(&to))?;
        std::fs::write(&to, &bytes).map_err(io(&to))?;
        Ok(std::fs::symlink_metadata(&to).ok())
    }
}

/// Every folder the files at `paths` are in, relative to the site and written as
/// the paths are (`/` between names), with the folders they are in.
fn folders<'a>(paths: impl Iterator<Item = &'a str>) -> FastSet<&'a str> {
    let mut needed = FastSet::default();
    for mut path in paths {
        while let Some((folder, _)) = path.rsplit_once('/') {
            // Its own folders are in already.
            if !needed.insert(folder) {
                break;
            }
            path = folder;
        }
    }
    needed
}

/// Makes the `missing` folders below `staging`, those nearer the top first: one
/// folder per page, and making them is most of the write time on a real disk.
fn make_folders(staging: &Path, mut missing: Vec<&str>) -> Result<(), OutputError> {
    missing.sort_unstable_by_key(|folder| folder.matches('/').count());
    for level in missing.chunk_by(|a, b| a.matches('/').count() == b.matches('/').count()) {
        level.par_iter().try_for_each(|folder| {
            let folder = staging.join(folder);
            match std::fs::create_dir(&folder) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(io(&folder)(e)),
                _ => Ok(()),
            }
        })?;
    }
    Ok(())
}

/// Removes from a recycled staging folder, which holds what is `listed`, every file
/// and folder the site no longer has (`needed`: the folders it has), and anything
/// that is neither file nor folder.
fn prune<'a>(
    staging: &Path,
    files: &'a Files,
    needed: &FastSet<&'a str>,
    listed: Listing,
) -> Result<Pruned<'a>, OutputError> {
    let mut held = FastSet::default();
    let mut inodes = FastMap::default();
    let mut gone_dirs = Vec::new();
    let mut gone_files = Vec::new();
    for (path, kind, inode) in listed {
        let relative = site_path(&path);
        if kind.is_dir() {
            match relative.as_deref().and_then(|r| needed.get(r)) {
                Some(folder) => {
                    held.insert(*folder);
                }
                None => gone_dirs.push(staging.join(path)),
            }
            continue;
        }
        let relative = relative.unwrap_or_default();
        match files.get_key_value(&*relative) {
            Some((path, _)) if kind.is_file() => {
                inodes.insert(&**path, inode);
            }
            _ if kind.is_file() && relative == MARKER => {}
            _ => gone_files.push(staging.join(path)),
        }
    }
    gone_files
        .par_iter()
        .try_for_each(|file| match std::fs::remove_file(file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(file)(e)),
            _ => Ok(()),
        })?;
    // Deepest first; a folder inside one already removed is gone with it.
    gone_dirs.sort_by_key(|dir| std::cmp::Reverse(dir.components().count()));
    for dir in &gone_dirs {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(io(dir))?;
        }
    }
    let missing = needed
        .iter()
        .filter(|f| !held.contains(*f))
        .copied()
        .collect();
    Ok(Pruned { missing, inodes })
}

/// What is left of a pruned spare.
struct Pruned<'a> {
    /// The needed folders it does not hold.
    missing: Vec<&'a str>,
    /// The inode of each file it holds, by its path in the site.
    inodes: FastMap<&'a str, u64>,
}

/// A relative path as the site's files name theirs, when it is text.
fn site_path(relative: &Path) -> Option<std::borrow::Cow<'_, str>> {
    let text = relative.to_str()?;
    Some(if std::path::MAIN_SEPARATOR == '/' {
        text.into()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/").into()
    })
}

/// Every file and folder below `dir`, relative to it, with its type (links are not
/// followed). Read folder by folder in parallel: one thread walking the 20,000
/// folders of a site of 10,000 records took a fifth of a rebuild's write.
fn entries_below(dir: &Path) -> std::io::Result<Listing> {
    entries_in(dir, Path::new(""))
}

fn entries_in(root: &Path, folder: &Path) -> std::io::Result<Listing> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root.join(folder))? {
        let entry = entry?;
        let inode = inode(&entry);
        found.push((folder.join(entry.file_name()), entry.file_type()?, inode));
    }
    let below = found
        .par_iter()
        .filter(|(_, kind, _)| kind.is_dir())
        .map(|(folder, _, _)| entries_in(root, folder))
        .collect::<std::io::Result<Vec<_>>>()?;
    found.extend(below.into_iter().flatten());
    Ok(found)
}

#[cfg(unix)]
fn inode(entry: &std::fs::DirEntry) -> u64 {
    std::os::unix::fs::DirEntryExt::ino(entry)
}

/// Elsewhere the inode is not told: no file is known to be kept.
#[cfg(not(unix))]
fn inode(_: &std::fs::DirEntry) -> u64 {
    0
}

/// Whether `old` is a plain file holding exactly `bytes`. Checked byte for byte,
/// never trusted from dates or a list: a file changed by hand in the output is
/// written anew.
fn holds(old: &Path, bytes: &[u8]) -> bool {
    size_of(old) == Some(bytes.len() as u64) && std::fs::read(old).is_ok_and(|held| held == bytes)
}

/// The length of the plain file at `path`.
fn size_of(path: &Path) -> Option<u64> {
    std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.file_type().is_file())
        .map(|m| m.len())
}

/// `b`'s metadata, when it is the same file as `a`.
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> Option<std::fs::Metadata> {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) if b.is_file() && a.dev() == b.dev() && a.ino() == b.ino() => Some(b),
        _ => None,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> Option<std::fs::Metadata> {
    None
}

/// Makes room at `path` in a recycled staging folder.
fn clear(path: &Path) -> Result<(), OutputError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path)(e)),
        _ => Ok(()),
    }
}

/// Puts `staging` in place of `output` and returns where the previous output now
/// is, to be removed.
fn swap(staging: &Path, output: &Path, names: &Names) -> Result<Option<PathBuf>, OutputError> {
    if !output.exists() {
        std::fs::rename(staging, output).map_err(io(output))?;
        return Ok(None);
    }
    if exchange(staging, output).is_ok() {
        // The staging name now holds the previous site.
        return Ok(Some(staging.to_path_buf()));
    }
    let old = names.old(std::process::id());
    std::fs::rename(output, &old).map_err(io(output))?;
    if let Err(e) = std::fs::rename(staging, output) {
        // Put the previous site back before reporting.
        let _ = std::fs::rename(&old, output);
        return Err(io(output)(e));
    }
    Ok(Some(old))
}

/// Swaps two folders in one step, so `output` never goes missing.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes());
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths for the duration of the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Other systems (and file systems without the exchange) rename twice.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// `remove_dir_all`, with the top two levels of folders removed in parallel.
pub(super) fn remove_tree(dir: &Path) -> Result<(), OutputError> {
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_dir() && !path.is_symlink() {
            match std::fs::read_dir(&path) {
                Ok(children) => subdirs.extend(children.filter_map(|c| Some(c.ok()?.path()))),
                Err(e) => return Err(io(&path)(e)),
            }
        }
    }
    subdirs.par_iter().try_for_each(|path| {
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(path).map_err(io(path))
        } else {
            std::fs::remove_file(path).map_err(io(path))
        }
    })?;
    std::fs::remove_dir_all(dir).map_err(io(dir))
}
