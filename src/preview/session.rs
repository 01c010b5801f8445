//! The preview's state between saves: the sources as they are on disk, the last good
//! assembly, and the changes that wait while the sources have errors.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::assemble::{Assembly, Built, Files, Outcome, Stopwatch, bring_up_to_date};
use crate::diagnostics::{Diagnostics, Language};
use crate::sources::{Changes, Sources};

pub struct Session {
    sources: Sources,
    assembly: Option<Assembly>,
    /// Changes since the last good assembly.
    pending: Changes,
}

impl Session {
    /// Reads the handbook at `root`; fails when it has no readable sotay.yaml.
    /// Call [`Session::update`] with no paths for the first assembly.
    pub fn open(root: &Path) -> Result<Session, Diagnostics> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let (sources, _) = Sources::load_cached(&root);
        if sources.config().is_none() {
            return Err(sources.diagnostics());
        }
        Ok(Session {
            sources,
            assembly: None,
            pending: Changes::all(),
        })
    }

    pub fn root(&self) -> &Path {
        self.sources.root()
    }

    pub fn language(&self) -> Language {
        self.sources.language()
    }

    /// The last good site, if any assembly succeeded.
    pub fn files(&self) -> Option<Arc<Files>> {
        self.assembly.as_ref().map(Assembly::files)
    }

    /// Reads what changed at `paths` and brings the site up to date.
    pub fn update(&mut self, paths: &[PathBuf]) -> Outcome {
        let mut clock = Stopwatch::start();
        let changes = self.sources.reload(paths);
        self.pending.merge(changes);
        clock.lap("read");
        let outcome =
            bring_up_to_date(&mut self.assembly, &self.sources, &self.pending, &mut clock);
        if matches!(outcome, Outcome::Built(_) | Outcome::Unchanged) {
            self.pending = Changes::default();
        }
        outcome
    }

    /// Whether [`Session::refresh_index`] has work to do.
    pub fn index_stale(&self) -> bool {
        self.pending.is_empty() && self.assembly.as_ref().is_some_and(Assembly::index_stale)
    }

    /// How long to wait for a save before [`Session::refresh_index`]: none for the
    /// search index, a second for the open data catalogue alone (saves in a row
    /// then never wait for it); `None` when there is nothing to do.
    pub fn refresh_after(&self) -> Option<std::time::Duration> {
        if !self.index_stale() {
            return None;
        }
        let catalogue = self.assembly.as_ref().is_some_and(Assembly::catalogue_only);
        Some(std::time::Duration::from_secs(u64::from(catalogue)))
    }

    /// Builds the search index and page again; a failure waits for the next change.
    pub fn refresh_index(&mut self) -> Result<Option<Built>, Diagnostics> {
        self.refresh_index_unless(&AtomicBool::new(false))
    }

    /// [`Session::refresh_index`], given up as soon as `stop` is set (a save is
    /// waiting): `Ok(None)`, and the index is still stale.
    pub fn refresh_index_unless(
        &mut self,
        stop: &AtomicBool,
    ) -> Result<Option<Built>, Diagnostics> {
        match &mut self.assembly {
            Some(assembly) if self.pending.is_empty() => {
                assembly.refresh_index(&self.sources, stop)
            }
            _ => Ok(None),
        }
    }
}
