//! Watching the site's sources. Events only say where to look: the session reads the
//! files as they are on disk, so whatever order an editor's save produces events in
//! (temporary file and rename, delete and recreate, a hundred saves in a row), the
//! last update reads the final content.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer_opt,
};

use crate::layout::WATCHED;

/// Quiet time before a burst of events is handed on: short, as it adds to every
/// rebuild, but long enough to take an editor's save as one change.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// How often `--poll` looks at every file. notify's poller compares modification
/// times in whole seconds, so it also compares contents: two saves within one
/// second would otherwise look like one. That reads every file each round.
const POLL: Duration = Duration::from_secs(1);

/// Paths that changed, or `None` when the watcher lost track and everything must be
/// looked at again.
pub type Batch = Option<Vec<PathBuf>>;

pub enum Watcher {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl Watcher {
    /// Watches `root`; each batch is sent on the receiver, with `waiting` set first
    /// so that work in progress (the search index) can give way to it.
    pub fn start(
        root: &Path,
        poll: bool,
        waiting: Arc<AtomicBool>,
    ) -> notify::Result<(Watcher, Receiver<Batch>)> {
        let (sender, receiver) = channel();
        let handler = move |result: DebounceEventResult| {
            let batch = match result {
                Ok(events) if events.iter().any(|e| e.need_rescan()) => None,
                Ok(events) => Some(
                    events
                        .into_iter()
                        .filter(|e| relevant(&e.kind))
                        .flat_map(|e| e.event.paths)
                        .collect::<Vec<_>>(),
                ),
                Err(_) => None,
            };
            if batch.as_ref().is_none_or(|paths| !paths.is_empty()) {
                waiting.store(true, Ordering::Relaxed);
                let _ = sender.send(batch);
            }
        };
        // Links are not followed: one from a watched folder to another, or to the
        // root (`static/up -> ..`), made the watch loop on itself and end silently.
        // What a link inside the site leads to is watched in its own folder.
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut watcher = if poll {
            let config = config.with_poll_interval(POLL).with_compare_contents(true);
            Watcher::Poll(new_debouncer_opt(DEBOUNCE, None, handler, NoCache, config)?)
        } else {
            let cache = RecommendedCache::new();
            Watcher::Native(new_debouncer_opt(DEBOUNCE, None, handler, cache, config)?)
        };
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        Ok((watcher, receiver))
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Watcher::Native(d) => d.watch(path, mode),
            Watcher::Poll(d) => d.watch(path, mode),
        }
    }

    /// Watches the folders of [`WATCHED`] that exist; call again when one appears.
    /// Returns the folders that could not be watched, with why, to be said.
    pub fn watch_folders(&mut self, root: &Path) -> Vec<(PathBuf, notify::Error)> {
        let mut failed = Vec::new();
        for folder in WATCHED {
            let path = root.join(folder);
            if path.is_dir() {
                // Watching a folder twice is harmless; a failure is retried on the
                // next event at the root.
                if let Err(e) = self.watch(&path, RecursiveMode::Recursive) {
                    failed.push((PathBuf::from(folder), e));
                }
            }
        }
        failed
    }
}

/// Reads (including sotay's own) are not changes; writes, creations, removals,
/// renames and metadata changes are.
fn relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}
