//! The view of one procedure: what its page shows, computed and formatted here so the
//! template only lays it out.

use serde::Serialize;

use super::checklist::{self, Checklist};
use super::fees::{self, ShownFee};
use super::videos::{self, VideoView};
use super::{Badge, Link, Views};
use crate::model::keyword::Keyword;
use crate::model::office::Office;
use crate::model::record::{Amount, Channel, Currency, Document, OnlineLevel, Record, Status, Via};
use crate::urls;
use crate::view::format;
use crate::view::markdown::{self, Settings};

/// A procedure as a line of a list: enough to choose it without opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureItem {
    pub title: String,
    pub code: String,
    pub url: String,
    pub field: String,
    /// Every channel's time: one, or the different ones side by side.
    pub time: String,
    /// Every channel's fee: one, a range, or the different ones side by side.
    pub fee: String,
    pub online: Badge,
    /// A stub of `sotay import list`: the line says the details are not published.
    pub incomplete: bool,
    /// Each channel's exact fee as its page states it, for the open data.
    pub fee_sums: Vec<Option<(Amount, Currency)>>,
    /// The statistics' fee band ([`super::statistics::fee_band`]).
    pub fee_band: &'static str,
    key: LineKey,
}

/// What a template is given of a [`ProcedureItem`].
#[derive(Serialize)]
struct Shown<'a> {
    title: &'a str,
    code: &'a str,
    url: &'a str,
    field: &'a str,
    time: &'a str,
    fee: &'a str,
    online: &'a Badge,
    incomplete: bool,
}

impl Serialize for ProcedureItem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shown = Shown {
            title: &self.title,
            code: &self.code,
            url: &self.url,
            field: &self.field,
            time: &self.time,
            fee: &self.fee,
            online: &self.online,
            incomplete: self.incomplete,
        };
        if serializer.is_human_readable() {
            return shown.serialize(serializer);
        }
        // Hashed for a key ([`crate::digest`], the one serializer that is not human
        // readable): the line's own digest, made once. At 10,000 records each line
        // is in several lists, and hashing the lists' lines field by field was a
        // twentieth of a rebuild.
        match self.key.0.get_or_init(|| crate::digest::digest(&shown)) {
            Some(key) => serializer.serialize_u128(*key),
            None => shown.serialize(serializer),
        }
    }
}

/// A line's digest, once made. Not part of the line: equal whether made or not,
/// and a copy makes its own (its fields may be changed).
#[derive(Debug, Default)]
struct LineKey(std::sync::OnceLock<Option<u128>>);

impl Clone for LineKey {
    fn clone(&self) -> Self {
        LineKey::default()
    }
}

impl PartialEq for LineKey {
    fn eq(&self, _: &LineKey) -> bool {
        true
    }
}

impl Eq for LineKey {}

#[derive(Debug, PartialEq, Serialize)]
pub struct ChannelRow {
    pub via: String,
    pub time: String,
    pub fee: String,
    /// The fee's own condition (exemptions, reductions, who sets it).
    pub fee_condition: Option<String>,
    pub note: Option<String>,
    pub case: Option<String>,
}

/// A fee or a time, and the channels it applies to when they differ.
#[derive(Debug, PartialEq, Serialize)]
pub struct FactLine {
    /// "Trực tiếp, Dịch vụ bưu chính"; none when every channel has this value.
    pub channels: Option<String>,
    pub text: String,
    pub condition: Option<String>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct LegalView {
    pub title: String,
    pub code: Option<String>,
    pub issued: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficeView {
    #[serde(flatten)]
    pub office: Office,
    /// The phone as a `tel:` number.
    pub tel: Option<String>,
    /// The office's page: the procedures it handles; none when no record names it.
    pub url: Option<String>,
    pub videos: Vec<VideoView>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct ProcedureView {
    pub title: String,
    /// A title of several sentences, as national records have: set smaller on phones.
    pub long_title: bool,
    pub code: String,
    pub replaced_by: Option<Link>,
    pub repealed: bool,
    /// Only what the portal's list says: the page says the details are not published.
    pub incomplete: bool,
    /// The local table's note for this procedure.
    pub local_note: Option<String>,
    /// The portal's search for this code (`portal_search` of sotay.yaml).
    pub portal_search: Option<String>,
    /// schema.org JSON-LD of the page, safe inside its `<script>`.
    pub json_ld: String,
    pub field: Link,
    pub levels: Vec<Link>,
    pub audience: Vec<Link>,
    pub online: Badge,
    pub online_url: String,
    /// What the summary shows: each distinct fee and time with its channels.
    pub fees: Vec<FactLine>,
    pub times: Vec<FactLine>,
    pub channels: Vec<ChannelRow>,
    pub portal_url: Option<String>,
    pub checklist: Checklist,
    pub conditions: Vec<String>,
    pub description_html: Option<String>,
    pub steps_html: Option<String>,
    pub body_html: Option<String>,
    pub results: Vec<String>,
    pub offices: Vec<OfficeView>,
    pub videos: Vec<VideoView>,
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
    /// The record's `extra:`, as written, for a handbook's own templates.
    pub extra: yaml_serde::Mapping,
    /// The page's sections, for the in-page contents: label and `#id`.
    pub sections: Vec<Link>,
    /// What changed last for citizens, and when.
    pub last_change: Option<super::changes::ShownEntry>,
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

    pub(super) fn office_view(&self, office: &Office) -> OfficeView {
        OfficeView {
            tel: office.phone.as_deref().map(urls::tel),
            url: Some(urls::office(&office.id)),
            videos: videos::views(&office.videos),
            office: office.clone(),
        }
    }

    fn time_text(&self, channel: &Channel) -> String {
        channel.time.as_ref().map_or_else(
            || self.strings.get("time.unknown").to_string(),
            |t| format::time(t, self.strings),
        )
    }

    fn via_label(&self, via: Via) -> String {
        self.strings.get(&format!("via.{}", via.key())).to_string()
    }

    pub fn item(&self, record: &Record) -> ProcedureItem {
        let fees: Vec<ShownFee> = record
            .channels
            .iter()
            .map(|c| ShownFee::of(c, self.strings))
            .collect();
        let mut times: Vec<String> = Vec::new();
        for channel in &record.channels {
            let time = self.time_text(channel);
            if !times.contains(&time) {
                times.push(time);
            }
        }
        ProcedureItem {
            title: record.title.clone(),
            code: record.code.to_string(),
            url: urls::procedure(&record.slug),
            field: self.site.field_label(&record.field).to_string(),
            time: if times.is_empty() {
                self.strings.get("time.unknown").to_string()
            } else {
                times.join(" / ")
            },
            fee: fees::list_line(&fees, self.strings),
            online: self.badge(record.online_level()),
            incomplete: record.incomplete,
            fee_band: super::statistics::fee_band(&fees, self.strings),
            fee_sums: fees.into_iter().map(|f| f.amount).collect(),
            key: LineKey::default(),
        }
    }

    pub fn procedure(&self, record: &Record, by_code: &super::ByCode) -> ProcedureView {
        let s = self.strings;
        let shown: Vec<(String, ShownFee)> = record
            .channels
            .iter()
            .map(|c| (self.via_label(c.via), ShownFee::of(c, s)))
            .collect();
        let channels: Vec<ChannelRow> = record
            .channels
            .iter()
            .zip(&shown)
            .map(|(c, (via, fee))| ChannelRow {
                via: via.clone(),
                time: self.time_text(c),
                fee: fee.text.clone(),
                fee_condition: fee.condition.clone(),
                note: fee.note.clone(),
                case: c.case.clone(),
            })
            .collect();
        let all_channels = distinct_vias(&record.channels).len();
        let fact = |vias: Vec<String>, text: String, condition: Option<String>| FactLine {
            channels: (vias.len() < all_channels).then(|| vias.join(", ")),
            text,
            condition,
        };
        let fees = by_channels(shown, ShownFee::same_as, ShownFee::says_more_than)
            .into_iter()
            .map(|(vias, fee)| fact(vias, fee.text, fee.condition))
            .collect();
        let times = channels
            .iter()
            .map(|row| (row.via.clone(), row.time.clone()));
        let times = by_channels(times, String::eq, |_, _| false)
            .into_iter()
            .map(|(vias, text)| fact(vias, text, None))
            .collect();
        let level = record.online_level();
        let markdown = |text: &str, top_level: u8| {
            markdown::to_html(
                text,
                &Settings {
                    page_title: Some(&record.title),
                    top_level,
                    strings: s,
                },
            )
        };
        let related = record
            .related
            .iter()
            .filter_map(|code| by_code.get(code))
            .map(|r| Link {
                label: r.title.clone(),
                url: urls::procedure(&r.slug),
                count: None,
            })
            .collect();
        let checklist = checklist::checklist(&record.documents, |d| self.copies_text(d));
        let mut view = ProcedureView {
            title: record.title.clone(),
            long_title: record.title.chars().count() > 100,
            code: record.code.to_string(),
            replaced_by: match &record.status {
                Status::Replaced { by: Some(by) } => by_code.get(by).map(|r| Link {
                    label: r.title.clone(),
                    url: urls::procedure(&r.slug),
                    count: None,
                }),
                _ => None,
            },
            repealed: record.status == Status::Repealed,
            incomplete: record.incomplete,
            local_note: record.local_note.clone(),
            last_change: self
                .changes
                .and_then(|log| log.latest(&record.code))
                .map(|entry| self.shown_entry(entry)),
            json_ld: String::new(),
            portal_search: self
                .site
                .config
                .portal_search
                .as_ref()
                .map(|url| url.replace("{code}", &query_value(record.code.as_str()))),
            field: self.field_link(&record.field),
            levels: record.levels.iter().map(|l| self.level_link(*l)).collect(),
            audience: record
                .audience
                .iter()
                .map(|a| self.audience_link(*a))
                .collect(),
            online: self.badge(level),
            online_url: urls::term_list(urls::ONLINE, level.key()),
            fees,
            times,
            channels,
            portal_url: record
                .portal_url
                .clone()
                .filter(|_| !matches!(level, OnlineLevel::None)),
            checklist,
            conditions: record.conditions.clone(),
            // The description and the body are sections of the page (h2); YAML steps
            // sit under the page's own "Trình tự thực hiện" heading (h3).
            description_html: record.description.as_deref().map(|d| markdown(d, 2)),
            steps_html: record.steps.as_deref().map(|d| markdown(d, 3)),
            body_html: Some(markdown(&record.body, 2)).filter(|h| !h.trim().is_empty()),
            results: record.results.iter().map(|r| r.name.clone()).collect(),
            offices: record
                .offices
                .iter()
                .filter_map(|id| self.site.offices.iter().find(|o| &o.id == id))
                .map(|o| self.office_view(o))
                .collect(),
            videos: videos::views(&record.videos),
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
            extra: record.extra.clone(),
            sections: Vec::new(),
        };
        view.sections = self.sections(&view);
        let config = &self.site.config;
        let canonical = config
            .base_url
            .as_deref()
            .map(|base| urls::canonical(base, &urls::procedure(&record.slug)));
        view.json_ld =
            super::structured::procedure(record, &view, &config.organisation.name, canonical);
        view
    }

    /// The in-page contents: the sections this page has, in page order.
    fn sections(&self, view: &ProcedureView) -> Vec<Link> {
        let link = |key: &str, id: &str| Link {
            label: self.strings.get(key).to_string(),
            url: format!("#{id}"),
            count: None,
        };
        let mut links = Vec::new();
        if view.checklist.count > 0 || !view.checklist.groups.is_empty() {
            links.push(link("procedure.documents", "ho-so"));
        }
        if !view.channels.is_empty() {
            links.push(link("procedure.channels", "cach-thuc"));
        }
        links.push(link("procedure.where", "noi-nop"));
        let steps_id = "id=\"trinh-tu-thuc-hien\"";
        if view.steps_html.is_some() {
            links.push(link("procedure.steps", "trinh-tu"));
        } else if [&view.description_html, &view.body_html]
            .iter()
            .any(|h| h.as_deref().is_some_and(|h| h.contains(steps_id)))
        {
            links.push(link("procedure.steps", "trinh-tu-thuc-hien"));
        }
        if !view.conditions.is_empty() {
            links.push(link("procedure.conditions", "dieu-kien"));
        }
        if !view.legal_basis.is_empty() {
            links.push(link("procedure.legal_basis", "can-cu"));
        }
        links
    }

    /// "1 bản chính, 1 bản sao".
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

/// Values with the channels that share them, in the record's order. Of two values
/// that are `same`, the one kept is the one `better` prefers.
fn by_channels<T>(
    rows: impl IntoIterator<Item = (String, T)>,
    same: impl Fn(&T, &T) -> bool,
    better: impl Fn(&T, &T) -> bool,
) -> Vec<(Vec<String>, T)> {
    let mut out: Vec<(Vec<String>, T)> = Vec::new();
    for (via, value) in rows {
        match out.iter_mut().find(|(_, kept)| same(kept, &value)) {
            Some((vias, kept)) => {
                if !vias.contains(&via) {
                    vias.push(via);
                }
                if better(&value, kept) {
                    *kept = value;
                }
            }
            None => out.push((vec![via], value)),
        }
    }
    out
}

/// The ways to submit a record offers, each once.
fn distinct_vias(channels: &[Channel]) -> Vec<Via> {
    let mut vias = Vec::new();
    for channel in channels {
        if !vias.contains(&channel.via) {
            vias.push(channel.via);
        }
    }
    vias
}

/// `text` as a URL's query value: letters, digits and `.-_~` kept, the rest
/// percent-encoded.
fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b".-_~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
