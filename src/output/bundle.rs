//! The whole site as one zip (`sotay build --zip FILE`), for USB sticks and
//! intranets: unpacked, its `index.html` opens from disk, search included.

use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{OutputError, absolute};
use crate::assemble::Files;

/// A zip being written: [`Partial::keep`] puts it in place once the site is.
pub struct Partial {
    partial: PathBuf,
    file: PathBuf,
}

impl Partial {
    pub fn keep(self) -> Result<(), OutputError> {
        std::fs::rename(&self.partial, &self.file).map_err(zip_io(&self.file))
    }

    pub fn discard(self) {
        let _ = std::fs::remove_file(&self.partial);
    }
}

/// Writes `files` into a zip beside `file`, under one folder named after it
/// (`so-tay.zip` unpacks to `so-tay/`), to be renamed into place with the site: a
/// reader never finds half a zip, nor a zip of a site that failed to write.
pub fn write_zip(file: &Path, output: &Path, files: &Files) -> Result<Partial, OutputError> {
    let file = absolute(file);
    if file.starts_with(absolute(output)) {
        return Err(OutputError::ZipInOutput(file));
    }
    let folder = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "so-tay".into());
    // A folder in its place would only refuse the rename, once the site is written.
    if file.is_dir() {
        return Err(zip_io(&file)(std::io::ErrorKind::IsADirectory.into()));
    }
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).map_err(zip_io(&file))?;
    }
    let partial = partial_name(&file);
    let zip = Partial { partial, file };
    match write_entries(&zip.partial, &zip.file, &folder, files) {
        Ok(()) => Ok(zip),
        Err(e) => {
            zip.discard();
            Err(e)
        }
    }
}

/// Writes the zip into `partial`; problems name `file`, the zip staff asked for.
fn write_entries(
    partial: &Path,
    file: &Path,
    folder: &str,
    files: &Files,
) -> Result<(), OutputError> {
    let out = std::fs::File::create(partial).map_err(zip_io(file))?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(out));
    // A fixed date: the same site makes the same zip.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut paths: Vec<&str> = files.keys().map(|p| &**p).collect();
    paths.sort_unstable();
    for path in paths {
        zip.start_file(format!("{folder}/{path}"), options)
            .map_err(|e| zip_error(file, e))?;
        let bytes = files[path].bytes().map_err(zip_io(file))?;
        zip.write_all(&bytes).map_err(zip_io(file))?;
    }
    let mut out = zip.finish().map_err(|e| zip_error(file, e))?;
    out.flush().map_err(zip_io(file))?;
    out.into_inner()
        .map_err(|e| zip_io(file)(e.into_error()))?
        .sync_all()
        .map_err(zip_io(file))
}

fn partial_name(file: &Path) -> PathBuf {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    file.with_file_name(format!(".{name}.sotay-{}", std::process::id()))
}

fn zip_io(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Zip {
        path: path.to_path_buf(),
        source,
    }
}

fn zip_error(path: &Path, error: zip::result::ZipError) -> OutputError {
    OutputError::Zip {
        path: path.to_path_buf(),
        source: std::io::Error::other(error),
    }
}
