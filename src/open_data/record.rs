//! One procedure as the open data publishes it: what its page tells a citizen, in
//! plain JSON types, with the fee and time texts exactly as the page shows them.

use serde::{Deserialize, Serialize};

use crate::model::keyword::Keyword;
use crate::model::record::{Amount, Currency, Record, Status};
use crate::model::site::Site;
use crate::urls;
use crate::view::ProcedureItem;

/// The version of the data files' layout: raised when a field changes meaning or
/// goes away, so that reusers can tell.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataRecord {
    pub code: String,
    pub title: String,
    /// The page: absolute with `base_url`, else relative to the site's root.
    pub url: String,
    pub field: String,
    /// `ministry`, `province`, `district`, `commune`, `other`.
    pub levels: Vec<String>,
    pub audience: Vec<String>,
    pub kind: Option<String>,
    pub decision: Option<String>,
    pub agency: Option<String>,
    pub authority: Option<String>,
    pub delegated_agency: Option<String>,
    pub coordinating_agency: Option<String>,
    pub submission_address: Option<String>,
    /// `full`, `partial`, `none` or `unstated`.
    pub online_level: String,
    pub online_url: Option<String>,
    /// `active`, `replaced` or `repealed`.
    pub status: String,
    pub replaced_by: Option<String>,
    /// Only what the national list says: details not published yet.
    pub incomplete: bool,
    /// Every channel's fee, as the lists show it.
    pub fee_shown: String,
    /// Every channel's time, as the lists show it.
    pub time_shown: String,
    /// The lowest and highest exact fee, in `fee_currency`, when every exact fee
    /// is in one currency.
    pub fee_min: Option<f64>,
    pub fee_max: Option<f64>,
    pub fee_currency: Option<String>,
    pub channels: Vec<DataChannel>,
    pub documents: Vec<DataDocument>,
    pub conditions: Vec<String>,
    pub results: Vec<DataResult>,
    pub legal_basis: Vec<DataLaw>,
    pub offices: Vec<DataOffice>,
    /// `YYYY-MM-DD`.
    pub updated: Option<String>,
    /// Staff's words on the latest change, for the change feed.
    pub change_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataChannel {
    /// `in_person`, `online` or `post`.
    pub via: String,
    pub time: Option<String>,
    pub time_value: Option<f64>,
    pub time_unit: Option<String>,
    pub fee: Option<String>,
    /// `free`, `fixed`, `varies`, `see_text` or `unknown`.
    pub fee_kind: Option<String>,
    /// The exact sum the page states (0 when confirmed free); none when the fee is
    /// a range, a rule, or "free" contradicted by its condition.
    pub fee_amount: Option<f64>,
    pub fee_currency: Option<String>,
    pub note: Option<String>,
    pub case: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataDocument {
    pub name: String,
    pub originals: Option<u32>,
    pub copies: Option<u32>,
    pub case: Option<String>,
    pub forms: Vec<DataForm>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataForm {
    pub title: String,
    /// A file of the site (relative to its root, or absolute with `base_url`), or a
    /// form published elsewhere.
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataResult {
    pub name: String,
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataLaw {
    pub title: String,
    pub code: Option<String>,
    pub issued: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataOffice {
    pub id: String,
    pub name: String,
    pub address: Option<String>,
}

/// A sum as a JSON number of currency units: exact for whole đồng and for cents.
pub fn number(amount: Amount) -> f64 {
    amount.units() as f64 + amount.cents() as f64 / 100.0
}

/// Where a file of the site is, for someone holding only the data file.
fn address(site: &Site, path: &str) -> String {
    match &site.config.base_url {
        Some(base) => urls::canonical(base, path),
        None => path.to_string(),
    }
}

/// The lowest and highest exact fee, when they share a currency.
pub fn fee_range(
    fees: impl Iterator<Item = (Amount, Currency)>,
) -> Option<(Amount, Amount, Currency)> {
    let mut range: Option<(Amount, Amount, Currency)> = None;
    for (amount, currency) in fees {
        range = match range {
            None => Some((amount, amount, currency)),
            Some((_, _, other)) if other != currency => return None,
            Some((low, high, c)) => Some((low.min(amount), high.max(amount), c)),
        };
    }
    range
}

/// The keywords as records write them in English (`commune`, `citizen`).
fn keys<K: Keyword>(list: &[K]) -> Vec<String> {
    list.iter().map(|k| k.key().to_string()).collect()
}

/// `record` as open data; `item` is its list line, whose fee and time texts it repeats.
pub fn of(site: &Site, record: &Record, item: &ProcedureItem) -> DataRecord {
    // The sums the page states: a "free" the fee's condition contradicts is no sum.
    let shown = &item.fee_sums;
    let range = fee_range(shown.iter().flatten().copied());
    let (status, replaced_by) = match &record.status {
        Status::Active => ("active", None),
        Status::Replaced { by } => ("replaced", by.as_ref().map(|c| c.to_string())),
        Status::Repealed => ("repealed", None),
    };
    DataRecord {
        code: record.code.to_string(),
        title: record.title.clone(),
        url: address(site, &urls::procedure(&record.slug)),
        field: site.field_label(&record.field).to_string(),
        levels: keys(&record.levels),
        audience: keys(&record.audience),
        kind: record.kind.clone(),
        decision: record.decision.clone(),
        agency: record.agency.clone(),
        authority: record.authority.clone(),
        delegated_agency: record.delegated_agency.clone(),
        coordinating_agency: record.coordinating_agency.clone(),
        submission_address: record.submission_address.clone(),
        online_level: record.online_level().key().to_string(),
        online_url: record.portal_url.clone(),
        status: status.into(),
        replaced_by,
        incomplete: record.incomplete,
        fee_shown: item.fee.clone(),
        time_shown: item.time.clone(),
        fee_min: range.map(|(low, _, _)| number(low)),
        fee_max: range.map(|(_, high, _)| number(high)),
        fee_currency: range.map(|(_, _, c)| c.key().to_string()),
        channels: record
            .channels
            .iter()
            .zip(shown)
            .map(|(c, shown)| DataChannel {
                via: c.via.key().into(),
                time: c.time.as_ref().map(|t| t.text.clone()),
                time_value: c.time.as_ref().and_then(|t| t.value),
                time_unit: c.time.as_ref().map(|t| t.unit.key().into()),
                fee: c.fee.as_ref().map(|f| f.text.clone()),
                fee_kind: c.fee.as_ref().map(|f| f.kind.key().into()),
                fee_amount: shown.map(|(a, _)| number(a)),
                fee_currency: shown.map(|(_, c)| c.key().into()),
                note: c.note.clone(),
                case: c.case.clone(),
            })
            .collect(),
        documents: record
            .documents
            .iter()
            .map(|d| DataDocument {
                name: d.name.clone(),
                originals: d.originals,
                copies: d.copies,
                case: d.case.clone(),
                forms: d
                    .forms
                    .iter()
                    .map(|f| DataForm {
                        title: f.title.clone(),
                        url: f
                            .file
                            .as_deref()
                            .map(|file| address(site, &urls::encode_path(file)))
                            .or_else(|| f.url.clone()),
                    })
                    .collect(),
            })
            .collect(),
        conditions: record.conditions.clone(),
        results: record
            .results
            .iter()
            .map(|r| DataResult {
                name: r.name.clone(),
                code: r.code.clone(),
            })
            .collect(),
        legal_basis: record
            .legal_basis
            .iter()
            .map(|l| DataLaw {
                title: l.title.clone(),
                code: l.code.clone(),
                issued: l.issued.map(|d| d.iso()),
            })
            .collect(),
        offices: record
            .offices
            .iter()
            .filter_map(|id| site.offices.iter().find(|o| &o.id == id))
            .map(|o| DataOffice {
                id: o.id.clone(),
                name: o.name.clone(),
                address: o.address.clone(),
            })
            .collect(),
        updated: record.updated.map(|d| d.iso()),
        change_note: record.change_note.clone(),
    }
}
