//! The search index as the preview keeps it between saves. An edit that leaves
//! every record's id as it was (the same records, titles in the same order) makes
//! again only the entries of the keys the edited records were or are found under,
//! their display rows and the lead files that show those rows; the index files are
//! then cut as a whole build cuts them ([`super::ends_shard`]), so the files are
//! byte for byte a whole build's (`tests/incremental.rs`). Any other edit, or one
//! that renumbers the fields, makes the index anew.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::leads::{Lead, Titles, lead_path};
use super::{
    Entry, Keys, Membership, Place, Put, SearchIndex, Shape, Table, add_record, display_files,
    display_row, encoded, facet_file, field_names, indexed, is_word, lens, make, numbered,
    shard_files, vocab_and_pairs,
};
use crate::assemble::File;
use crate::diagnostics::Diagnostic;
use crate::fast_hash::FastMap;
use crate::model::record::Record;
use crate::note_bytes::{Reader, Sink, Writer};
use crate::view::{ProcedureItem, Views};

pub struct Live {
    /// Record file → id.
    ids: FastMap<PathBuf, u32>,
    keys: BTreeMap<Arc<str>, Keyed>,
    /// By id: the keys the record is found under; `None` until gathered. An index
    /// read from its note gathers only the records an update edits: listing every
    /// record's keys took a tenth of a rebuild's index at 10,000 records.
    found: Vec<Option<Vec<Arc<str>>>>,
    rows: Vec<String>,
    fields: Vec<String>,
    /// By `vocab` word: its lead digit, and whether it has a lead file.
    words: BTreeMap<Arc<str>, (char, bool)>,
    /// Title pairs with a lead file.
    pairs: HashSet<String>,
}

#[derive(Default)]
struct Keyed {
    entry: Entry,
    /// [`super::encoded`].
    encoded: String,
}

/// [`Entry::code`] when there is none, in a note ([`Live::write`]).
const NO_CODE: u32 = u32::MAX;

struct Map<'k>(&'k BTreeMap<Arc<str>, Keyed>);

impl Titles for Map<'_> {
    fn from<'s>(&'s self, key: &str) -> Box<dyn Iterator<Item = (&'s str, &'s Entry)> + 's> {
        let range = self
            .0
            .range::<str, _>((std::ops::Bound::Included(key), std::ops::Bound::Unbounded));
        Box::new(range.map(|(k, keyed)| (&**k, &keyed.entry)))
    }
}

impl Live {
    /// A whole index, kept; given up as soon as `stop` is set (`None`).
    pub fn new(
        views: &Views,
        records: &[Record],
        items: &[Arc<ProcedureItem>],
        stop: &AtomicBool,
        put: Put,
    ) -> Result<Option<(Live, SearchIndex)>, Box<Diagnostic>> {
        let Some(made) = make(views, records, items, stop, put)? else {
            return Ok(None);
        };
        let total = made.records.len();
        let keys: BTreeMap<Arc<str>, Keyed> = made
            .keys
            .into_iter()
            .map(|(key, entry, encoded)| (key.into(), Keyed { entry, encoded }))
            .collect();
        let found = found(&keys, total)
            .expect("every id is a record's")
            .into_iter()
            .map(Some)
            .collect();
        let words = keys
            .keys()
            .filter(|k| is_word(k))
            .cloned()
            .zip(made.leads.words)
            .collect();
        let live = Live {
            ids: made
                .records
                .iter()
                .enumerate()
                .map(|(id, r)| (r.file.clone(), id as u32))
                .collect(),
            keys,
            found,
            rows: made.rows,
            fields: made.fields,
            words,
            pairs: made.leads.pairs.into_iter().collect(),
        };
        Ok(Some((live, made.index)))
    }

    /// [`Live::new`], made to the end: a build's.
    pub fn whole(
        views: &Views,
        records: &[Record],
        items: &[Arc<ProcedureItem>],
        put: Put,
    ) -> Result<(Live, SearchIndex), Box<Diagnostic>> {
        let never = AtomicBool::new(false);
        Live::new(views, records, items, &never, put).map(|made| made.expect("never stopped"))
    }

    /// The index after the records at `edited` changed, made from what changed;
    /// `None` (and `self` as it was) when the ids or the fields' numbers would
    /// change: make it anew with [`Live::new`] then.
    pub fn update(
        &mut self,
        views: &Views,
        records: &[Record],
        items: &[Arc<ProcedureItem>],
        edited: &HashSet<PathBuf>,
        put: Put,
    ) -> Result<Option<SearchIndex>, Box<Diagnostic>> {
        let Some(by_id) = self.by_id(records, items) else {
            return Ok(None);
        };
        let mut edited: Vec<u32> = edited
            .iter()
            .filter_map(|f| self.ids.get(f).copied())
            .collect();
        edited.sort_unstable();
        self.gather(&edited);
        let place = |id: usize| Place::of(by_id[id].0);
        let in_order = |id: usize| {
            (id == 0 || place(id - 1) < place(id))
                && (id + 1 == by_id.len() || place(id) < place(id + 1))
        };
        if !edited.iter().all(|id| in_order(*id as usize)) {
            return Ok(None);
        }
        let records_by_id: Vec<&Record> = by_id.iter().map(|(r, _)| *r).collect();
        let labels = &views.site.field_labels;
        let fields = field_names(&records_by_id, labels);
        if fields != self.fields {
            return Ok(None);
        }

        // The ids stand: from here on `self` changes.
        let field_index = numbered(&fields);
        let mut shown = Vec::new();
        for &id in &edited {
            let row = display_row(by_id[id as usize].1, &field_index);
            if row != self.rows[id as usize] {
                self.rows[id as usize] = row;
                shown.push(id);
            }
        }
        let synonyms = Table::new(views.site.synonyms);
        // Keys the edits took a record out of or put one in, and the keys of the
        // records whose row changed (a code's entry carries its row).
        let mut touched: BTreeSet<Arc<str>> = BTreeSet::new();
        let mut titles_moved = false;
        for &id in &edited {
            let listed = self.found[id as usize]
                .take()
                .expect("an edit's keys are gathered");
            let before: FastMap<Arc<str>, Membership> = listed
                .iter()
                .filter_map(|key| Some((key.clone(), self.keys.get(key)?.entry.membership(id))))
                .collect();
            for key in listed {
                if let Some(keyed) = self.keys.get_mut(&key) {
                    keyed.entry.remove(id);
                }
            }
            let fresh = add_record(Keys::default(), id, by_id[id as usize].0, &synonyms);
            let mut after = FastMap::default();
            let mut listed = Vec::new();
            for (key, entry) in fresh {
                let key: Arc<str> = match self.keys.get_key_value(key.as_str()) {
                    Some((known, _)) => known.clone(),
                    None => key.into(),
                };
                let keyed = self.keys.entry(key.clone()).or_default();
                keyed.entry.insert(entry);
                after.insert(key.clone(), keyed.entry.membership(id));
                listed.push(key);
            }
            self.found[id as usize] = Some(listed);
            let shown = shown.contains(&id);
            for (key, membership) in &after {
                if before.get(key) != Some(membership) || shown && membership.code {
                    touched.insert(key.clone());
                }
            }
            touched.extend(before.keys().filter(|k| !after.contains_key(*k)).cloned());
            let title = |of: &FastMap<Arc<str>, Membership>| -> BTreeSet<Arc<str>> {
                of.iter()
                    .filter(|(_, m)| !m.title.is_empty())
                    .map(|(k, _)| k.clone())
                    .collect()
            };
            titles_moved |= title(&before) != title(&after);
        }
        let total = self.rows.len();
        let (mut new_words, mut gone_words) = (Vec::new(), Vec::new());
        for key in &touched {
            let Some(keyed) = self.keys.get_mut(key) else {
                continue;
            };
            if keyed.entry.is_empty() {
                self.keys.remove(key);
                if self.words.contains_key(key) {
                    gone_words.push(key.clone());
                }
                continue;
            }
            keyed.encoded = encoded(key, &keyed.entry, total, &self.rows);
            if is_word(key) && !self.words.contains_key(key) {
                new_words.push(key.clone());
            }
        }

        let files = self.leads(
            &records_by_id,
            &synonyms,
            titles_moved,
            (&new_words, &gone_words),
            &shown,
            put,
        );
        let made: HashSet<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
        let kept: Vec<String> = self
            .lead_paths()
            .filter(|p| !made.contains(p.as_str()))
            .collect();
        drop(made);

        let keys = self
            .keys
            .iter()
            .map(|(k, keyed)| (&**k, keyed.encoded.as_str()));
        let (shards, mut index) = shard_files(keys);
        index.extend(display_files(&self.rows));
        index.push(facet_file(&records_by_id, &field_index, labels)?);
        let shape = Shape {
            records: total,
            shards,
            lens: lens(records_by_id.iter().map(|r| Place::of(r).words)),
            vocab: self
                .words
                .keys()
                .map(|w| &**w)
                .collect::<Vec<_>>()
                .join(" "),
            lead: self.words.values().map(|(digit, _)| *digit).collect(),
            fields: self.fields.clone(),
        };
        Ok(Some(indexed(views, index, files, kept, shape)))
    }

    /// The number of records indexed.
    pub fn records(&self) -> usize {
        self.rows.len()
    }

    /// The id of the record at `file`, if it is indexed.
    pub fn id(&self, file: &Path) -> Option<u32> {
        self.ids.get(file).copied()
    }

    /// Writes the index as it is, for [`Live::read`]: the records' files by id, every
    /// key with its entry and encoding, the rows, fields, words and pairs (what each
    /// record is listed under follows from the keys). `None` for a record file whose
    /// name is not UTF-8, which is then never kept.
    pub(crate) fn write<S: Sink>(&self, out: &mut Writer<S>) -> Option<()> {
        let mut files = vec![None; self.ids.len()];
        for (file, id) in &self.ids {
            files[*id as usize] = Some(file.to_str()?);
        }
        out.len(files.len());
        for file in files {
            out.text(file?);
        }
        out.len(self.keys.len());
        for (key, Keyed { entry, encoded }) in &self.keys {
            out.text(key);
            out.len(entry.title.len());
            for (form, id) in &entry.title {
                out.text(form);
                out.u32(*id);
            }
            for ids in &entry.other {
                out.len(ids.len());
                ids.iter().for_each(|id| out.u32(*id));
            }
            out.u32(entry.code.unwrap_or(NO_CODE));
            out.text(encoded);
        }
        for texts in [&self.rows, &self.fields] {
            out.texts(texts.iter().map(String::as_str));
        }
        out.len(self.words.len());
        for (word, (digit, file)) in &self.words {
            out.text(word);
            out.u32(*digit as u32);
            out.u32(u32::from(*file));
        }
        out.texts(self.pairs.iter().map(String::as_str));
        Some(())
    }

    /// What [`Live::write`] wrote; `None` if anything does not hold together.
    pub(crate) fn read(at: &mut Reader) -> Option<Live> {
        let total = at.len()?;
        let mut ids = FastMap::default();
        for id in 0..total {
            ids.insert(PathBuf::from(at.text()?), u32::try_from(id).ok()?);
        }
        let count = at.len()?;
        // A damaged count fails at the end of the note, not in a huge allocation.
        let mut keys = Vec::with_capacity(count.min(at.0.len()));
        for _ in 0..count {
            let key: Arc<str> = at.text()?.into();
            let mut entry = Entry::default();
            for _ in 0..at.len()? {
                entry.title.push((at.text()?.to_string(), at.u32()?));
            }
            for ids in &mut entry.other {
                for _ in 0..at.len()? {
                    ids.push(at.u32()?);
                }
            }
            entry.code = Some(at.u32()?).filter(|id| *id != NO_CODE);
            // An update finds a record's postings by binary search.
            if !entry.is_sorted() {
                return None;
            }
            let encoded = at.text()?.to_string();
            keys.push((key, Keyed { entry, encoded }));
        }
        // Written in order: a key out of order is a damaged note.
        if !keys.windows(2).all(|pair| pair[0].0 < pair[1].0) {
            return None;
        }
        let keys: BTreeMap<Arc<str>, Keyed> = keys.into_iter().collect();
        let (rows, fields): (Vec<String>, Vec<String>) = (at.texts()?, at.texts()?);
        let mut words = BTreeMap::new();
        for _ in 0..at.len()? {
            let (word, _) = keys.get_key_value(at.text()?)?;
            let digit = char::from_u32(at.u32()?)?;
            words.insert(word.clone(), (digit, at.u32()? == 1));
        }
        let pairs: HashSet<String> = at.texts()?;
        if rows.len() != total || ids.len() != total {
            return None;
        }
        Some(Live {
            ids,
            found: listing_only(&keys, total).then(|| vec![None; total])?,
            keys,
            rows,
            fields,
            words,
            pairs,
        })
    }

    /// Lists the keys of each of `ids` not yet listed: one walk over the keys.
    fn gather(&mut self, ids: &[u32]) {
        let mut wanted: FastMap<u32, Vec<Arc<str>>> = ids
            .iter()
            .filter(|&&id| self.found[id as usize].is_none())
            .map(|&id| (id, Vec::new()))
            .collect();
        if wanted.is_empty() {
            return;
        }
        for (key, keyed) in &self.keys {
            for id in listed(&keyed.entry) {
                if let Some(list) = wanted.get_mut(&id) {
                    note(list, key);
                }
            }
        }
        for (id, list) in wanted {
            self.found[id as usize] = Some(list);
        }
    }

    /// The records and their list lines by id, when they are the same records.
    fn by_id<'r>(
        &self,
        records: &'r [Record],
        items: &'r [Arc<ProcedureItem>],
    ) -> Option<Vec<(&'r Record, &'r ProcedureItem)>> {
        if records.len() != self.ids.len() {
            return None;
        }
        let mut by_id = vec![None; records.len()];
        for (record, item) in records.iter().zip(items) {
            let id = *self.ids.get(&record.file)? as usize;
            by_id[id] = Some((record, &**item));
        }
        by_id.into_iter().collect()
    }

    /// The lead files made again (those of words gone are no longer listed by
    /// [`Live::lead_paths`]). `titles_moved`: some title words changed, and with
    /// them which titles a file lists: all again. Otherwise the files of new
    /// words, and those listing a record in `shown`, whose display row changed.
    fn leads(
        &mut self,
        records: &[&Record],
        synonyms: &Table,
        titles_moved: bool,
        (new_words, gone_words): (&[Arc<str>], &[Arc<str>]),
        shown: &[u32],
        put: Put,
    ) -> Vec<(String, File)> {
        let map = Map(&self.keys);
        let lead = Lead::new(&map, records, &self.rows, synonyms);
        if titles_moved {
            let (vocab, pairs) =
                vocab_and_pairs(self.keys.iter().map(|(k, keyed)| (&**k, &keyed.entry)));
            let all = lead.all(&vocab, &pairs, &|| false, put);
            let words: BTreeMap<Arc<str>, (char, bool)> = self
                .keys
                .keys()
                .filter(|k| is_word(k))
                .cloned()
                .zip(all.words.iter().map(|(d, f)| (*d, f.is_some())))
                .collect();
            let pairs: HashSet<String> = all.pairs.iter().map(|(p, _)| p.clone()).collect();
            self.words = words;
            self.pairs = pairs;
            return all.files().collect();
        }
        let mut files = Vec::new();
        for word in gone_words {
            self.words.remove(word);
        }
        for word in new_words {
            let (digit, file) = lead.word(word);
            self.words.insert(word.clone(), (digit, file.is_some()));
            files.extend(file);
        }
        // The files listing a record whose row changed: those of every word that
        // begins one of its title words, and of every pair that begins one of its
        // title pairs.
        let mut words: BTreeSet<&str> = BTreeSet::new();
        let mut pairs: BTreeSet<String> = BTreeSet::new();
        for &id in shown {
            for key in self.found[id as usize].iter().flatten() {
                if !self.keys.get(key).is_some_and(|k| k.entry.in_title(id)) {
                    continue;
                }
                match key.split_once(' ') {
                    Some((first, second)) => {
                        for begun in prefixes(second) {
                            let pair = format!("{first} {begun}");
                            if self.pairs.contains(&pair) {
                                pairs.insert(pair);
                            }
                        }
                    }
                    None => {
                        for begun in prefixes(key) {
                            if let Some((word, (_, true))) = self.words.get_key_value(begun) {
                                words.insert(word);
                            }
                        }
                    }
                }
            }
        }
        for word in words {
            if new_words.iter().any(|w| &**w == word) {
                continue;
            }
            files.extend(lead.word(word).1);
        }
        for pair in pairs {
            files.extend(lead.pair(&pair));
        }
        files.into_iter().map(put).collect()
    }

    fn lead_paths(&self) -> impl Iterator<Item = String> + '_ {
        let words = self
            .words
            .iter()
            .filter(|(_, (_, file))| *file)
            .map(|(w, _)| &**w);
        words
            .chain(self.pairs.iter().map(String::as_str))
            .filter_map(lead_path)
    }
}

/// By id, the keys each of the `total` records is listed under; `None` when a key
/// lists an id beyond them (a damaged note, [`Live::read`]).
fn found(keys: &BTreeMap<Arc<str>, Keyed>, total: usize) -> Option<Vec<Vec<Arc<str>>>> {
    let mut found: Vec<Vec<Arc<str>>> = vec![Vec::new(); total];
    for (key, keyed) in keys {
        for id in listed(&keyed.entry) {
            note(found.get_mut(id as usize)?, key);
        }
    }
    Some(found)
}

/// Whether the keys list only ids below `total`.
fn listing_only(keys: &BTreeMap<Arc<str>, Keyed>, total: usize) -> bool {
    keys.values()
        .all(|keyed| listed(&keyed.entry).all(|id| (id as usize) < total))
}

/// Every id `entry` lists, once per class it lists it in.
fn listed(entry: &Entry) -> impl Iterator<Item = u32> + '_ {
    let titles = entry.title.iter().map(|(_, id)| id);
    titles
        .chain(entry.other.iter().flatten())
        .chain(&entry.code)
        .copied()
}

/// Notes `key` in a record's `list`, once: a key lists an id once per class.
fn note(list: &mut Vec<Arc<str>>, key: &Arc<str>) {
    if list.last().is_none_or(|last| !Arc::ptr_eq(last, key)) {
        list.push(key.clone());
    }
}

/// Every non-empty beginning of `word`, itself included.
fn prefixes(word: &str) -> impl Iterator<Item = &str> {
    word.char_indices()
        .skip(1)
        .map(|(end, _)| end)
        .chain([word.len()])
        .map(move |end| &word[..end])
}
