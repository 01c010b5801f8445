//! The search index, built from the records in the same run as the pages.
//!
//! The browser must show results after at most three sequential requests: the search
//! page (which carries the script and a small manifest inline), then the index files
//! for the query's words, then the display data of the first results. So:
//! - words, title word pairs and codes share one sorted key space, cut into files of
//!   [`SHARD_BYTES`] on average where the keys say (`ends_shard`), so the preview
//!   ([`Live`]) can update a few files and still make a whole build's; the manifest
//!   lists the first key of each file;
//! - records are numbered by title length, then Vietnamese order, so "shorter titles
//!   first" is just "smaller id first"; the manifest says where each length starts;
//! - display data lives in files of [`CHUNK`] records, facets in one file fetched
//!   only when filters need it;
//! - a title word found in at most [`LEAD_ROWS`] titles also has a lead file: the
//!   display data of every record with it in the title, and the everyday names found
//!   there. The manifest says which words have one, and how many titles each holds.
//!   A query's rarest such word is one request that shows every result with all the
//!   words in its title (those rank first) in two rounds; the index files then come
//!   for the exact count and the rest.
//!
//! Every file is a script calling `__sotaySearch(name, data)`, so search works from
//! `file://` too, where the browser refuses `fetch`.

mod encode;
mod entry;
mod leads;
mod live;
pub mod spelling;
mod stored;
mod synonyms;
mod terms;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::assemble::{File, OutputFile};
use crate::diagnostics::Diagnostic;
use crate::model::fields::FieldLabels;
use crate::model::keyword::Keyword;
use crate::model::record::{Audience, Level, OnlineLevel, Record};
use crate::text::collate;
use crate::urls;
use crate::view::{ProcedureItem, Views};

use crate::fast_hash::FastHash;
use entry::{Entry, Membership, encoded};
use leads::{Lead, Leads, Sorted};
pub use live::Live;
pub use stored::{Inputs, Note, Stored};
use synonyms::Table;
pub use terms::{Class, code_key};

/// Mean size of an index file before compression (`ends_shard`).
pub const SHARD_BYTES: usize = 8_000;
/// Records per display-data file.
pub const CHUNK: usize = 16;
/// Most titles a lead file lists (about 300 bytes each before compression).
pub const LEAD_ROWS: usize = 255;
/// The folder of the lead files, inside the search folder.
pub const LEADS: &str = "w";

/// What becomes of each lead file as soon as it is made: a build puts it in its
/// store, the preview keeps it ([`in_memory`]). Held until the index was whole,
/// the lead files of 10,000 records (62 MB) raised a cold build's peak by 50 MB.
pub type Put<'a> = &'a (dyn Fn(OutputFile) -> (String, File) + Sync);

/// A lead file kept in memory as it is.
pub fn in_memory(file: OutputFile) -> (String, File) {
    (file.path, File::made(file.bytes))
}

/// The index files and the manifest the search page carries inline.
pub struct SearchIndex {
    /// The files but the lead files.
    pub files: Vec<OutputFile>,
    /// The lead files made, as [`Put`] gave them.
    pub leads: Vec<(String, File)>,
    /// Files of the index as it was that are still as they were, and not in `files`
    /// (the lead files an update of the preview's index did not touch).
    pub kept: Vec<String>,
    /// The [`Manifest`] as JSON: a previous build's is taken as it was written.
    pub manifest: Box<serde_json::value::RawValue>,
    /// [`Manifest::version`].
    pub version: String,
}

/// The part of a [`Manifest`] read back from its JSON.
#[derive(Debug, serde::Deserialize)]
pub struct Version {
    pub version: String,
}

#[derive(Debug, Serialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// [`FACETS`].
    pub facets: [(&'static str, usize); 4],
    /// Changes whenever any index file does; appended to file URLs so caches refresh.
    pub version: String,
    pub records: usize,
    pub chunk: usize,
    /// First key of each index file.
    pub shards: Vec<String>,
    /// `lens[n]`: the first record id whose title has at least `n` words.
    pub lens: Vec<usize>,
    /// Every folded word made only of letters, space-separated, sorted: for typo
    /// correction and completing the word being typed without a request.
    pub vocab: String,
    /// One base64 digit per `vocab` word: whether it has a lead file, and about how
    /// many titles it is in, so the rarest word or pair is fetched (`lead_digit`).
    pub lead: String,
    pub fields: Vec<String>,
    pub levels: Vec<(&'static str, String)>,
    pub audiences: Vec<(&'static str, String)>,
    /// Online levels: key, badge label, long label.
    pub online: Vec<(&'static str, String, String)>,
    /// Interface strings the script shows (`search.*` of the theme's i18n).
    pub text: BTreeMap<&'static str, String>,
}

/// The `search.*` strings the script needs.
const TEXT: &[&str] = &[
    "prompt",
    "results",
    "so_far",
    "none",
    "missing",
    "closest",
    "filtered",
    "did_you_mean",
    "more",
    "code",
    "error",
    "outdated",
];

/// The shape of the index files; the search script refuses any other. Change it
/// whenever a file changes shape.
pub const FORMAT: u32 = 3;

/// The columns of the facets file, in order, with their width in base64 digits (six
/// bits each). The manifest carries them and the script reads them from there.
pub const FACETS: [(&str, usize); 4] = [("field", 2), ("level", 1), ("audience", 2), ("online", 1)];

// Levels and audiences are a bit each, the online level a number: they must fit.
const _: () = assert!(Level::ALL.len() <= 6 * FACETS[1].1);
const _: () = assert!(Audience::ALL.len() <= 6 * FACETS[2].1);
const _: () = assert!(OnlineLevel::ALL.len() <= 1 << (6 * FACETS[3].1));

type Keys = HashMap<String, Entry, FastHash>;

fn add_record(mut keys: Keys, id: u32, record: &Record, synonyms: &Table) -> Keys {
    let terms = terms::doc_terms(record, synonyms);
    let mut folded = String::new();
    for (word, class) in terms.words {
        if class == Class::Title {
            continue; // in `title_forms`
        }
        spelling::key_into(word, &mut folded);
        // Look up by &str first: only a new key costs an allocation.
        let entry = match keys.get_mut(folded.as_str()) {
            Some(entry) => entry,
            None => keys.entry(folded.clone()).or_default(),
        };
        entry.other[class as usize - 1].push(id);
    }
    for (folded, form) in terms.title_forms {
        keys.entry(folded).or_default().title.push((form, id));
    }
    for pair in terms.title_pairs {
        keys.entry(pair)
            .or_default()
            .title
            .push((String::new(), id));
    }
    for (alias, class) in &terms.aliases {
        for word in alias.iter() {
            let entry = keys.entry(word.clone()).or_default();
            match class {
                Class::Title => entry.title.push((word.clone(), id)),
                other => entry.other[*other as usize - 1].push(id),
            }
        }
    }
    keys.entry(code_key(&record.code)).or_default().code = Some(id);
    keys
}

fn merge(a: Keys, b: Keys) -> Keys {
    let (mut big, small) = if a.len() < b.len() { (b, a) } else { (a, b) };
    for (key, entry) in small {
        big.entry(key).or_default().merge(entry);
    }
    big
}

/// The search index of `records` (shown as `items`). Fails only when a facet value
/// does not fit the index format (more fields than [`FACETS`] can number).
pub fn build(
    views: &Views,
    records: &[Record],
    items: &[Arc<ProcedureItem>],
    put: Put,
) -> Result<SearchIndex, Box<Diagnostic>> {
    let never = AtomicBool::new(false);
    build_unless(views, records, items, &never, put).map(|index| index.expect("never stopped"))
}

/// [`build`], given up as soon as `stop` is set (the preview sets it when a save
/// arrives, so a page never waits for the index): `None` then.
pub fn build_unless(
    views: &Views,
    records: &[Record],
    items: &[Arc<ProcedureItem>],
    stop: &AtomicBool,
    put: Put,
) -> Result<Option<SearchIndex>, Box<Diagnostic>> {
    Ok(make(views, records, items, stop, put)?.map(|made| made.index))
}

/// Where a record's id puts it: shorter titles first, then Vietnamese alphabetical
/// order, then the code.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Place<'r> {
    words: usize,
    title: &'r collate::SortKey,
    code: &'r str,
}

impl<'r> Place<'r> {
    fn of(record: &'r Record) -> Self {
        Place {
            words: crate::text::words(&record.title).count(),
            title: &record.title_key,
            code: &record.code,
        }
    }
}

/// A whole index, and what [`Live`] keeps of its making.
struct Made<'r> {
    index: SearchIndex,
    /// By id.
    records: Vec<&'r Record>,
    /// Every key, sorted, with its entry and [`encoded`] form.
    keys: Vec<(String, Entry, String)>,
    rows: Vec<String>,
    fields: Vec<String>,
    leads: Leads,
}

fn make<'r>(
    views: &Views,
    records: &'r [Record],
    items: &'r [Arc<ProcedureItem>],
    stop: &AtomicBool,
    put: Put,
) -> Result<Option<Made<'r>>, Box<Diagnostic>> {
    let stopped = || stop.load(Ordering::Relaxed);
    let mut order: Vec<(Place, &Record, &ProcedureItem)> = records
        .par_iter()
        .zip(items)
        .map(|(r, item)| (Place::of(r), r, &**item))
        .collect();
    order.par_sort_by(|a, b| a.0.cmp(&b.0));
    let records: Vec<&Record> = order.iter().map(|(_, r, _)| *r).collect();
    let items: Vec<&ProcedureItem> = order.iter().map(|(_, _, item)| *item).collect();
    let total = records.len();

    let synonyms = Table::new(views.site.synonyms);
    let keys: Keys = records
        .par_iter()
        .enumerate()
        .fold(Keys::default, |keys, (id, record)| {
            if stopped() {
                return keys;
            }
            add_record(keys, id as u32, record, &synonyms)
        })
        .reduce(
            Keys::default,
            |a, b| if stopped() { a } else { merge(a, b) },
        );
    if stopped() {
        return Ok(None);
    }
    let mut keys: Vec<(String, Entry)> = keys.into_iter().collect();
    keys.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let field_labels = &views.site.field_labels;
    let fields = field_names(&records, field_labels);
    let field_index = numbered(&fields);
    let rows: Vec<String> = items
        .par_iter()
        .map(|item| display_row(item, &field_index))
        .collect();
    if stopped() {
        return Ok(None);
    }
    let keys: Vec<(String, Entry, String)> = keys
        .into_par_iter()
        .map(|(key, mut entry)| {
            if stopped() {
                return Default::default();
            }
            entry.sort();
            let encoded = encoded(&key, &entry, total, &rows);
            (key, entry, encoded)
        })
        .collect();
    if stopped() {
        return Ok(None);
    }
    let (shards, mut files) = shard_files(keys.iter().map(|(k, _, e)| (k.as_str(), e.as_str())));
    files.extend(display_files(&rows));
    files.push(facet_file(&records, &field_index, field_labels)?);
    if stopped() {
        return Ok(None);
    }
    let (vocab, pairs) = vocab_and_pairs(keys.iter().map(|(k, e, _)| (k.as_str(), e)));
    let sorted = Sorted(&keys);
    let lead = Lead::new(&sorted, &records, &rows, &synonyms);
    let leads = lead.all(&vocab, &pairs, &stopped, put);
    if stopped() {
        return Ok(None);
    }
    let shape = Shape {
        records: total,
        shards,
        lens: lens(order.iter().map(|(place, _, _)| place.words)),
        vocab: vocab.join(" "),
        lead: leads.words.iter().map(|(digit, _)| *digit).collect(),
        fields: fields.clone(),
    };
    let kept = Leads {
        words: leads.words.iter().map(|(d, f)| (*d, f.is_some())).collect(),
        pairs: leads.pairs.iter().map(|(pair, _)| pair.clone()).collect(),
    };
    let index = indexed(views, files, leads.files().collect(), Vec::new(), shape);
    Ok(Some(Made {
        index,
        records,
        keys,
        rows,
        fields,
        leads: kept,
    }))
}

/// Whether a key is a word of the manifest's `vocab`: letters only.
fn is_word(key: &str) -> bool {
    key.chars().all(char::is_alphabetic)
}

/// Of every key in order: the `vocab` words, and the title pairs (which may have
/// a lead file).
fn vocab_and_pairs<'k>(
    keys: impl Iterator<Item = (&'k str, &'k Entry)>,
) -> (Vec<&'k str>, Vec<&'k str>) {
    let mut vocab = Vec::new();
    let mut pairs = Vec::new();
    for (key, entry) in keys {
        if is_word(key) {
            vocab.push(key);
        } else if key.contains(' ') && !entry.title.is_empty() {
            pairs.push(key);
        }
    }
    (vocab, pairs)
}

fn numbered(fields: &[String]) -> HashMap<&str, usize> {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.as_str(), i))
        .collect()
}

/// `lens[n]`: the first id whose title has at least `n` words, from the word
/// counts by id.
fn lens(words: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut lens = Vec::new();
    let mut total = 0;
    for (id, len) in words.enumerate() {
        while lens.len() <= len {
            lens.push(id);
        }
        total = id + 1;
    }
    lens.push(total);
    lens
}

/// The index files: every key's [`encoded`] entry in key order, cut where the
/// keys say ([`ends_shard`]); and the first key of each file.
fn shard_files<'k>(
    keys: impl Iterator<Item = (&'k str, &'k str)>,
) -> (Vec<String>, Vec<OutputFile>) {
    let mut files = Vec::new();
    let mut shards = Vec::new();
    let mut current = String::new();
    for (key, encoded) in keys {
        if current.is_empty() {
            shards.push(key.to_string());
        } else {
            current.push(',');
        }
        current.push_str(encoded);
        if ends_shard(key, encoded.len(), current.len()) {
            let name = format!("i{}", shards.len() - 1);
            files.push(script(&name, &format!("{{{current}}}")));
            current.clear();
        }
    }
    if !current.is_empty() {
        let name = format!("i{}", shards.len() - 1);
        files.push(script(&name, &format!("{{{current}}}")));
    }
    (shards, files)
}

/// Whether an index file ends after `key`. Decided by the key and the size of its
/// own entry, so that an edit moves no cut but those of the keys it changed: the
/// preview re-encodes a few files, and they are the files a whole build makes. A
/// key ends a file with a chance of its entry's size in [`SHARD_BYTES`], so files
/// are [`SHARD_BYTES`] long on average; one grown to four times that ends anyway.
fn ends_shard(key: &str, entry_bytes: usize, file_bytes: usize) -> bool {
    (xxh3_64(key.as_bytes()) % SHARD_BYTES as u64) < entry_bytes as u64
        || file_bytes >= 4 * SHARD_BYTES
}

/// The manifest's parts that come from the records.
struct Shape {
    records: usize,
    shards: Vec<String>,
    lens: Vec<usize>,
    vocab: String,
    lead: String,
    fields: Vec<String>,
}

/// The index of `files` (index, display and facet files) and `leads` (lead files,
/// made of the same records and rows: the version need not read their tens of
/// megabytes); `kept`: [`SearchIndex::kept`].
fn indexed(
    views: &Views,
    files: Vec<OutputFile>,
    leads: Vec<(String, File)>,
    kept: Vec<String>,
    shape: Shape,
) -> SearchIndex {
    let manifest = manifest(views, version(&files), shape);
    SearchIndex {
        files,
        leads,
        kept,
        version: manifest.version.clone(),
        manifest: serde_json::value::to_raw_value(&manifest).expect("plain data serialises"),
    }
}

fn manifest(views: &Views, version: String, shape: Shape) -> Manifest {
    Manifest {
        format: FORMAT,
        facets: FACETS,
        version,
        records: shape.records,
        chunk: CHUNK,
        shards: shape.shards,
        lens: shape.lens,
        vocab: shape.vocab,
        lead: shape.lead,
        fields: shape.fields,
        levels: labels::<Level>(views, "level"),
        audiences: labels::<Audience>(views, "audience"),
        online: labels::<OnlineLevel>(views, "online")
            .into_iter()
            .map(|(key, label)| {
                (
                    key,
                    label,
                    views.strings.get(&format!("online.{key}_long")).into(),
                )
            })
            .collect(),
        text: TEXT
            .iter()
            .map(|key| (*key, views.strings.get(&format!("search.{key}")).into()))
            .collect(),
    }
}

fn labels<K: Keyword>(views: &Views, section: &str) -> Vec<(&'static str, String)> {
    K::ALL
        .iter()
        .map(|(key, _, _)| (*key, views.strings.get(&format!("{section}.{key}")).into()))
        .collect()
}

fn field_names(records: &[&Record], labels: &FieldLabels) -> Vec<String> {
    let mut fields: Vec<String> = records
        .iter()
        .map(|r| labels.label(&r.field).to_string())
        .collect();
    fields.sort_unstable();
    fields.dedup();
    collate::sort_by_text(&mut fields, |f| f);
    fields
}

/// What a result line shows: `[url, title, code, field index, time, fee, online key]`.
fn display_row(item: &ProcedureItem, field_index: &HashMap<&str, usize>) -> String {
    json(&(
        &item.url,
        &item.title,
        &item.code,
        field_index[item.field.as_str()],
        &item.time,
        &item.fee,
        item.online.key,
    ))
}

/// The display rows, [`CHUNK`] records per file.
fn display_files(rows: &[String]) -> Vec<OutputFile> {
    rows.par_chunks(CHUNK)
        .enumerate()
        .map(|(n, chunk)| script(&format!("d{n}"), &format!("[{}]", chunk.join(","))))
        .collect()
}

/// Per record, the [`FACETS`] in base64 digits: field (its number), levels and
/// audiences (a bit each), online level (its number). Filters and their counts read this.
fn facet_file(
    records: &[&Record],
    field_index: &HashMap<&str, usize>,
    labels: &FieldLabels,
) -> Result<OutputFile, Box<Diagnostic>> {
    let fields = field_index.len();
    let most = 1usize << (6 * FACETS[0].1);
    if fields > most {
        return Err(Box::new(Diagnostic::error(
            crate::layout::PROCEDURES_DIR,
            crate::tr!(
                "the records name {fields} different fields; the search index can tell at most {most} apart",
                "các hồ sơ ghi {fields} lĩnh vực khác nhau; chỉ mục tìm kiếm phân biệt được tối đa {most}"
            ),
        )
        .help(crate::tr!(
            "look for fields written in many ways, and write each field the same way",
            "tìm các lĩnh vực được viết theo nhiều cách và thống nhất cách viết"
        ))));
    }
    let stride: usize = FACETS.iter().map(|(_, width)| width).sum();
    let mut out = String::with_capacity(records.len() * stride);
    for record in records {
        let values = [
            field_index[labels.label(&record.field)],
            bits(&record.levels),
            bits(&record.audience),
            position(record.online_level()),
        ];
        for ((_, width), value) in FACETS.iter().zip(values) {
            encode::digits(value, *width, &mut out);
        }
    }
    Ok(script("facets", &json(&out)))
}

fn position<K: Keyword>(value: K) -> usize {
    K::ALL.iter().position(|(_, _, v)| *v == value).unwrap_or(0)
}

fn bits<K: Keyword>(values: &[K]) -> usize {
    values.iter().fold(0, |acc, v| acc | 1 << position(*v))
}

fn script(name: &str, data: &str) -> OutputFile {
    OutputFile {
        path: format!("{}/{name}.js", urls::SEARCH),
        bytes: format!("__sotaySearch({},{data});\n", json(&name)).into_bytes(),
    }
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

/// XXH3 over every file: stable across runs and Rust versions, unlike `DefaultHasher`.
fn version(files: &[OutputFile]) -> String {
    let mut hash = Xxh3::new();
    for file in files {
        hash.update(file.path.as_bytes());
        hash.update(&[0]);
        hash.update(&file.bytes);
    }
    format!("{:08x}", hash.digest() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_fields_than_the_facets_can_number_is_an_error_not_a_wrap() {
        let names: Vec<String> = (0..=4096).map(|i| format!("Lĩnh vực {i}")).collect();
        let index: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let error = facet_file(&[], &index, &FieldLabels::default()).unwrap_err();
        assert!(
            error.message.en.contains("4097 different fields"),
            "{error:?}"
        );
        assert!(error.message.en.contains("at most 4096"), "{error:?}");
        assert!(facet_file(&[], &HashMap::new(), &FieldLabels::default()).is_ok());
    }
}
