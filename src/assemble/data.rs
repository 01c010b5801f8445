//! The open data an assembly publishes: each record's JSON beside its page, the
//! catalogue made of them, the statistics as CSV, and the change log with its feed.

use std::borrow::Cow;
use std::sync::Arc;

use rayon::prelude::*;

use super::OutputFile;
use super::files::File;
use super::store::Store;
use crate::changes::{self, ChangeLog};
use crate::model::site::Site;
use crate::open_data::{self, DataRecord};
use crate::theme::strings::Strings;
use crate::urls;
use crate::view::{self, Page, ProcedureItem};

/// Each record's open data and its JSON, in the records' order.
pub(super) struct OpenData<'a> {
    /// Made for every record but those whose JSON was taken from the last catalogue.
    pub(super) made: Vec<Option<Arc<DataRecord>>>,
    pub(super) json: Vec<Cow<'a, [u8]>>,
    /// The hash of each one's JSON ([`changes::hash`]).
    pub(super) hashes: Vec<u128>,
}

impl<'a> OpenData<'a> {
    /// Each record's, made from the record and its line `items`, unless `taken`
    /// holds its JSON.
    pub(super) fn of(
        site: &Site,
        items: &[Arc<ProcedureItem>],
        taken: Option<&'a changes::PublishedJson>,
    ) -> OpenData<'a> {
        let ((made, json), hashes) = site
            .records
            .par_iter()
            .zip(items)
            .enumerate()
            .map(|(at, (record, item))| match taken.and_then(|t| t.get(at)) {
                Some((json, hash)) => ((None, Cow::Borrowed(json)), hash),
                None => {
                    let data = open_data::of(site, record, item);
                    let json = serde_json::to_vec(&data).expect("data records serialise");
                    let hash = changes::hash(&json);
                    ((Some(Arc::new(data)), Cow::Owned(json)), hash)
                }
            })
            .unzip();
        OpenData { made, json, hashes }
    }
}

/// The open data as JSON: the file beside each record's page and the catalogue,
/// made of each record's JSON (`serialised`, hashed `hashes`). When the previous
/// build is offered, with the key each record's file was made from: the hash of
/// its JSON.
pub(super) fn json_files(
    site: &Site,
    serialised: Vec<Cow<[u8]>>,
    hashes: &[u128],
    store: Store,
) -> JsonFiles {
    let catalogue = || {
        let pieces = open_data::procedures_json(site, &serialised);
        (pieces.path.clone(), store.pieces(pieces))
    };
    let beside = || {
        site.records
            .par_iter()
            .zip(&serialised)
            .zip(hashes)
            .map(|((record, bytes), hash)| {
                let path = urls::procedure_data(&record.slug);
                let file = store.keyed(&path, *hash, || {
                    open_data::procedure_file(&record.slug, bytes).bytes
                });
                (path, file)
            })
            .collect::<Vec<_>>()
    };
    let (catalogue, mut files) = rayon::join(catalogue, beside);
    let keys = match store.previous {
        Some(_) => files
            .iter()
            .zip(hashes)
            .map(|((path, _), hash)| (path.clone(), *hash))
            .collect(),
        None => Vec::new(),
    };
    files.push(catalogue);
    JsonFiles { files, keys }
}

/// What [`json_files`] made.
pub(super) struct JsonFiles {
    pub(super) files: Vec<(String, File)>,
    /// Each record's file beside its page, and the hash of the JSON it holds.
    pub(super) keys: Vec<(String, u128)>,
}

/// The rest of the open data: the catalogue's other files and the statistics as
/// CSV. `hashes`: each record's JSON hash, which its catalogue lines are made of.
/// When the previous build is offered, where the lines are, for the next build to
/// take them.
pub(super) fn data_files(
    site: &Site,
    strings: &Strings,
    data: &(dyn Fn(usize) -> Arc<DataRecord> + Sync),
    hashes: &[u128],
    others: &[Page],
    store: Store,
) -> (Vec<(String, File)>, Option<open_data::LinesNote>) {
    let lines_key = store
        .previous
        .and_then(|_| open_data::lines_key(strings, &site.config.organisation.name));
    let written = store.previous.zip(lines_key).and_then(|(previous, key)| {
        open_data::Written::read(previous.root(), previous.output(), key)
    });
    let (mut files, [csv_at, cpsv_at]) =
        open_data::catalogue_files(site, strings, data, hashes, written.as_ref(), |pieces| {
            (pieces.path.clone(), store.pieces(pieces))
        });
    files.extend(statistics_csv(others).map(|made| store.put(made)));
    let note = lines_key.map(|key| open_data::LinesNote::new(key, hashes, csv_at, cpsv_at));
    (files, note)
}

/// The change log the next build carries on, and its feed.
pub(super) fn change_files(log: &ChangeLog, site: &Site, strings: &Strings) -> Vec<OutputFile> {
    vec![
        OutputFile {
            path: changes::log_path(),
            bytes: log.file(),
        },
        OutputFile {
            path: changes::atom::feed_path(),
            bytes: changes::feed(log, site, strings).into_bytes(),
        },
    ]
}

/// The statistics page's numbers as CSV, beside it.
pub(super) fn statistics_csv(others: &[Page]) -> Option<OutputFile> {
    others.iter().find_map(|page| match &page.data {
        view::PageData::Statistics(stats) => Some(OutputFile {
            path: view::statistics::csv_path(),
            bytes: stats.csv.clone().into_bytes(),
        }),
        _ => None,
    })
}
