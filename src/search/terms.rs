//! Which words of a record are indexed, and how strongly each counts: a word found in
//! the title outranks one found in the field or agency, then documents and results,
//! then the rest of the text.

use super::spelling::key;
use super::synonyms::Table;
use crate::fast_hash::{FastMap, FastSet};
use crate::model::record::Record;
use crate::text::{fold, nfc, words};

/// Where in a record a word was found, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Title = 0,
    /// Field, agencies and the record's own keywords.
    Field = 1,
    /// Documents to bring, forms and results.
    Documents = 2,
    /// Everything else: conditions, steps, notes, legal basis, the body.
    Body = 3,
}

/// The indexed words of one record.
#[derive(Debug, Default)]
pub struct DocTerms<'r> {
    /// Each word as written → the best class it was found in. Kept unfolded, borrowed
    /// from the record: a record repeats its words many times, so folding and
    /// allocating once per distinct word is most of the saving.
    pub words: FastMap<&'r str, Class>,
    /// Title words as written (lowercase), by folded word: an exact accented match
    /// ranks above a folded one.
    pub title_forms: FastSet<(String, String)>,
    /// Adjacent folded title words, "khai sinh": phrases rank high.
    pub title_pairs: FastSet<String>,
    /// Number of words in the title.
    pub title_len: usize,
    /// Everyday names (index keys) of official wordings found in the record, with
    /// the class they were found in.
    pub aliases: Vec<(&'r [String], Class)>,
}

impl<'r> DocTerms<'r> {
    /// The everyday names of the official wordings in `text`, unless already found
    /// in a better class.
    fn add_aliases(&mut self, synonyms: &'r Table, text: &str, class: Class) {
        let keys: Vec<String> = words(text).map(key).collect();
        for alias in synonyms.found_in(&keys) {
            if !self.aliases.iter().any(|(a, _)| *a == alias) {
                self.aliases.push((alias, class));
            }
        }
    }

    fn add(&mut self, text: &'r str, class: Class) {
        for word in words(text) {
            self.words
                .entry(word)
                .and_modify(|best| *best = (*best).min(class))
                .or_insert(class);
        }
    }
}

pub fn doc_terms<'r>(record: &'r Record, synonyms: &'r Table) -> DocTerms<'r> {
    let mut terms = DocTerms::default();
    let mut previous: Option<String> = None;
    for word in words(&record.title) {
        let folded = key(word);
        if let Some(previous) = previous {
            terms.title_pairs.insert(format!("{previous} {folded}"));
        }
        terms
            .title_forms
            .insert((folded.clone(), nfc(word).to_lowercase()));
        terms.title_len += 1;
        previous = Some(folded);
    }
    terms.add(&record.title, Class::Title);
    // An everyday name found in the title counts as title words, phrase included.
    terms.add_aliases(synonyms, &record.title, Class::Title);
    for (alias, _) in &terms.aliases {
        for pair in alias.windows(2) {
            terms.title_pairs.insert(format!("{} {}", pair[0], pair[1]));
        }
    }

    let agencies = [
        &record.agency,
        &record.authority,
        &record.delegated_agency,
        &record.coordinating_agency,
    ];
    terms.add(&record.field, Class::Field);
    terms.add_aliases(synonyms, &record.field, Class::Field);
    for text in agencies.into_iter().flatten().chain(&record.keywords) {
        terms.add(text, Class::Field);
        terms.add_aliases(synonyms, text, Class::Field);
    }

    for document in &record.documents {
        terms.add(&document.name, Class::Documents);
        terms.add_aliases(synonyms, &document.name, Class::Documents);
        for form in &document.forms {
            terms.add(&form.title, Class::Documents);
        }
    }
    for result in &record.results {
        terms.add(&result.name, Class::Documents);
        terms.add_aliases(synonyms, &result.name, Class::Documents);
    }

    let body = [
        &record.description,
        &record.steps,
        &record.kind,
        &record.decision,
        &record.submission_address,
    ];
    for text in body.into_iter().flatten() {
        terms.add(text, Class::Body);
    }
    terms.add(&record.body, Class::Body);
    for text in record.conditions.iter().chain(&record.related_text) {
        terms.add(text, Class::Body);
    }
    for channel in &record.channels {
        let texts = [
            channel.time.as_ref().map(|t| &t.text),
            channel.fee.as_ref().map(|f| &f.text),
            channel.note.as_ref(),
            channel.case.as_ref(),
        ];
        for text in texts.into_iter().flatten() {
            terms.add(text, Class::Body);
        }
    }
    for law in &record.legal_basis {
        terms.add(&law.title, Class::Body);
        if let Some(code) = &law.code {
            terms.add(code, Class::Body);
        }
    }
    terms
}

/// The everyday names the wording of `record`'s title stands for, as index keys:
/// the lead files carry them, since they count as title words.
pub fn title_aliases<'t>(record: &Record, synonyms: &'t Table) -> Vec<&'t [String]> {
    let keys: Vec<String> = words(&record.title).map(key).collect();
    synonyms.found_in(&keys)
}

/// The key a code is found under: folded, letters and digits only, so "1.001193"
/// and "1001193" are the same code.
pub fn code_key(code: &str) -> String {
    let mut key = String::from("#");
    key.extend(fold(code).chars().filter(|c| c.is_alphanumeric()));
    key
}
