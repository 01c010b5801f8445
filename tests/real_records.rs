//! Every real record of the national database loads, and no value is lost: each field
//! of each record is compared with the file read directly as YAML.

mod common;

use common::TestSite;
use sotay::model::keyword::Keyword;
use sotay::model::record::{Record, TimeUnit, Via};
use yaml_serde::Value;

fn front_matter(text: &str) -> Value {
    let yaml = text
        .strip_prefix("---\n")
        .unwrap()
        .split("\n---\n")
        .next()
        .unwrap();
    yaml_serde::from_str(yaml).unwrap()
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(sotay::text::nfc(s.trim())),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => None,
        other => panic!("not text: {other:?}"),
    }
}

fn opt_text(map: &Value, key: &str) -> Option<String> {
    map.get(key).and_then(text_of)
}

fn texts(map: &Value, key: &str) -> Vec<String> {
    map.get(key)
        .and_then(Value::as_sequence)
        .map(|items| items.iter().filter_map(text_of).collect())
        .unwrap_or_default()
}

fn items<'a>(map: &'a Value, key: &str) -> &'a [Value] {
    map.get(key)
        .and_then(Value::as_sequence)
        .map_or(&[], |s| s.as_slice())
}

fn keys<K: Keyword>(list: &[K]) -> Vec<String> {
    list.iter().map(|k| k.key().to_string()).collect()
}

/// Compares one record with its file, field by field.
fn assert_same(record: &Record, file: &Value) {
    let at = record.file.display();
    assert_eq!(
        Some(record.code.to_string()),
        opt_text(file, "code"),
        "{at}: code"
    );
    assert_eq!(
        Some(record.title.clone()),
        opt_text(file, "title"),
        "{at}: title"
    );
    assert_eq!(
        Some(record.field.clone()),
        opt_text(file, "field"),
        "{at}: field"
    );
    assert_eq!(
        record.decision,
        opt_text(file, "decision"),
        "{at}: decision"
    );
    assert_eq!(record.kind, opt_text(file, "kind"), "{at}: kind");
    assert_eq!(record.agency, opt_text(file, "agency"), "{at}: agency");
    assert_eq!(record.authority, opt_text(file, "authority"), "{at}");
    assert_eq!(
        record.submission_address,
        opt_text(file, "submission_address"),
        "{at}"
    );
    assert_eq!(
        record.coordinating_agency,
        opt_text(file, "coordinating_agency"),
        "{at}"
    );
    assert_eq!(
        record.delegated_agency,
        opt_text(file, "delegated_agency"),
        "{at}"
    );
    assert_eq!(keys(&record.levels), texts(file, "levels"), "{at}: levels");
    assert_eq!(
        keys(&record.audience),
        texts(file, "audience"),
        "{at}: audience"
    );
    assert_eq!(
        record.conditions,
        texts(file, "conditions"),
        "{at}: conditions"
    );
    assert_eq!(record.keywords, texts(file, "keywords"), "{at}: keywords");
    assert_eq!(
        record.related_text,
        texts(file, "related_text"),
        "{at}: related_text"
    );

    let channels = items(file, "channels");
    assert_eq!(record.channels.len(), channels.len(), "{at}: channels");
    for (channel, yaml) in record.channels.iter().zip(channels) {
        assert_eq!(
            Some(channel.via.key().to_string()),
            opt_text(yaml, "via"),
            "{at}"
        );
        assert_eq!(channel.note, opt_text(yaml, "note"), "{at}: note");
        let time = channel.time.as_ref().unwrap();
        let yaml_time = &yaml["time"];
        assert_eq!(
            time.text,
            opt_text(yaml_time, "text").unwrap_or_default(),
            "{at}"
        );
        assert_eq!(
            time.value,
            yaml_time.get("value").and_then(Value::as_f64),
            "{at}"
        );
        assert_eq!(
            Some(time.unit.key().to_string()),
            opt_text(yaml_time, "unit"),
            "{at}"
        );
        let fee = channel.fee.as_ref().unwrap();
        let yaml_fee = &yaml["fee"];
        assert_eq!(
            fee.text,
            opt_text(yaml_fee, "text").unwrap_or_default(),
            "{at}"
        );
        assert_eq!(
            Some(fee.kind.key().to_string()),
            opt_text(yaml_fee, "kind"),
            "{at}"
        );
        // Amounts are exact: the digits as the record writes them.
        let written = yaml_fee.get("amount").map(|a| match a {
            Value::Number(n) => n.to_string(),
            other => panic!("{at}: amount {other:?}"),
        });
        assert_eq!(
            fee.amount,
            written.map(|w| sotay::model::record::Amount::parse(&w).unwrap()),
            "{at}"
        );
        assert_eq!(
            fee.currency.map(|c| c.key().to_string()),
            opt_text(yaml_fee, "currency"),
            "{at}"
        );
    }

    let documents = items(file, "documents");
    assert_eq!(record.documents.len(), documents.len(), "{at}: documents");
    for (document, yaml) in record.documents.iter().zip(documents) {
        assert_eq!(Some(document.name.clone()), opt_text(yaml, "name"), "{at}");
        assert_eq!(
            document.originals.map(u64::from),
            yaml.get("originals").and_then(Value::as_u64),
            "{at}"
        );
        assert_eq!(
            document.copies.map(u64::from),
            yaml.get("copies").and_then(Value::as_u64),
            "{at}"
        );
        assert_eq!(document.case, opt_text(yaml, "case"), "{at}");
        let forms: Vec<String> = document.forms.iter().map(|f| f.title.clone()).collect();
        assert_eq!(forms, texts(yaml, "forms"), "{at}: forms");
    }

    let results = items(file, "results");
    assert_eq!(record.results.len(), results.len(), "{at}: results");
    for (result, yaml) in record.results.iter().zip(results) {
        assert_eq!(Some(result.name.clone()), opt_text(yaml, "name"), "{at}");
        assert_eq!(result.code, opt_text(yaml, "code"), "{at}");
    }

    let legal = items(file, "legal_basis");
    assert_eq!(record.legal_basis.len(), legal.len(), "{at}: legal_basis");
    for (law, yaml) in record.legal_basis.iter().zip(legal) {
        assert_eq!(
            Some(law.title.clone()),
            opt_text(yaml, "title").or(opt_text(yaml, "code")),
            "{at}"
        );
        assert_eq!(law.code, opt_text(yaml, "code"), "{at}");
        assert_eq!(
            law.issued.map(|d| d.iso()),
            opt_text(yaml, "issued"),
            "{at}"
        );
    }

    let source = record.source.as_ref().unwrap();
    assert_eq!(source.portal, opt_text(&file["source"], "portal"), "{at}");
    assert_eq!(source.url, opt_text(&file["source"], "url"), "{at}");
}

#[test]
fn all_864_real_records_load_without_error_or_loss() {
    let site = TestSite::shared();
    let loaded = site.load();
    assert_eq!(loaded.diagnostics().errors(), 0, "{}", site.check_output());
    let records = loaded.records();
    assert_eq!(records.len(), 864);
    for record in records {
        let text = std::fs::read_to_string(site.root().join(&record.file)).unwrap();
        assert_same(record, &front_matter(&text));
        assert!(
            record.body.contains("## "),
            "{}: body lost",
            record.file.display()
        );
    }
}

#[test]
fn a_known_record_reads_as_published() {
    let site = TestSite::shared();
    let loaded = site.load();
    let records = loaded.records();
    let record = records.iter().find(|r| r.code == "2.000908").unwrap();
    assert_eq!(record.title, "Thủ tục cấp bản sao từ sổ gốc");
    assert_eq!(record.slug, "2-000908-thu-tuc-cap-ban-sao-tu-so-goc");
    assert_eq!(record.channels.len(), 3);
    assert_eq!(record.channels[0].via, Via::Online);
    let time = record.channels[0].time.as_ref().unwrap();
    assert_eq!((time.value, time.unit), (Some(1.0), TimeUnit::WorkingDays));
    assert_eq!(record.channels[2].fee.as_ref().unwrap().text, "Miễn phí");
    assert_eq!(record.documents.len(), 2);
    assert_eq!(record.documents[0].originals, Some(1));
    assert_eq!(record.legal_basis[5].code.as_deref(), Some("18/2026/NĐ-CP"));
    assert!(
        record.legal_basis[5].title.contains('\n'),
        "multi-line title kept"
    );
}

#[test]
fn suspicious_real_values_are_warned_about() {
    let site = TestSite::shared();
    let out = site.check_output();
    // A fee amount that the crawl put in the time column.
    assert!(
        out.contains("cảnh báo: thời hạn giải quyết `140,000` trông giống một số tiền"),
        "{out}"
    );
    assert!(
        out.contains("1-005103-cap-giay-chung-nhan-kiem-dinh-tem-kiem-dinh-an.md:22:13"),
        "{out}"
    );
    // A document name the crawl cut short.
    assert!(out.contains("có vẻ bị cắt cụt"), "{out}");
}
