//! The catalogue as EU CPSV-AP (Core Public Service Vocabulary Application Profile)
//! JSON-LD, `data/cpsv-ap.jsonld`, for tools that read European public service
//! catalogues. The context is written out in the file, so it reads offline.

use serde::Serialize;
use serde_json::{Value, json};

use super::DataRecord;

/// The terms used, mapped to their IRIs.
fn context() -> Value {
    json!({
        "cpsv": "http://purl.org/vocab/cpsv#",
        "cv": "http://data.europa.eu/m8g/",
        "dct": "http://purl.org/dc/terms/",
        "eli": "http://data.europa.eu/eli/ontology#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "PublicService": "cpsv:PublicService",
        "PublicOrganisation": "cv:PublicOrganisation",
        "Channel": "cv:Channel",
        "Cost": "cv:Cost",
        "Evidence": "cv:Evidence",
        "Output": "cv:Output",
        "LegalResource": "eli:LegalResource",
        "identifier": "dct:identifier",
        "title": "dct:title",
        "description": "dct:description",
        "type": "dct:type",
        "prefLabel": "skos:prefLabel",
        "thematicArea": "cv:thematicArea",
        "hasCompetentAuthority": "cv:hasCompetentAuthority",
        "hasChannel": "cv:hasChannel",
        "hasCost": "cv:hasCost",
        "hasInput": "cv:hasInput",
        "produces": "cv:produces",
        "hasLegalResource": "cv:hasLegalResource",
        "value": {"@id": "cv:value", "@type": "xsd:decimal"},
        "currency": "cv:currency",
        "processingTime": {"@id": "cv:processingTime", "@type": "xsd:duration"},
        "ownedBy": "cv:ownedBy",
        "page": "http://xmlns.com/foaf/0.1/page",
    })
}

/// ISO 8601 for times with a fixed length; working days have none.
fn duration(value: Option<f64>, unit: Option<&str>) -> Option<String> {
    let value = value.filter(|v| *v > 0.0 && v.fract() == 0.0)? as u64;
    match unit? {
        "days" => Some(format!("P{value}D")),
        "hours" => Some(format!("PT{value}H")),
        "months" => Some(format!("P{value}M")),
        _ => None,
    }
}

/// One procedure as a `PublicService`. Typed and borrowed rather than a
/// `serde_json::Value`: building a map per object was most of the catalogue's
/// time. Fields are in the order a `Value` map sorted them, so the bytes stay as
/// they were.
#[derive(Serialize)]
struct Service<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "hasChannel")]
    channels: Vec<Channel<'a>>,
    #[serde(rename = "hasCompetentAuthority")]
    authority: Labelled<'a>,
    #[serde(rename = "hasCost")]
    costs: Vec<Cost<'a>>,
    #[serde(rename = "hasInput")]
    inputs: Vec<Titled<'a>>,
    #[serde(rename = "hasLegalResource")]
    laws: Vec<Titled<'a>>,
    identifier: &'a str,
    page: &'a str,
    produces: Vec<Titled<'a>>,
    #[serde(rename = "thematicArea")]
    field: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct Channel<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(rename = "processingTime", skip_serializing_if = "Option::is_none")]
    processing_time: Option<String>,
    #[serde(rename = "type")]
    via: &'a str,
}

#[derive(Serialize)]
struct Cost<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<&'a str>,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<f64>,
}

#[derive(Serialize)]
struct Labelled<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "prefLabel")]
    label: &'a str,
}

#[derive(Serialize)]
struct Titled<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    title: &'a str,
}

fn service<'a>(d: &'a DataRecord, publisher: &'a str) -> Service<'a> {
    let titled = |kind, title: &'a String| Titled { kind, title };
    Service {
        id: &d.url,
        kind: "PublicService",
        channels: d
            .channels
            .iter()
            .map(|c| Channel {
                kind: "Channel",
                description: c.time.as_deref(),
                processing_time: duration(c.time_value, c.time_unit.as_deref()),
                via: &c.via,
            })
            .collect(),
        authority: Labelled {
            kind: "PublicOrganisation",
            label: d.agency.as_deref().unwrap_or(publisher),
        },
        costs: d
            .channels
            .iter()
            .filter_map(|c| {
                let description = c.fee.as_deref()?;
                let exact = c.fee_amount.zip(c.fee_currency.as_deref());
                Some(Cost {
                    kind: "Cost",
                    currency: exact.map(|(_, currency)| currency),
                    description,
                    value: exact.map(|(amount, _)| amount),
                })
            })
            .collect(),
        inputs: d
            .documents
            .iter()
            .map(|doc| titled("Evidence", &doc.name))
            .collect(),
        laws: d
            .legal_basis
            .iter()
            .map(|law| titled("LegalResource", &law.title))
            .collect(),
        identifier: &d.code,
        page: &d.url,
        produces: d
            .results
            .iter()
            .map(|r| titled("Output", &r.name))
            .collect(),
        field: &d.field,
        title: &d.title,
    }
}

/// `data/cpsv-ap.jsonld` up to its first service: every procedure is a
/// `PublicService` of its graph.
pub fn catalogue_head() -> Vec<u8> {
    let mut bytes = b"{\"@context\":".to_vec();
    bytes.extend(serde_json::to_vec(&context()).expect("plain data serialises"));
    bytes.extend_from_slice(b",\"@graph\":[");
    bytes
}

/// What closes the catalogue after its last service.
pub const CATALOGUE_TAIL: &[u8] = b"]}\n";

/// One record's service in the catalogue.
pub fn service_bytes(data: &DataRecord, publisher: &str) -> Vec<u8> {
    serde_json::to_vec(&service(data, publisher)).expect("plain data serialises")
}
