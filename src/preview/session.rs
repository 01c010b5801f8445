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
