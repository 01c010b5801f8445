//! The view of one procedure: what its page shows, computed and formatted here so the
//! template only lays it out.

use serde::Serialize;

use super::{Badge, Link, Views};
use crate::format;
use crate::keyword::Keyword;
use crate::markdown::{self, Settings};
use crate::offices::Office;
use crate::record::{Channel, Document, OnlineLevel, Record, Status, Via};
use crate::urls;

/// A procedure as a line of a list: enough to choose it without opening it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcedureItem {
    pub title: String,
    pub code: String,
    pub url: String,
    pub field: String,
    pub time: String,
    pub fee: String,
    pub online: Badge,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct ChannelRow {
    pub via: String,
    pub time: String,
    pub fee: String,
    pub note: Option<String>,
    pub case: Option<String>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct FormView {
    pub title: String,
    /// Relative to the site root: a copied file or an external address.
    pub url: Option<String>,
    pub external: bool,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct DocumentView {
    pub name: String,
    /// "1 bản chính, 1 bản sao".
    pub copies: Option<String>,
    pub forms: Vec<FormView>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct DocumentGroup {
    pub case: Option<String>,
    pub documents: Vec<DocumentView>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct LegalView {
    pub title: String,
    pub code: Option<String>,
    pub issued: Option<String>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct ProcedureView {
    pub title: String,
    pub code: String,
    pub replaced_by: Option<Link>,
    pub repealed: bool,
    pub field: Link,
    pub levels: Vec<Link>,
    pub audience: Vec<Link>,
    pub online: Badge,
    pub online_url: String,
    /// Time and fee when every channel has the same; else see `channels`.
    pub time: Option<String>,
    pub fee: Option<String>,
    pub channels: Vec<ChannelRow>,
    pub channels_differ: bool,
    pub portal_url: Option<String>,
    pub document_groups: Vec<DocumentGroup>,
    pub documents_count: usize,
    pub conditions: Vec<String>,
    pub description_html: Option<String>,
    pub steps_html: Option<String>,
    pub body_html: Option<String>,
    pub results: Vec<String>,
    pub offices: Vec<Office>,
    pub agency: Option<String>,
    pub authority: Option<String>,
    pub submission_address: Option<String>,
    pub legal_basis: Vec<LegalView>,
    pub related: Vec<Link>,
    pub related_text: Vec<String>,
    pub decision: Option<String>,
    pub kind: Option<String>,
    pub updated: Option<String>,
    pub source_url: Option<String>,
    pub report_url: Option<String>,
}

pub fn online_level(record: &Record) -> OnlineLevel {
    record.online.unwrap_or(OnlineLevel::None)
}

impl Views<'_> {
    pub fn badge(&self, level: OnlineLevel) -> Badge {
        let key = level.key();
        Badge {
            key,
            label: self.strings.get(&format!("online.{key}")).to_string(),
            long: self.strings.get(&format!("online.{key}_long")).to_string(),
        }
    }

    /// The channel whose time and fee a list shows: in person if there is one.
    fn main_channel<'r>(&self, record: &'r Record) -> Option<&'r Channel> {
        record
            .channels
            .iter()
            .find(|c| c.via == Via::InPerson)
            .or(record.channels.first())
    }

    fn channel_time(&self, channel: Option<&Channel>) -> String {
        channel.and_then(|c| c.time.as_ref()).map_or_else(
            || self.strings.get("time.unknown").to_string(),
            |t| format::time(t, self.strings),
        )
    }

    fn channel_fee(&self, channel: Option<&Channel>) -> String {
        channel.and_then(|c| c.fee.as_ref()).map_or_else(
            || self.strings.get("fee.unknown").to_string(),
            |f| format::fee(f, self.strings),
        )
    }

    pub fn item(&self, record: &Record) -> ProcedureItem {
        let channel = self.main_channel(record);
        ProcedureItem {
            title: record.title.clone(),
            code: record.code.clone(),
            url: urls::procedure(&record.slug),
            field: record.field.clone(),
            time: self.channel_time(channel),
            fee: self.channel_fee(channel),
            online: self.badge(online_level(record)),
        }
    }

    pub fn procedure(&self, record: &Record, by_code: &super::ByCode) -> ProcedureView {
        let s = self.strings;
        let channels: Vec<ChannelRow> = record
            .channels
            .iter()
            .map(|c| ChannelRow {
                via: s.get(&format!("via.{}", c.via.key())).to_string(),
                time: self.channel_time(Some(c)),
                fee: self.channel_fee(Some(c)),
                note: c.note.clone(),
                case: c.case.clone(),
            })
            .collect();
        let uniform = |get: fn(&ChannelRow) -> &String| {
            let first = channels.first().map(get)?;
            channels
                .iter()
                .all(|c| get(c) == first)
                .then(|| first.clone())
        };
        let time = uniform(|c| &c.time);
        let fee = uniform(|c| &c.fee);
        let channels_differ = time.is_none()
            || fee.is_none()
            || channels
                .iter()
                .any(|c| c.note.is_some() || c.case.is_some());
        let level = online_level(record);
        let markdown = |text: &str| {
            markdown::to_html(
                text,
                &Settings {
                    page_title: Some(&record.title),
                    top_level: 3,
                    strings: s,
                },
            )
        };
        let related = record
            .related
            .iter()
            .filter_map(|code| by_code.get(&code.to_lowercase()))
            .map(|r| Link {
                label: r.title.clone(),
                url: urls::procedure(&r.slug),
                count: None,
            })
            .collect();
        ProcedureView {
            title: record.title.clone(),
            code: record.code.clone(),
            replaced_by: match &record.status {
                Status::Replaced { by } => by_code.get(&by.to_lowercase()).map(|r| Link {
                    label: r.title.clone(),
                    url: urls::procedure(&r.slug),
                    count: None,
                }),
                _ => None,
            },
            repealed: record.status == Status::Repealed,
            field: self.field_link(&record.field),
            levels: record.levels.iter().map(|l| self.level_link(*l)).collect(),
            audience: record
                .audience
                .iter()
                .map(|a| self.audience_link(*a))
                .collect(),
            online: self.badge(level),
            online_url: urls::term_list(urls::ONLINE, level.key()),
            time,
            fee,
            channels,
            channels_differ,
            portal_url: record
                .portal_url
                .clone()
                .filter(|_| level != OnlineLevel::None),
            documents_count: record.documents.len(),
            document_groups: self.document_groups(&record.documents),
            conditions: record.conditions.clone(),
            description_html: record.description.as_deref().map(markdown),
            steps_html: record.steps.as_deref().map(markdown),
            body_html: Some(markdown(&record.body)).filter(|h| !h.trim().is_empty()),
            results: record.results.iter().map(|r| r.name.clone()).collect(),
            offices: record
                .offices
                .iter()
                .filter_map(|id| self.site.offices.iter().find(|o| &o.id == id))
                .cloned()
                .collect(),
            agency: record.agency.clone(),
            authority: record
                .authority
                .clone()
                .filter(|a| Some(a) != record.agency.as_ref()),
            submission_address: record.submission_address.clone(),
            legal_basis: record
                .legal_basis
                .iter()
                .map(|l| LegalView {
                    title: l.title.clone(),
                    code: l.code.clone().filter(|c| !l.title.contains(c.as_str())),
                    issued: l.issued.map(|d| d.to_string()),
                })
                .collect(),
            related,
            related_text: record.related_text.clone(),
            decision: record.decision.clone(),
            kind: record.kind.clone(),
            updated: record.updated.map(|d| d.to_string()),
            source_url: record.source.as_ref().and_then(|s| s.url.clone()),
            report_url: self.report_url(record),
        }
    }

    fn document_groups(&self, documents: &[Document]) -> Vec<DocumentGroup> {
        let mut groups: Vec<DocumentGroup> = Vec::new();
        for document in documents {
            let view = DocumentView {
                name: document.name.clone(),
                copies: self.copies_text(document),
                forms: document
                    .forms
                    .iter()
                    .map(|f| FormView {
                        title: f.title.clone(),
                        url: f
                            .file
                            .as_deref()
                            .map(urls::encode_path)
                            .or_else(|| f.url.clone()),
                        external: f.file.is_none() && f.url.is_some(),
                    })
                    .collect(),
            };
            match groups.last_mut() {
                Some(group) if group.case == document.case => group.documents.push(view),
                _ => groups.push(DocumentGroup {
                    case: document.case.clone(),
                    documents: vec![view],
                }),
            }
        }
        groups
    }

    fn copies_text(&self, document: &Document) -> Option<String> {
        let count = |n: u32, key: &str| {
            let key = if n == 1 {
                key.to_string()
            } else {
                format!("{key}_plural")
            };
            format!("{n} {}", self.strings.get(&key))
        };
        let mut parts = Vec::new();
        if let Some(n) = document.originals.filter(|n| *n > 0) {
            parts.push(count(n, "procedure.originals"));
        }
        if let Some(n) = document.copies.filter(|n| *n > 0) {
            parts.push(count(n, "procedure.copies"));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// A mailto link with the procedure named in the subject, or the feedback page.
    fn report_url(&self, record: &Record) -> Option<String> {
        let feedback = self.site.config.organisation.feedback.as_deref()?;
        if feedback.starts_with("http://") || feedback.starts_with("https://") {
            return Some(feedback.to_string());
        }
        let subject = format!(
            "{} {} – {}",
            self.strings.get("procedure.report_subject"),
            record.code,
            record.title
        );
        Some(format!(
            "mailto:{feedback}?subject={}",
            urls::encode_path(&subject).replace('/', "%2F")
        ))
    }
}
