//! Field names (lĩnh vực) as the handbook shows them. Records written "Ho tich",
//! "Hộ tịch" and "HỘ TỊCH" share one list page (their slugs are the same); the page,
//! the lists and search show the form most records use, so one record typed without
//! diacritics cannot rename a field for everyone. `sotay check` warns on the others.

use std::collections::HashMap;

use crate::model::record::Record;
use crate::urls;

/// Each field as written → the label shown for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldLabels(HashMap<String, String>);

impl FieldLabels {
    pub fn of(records: &[Record]) -> FieldLabels {
        // slug → (form → how many records write it)
        let mut forms: HashMap<String, HashMap<&str, usize>> = HashMap::new();
        let mut slugs: HashMap<&str, String> = HashMap::new();
        for record in records {
            let field = record.field.as_str();
            let slug = slugs.entry(field).or_insert_with(|| urls::term_slug(field));
            *forms
                .entry(slug.clone())
                .or_default()
                .entry(field)
                .or_default() += 1;
        }
        let mut labels = HashMap::new();
        for counts in forms.values() {
            let best = counts
                .iter()
                .max_by(|(a, n), (b, m)| {
                    // Most records, then more diacritics, then the first in code order.
                    n.cmp(m)
                        .then_with(|| marks(a).cmp(&marks(b)))
                        .then_with(|| b.cmp(a))
                })
                .map(|(form, _)| form.to_string())
                .unwrap_or_default();
            for form in counts.keys() {
                labels.insert(form.to_string(), best.clone());
            }
        }
        FieldLabels(labels)
    }

    /// The label for a field as a record writes it.
    pub fn label<'a>(&'a self, field: &'a str) -> &'a str {
        self.0.get(field).map_or(field, String::as_str)
    }

    /// Whether this written form is not the one shown.
    pub fn is_variant(&self, field: &str) -> bool {
        self.label(field) != field
    }
}

/// Letters that are not plain ASCII: "Hộ tịch" has more than "Ho tich".
fn marks(text: &str) -> usize {
    text.chars().filter(|c| !c.is_ascii()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(fields: &[&str]) -> Vec<Record> {
        fields
            .iter()
            .map(|field| {
                let text = format!(
                    "---\ncode: \"1.1\"\ntitle: \"T\"\nfield: \"{field}\"\nlevels: [commune]\naudience: [citizen]\n---\n"
                );
                let (record, problems) =
                    crate::decode::decode_record(std::path::Path::new("t.md"), &text);
                record.unwrap_or_else(|| panic!("{problems:?}"))
            })
            .collect()
    }

    #[test]
    fn the_form_most_records_use_wins() {
        let labels = FieldLabels::of(&records(&["Hộ tịch", "Ho tich", "Hộ tịch", "Chứng thực"]));
        assert_eq!(labels.label("Ho tich"), "Hộ tịch");
        assert_eq!(labels.label("Hộ tịch"), "Hộ tịch");
        assert!(labels.is_variant("Ho tich"));
        assert!(!labels.is_variant("Chứng thực"));
    }

    #[test]
    fn a_tie_goes_to_the_accented_form() {
        let labels = FieldLabels::of(&records(&["Ho tich", "Hộ tịch"]));
        assert_eq!(labels.label("Ho tich"), "Hộ tịch");
    }
}
