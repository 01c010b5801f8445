//! A build's search index: taken from the previous build, updated from the note
//! it left, or made whole.

use std::sync::Arc;

use rayon::prelude::*;

use super::files::File;
use super::store::Store;
use crate::diagnostics::Diagnostic;
use crate::previous::PreviousBuild;
use crate::search;
use crate::view::{ProcedureItem, Views};

/// The search index, taken from the previous build when it was made from the same
/// key: with the key (when the previous build was offered) and whether it was taken;
/// its files in the store, the lead files as soon as each is made. They are put
/// there before the note for the next build is made: both are tens of megabytes at
/// 10,000 records.
pub(super) fn search_index(
    views: &Views,
    records: &[crate::model::record::Record],
    items: &[Arc<ProcedureItem>],
    previous: Option<&PreviousBuild>,
    inputs: Option<&search::Inputs>,
    store: Store,
) -> Result<Indexed, Box<Diagnostic>> {
    let put = |made| store.put(made);
    let (indexed, stored) = made_index(views, records, items, previous, inputs, &put)?;
    let indexed = indexed.stored_in(store);
    Ok(Indexed {
        stored: stored.map(search::Stored::note),
        ..indexed
    })
}

/// [`search_index`], with the index to note for the next build, if any.
fn made_index(
    views: &Views,
    records: &[crate::model::record::Record],
    items: &[Arc<ProcedureItem>],
    previous: Option<&PreviousBuild>,
    inputs: Option<&search::Inputs>,
    put: search::Put,
) -> Result<(Indexed, Option<search::Stored>), Box<Diagnostic>> {
    let Some((previous, inputs)) = previous.zip(inputs) else {
        return Ok((
            Indexed::made(search::build(views, records, items, put)?),
            None,
        ));
    };
    let key = inputs.key();
    if let Some(taken) = taken_index(previous, key) {
        return Ok((taken, None));
    }
    // The index noted with the output's, updated where records changed; its
    // untouched lead files are taken from the output.
    let stored = previous
        .index_key()
        .and_then(|noted| search::Stored::open(previous.root(), noted));
    if let Some(stored) = stored
        && let Some((stored, mut index)) = stored.update(views, records, items, inputs, put)?
        && let Some(taken) = previous.index_files(std::mem::take(&mut index.kept))
    {
        let indexed = Indexed {
            key: Some(key),
            how: IndexMade::Updated,
            files: taken,
            ..Indexed::made(index)
        };
        return Ok((indexed, Some(stored)));
    }
    let (live, index) = search::Live::whole(views, records, items, put)?;
    let indexed = Indexed {
        key: Some(key),
        ..Indexed::made(index)
    };
    Ok((indexed, search::Stored::new(live, records, inputs)))
}

/// The previous build's index, if it was made from `key` and is still as written.
fn taken_index(previous: &PreviousBuild, key: u128) -> Option<Indexed> {
    let (manifest, taken) = previous.index(key)?;
    let manifest = serde_json::value::RawValue::from_string(manifest).ok()?;
    let version = serde_json::from_str::<search::Version>(manifest.get())
        .ok()?
        .version;
    let index = search::SearchIndex {
        kept: Vec::new(),
        files: Vec::new(),
        leads: Vec::new(),
        manifest,
        version,
    };
    Some(Indexed {
        key: Some(key),
        how: IndexMade::Taken,
        files: taken,
        ..Indexed::made(index)
    })
}

/// How a build's search index came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexMade {
    /// Made from every record.
    Whole,
    /// The previous build's, updated where records changed.
    Updated,
    /// The previous build's, as it was: nothing it is made of changed.
    Taken,
}

/// The search index of a build.
pub(super) struct Indexed {
    pub(super) index: search::SearchIndex,
    /// What it was made from, when the previous build was offered.
    pub(super) key: Option<u128>,
    pub(super) how: IndexMade,
    /// Its note, for the next build to update it.
    pub(super) stored: Option<search::Note>,
    /// Its files taken from the previous build, beside `index.files`; all its
    /// files once [`Indexed::stored_in`] a build's store.
    pub(super) files: Vec<(String, File)>,
}

impl Indexed {
    fn made(index: search::SearchIndex) -> Indexed {
        Indexed {
            index,
            key: None,
            how: IndexMade::Whole,
            stored: None,
            files: Vec::new(),
        }
    }

    /// With the files made moved beside those taken, into the store (the made ones
    /// first, as the index lists them; the lead files are there already).
    fn stored_in(mut self, store: Store) -> Indexed {
        let mut files: Vec<(String, File)> = std::mem::take(&mut self.index.files)
            .into_par_iter()
            .map(|made| store.put(made))
            .collect();
        files.append(&mut self.index.leads);
        files.append(&mut self.files);
        self.files = files;
        self
    }
}
