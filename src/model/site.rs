//! The site as pages see it: the configuration, offices, records and free pages of
//! [`Sources`](crate::sources::Sources), borrowed once everything has loaded.

use std::path::Path;

use crate::model::config::Config;
use crate::model::fields::FieldLabels;
use crate::model::office::Office;
use crate::model::page::FreePage;
use crate::model::record::Record;
use crate::model::synonyms::Synonym;

#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub offices: &'a [Office],
    /// Sorted by file path, so builds are reproducible.
    pub records: &'a [Record],
    /// Free pages, in menu order.
    pub free_pages: &'a [FreePage],
    /// The label each field is shown with, derived from `records`.
    pub field_labels: &'a FieldLabels,
    /// The handbook's own everyday names, beside the built-in ones.
    pub synonyms: &'a [Synonym],
}

impl<'a> Site<'a> {
    /// The label a record's field is shown with ([`FieldLabels`]).
    pub fn field_label<'b>(&'b self, field: &'b str) -> &'b str {
        self.field_labels.label(field)
    }
}
