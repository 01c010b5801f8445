//! What a record's two pages (procedure and notice) are made from, as one hash: a
//! build takes both pages from the last one when it is the same, without making
//! the record's view at all (making and hashing 10,000 views was a fifth of a
//! build that changed one record). Everything [`Views::procedure_pages`] reads must
//! be in here: what it reads of the record, of the site, of the changes log and of
//! the records it links to. What the rendering adds (templates, interface strings,
//! the site's own view) is in the renderer's key.

use super::{ByCode, Views};
use crate::digest::digest;
use crate::model::record::{Record, Status};

/// What every record's pages read of the site: the same for all in one build.
#[derive(Clone, Copy)]
pub struct Shared(u128);

impl Views<'_> {
    /// The configuration. `None` when it cannot be serialised, which rendering
    /// then reports.
    pub fn shared_inputs(&self) -> Option<Shared> {
        digest(self.site.config).map(Shared)
    }

    /// The hash of what `record`'s pages are made from. `own` is the hash of the
    /// record as decoded and its list line ([`crate::search::Inputs`]), which
    /// carries its field's label (told from every record); beside it come its
    /// offices as pages show them (with their videos, which the offices' own data
    /// leaves out), its latest change, and the title and address of each record it
    /// names as related or replacing it. An office edited renders again only the
    /// pages of the records at that office.
    pub fn procedure_inputs(
        &self,
        shared: Shared,
        record: &Record,
        own: u128,
        by_code: &ByCode,
    ) -> Option<u128> {
        let linked = |code| by_code.get(code).map(|r| (&r.title, &r.slug));
        let replaced_by = match &record.status {
            Status::Replaced { by: Some(by) } => Some(linked(by)),
            _ => None,
        };
        let related: Vec<_> = record.related.iter().map(linked).collect();
        let offices: Vec<_> = record
            .offices
            .iter()
            .map(|id| self.site.offices.iter().find(|o| &o.id == id))
            .map(|office| office.map(|o| self.office_view(o)))
            .collect();
        let change = self.changes.and_then(|log| log.latest(&record.code));
        digest(&(shared.0, own, offices, change, related, replaced_by))
    }
}
