//! The search index, built from the records in the same run as the pages.
//!
//! The browser must show results after at most three sequential requests: the search
//! page (which carries the script and a small manifest inline), then the index files
//! for the query's words, then the display data of the first results. So:
//! - words, title word pairs and codes share one sorted key space, cut into files of
//!   about [`SHARD_BYTES`]; the manifest lists the first key of each file;
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
pub mod spelling;
mod synonyms;
mod terms;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

use crate::assemble::OutputFile;
use crate::diagnostics::Diagnostic;
use crate::model::fields::FieldLabels;
use crate::model::keyword::Keyword;
use crate::model::record::{Audience, Level, OnlineLevel, Record};
use crate::render::Hashing;
use crate::text::collate;
use crate::urls;
use crate::view::{ProcedureItem, Views};

use synonyms::Table;
pub use terms::{Class, code_key};

/// Target size of one index file before compression.
pub const SHARD_BYTES: usize = 8_000;
/// Records per display-data file.
pub const CHUNK: usize = 16;
/// Most titles a lead file lists (about 300 bytes each before compression).
pub const LEAD_ROWS: usize = 255;
/// The folder of the lead files, inside the search folder.
pub const LEADS: &str = "w";

/// The index files and the manifest the search page carries inline.
pub struct SearchIndex {
    pub files: Vec<OutputFile>,
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
    /// many titles it is in, so the rarest word or pair is fetched ([`lead_digit`]).
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
pub const FORMAT: u32 = 2;

/// The columns of the facets file, in order, with their width in base64 digits (six
/// bits each). The manifest carries them and the script reads them from there.
pub const FACETS: [(&str, usize); 4] = [("field", 2), ("level", 1), ("audience", 2), ("online", 1)];

// Levels and audiences are a bit each, the online level a number: they must fit.
const _: () = assert!(Level::ALL.len() <= 6 * FACETS[1].1);
const _: () = assert!(Audience::ALL.len() <= 6 * FACETS[2].1);
const _: () = assert!(OnlineLevel::ALL.len() <= 1 << (6 * FACETS[3].1));

/// A key's postings while the index is built.
#[derive(Default)]
struct Entry {
    /// Title postings with the word as written ("" for pairs).
    title: Vec<(String, u32)>,
    /// Field, documents and body postings.
    other: [Vec<u32>; 3],
    code: Option<u32>,
}

impl Entry {
    fn merge(&mut self, other: Entry) {
        self.title.extend(other.title);
        for (mine, theirs) in self.other.iter_mut().zip(other.other) {
            mine.extend(theirs);
        }
        self.code = self.code.or(other.code);
    }

    /// `rows`: the display rows by id. A code's entry carries its record's row, so
    /// a code shows its procedure after one request.
    fn json(&mut self, total: usize, rows: &[String]) -> String {
        if let Some(id) = self.code {
            return format!("{{\"c\":{id},\"r\":{}}}", rows[id as usize]);
        }
        let mut parts = Vec::new();
        if !self.title.is_empty() {
            let mut forms: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
            for (form, id) in &self.title {
                forms.entry(form).or_default().push(*id);
            }
            if !(forms.len() == 1 && forms.contains_key("")) {
                parts.push(format!("\"v\":{}", json(&forms.keys().collect::<Vec<_>>())));
            }
            let lists: Vec<String> = forms
                .values_mut()
                .map(|ids| {
                    ids.sort_unstable();
                    ids.dedup();
                    encode::postings(ids, total)
                })
                .collect();
            parts.push(format!("\"t\":[{}]", lists.join(",")));
        }
        // A record is listed once per key, under the best class it has: "Đất" in a
        // title and "đất" in the body fold alike.
        let mut seen: Vec<u32> = self.title.iter().map(|(_, id)| *id).collect();
        seen.sort_unstable();
        for (name, ids) in ["f", "d", "b"].iter().zip(&mut self.other) {
            ids.sort_unstable();
            ids.dedup();
            ids.retain(|id| seen.binary_search(id).is_err());
            if !ids.is_empty() {
                parts.push(format!("\"{name}\":{}", encode::postings(ids, total)));
                seen.extend_from_slice(ids);
                seen.sort_unstable();
            }
        }
        format!("{{{}}}", parts.join(","))
    }
}

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

/// A hash of everything [`build`] reads: the records, their list lines, the
/// synonyms and the interface strings (the binary's part is in the stamp of the note
/// it is kept in, [`crate::previous`]). Records and lines are hashed in parallel.
pub fn key(views: &Views, records: &[Record], items: &[Arc<ProcedureItem>]) -> Option<u128> {
    let each: Option<Vec<u128>> = records
        .par_iter()
        .zip(items)
        .map(|(record, item)| {
            let mut hash = Hashing(Xxh3::new());
            serde_json::to_writer(&mut hash, &(record, item)).ok()?;
            Some(hash.0.digest128())
        })
        .collect();
    let mut all: Vec<u8> = each?.iter().flat_map(|h| h.to_le_bytes()).collect();
    serde_json::to_writer(&mut all, &(views.site.synonyms, views.strings.tree())).ok()?;
    Some(xxh3_128(&all))
}

/// The search index of `records` (shown as `items`). Fails only when a facet value
/// does not fit the index format (more fields than [`FACETS`] can number).
pub fn build(
    views: &Views,
    records: &[Record],
    items: &[Arc<ProcedureItem>],
) -> Result<SearchIndex, Box<Diagnostic>> {
    let never = AtomicBool::new(false);
    build_unless(views, records, items, &never).map(|index| index.expect("never stopped"))
}

/// [`build`], given up as soon as `stop` is set (the preview sets it when a save
/// arrives, so a page never waits for the index): `None` then.
pub fn build_unless(
    views: &Views,
    records: &[Record],
    items: &[Arc<ProcedureItem>],
    stop: &AtomicBool,
) -> Result<Option<SearchIndex>, Box<Diagnostic>> {
    let stopped = || stop.load(Ordering::Relaxed);
    // Ids: shorter titles first, then Vietnamese alphabetical order.
    let mut order: Vec<(usize, &collate::SortKey, &Record, &ProcedureItem)> = records
        .par_iter()
        .zip(items)
        .map(|(r, item)| {
            let item: &ProcedureItem = item;
            let len = crate::text::words(&r.title).count();
            (len, &r.title_key, r, item)
        })
        .collect();
    order.par_sort_by(|a, b| (a.0, &a.1, a.2.code.as_str()).cmp(&(b.0, &b.1, b.2.code.as_str())));
    let records: Vec<&Record> = order.iter().map(|(_, _, r, _)| *r).collect();
    let items: Vec<&ProcedureItem> = order.iter().map(|(_, _, _, item)| *item).collect();
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
    let field_index: HashMap<&str, usize> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.as_str(), i))
        .collect();
    let rows: Vec<String> = items
        .par_iter()
        .map(|item| display_row(item, &field_index))
        .collect();
    if stopped() {
        return Ok(None);
    }
    let encoded: Vec<(String, String)> = keys
        .par_iter_mut()
        .map(|(key, entry)| {
            if stopped() {
                return Default::default();
            }
            (json(key), entry.json(total, &rows))
        })
        .collect();
    if stopped() {
        return Ok(None);
    }

    let mut files = Vec::new();
    let mut shards = Vec::new();
    let mut current = String::new();
    for ((key, _), (key_json, entry_json)) in keys.iter().zip(&encoded) {
        if current.is_empty() {
            shards.push(key.clone());
        } else {
            current.push(',');
        }
        current.push_str(key_json);
        current.push(':');
        current.push_str(entry_json);
        if current.len() >= SHARD_BYTES {
            let name = format!("i{}", shards.len() - 1);
            files.push(script(&name, &format!("{{{current}}}")));
            current.clear();
        }
    }
    if !current.is_empty() {
        let name = format!("i{}", shards.len() - 1);
        files.push(script(&name, &format!("{{{current}}}")));
    }

    files.extend(display_files(&rows));
    files.push(facet_file(&records, &field_index, field_labels)?);
    if stopped() {
        return Ok(None);
    }

    let mut lens = Vec::new();
    for (id, (len, ..)) in order.iter().enumerate() {
        while lens.len() <= *len {
            lens.push(id);
        }
    }
    lens.push(total);

    let mut vocab: Vec<&str> = keys
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| k.chars().all(char::is_alphabetic))
        .collect();
    vocab.dedup();
    // The lead files come from the same records and rows as the index files: the
    // version need not read their tens of megabytes.
    let version = version(&files);
    let (lead, leads) = lead_files(&keys, &vocab, &records, &rows, &synonyms, &stopped);
    if stopped() {
        return Ok(None);
    }
    files.extend(leads);
    let manifest = Manifest {
        format: FORMAT,
        facets: FACETS,
        version,
        records: total,
        chunk: CHUNK,
        shards,
        lens,
        vocab: vocab.join(" "),
        lead,
        fields,
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
    };
    Ok(Some(SearchIndex {
        files,
        version: manifest.version.clone(),
        manifest: serde_json::value::to_raw_value(&manifest).expect("plain data serialises"),
    }))
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

/// The lead files and the [`Manifest::lead`] digits.
///
/// A word's lead file `w/<n>` (`n` its place in `vocab`) lists every record with a
/// title word that begins with it: the last word of a query may still be being
/// typed ("hon" may end as "hông"), and its completions must be there too. A pair's
/// file `w/<n>-<m>` lists every record whose title has the first word followed by
/// a word that begins with the second: the results with the query's words as a
/// phrase, for queries made only of words in many titles (so only pairs of such
/// words have one).
///
/// Each file is `{"r": [[id, …display row…, everyday names?], …]}` in id order; the
/// everyday names (each a list of index keys) are those the title's wording stands
/// for, which count as title words. Files of more than [`LEAD_ROWS`] records are not
/// written.
fn lead_files(
    keys: &[(String, Entry)],
    vocab: &[&str],
    records: &[&Record],
    rows: &[String],
    synonyms: &Table,
    stopped: &(dyn Fn() -> bool + Sync),
) -> (String, Vec<OutputFile>) {
    let place: HashMap<&str, usize> = vocab.iter().enumerate().map(|(i, w)| (*w, i)).collect();
    let lead_file = |name: String, ids: &[u32]| {
        let lines: Vec<String> = ids
            .iter()
            .map(|&id| {
                let row = &rows[id as usize];
                let inner = &row[1..row.len() - 1];
                let aliases = terms::title_aliases(records[id as usize], synonyms);
                if aliases.is_empty() {
                    format!("[{id},{inner}]")
                } else {
                    format!("[{id},{inner},{}]", json(&aliases))
                }
            })
            .collect();
        script(
            &format!("{LEADS}/{name}"),
            &format!("{{\"r\":[{}]}}", lines.join(",")),
        )
    };
    let words: Vec<(char, Option<OutputFile>)> = vocab
        .par_iter()
        .enumerate()
        .map(|(n, word)| {
            // What a stopped build makes is thrown away.
            if stopped() {
                return ('0', None);
            }
            match titles_beginning(keys, word, false) {
                Ok(ids) => (
                    lead_digit(ids.len(), true),
                    Some(lead_file(n.to_string(), &ids)),
                ),
                Err(many) => (lead_digit(many, false), None),
            }
        })
        .collect();
    let pairs: Vec<OutputFile> = keys
        .par_iter()
        .filter_map(|(key, entry)| {
            let (first, second) = key.split_once(' ')?;
            if entry.title.is_empty() || stopped() {
                return None;
            }
            let (first, second) = (place.get(first)?, place.get(second)?);
            // The browser fetches a pair's file only when neither word has one.
            if words[*first].1.is_some() || words[*second].1.is_some() {
                return None;
            }
            let ids = titles_beginning(keys, key, true).ok()?;
            Some(lead_file(format!("{first}-{second}"), &ids))
        })
        .collect();
    let digits = words.iter().map(|(digit, _)| *digit).collect();
    let files = words
        .into_iter()
        .filter_map(|(_, file)| file)
        .chain(pairs)
        .collect();
    (digits, files)
}

/// A word's [`Manifest::lead`] digit: the bit length of the number of titles
/// (1–9) when it has a lead file; otherwise 10 + the bit length of the number of
/// titles with the word itself (0 for none), for choosing the rarest pair.
fn lead_digit(titles: usize, has_file: bool) -> char {
    let bits = (usize::BITS - titles.leading_zeros()) as usize;
    encode::digit(if has_file { bits } else { 10 + bits })
}

/// The records with a title word (or everyday name) that begins with `prefix`, or
/// with a title pair that does (`pairs`), sorted. Err(the number of titles with
/// exactly `prefix`) when there are none or more than [`LEAD_ROWS`].
fn titles_beginning(
    keys: &[(String, Entry)],
    prefix: &str,
    pairs: bool,
) -> Result<Vec<u32>, usize> {
    let start = keys.partition_point(|(key, _)| key.as_str() < prefix);
    let exact = || {
        let entry = keys.get(start).filter(|(key, _)| key == prefix);
        let mut ids: Vec<u32> = entry.map_or(Vec::new(), |(_, e)| {
            e.title.iter().map(|(_, id)| *id).collect()
        });
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    let mut ids = Vec::new();
    for (key, entry) in keys[start..]
        .iter()
        .take_while(|(key, _)| key.starts_with(prefix))
    {
        // Pairs ("khai sinh") begin with their first word; a pair's second word
        // never has a space.
        if key[prefix.len()..].contains(' ') || key.contains(' ') != pairs {
            continue;
        }
        ids.extend(entry.title.iter().map(|(_, id)| *id));
        if ids.len() > LEAD_ROWS {
            ids.sort_unstable();
            ids.dedup();
            if ids.len() > LEAD_ROWS {
                return Err(exact());
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() { Err(0) } else { Ok(ids) }
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

/// FxHash's multiply-rotate: the index hashes millions of short words, which std's
/// DoS-resistant SipHash makes slow for no gain (the keys are our own content).
#[derive(Default, Clone, Copy)]
pub struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        for &byte in chunks.remainder() {
            self.add(u64::from(byte));
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
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

/// FNV-1a over every file: stable across runs and Rust versions, unlike `DefaultHasher`.
fn version(files: &[OutputFile]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        for byte in file.path.bytes().chain(file.bytes.iter().copied()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{:08x}", hash as u32)
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
