//! Where an assembly's pages come from: taken from the previous build when made
//! from the same key, else rendered, and then written to the scratch folder.

use std::sync::Arc;

use rayon::prelude::*;
use xxhash_rust::xxh3::{Xxh3Default, xxh3_128};

use super::files::{File, OnDisk};
use super::{OutputFile, Page};
use crate::diagnostics::Diagnostics;
use crate::fast_hash::FastSet;
use crate::open_data::Pieces;
use crate::output::Scratch;
use crate::previous::PreviousBuild;
use crate::render::{RenderError, Renderer};
use crate::search;
use crate::view::{self, Views};

/// What rendering pages gave.
pub(super) struct Rendered {
    pub(super) files: Vec<(String, File)>,
    /// The key each page was rendered from, when the previous pages were offered.
    pub(super) keys: Vec<(String, u128)>,
    /// The pages taken from the previous build.
    pub(super) taken: FastSet<String>,
}

/// Each record's page and notice. Both are taken from the previous build when they
/// were made from the same inputs; the record's view is made only when they are not.
pub(super) struct RecordPages<'a> {
    views: &'a Views<'a>,
    by_code: &'a view::ByCode<'a>,
    /// Each record's [`Views::procedure_inputs`], when there are inputs to take by.
    inputs: Vec<Option<u128>>,
}

impl<'a> RecordPages<'a> {
    pub(super) fn new(
        views: &'a Views<'a>,
        by_code: &'a view::ByCode<'a>,
        inputs: Option<&search::Inputs>,
    ) -> Self {
        let records = views.site.records;
        let inputs = match (inputs, views.shared_inputs()) {
            (Some(inputs), Some(shared)) => records
                .par_iter()
                .zip(inputs.each())
                .map(|(record, own)| views.procedure_inputs(shared, record, *own, by_code))
                .collect(),
            _ => vec![None; records.len()],
        };
        RecordPages {
            views,
            by_code,
            inputs,
        }
    }

    /// Every record's two pages, in the records' order.
    fn all(&self, renderer: &Renderer, store: Store) -> Vec<Made> {
        (0..self.inputs.len())
            .into_par_iter()
            .flat_map_iter(|at| self.made(at, renderer, store))
            .collect()
    }

    /// The two pages of the record at `at`: each taken when it can be, and the
    /// record's view made only when one cannot.
    fn made(&self, at: usize, renderer: &Renderer, store: Store) -> Vec<Made> {
        let record = &self.views.site.records[at];
        let paths = view::procedure_paths(record);
        let keys = self.inputs[at]
            .map(|inputs| paths.each_ref().map(|p| renderer.key_of_inputs(p, inputs)));
        let pages = std::cell::OnceCell::new();
        // The record's view as the templates read it, for both pages.
        let procedure = std::cell::OnceCell::new();
        paths
            .into_iter()
            .enumerate()
            .map(|(n, path)| {
                store.page(path, keys.map(|k| k[n]), || {
                    let pages =
                        pages.get_or_init(|| self.views.procedure_pages(record, self.by_code));
                    renderer.render_sharing(&pages[n], &procedure)
                })
            })
            .collect()
    }
}

/// One page, taken or rendered.
struct Made {
    path: String,
    bytes: Result<File, RenderError>,
    /// What it was rendered from, when the previous build was offered.
    key: Option<u128>,
    taken: bool,
}

/// Where an assembly's files come from and go: the previous build's, to take or to
/// link again, and the folder a build writes what it makes into at once.
#[derive(Clone, Copy, Default)]
pub(super) struct Store<'a> {
    pub(super) previous: Option<&'a PreviousBuild>,
    pub(super) scratch: Option<&'a Scratch>,
}

impl Store<'_> {
    /// The file at `path` this build made of `bytes`: the previous output's own
    /// when it holds them, else written to the scratch folder, if any.
    fn file(self, path: &str, bytes: Vec<u8>) -> File {
        if self.previous.is_none() && self.scratch.is_none() {
            return File::made(bytes);
        }
        let hash = xxh3_128(&bytes);
        match self
            .previous
            .and_then(|previous| previous.holds(path, hash))
        {
            Some(held) => held,
            None => File::scratch(bytes, hash, self.scratch),
        }
    }

    /// [`Store::file`] of a made file, with its path.
    pub(super) fn put(self, made: OutputFile) -> (String, File) {
        let file = self.file(&made.path, made.bytes);
        (made.path, file)
    }

    /// The file at `path` the previous build made from `key`, when the output still
    /// holds it as written; else the one [`Store::file`] makes of `make`'s bytes.
    pub(super) fn keyed(self, path: &str, key: u128, make: impl FnOnce() -> Vec<u8>) -> File {
        self.previous
            .and_then(|previous| previous.page(path, key))
            .unwrap_or_else(|| self.file(path, make()))
    }

    /// The file made of `pieces`, as [`Store::file`] makes one of its bytes: written
    /// piece by piece to the scratch folder, joined only to be held in memory.
    pub(super) fn pieces(self, pieces: Pieces) -> File {
        let Some(scratch) = self.scratch else {
            let file = pieces.joined();
            return self.file(&file.path, file.bytes);
        };
        let mut hasher = Xxh3Default::new();
        for part in &pieces.parts {
            hasher.update(part);
        }
        let hash = hasher.digest128();
        if let Some(held) = self.previous.and_then(|p| p.holds(&pieces.path, hash)) {
            return held;
        }
        match scratch.put_all(&pieces.parts) {
            Ok(at) => File::Scratch(Arc::new(OnDisk {
                at,
                hash,
                len: pieces.size() as u64,
                seen: None,
            })),
            Err(_) => File::scratch(pieces.joined().bytes, hash, None),
        }
    }

    /// The page at `path`: taken from the previous build if it was made from `key`,
    /// else rendered.
    fn page(
        self,
        path: String,
        key: Option<u128>,
        render: impl FnOnce() -> Result<Vec<u8>, RenderError>,
    ) -> Made {
        let taken = self
            .previous
            .zip(key)
            .and_then(|(previous, key)| previous.page(&path, key));
        Made {
            taken: taken.is_some(),
            bytes: taken.map_or_else(|| render().map(|bytes| self.file(&path, bytes)), Ok),
            path,
            key,
        }
    }
}

/// Renders the pages of `records` and `pages` in parallel, taking those whose key
/// the previous build rendered from the store's. A template error is reported once,
/// not once per page.
pub(super) fn render_all<'a>(
    renderer: &Renderer,
    records: Option<&RecordPages>,
    pages: impl Iterator<Item = &'a Page>,
    store: Store,
) -> Result<Rendered, Diagnostics> {
    let pages: Vec<&Page> = pages.collect();
    let mut made = records.map_or_else(Vec::new, |r| r.all(renderer, store));
    made.par_extend(pages.par_iter().map(|page| {
        let key = store.previous.and_then(|_| renderer.key(page));
        store.page(page.path.clone(), key, || renderer.render(page))
    }));
    let mut rendered = Rendered {
        files: Vec::with_capacity(made.len()),
        keys: Vec::new(),
        taken: FastSet::default(),
    };
    let mut errors: Vec<(RenderError, String)> = Vec::new();
    for Made {
        path,
        bytes,
        key,
        taken,
    } in made
    {
        match bytes {
            Ok(bytes) => {
                rendered.keys.extend(key.map(|key| (path.clone(), key)));
                if taken {
                    rendered.taken.insert(path.clone());
                }
                rendered.files.push((path, bytes));
            }
            Err(error) if errors.iter().all(|(e, _)| *e != error) => {
                errors.push((error, path));
            }
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        return Ok(rendered);
    }
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(errors.iter().map(|(e, page)| e.diagnostic(Some(page))));
    Err(diagnostics)
}
