//! The handbook as it was at a git revision, for `sotay changes --since <ref>`: its
//! tree is exported with `git archive` into a temporary folder and loaded like any
//! handbook.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagnostics::Text;
use crate::open_data::DataRecord;
use crate::sources::Sources;
use crate::view::Views;

/// Every procedure of the handbook at `root` as it was at `revision`, as open data.
/// The error says why, in both languages (git's own words are kept as git wrote them).
pub fn procedures_at(root: &Path, revision: &str) -> Result<Vec<DataRecord>, Text> {
    let prefix = git(root, &["rev-parse", "--show-prefix"])?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_string();
    let tree = format!("{revision}:{prefix}");
    let zip = git(root, &["archive", "--format=zip", &tree])?;
    let folder = Temporary::new()?;
    zip::ZipArchive::new(Cursor::new(zip))
        .and_then(|mut archive| archive.extract(&folder.0))
        .map_err(|e| Text::same(format!("git archive {tree}: {e}")))?;
    let sources = Sources::load(&folder.0);
    let (Some(site), Some(strings)) = (sources.site(), sources.strings()) else {
        return Err(crate::tr!(
            "the handbook at {revision} has no readable sotay.yaml or theme",
            "sổ tay ở phiên bản {revision} không có sotay.yaml hoặc giao diện đọc được"
        ));
    };
    let views = Views::new(&site, strings);
    Ok(site
        .records
        .iter()
        .map(|record| crate::open_data::of(&site, record, &views.item(record)))
        .collect())
}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, Text> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => crate::tr!(
                "git is not installed here (or not on the PATH)",
                "máy này chưa cài git (hoặc git không có trong PATH)"
            ),
            _ => crate::tr!("git: {}", "git: {}"; Text::of_system(&e)),
        })?;
    if !output.status.success() {
        return Err(Text::same(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(output.stdout)
}

/// A folder removed when dropped.
struct Temporary(PathBuf);

impl Temporary {
    fn new() -> Result<Temporary, Text> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!("sotay-since-{}-{nanos}", std::process::id()));
        let shown = Text::same(path.display().to_string());
        std::fs::create_dir_all(&path)
            .map_err(|e| crate::tr!("{}: {}", "{}: {}"; shown, Text::of_system(&e)))?;
        Ok(Temporary(path))
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
