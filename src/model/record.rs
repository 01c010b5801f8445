//! The procedure record (thủ tục hành chính) as sotay models it, after decoding and
//! checking: every parsed value keeps the text it came from.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::model::keyword::keywords;

keywords! {
    /// Cấp thực hiện.
    Level {
        Ministry = "ministry" | "bộ" | "cấp bộ" | "trung ương",
        Province = "province" | "tỉnh" | "cấp tỉnh",
        District = "district" | "huyện" | "cấp huyện",
        Commune = "commune" | "xã" | "cấp xã" | "phường" | "cấp phường" | "thị trấn",
        Other = "other" | "khác",
    }
}

keywords! {
    /// Đối tượng thực hiện.
    Audience {
        Citizen = "citizen" | "công dân" | "công dân việt nam" | "cá nhân",
        OverseasVietnamese = "overseas_vietnamese" | "người việt nam định cư ở nước ngoài",
        Foreigner = "foreigner" | "người nước ngoài",
        Business = "business" | "doanh nghiệp",
        ForeignInvestedBusiness = "foreign_invested_business" | "doanh nghiệp có vốn đầu tư nước ngoài",
        Cooperative = "cooperative" | "hợp tác xã",
        Organisation = "organisation" | "organization" | "tổ chức",
        ForeignOrganisation = "foreign_organisation" | "foreign_organization" | "tổ chức nước ngoài",
        CivilServant = "civil_servant" | "cán bộ, công chức, viên chức",
        PartyMember = "party_member" | "đảng viên",
        PartyOrganisation = "party_organisation" | "party_organization" | "tổ chức đảng",
    }
}

keywords! {
    /// Cách thức thực hiện.
    Via {
        InPerson = "in_person" | "trực tiếp" | "nộp trực tiếp",
        Online = "online" | "trực tuyến",
        Post = "post" | "bưu chính" | "dịch vụ bưu chính" | "bưu điện" | "qua bưu điện",
    }
}

keywords! {
    /// Unit of a processing time.
    TimeUnit {
        WorkingDays = "working_days" | "ngày làm việc",
        Days = "days" | "ngày",
        Hours = "hours" | "giờ",
        Months = "months" | "tháng",
        SameDay = "same_day" | "trong ngày",
        Unspecified = "unspecified" | "không quy định",
        Unknown = "unknown",
        Other = "other",
    }
}

keywords! {
    /// How a fee is set.
    FeeKind {
        Free = "free" | "miễn phí",
        Fixed = "fixed",
        Varies = "varies",
        SeeText = "see_text",
        Unknown = "unknown",
    }
}

keywords! {
    Currency {
        Vnd = "VND" | "vnđ" | "đồng",
        Usd = "USD",
    }
}

keywords! {
    /// Mức độ dịch vụ công trực tuyến, where this municipality offers the procedure.
    OnlineLevel {
        /// Toàn trình: submit, pay and receive the result online.
        Full = "full" | "toàn trình",
        /// Một phần: part of the procedure must be done in person.
        Partial = "partial" | "một phần",
        None = "none" | "không",
        /// Chưa công bố: offered online at some level the handbook does not state.
        Unstated = "unstated" | "chưa công bố",
    }
}

keywords! {
    StatusKind {
        Active = "active" | "còn hiệu lực",
        Replaced = "replaced" | "được thay thế",
        Repealed = "repealed" | "bãi bỏ",
    }
}

/// A calendar date, as written `2026-11-20` (or `20/11/2026`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let (year, month, day) = if let Some((y, rest)) = text.split_once('-') {
            let (m, d) = rest.split_once('-')?;
            (y, m, d)
        } else {
            let mut parts = text.split('/');
            let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            (y, m, d)
        };
        let date = Date {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
            day: day.parse().ok()?,
        };
        (date.year >= 1900 && date.day >= 1 && date.day <= date.days_in_month()).then_some(date)
    }

    /// Today's date (UTC) from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// Civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }

    /// `2026-11-20`, the form records use.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    fn days_in_month(self) -> u8 {
        let year = self.year;
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 0,
        }
    }
}

impl std::fmt::Display for Date {
    /// The way dates are written in Vietnamese documents: 20/11/2026.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}/{:02}/{}", self.day, self.month, self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_print_the_vietnamese_way() {
        let date = Date::parse("2026-11-20").unwrap();
        assert_eq!(date.to_string(), "20/11/2026");
        assert_eq!(Date::parse("20/11/2026"), Some(date));
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(
            Date::parse("2024-02-29").map(Date::iso),
            Some("2024-02-29".into())
        );
    }

    #[test]
    fn epoch_days_to_civil_dates() {
        assert_eq!(Date::from_days_since_epoch(0).iso(), "1970-01-01");
        assert_eq!(Date::from_days_since_epoch(20_595).iso(), "2026-05-22");
    }
}

/// Thời hạn giải quyết. `text` is the source of truth; `value` and `unit` are read from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessingTime {
    pub text: String,
    pub value: Option<f64>,
    pub unit: TimeUnit,
}

/// A sum of money, exact: whole đồng stay whole, and foreign fees keep their cents
/// ("0.5 USD" is 50 hundredths of a dollar). No binary floating point.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Amount {
    hundredths: u64,
}

impl Amount {
    pub fn whole(units: u64) -> Option<Amount> {
        Some(Amount {
            hundredths: units.checked_mul(100)?,
        })
    }

    /// `"1.5"`, `"0,50"`, `"25"`: digits with at most two after one `.` or `,`.
    pub fn parse(text: &str) -> Option<Amount> {
        let (whole, fraction) = match text.split_once(['.', ',']) {
            Some((whole, fraction)) => (whole, fraction),
            None => (text, ""),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !(fraction.is_empty() || digits(fraction)) || fraction.len() > 2 {
            return None;
        }
        let cents: u64 = format!("{fraction:0<2}").parse().ok()?;
        let amount = Amount::whole(whole.parse().ok()?)?;
        Some(Amount {
            hundredths: amount.hundredths.checked_add(cents)?,
        })
    }

    /// The whole units.
    pub fn units(self) -> u64 {
        self.hundredths / 100
    }

    /// The hundredths beyond [`Amount::units`].
    pub fn cents(self) -> u64 {
        self.hundredths % 100
    }

    pub fn is_zero(self) -> bool {
        self.hundredths == 0
    }
}

/// Phí, lệ phí. `amount` is in units of `currency` (đồng for VND).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub text: String,
    pub kind: FeeKind,
    pub amount: Option<Amount>,
    pub currency: Option<Currency>,
}

/// One row of cách thức thực hiện: how to submit, and the time and fee that way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub via: Via,
    pub time: Option<ProcessingTime>,
    pub fee: Option<Fee>,
    /// Mô tả: conditions on time and fee.
    pub note: Option<String>,
    /// The case or agency this row applies to.
    pub case: Option<String>,
}

/// Mẫu đơn, tờ khai.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub title: String,
    /// A file under `content/`, relative to it, copied into the site.
    pub file: Option<String>,
    /// A form published elsewhere.
    pub url: Option<String>,
}

/// Thành phần hồ sơ: one document to bring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub name: String,
    /// Bản chính.
    pub originals: Option<u32>,
    /// Bản sao.
    pub copies: Option<u32>,
    pub forms: Vec<Form>,
    /// Group label (trường hợp) the document belongs to.
    pub case: Option<String>,
}

/// Kết quả thực hiện.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDocument {
    pub name: String,
    pub code: Option<String>,
}

/// Căn cứ pháp lý.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalDocument {
    pub title: String,
    pub code: Option<String>,
    pub issued: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub portal: Option<String>,
    pub url: Option<String>,
}

/// Mã thủ tục, as published: "1.000593", or a local variant such as "1.012753.H19".
/// Codes are compared as staff read them, whatever the case: "1.012753.h19" is the
/// same procedure. Shown as written.
#[derive(Debug, Clone, Default)]
pub struct Code {
    text: String,
    /// What codes are compared by.
    key: String,
}

impl Code {
    pub fn new(text: String) -> Code {
        let key = text.to_lowercase();
        Code { text, key }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The form codes are compared and looked up by.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.key == other.key
    }
}

impl Eq for Code {}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.key == other.to_lowercase()
    }
}

impl std::ops::Deref for Code {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Code::new)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Status {
    Active,
    /// A replaced record may not know its successor yet (an error `check` reports).
    Replaced {
        by: Option<Code>,
    },
    Repealed,
}

/// A procedure, as one record file describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Path relative to the site root.
    pub file: PathBuf,
    /// Last part of the page URL: the `slug` field, else the file name, made ASCII.
    pub slug: String,
    /// Mã thủ tục.
    pub code: Code,
    pub title: String,
    /// The title's place in Vietnamese order, computed once when the record is read.
    #[serde(skip)]
    pub title_key: crate::text::collate::SortKey,
    /// Số quyết định công bố.
    pub decision: Option<String>,
    /// Loại thủ tục.
    pub kind: Option<String>,
    /// Lĩnh vực.
    pub field: String,
    pub levels: Vec<Level>,
    pub audience: Vec<Audience>,
    /// Cơ quan thực hiện.
    pub agency: Option<String>,
    /// Cơ quan có thẩm quyền.
    pub authority: Option<String>,
    /// Cơ quan được ủy quyền.
    pub delegated_agency: Option<String>,
    /// Cơ quan phối hợp.
    pub coordinating_agency: Option<String>,
    /// Địa chỉ tiếp nhận hồ sơ.
    pub submission_address: Option<String>,
    pub channels: Vec<Channel>,
    pub documents: Vec<Document>,
    /// Yêu cầu, điều kiện.
    pub conditions: Vec<String>,
    pub results: Vec<ResultDocument>,
    pub legal_basis: Vec<LegalDocument>,
    /// Codes of related procedures.
    pub related: Vec<Code>,
    /// Titles of related procedures whose codes are unknown.
    pub related_text: Vec<String>,
    pub keywords: Vec<String>,
    pub source: Option<SourceRef>,
    pub online: Option<OnlineLevel>,
    /// Where to submit online.
    pub portal_url: Option<String>,
    /// Ids into `content/offices.yaml`.
    pub offices: Vec<String>,
    pub updated: Option<Date>,
    pub status: Status,
    /// Only what the portal's list says (`sotay import list`): the page says the
    /// details are not published yet.
    pub incomplete: bool,
    /// What the change feed says of this record's latest change, in staff's words.
    pub change_note: Option<String>,
    /// The note of the local table's row (`content/local.csv`), shown on the page.
    pub local_note: Option<String>,
    /// What the record itself says of the fields the local table set.
    #[serde(skip)]
    pub written: Option<Box<crate::model::local::Written>>,
    /// Free-form data for site-specific templates.
    pub extra: yaml_serde::Mapping,
    /// Markdown: an introduction (YAML records' `description`).
    pub description: Option<String>,
    /// Markdown: trình tự thực hiện (YAML records' `steps`).
    pub steps: Option<String>,
    /// Video guides to this procedure (links, never embedded).
    pub videos: Vec<crate::model::video::Video>,
    /// Markdown body of a `.md` record.
    pub body: String,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
}

impl Record {
    /// The online service level pages, lists, counts and search show: the one place
    /// it is decided. A record that does not state it is taken from its channels: not
    /// online when none is online, and online at an unstated level when one is (never
    /// "in person" above a table that says "online").
    pub fn online_level(&self) -> OnlineLevel {
        match self.online {
            Some(level) => level,
            None if self.has_online_channel() => OnlineLevel::Unstated,
            // A stub says nothing of channels: not knowing is not "in person only".
            None if self.incomplete => OnlineLevel::Unstated,
            None => OnlineLevel::None,
        }
    }

    /// Lists a way to submit online.
    pub fn has_online_channel(&self) -> bool {
        self.channels.iter().any(|c| c.via == Via::Online)
    }
}
