//! Open data and statistics: the JSON and CSV files read back to the records as
//! loaded, on every real record; the statistics page's numbers equal counts made
//! here from the records.

mod common;

use std::collections::BTreeMap;

use common::TestSite;
use serde_json::Value;
use sotay::model::keyword::Keyword;
use sotay::model::record::{Channel, FeeKind, Record, Status, TimeUnit};

fn json(site: &TestSite, path: &str) -> Value {
    let text = std::fs::read_to_string(site.root().join("public").join(path)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn opt(value: &Value) -> Option<&str> {
    value.as_str()
}

fn amount(a: sotay::model::record::Amount) -> f64 {
    a.units() as f64 + a.cents() as f64 / 100.0
}

/// The sum a channel states when nothing in its note can change it.
fn plain_amount(channel: &Channel) -> Option<f64> {
    let fee = channel.fee.as_ref()?;
    match fee.kind {
        FeeKind::Free => Some(0.0),
        FeeKind::Fixed => fee.amount.map(amount),
        _ => None,
    }
}

fn check_record(record: &Record, d: &Value) {
    let what = record.file.display();
    assert_eq!(d["code"], record.code.as_str(), "{what}");
    assert_eq!(d["title"], record.title.as_str(), "{what}");
    assert!(
        d["url"]
            .as_str()
            .unwrap()
            .contains(&format!("thu-tuc/{}/", record.slug)),
        "{what}"
    );
    let keys = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    };
    let levels: Vec<String> = record.levels.iter().map(|l| l.key().to_string()).collect();
    assert_eq!(keys(&d["levels"]), levels, "{what}");
    let audience: Vec<String> = record
        .audience
        .iter()
        .map(|a| a.key().to_string())
        .collect();
    assert_eq!(keys(&d["audience"]), audience, "{what}");
    assert_eq!(opt(&d["agency"]), record.agency.as_deref(), "{what}");
    assert_eq!(opt(&d["authority"]), record.authority.as_deref(), "{what}");
    assert_eq!(
        opt(&d["submission_address"]),
        record.submission_address.as_deref()
    );
    assert_eq!(d["online_level"], record.online_level().key(), "{what}");
    let status = match record.status {
        Status::Active => "active",
        Status::Replaced { .. } => "replaced",
        Status::Repealed => "repealed",
    };
    assert_eq!(d["status"], status);
    assert_eq!(d["incomplete"], record.incomplete);

    let channels = d["channels"].as_array().unwrap();
    assert_eq!(channels.len(), record.channels.len(), "{what}");
    for (c, channel) in channels.iter().zip(&record.channels) {
        assert_eq!(c["via"], channel.via.key());
        let time = channel.time.as_ref();
        assert_eq!(opt(&c["time"]), time.map(|t| t.text.as_str()), "{what}");
        assert_eq!(
            c["time_value"].as_f64(),
            time.and_then(|t| t.value),
            "{what}"
        );
        assert_eq!(opt(&c["time_unit"]), time.map(|t| t.unit.key()), "{what}");
        let fee = channel.fee.as_ref();
        assert_eq!(opt(&c["fee"]), fee.map(|f| f.text.as_str()), "{what}");
        assert_eq!(opt(&c["fee_kind"]), fee.map(|f| f.kind.key()), "{what}");
        assert_eq!(opt(&c["note"]), channel.note.as_deref(), "{what}");
        if channel.note.is_none() {
            assert_eq!(c["fee_amount"].as_f64(), plain_amount(channel), "{what}");
        }
    }
    let documents = d["documents"].as_array().unwrap();
    assert_eq!(documents.len(), record.documents.len(), "{what}");
    for (j, document) in documents.iter().zip(&record.documents) {
        assert_eq!(j["name"], document.name.as_str(), "{what}");
        assert_eq!(j["originals"].as_u64(), document.originals.map(u64::from));
        assert_eq!(j["copies"].as_u64(), document.copies.map(u64::from));
        assert_eq!(opt(&j["case"]), document.case.as_deref());
        let forms: Vec<&str> = j["forms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["title"].as_str().unwrap())
            .collect();
        let titles: Vec<&str> = document.forms.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(forms, titles);
    }
    let conditions: Vec<String> = keys(&d["conditions"]);
    assert_eq!(conditions, record.conditions, "{what}");
    let laws = d["legal_basis"].as_array().unwrap();
    assert_eq!(laws.len(), record.legal_basis.len());
    for (j, law) in laws.iter().zip(&record.legal_basis) {
        assert_eq!(j["title"], law.title.as_str());
        assert_eq!(opt(&j["code"]), law.code.as_deref());
        assert_eq!(
            j["issued"].as_str().map(str::to_string),
            law.issued.map(|d| d.iso())
        );
    }
    let results: Vec<&str> = d["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    let names: Vec<&str> = record.results.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(results, names);
    assert_eq!(
        d["updated"].as_str().map(str::to_string),
        record.updated.map(|u| u.iso())
    );

    // Where no note can change a fee, the range is the channels' plain sums.
    if record.channels.iter().all(|c| c.note.is_none()) {
        let sums: Vec<(f64, Option<&str>)> = record
            .channels
            .iter()
            .filter_map(|c| {
                let fee = c.fee.as_ref()?;
                Some((plain_amount(c)?, fee.currency.map(|c| c.key())))
            })
            .collect();
        let one_currency = sums
            .windows(2)
            .all(|w| w[0].1.unwrap_or("VND") == w[1].1.unwrap_or("VND"));
        if !sums.is_empty() && one_currency {
            let low = sums.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
            let high = sums.iter().map(|s| s.0).fold(0.0, f64::max);
            assert_eq!(d["fee_min"].as_f64(), Some(low), "{what}");
            assert_eq!(d["fee_max"].as_f64(), Some(high), "{what}");
        }
    }
}

#[test]
fn the_json_reads_back_to_every_real_record() {
    let site = TestSite::shared();
    site.build_ok();
    let sources = site.load();
    let records = sources.records();
    let catalogue = json(&site, "data/procedures.json");
    assert_eq!(catalogue["format"], 1);
    assert_eq!(catalogue["count"].as_u64(), Some(records.len() as u64));
    let procedures = catalogue["procedures"].as_array().unwrap();
    assert_eq!(procedures.len(), records.len());
    assert!(records.len() > 800, "the shared records are all there");
    for (record, d) in records.iter().zip(procedures) {
        check_record(record, d);
        let one = json(&site, &format!("thu-tuc/{}/index.json", record.slug));
        assert_eq!(one["format"], 1);
        assert_eq!(
            &one["procedure"], d,
            "the page's file is its catalogue entry"
        );
    }
}

#[test]
fn fees_keep_their_cents_and_a_contradicted_free_is_no_sum() {
    let site = TestSite::new();
    let usd = common::record("9.000001", "Cấp thị thực")
        .replace("fee: \"Miễn phí\"", "fee: \"12.50 USD\"")
        .replace(
            "    fee: \"12.50 USD\"\n",
            "    fee: \"12.50 USD\"\n  - via: online\n    time: \"3 ngày làm việc\"\n    fee: \"10.5 USD\"\n",
        );
    site.record("thi-thuc.md", &usd);
    let council = common::record("9.000002", "Đăng ký khai tử").replace(
        "    fee: \"Miễn phí\"\n",
        "    fee: \"Miễn phí\"\n    note: \"(Mức lệ phí do Hội đồng nhân dân tỉnh quyết định)\"\n",
    );
    site.record("khai-tu.md", &council);
    site.build_ok();
    let visa = json(&site, "thu-tuc/thi-thuc/index.json");
    let visa = &visa["procedure"];
    assert_eq!(visa["channels"][0]["fee_amount"].as_f64(), Some(12.5));
    assert_eq!(visa["fee_min"].as_f64(), Some(10.5));
    assert_eq!(visa["fee_max"].as_f64(), Some(12.5));
    assert_eq!(visa["fee_currency"], "USD");
    let death = json(&site, "thu-tuc/khai-tu/index.json");
    let death = &death["procedure"];
    assert_eq!(death["channels"][0]["fee_kind"], "free");
    assert!(death["channels"][0]["fee_amount"].is_null(), "{death}");
    assert!(death["fee_min"].is_null());
    assert_eq!(death["fee_shown"], "Theo mức do HĐND tỉnh quy định");
    let csv = std::fs::read_to_string(site.root().join("public/data/procedures.csv")).unwrap();
    assert!(csv.contains(",10.5,12.5,USD,"), "{csv}");
}

#[test]
fn the_csv_opens_in_excel_and_reads_back_to_the_records() {
    let site = TestSite::shared();
    site.build_ok();
    let sources = site.load();
    let records = sources.records();
    let bytes = std::fs::read(site.root().join("public/data/procedures.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "Excel needs the BOM to read UTF-8"
    );
    let catalogue = json(&site, "data/procedures.json");
    let procedures = catalogue["procedures"].as_array().unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "Mã thủ tục");
    assert_eq!(header[1], "Tên thủ tục");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), records.len());
    let number = |s: &str| (!s.is_empty()).then(|| s.parse::<f64>().unwrap());
    for ((row, record), d) in rows.iter().zip(records).zip(procedures) {
        assert_eq!(&row[0], record.code.as_str());
        assert_eq!(&row[1], record.title.as_str());
        assert_eq!(&row[2], d["field"].as_str().unwrap());
        assert_eq!(row[3].split("; ").count(), record.levels.len().max(1));
        assert_eq!(&row[4], record.agency.as_deref().unwrap_or(""));
        let online = match record.online_level().key() {
            "full" => "Toàn trình",
            "partial" => "Một phần",
            "none" => "Trực tiếp",
            _ => "Chưa công bố mức độ",
        };
        assert_eq!(&row[5], online, "{}", record.code);
        assert_eq!(&row[6], d["fee_shown"].as_str().unwrap());
        assert_eq!(&row[7], d["time_shown"].as_str().unwrap());
        assert_eq!(number(&row[8]), d["fee_min"].as_f64(), "{}", record.code);
        assert_eq!(number(&row[9]), d["fee_max"].as_f64(), "{}", record.code);
        assert_eq!(&row[11], d["url"].as_str().unwrap());
    }
}

#[test]
fn the_schema_describes_every_field_written() {
    let site = TestSite::shared();
    site.build_ok();
    let schema = json(&site, "data/schema.json");
    let catalogue = json(&site, "data/procedures.json");
    let procedure = &schema["$defs"]["procedure"];
    fn check(schema: &Value, value: &Value, at: &str) {
        let properties = schema["properties"].as_object().unwrap();
        let object = value.as_object().unwrap();
        let written: Vec<&String> = object.keys().collect();
        let described: Vec<&String> = properties.keys().collect();
        let mut w = written.clone();
        w.sort();
        let mut d = described.clone();
        d.sort();
        assert_eq!(w, d, "{at}");
        for (key, value) in object {
            let property = &properties[key];
            if let (Some(items), Some(array)) = (property.get("items"), value.as_array())
                && items.get("properties").is_some()
            {
                for item in array {
                    check(items, item, &format!("{at}.{key}"));
                }
            }
            if let Some(allowed) = property.get("enum").and_then(Value::as_array) {
                assert!(allowed.contains(value), "{at}.{key}: {value}");
            }
        }
    }
    for d in catalogue["procedures"].as_array().unwrap() {
        check(procedure, d, d["code"].as_str().unwrap());
    }
}

/// Label → count of a statistics chart, read from its table.
fn chart(page: &common::Page, id: &str) -> BTreeMap<String, usize> {
    let labels = page.texts(&format!("section[aria-labelledby='{id}'] tbody th"));
    let counts = page.texts(&format!("section[aria-labelledby='{id}'] tbody td"));
    labels
        .into_iter()
        .zip(counts)
        .map(|(l, c)| (l, c.parse().unwrap()))
        .collect()
}

#[test]
fn the_statistics_equal_counts_made_from_the_records() {
    let site = TestSite::shared();
    site.build_ok();
    let sources = site.load();
    let records = sources.records();
    let page = site.page("thong-ke/index.html");

    let online = chart(&page, "truc-tuyen");
    let count = |key: &str| {
        records
            .iter()
            .filter(|r| r.online_level().key() == key)
            .count()
    };
    assert_eq!(online["Toàn trình"], count("full"));
    assert_eq!(online["Một phần"], count("partial"));
    assert_eq!(online["Trực tiếp"], count("none"));
    assert_eq!(online["Chưa công bố mức độ"], count("unstated"));

    let forms = chart(&page, "bieu-mau");
    let with_forms = records
        .iter()
        .filter(|r| {
            r.documents
                .iter()
                .any(|d| d.forms.iter().any(|f| f.file.is_some() || f.url.is_some()))
        })
        .count();
    assert_eq!(forms["Có biểu mẫu tải về"], with_forms);
    assert_eq!(
        forms["Không có biểu mẫu tải về"],
        records.len() - with_forms
    );

    let times = chart(&page, "thoi-han");
    let stated = records
        .iter()
        .filter(|r| {
            r.channels.iter().any(|c| {
                c.time.as_ref().is_some_and(|t| {
                    t.unit == TimeUnit::SameDay
                        || (t.value.is_some()
                            && matches!(
                                t.unit,
                                TimeUnit::WorkingDays
                                    | TimeUnit::Days
                                    | TimeUnit::Hours
                                    | TimeUnit::Months
                            ))
                })
            })
        })
        .count();
    assert_eq!(
        times["Không quy định hoặc không rõ"],
        records.len() - stated
    );
    assert_eq!(times.values().sum::<usize>(), records.len());
    // Every band, from the first channel whose time is a number of days.
    let mut bands: BTreeMap<&str, usize> = BTreeMap::new();
    for r in records {
        let days = r.channels.iter().find_map(|c| {
            let t = c.time.as_ref()?;
            match t.unit {
                TimeUnit::SameDay => Some(1.0),
                TimeUnit::WorkingDays | TimeUnit::Days => t.value,
                TimeUnit::Hours => t.value.map(|h| (h / 24.0).max(1.0)),
                TimeUnit::Months => t.value.map(|m| m * 30.0),
                _ => None,
            }
        });
        let band = match days {
            None => "Không quy định hoặc không rõ",
            Some(d) if d <= 1.0 => "Trong 1 ngày",
            Some(d) if d <= 5.0 => "2–5 ngày",
            Some(d) if d <= 10.0 => "6–10 ngày",
            Some(d) if d <= 20.0 => "11–20 ngày",
            Some(d) if d <= 30.0 => "21–30 ngày",
            Some(_) => "Trên 30 ngày",
        };
        *bands.entry(band).or_default() += 1;
    }
    for (band, count) in &times {
        assert_eq!(
            bands.get(band.as_str()).copied().unwrap_or(0),
            *count,
            "{band}"
        );
    }

    // The breakdown by level: each row's total is the records at that level.
    let rows = page.texts("section[aria-labelledby='theo-cap'] tbody tr");
    let level_rows: Vec<(String, usize)> = page
        .texts("section[aria-labelledby='theo-cap'] tbody th")
        .into_iter()
        .zip(page.texts("section[aria-labelledby='theo-cap'] tbody td:last-child"))
        .map(|(l, n)| (l, n.parse().unwrap()))
        .collect();
    assert_eq!(rows.len(), level_rows.len());
    let commune = records
        .iter()
        .filter(|r| r.levels.contains(&sotay::model::record::Level::Commune))
        .count();
    assert!(
        level_rows.contains(&("Cấp xã".to_string(), commune)),
        "{level_rows:?}"
    );
    let fields: usize = page
        .texts("section[aria-labelledby='theo-linh-vuc'] tbody td:last-child")
        .iter()
        .map(|n| n.parse::<usize>().unwrap())
        .sum();
    assert_eq!(fields, records.len(), "every record has one field");

    let fees = chart(&page, "phi");
    assert_eq!(fees.values().sum::<usize>(), records.len());
    // A record whose every channel is plainly free, or names a sum above zero.
    let plainly_free = records
        .iter()
        .filter(|r| {
            !r.channels.is_empty()
                && r.channels.iter().all(|c| {
                    c.note.is_none() && c.fee.as_ref().is_some_and(|f| f.kind == FeeKind::Free)
                })
        })
        .count();
    assert!(fees["Miễn phí"] >= plainly_free && plainly_free > 0);

    // Every bar links to a list holding as many procedures as the bar says.
    for (label, count) in &online {
        if *count == 0 {
            continue;
        }
        let links = page.attrs("section[aria-labelledby='truc-tuyen'] svg a", "href");
        let titles = page.texts("section[aria-labelledby='truc-tuyen'] svg a > title");
        let at = titles
            .iter()
            .position(|t| t.starts_with(&format!("{label}:")));
        let list = site.page(&format!("thong-ke/{}", links[at.expect(label)]));
        let shown = list.text("p.count");
        let shown: usize = shown.split_whitespace().next().unwrap().parse().unwrap();
        assert_eq!(shown, *count, "{label}");
    }
    let csv = std::fs::read_to_string(site.root().join("public/thong-ke/thong-ke.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains(&format!("Toàn trình,{}", count("full"))));
}

#[test]
fn the_cpsv_ap_catalogue_names_every_procedure() {
    let site = TestSite::shared();
    site.build_ok();
    let sources = site.load();
    let records = sources.records();
    let document = json(&site, "data/cpsv-ap.jsonld");
    assert_eq!(document["@context"]["PublicService"], "cpsv:PublicService");
    let graph = document["@graph"].as_array().unwrap();
    assert_eq!(graph.len(), records.len());
    for (service, record) in graph.iter().zip(records) {
        assert_eq!(service["@type"], "PublicService");
        assert_eq!(service["identifier"], record.code.as_str());
        assert_eq!(service["title"], record.title.as_str());
        assert_eq!(
            service["hasInput"].as_array().unwrap().len(),
            record.documents.len()
        );
        assert_eq!(
            service["hasChannel"].as_array().unwrap().len(),
            record.channels.len()
        );
    }
}
