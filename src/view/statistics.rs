//! The statistics page (`thong-ke/`): how many procedures are offered online, what
//! they cost, how long they take and how many have forms to download. Each chart is
//! an SVG drawn here, at build time, beside a table of the same numbers; every bar
//! links to the list of its procedures. The same numbers are published as CSV.

use std::collections::HashMap;

use serde::Serialize;

use super::fees::ShownFee;
use std::sync::Arc;

use super::{Link, Page, PageData, ProcedureItem, Views};
use crate::model::keyword::Keyword;
use crate::model::record::{Level, OnlineLevel, Record, TimeUnit};
use crate::render::html::escape;
use crate::urls;

/// What a procedure costs, as its page shows it.
pub const FEE_BANDS: [&str; 4] = ["mien-phi", "co-phi", "tuy-truong-hop", "khong-neu"];
/// How long a procedure takes, in days, by the first channel that states a number.
pub const TIME_BANDS: [&str; 7] = [
    "1-ngay",
    "2-5-ngay",
    "6-10-ngay",
    "11-20-ngay",
    "21-30-ngay",
    "tren-30-ngay",
    "khong-ro",
];
pub const FORM_BANDS: [&str; 2] = ["co-bieu-mau", "khong-co-bieu-mau"];

/// Free when every channel's fee is shown as free; paid when one names a sum above
/// zero; "depends" when a fee is described without one exact sum; else not stated.
/// Worked out once per record, with its list line ([`ProcedureItem::fee_band`]).
pub fn fee_band(shown: &[ShownFee], strings: &crate::theme::strings::Strings) -> &'static str {
    let unknown = strings.get("fee.unknown");
    if shown
        .iter()
        .any(|f| f.amount.is_some_and(|(a, _)| !a.is_zero()))
    {
        "co-phi"
    } else if !shown.is_empty() && shown.iter().all(|f| f.amount.is_some()) {
        "mien-phi"
    } else if shown.iter().all(|f| f.text == unknown) {
        "khong-neu"
    } else {
        "tuy-truong-hop"
    }
}

/// The band of the first channel whose time is a number of days, hours or months.
pub fn time_band(record: &Record) -> &'static str {
    let days = record.channels.iter().find_map(|c| {
        let time = c.time.as_ref()?;
        match (time.unit, time.value) {
            (TimeUnit::SameDay, _) => Some(1.0),
            (TimeUnit::WorkingDays | TimeUnit::Days, Some(v)) => Some(v),
            (TimeUnit::Hours, Some(v)) => Some((v / 24.0).max(1.0)),
            (TimeUnit::Months, Some(v)) => Some(v * 30.0),
            _ => None,
        }
    });
    match days {
        None => "khong-ro",
        Some(d) if d <= 1.0 => "1-ngay",
        Some(d) if d <= 5.0 => "2-5-ngay",
        Some(d) if d <= 10.0 => "6-10-ngay",
        Some(d) if d <= 20.0 => "11-20-ngay",
        Some(d) if d <= 30.0 => "21-30-ngay",
        Some(_) => "tren-30-ngay",
    }
}

/// A document links a form to download or fill in.
pub fn form_band(record: &Record) -> &'static str {
    let has_form = record
        .documents
        .iter()
        .flat_map(|d| &d.forms)
        .any(|f| f.file.is_some() || f.url.is_some());
    if has_form {
        "co-bieu-mau"
    } else {
        "khong-co-bieu-mau"
    }
}

/// How many of `found` are each of `keys`.
fn count(keys: &[&str], found: &mut dyn Iterator<Item = &'static str>) -> Vec<usize> {
    let mut counts = vec![0usize; keys.len()];
    for key in found {
        if let Some(i) = keys.iter().position(|k| *k == key) {
            counts[i] += 1;
        }
    }
    counts
}

/// The list of the procedures in one band: `thong-ke/phi/mien-phi/`.
pub fn band_dir(chart: &str, band: &str) -> String {
    format!("{}/{chart}/{band}", urls::STATISTICS)
}

#[derive(Debug, PartialEq, Serialize)]
pub struct StatisticsView {
    pub total: usize,
    pub charts: Vec<Chart>,
    /// Online level by level and by field: one row each.
    pub breakdowns: Vec<Breakdown>,
    /// The column heads of the breakdowns: the online levels.
    pub online_levels: Vec<String>,
    /// The same numbers as CSV, written beside the page ([`csv_path`]).
    #[serde(skip)]
    pub csv: String,
    pub csv_url: String,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub bars: Vec<Link>,
    /// Drawn here; every text in it escaped.
    pub svg: String,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Breakdown {
    pub id: String,
    pub title: String,
    pub head: String,
    pub rows: Vec<BreakdownRow>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct BreakdownRow {
    pub label: String,
    pub url: String,
    pub total: usize,
    /// By online level, in the order of the column heads.
    pub counts: Vec<usize>,
}

/// The path of the statistics as CSV.
pub fn csv_path() -> String {
    format!("{}/thong-ke.csv", urls::STATISTICS)
}

impl Views<'_> {
    pub(super) fn statistics(&self, items: &[Arc<ProcedureItem>]) -> Page {
        let records = self.site.records;
        let s = self.strings;
        let online: Vec<OnlineLevel> = OnlineLevel::ALL.iter().map(|(_, _, o)| *o).collect();
        let count_by = |keys: &[&'static str], of: &dyn Fn(&Record) -> &'static str| {
            count(keys, &mut records.iter().map(of))
        };
        let online_keys: Vec<&'static str> = online.iter().map(|o| o.key()).collect();
        let online_counts = count_by(&online_keys, &|r| r.online_level().key());
        let bars = |keys: &[&'static str],
                    counts: &[usize],
                    label: &dyn Fn(&str) -> String,
                    url: &dyn Fn(&str) -> String|
         -> Vec<Link> {
            keys.iter()
                .zip(counts)
                .map(|(key, &count)| Link {
                    label: label(key),
                    // A band with no procedure has no list to link to.
                    url: if count > 0 { url(key) } else { String::new() },
                    count: Some(count),
                })
                .collect()
        };
        let charts = vec![
            self.chart(
                "truc-tuyen",
                s.get("stats.online"),
                bars(
                    &online_keys,
                    &online_counts,
                    &|k| s.get(&format!("online.{k}")).to_string(),
                    &|k| urls::term_list(urls::ONLINE, k),
                ),
            ),
            self.chart(
                "phi",
                s.get("stats.fees"),
                bars(
                    &FEE_BANDS,
                    &count(&FEE_BANDS, &mut items.iter().map(|i| i.fee_band)),
                    &|k| s.get(&format!("stats.fee.{k}")).to_string(),
                    &|k| urls::list_page(&band_dir("phi", k), 1),
                ),
            ),
            self.chart(
                "thoi-han",
                s.get("stats.times"),
                bars(
                    &TIME_BANDS,
                    &count_by(&TIME_BANDS, &time_band),
                    &|k| s.get(&format!("stats.time.{k}")).to_string(),
                    &|k| urls::list_page(&band_dir("thoi-han", k), 1),
                ),
            ),
            self.chart(
                "bieu-mau",
                s.get("stats.forms"),
                bars(
                    &FORM_BANDS,
                    &count_by(&FORM_BANDS, &form_band),
                    &|k| s.get(&format!("stats.form.{k}")).to_string(),
                    &|k| urls::list_page(&band_dir("bieu-mau", k), 1),
                ),
            ),
        ];

        let row = |label: String, url: String, members: &mut dyn Iterator<Item = &Record>| {
            let mut counts = vec![0usize; online.len()];
            let mut total = 0;
            for r in members {
                total += 1;
                if let Some(i) = online.iter().position(|o| *o == r.online_level()) {
                    counts[i] += 1;
                }
            }
            BreakdownRow {
                label,
                url,
                total,
                counts,
            }
        };
        let by_level: Vec<BreakdownRow> = Level::ALL
            .iter()
            .map(|(_, _, level)| {
                row(
                    s.get(&format!("level.{}", level.key())).to_string(),
                    urls::term_list(urls::LEVELS, level.key()),
                    &mut records.iter().filter(|r| r.levels.contains(level)),
                )
            })
            .filter(|r| r.total > 0)
            .collect();
        // Grouped in one pass: filtering every record for each of hundreds of fields
        // cost more than the rest of the page at 10,000 records.
        let mut by_label: HashMap<&str, Vec<&Record>> = HashMap::new();
        for record in records {
            by_label
                .entry(self.site.field_label(&record.field))
                .or_default()
                .push(record);
        }
        let by_field: Vec<BreakdownRow> = self
            .field_terms()
            .into_iter()
            .map(|field| {
                let members = by_label
                    .get(field.label.as_str())
                    .map_or(&[][..], Vec::as_slice);
                row(
                    field.label.clone(),
                    field.url.clone(),
                    &mut members.iter().copied(),
                )
            })
            .collect();
        let breakdowns = vec![
            Breakdown {
                id: "theo-cap".into(),
                title: s.get("stats.by_level").into(),
                head: s.get("list.level").into(),
                rows: by_level,
            },
            Breakdown {
                id: "theo-linh-vuc".into(),
                title: s.get("stats.by_field").into(),
                head: s.get("list.field").into(),
                rows: by_field,
            },
        ];
        let view = StatisticsView {
            total: records.len(),
            online_levels: online_keys
                .iter()
                .map(|k| s.get(&format!("online.{k}")).to_string())
                .collect(),
            csv: csv(&charts, &breakdowns, &online_keys, s),
            csv_url: csv_path(),
            charts,
            breakdowns,
        };
        let title = s.get("stats.title").to_string();
        Page {
            path: urls::list_page(urls::STATISTICS, 1),
            template: "statistics.html",
            title,
            breadcrumbs: vec![self.home_crumb()],
            data: PageData::Statistics(Box::new(view)),
            in_sitemap: true,
        }
    }

    fn chart(&self, id: &str, title: &str, bars: Vec<Link>) -> Chart {
        Chart {
            id: id.into(),
            title: title.into(),
            svg: svg(id, title, &bars, self.strings.get("list.count")),
            bars,
        }
    }
}

/// Horizontal bars, a label above each: readable at 360 px, where side labels
/// would leave the bars no room. Links are relative to the site root; the page
/// sits one folder down.
fn svg(id: &str, title: &str, bars: &[Link], unit: &str) -> String {
    const WIDTH: usize = 320;
    const ROW: usize = 40;
    let most = bars
        .iter()
        .filter_map(|b| b.count)
        .max()
        .unwrap_or(0)
        .max(1);
    let height = bars.len() * ROW + 4;
    let mut out = format!(
        "<svg class=\"chart\" role=\"group\" viewBox=\"0 0 {WIDTH} {height}\" aria-labelledby=\"{id}-svg-title\"><title id=\"{id}-svg-title\">{}</title>",
        escape(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let count = bar.count.unwrap_or(0);
        let y = i * ROW;
        let width = (count * (WIDTH - 60))
            .div_ceil(most)
            .max(usize::from(count > 0) * 2);
        let label = escape(&bar.label);
        let inner = format!(
            "<title>{label}: {count} {unit}</title><text x=\"0\" y=\"{}\" class=\"label\">{label}</text><rect x=\"0\" y=\"{}\" width=\"{width}\" height=\"14\" rx=\"2\"/><text x=\"{}\" y=\"{}\" class=\"count\">{count}</text>",
            y + 14,
            y + 20,
            width + 6,
            y + 32,
            unit = escape(unit),
        );
        if bar.url.is_empty() {
            out.push_str(&format!("<g>{inner}</g>"));
        } else {
            out.push_str(&format!("<a href=\"../{}\">{inner}</a>", escape(&bar.url)));
        }
    }
    out.push_str("</svg>");
    out
}

/// Every number of the page, one per row.
fn csv(
    charts: &[Chart],
    breakdowns: &[Breakdown],
    online_keys: &[&str],
    strings: &crate::theme::strings::Strings,
) -> String {
    let mut out = String::from("\u{feff}");
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["Bảng", "Nhóm", "Mục", "Số thủ tục"]);
    for chart in charts {
        for bar in &chart.bars {
            let count = bar.count.unwrap_or(0).to_string();
            let _ = writer.write_record([chart.title.as_str(), "", &bar.label, &count]);
        }
    }
    for breakdown in breakdowns {
        for row in &breakdown.rows {
            for (key, count) in online_keys.iter().zip(&row.counts) {
                let label = strings.get(&format!("online.{key}")).to_string();
                let _ = writer.write_record([
                    breakdown.title.as_str(),
                    &row.label,
                    &label,
                    &count.to_string(),
                ]);
            }
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}
