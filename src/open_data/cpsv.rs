//! The catalogue as EU CPSV-AP (Core Public Service Vocabulary Application Profile)
//! JSON-LD, `data/cpsv-ap.jsonld`, for tools that read European public service
//! catalogues. The context is written out in the file, so it reads offline.

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

fn service(d: &DataRecord, publisher: &str) -> Value {
    let authority = json!({
        "@type": "PublicOrganisation",
        "prefLabel": d.agency.as_deref().unwrap_or(publisher),
    });
    let channels: Vec<Value> = d
        .channels
        .iter()
        .map(|c| {
            let mut channel = json!({"@type": "Channel", "type": c.via});
            if let Some(time) = &c.time {
                channel["description"] = json!(time);
            }
            if let Some(iso) = duration(c.time_value, c.time_unit.as_deref()) {
                channel["processingTime"] = json!(iso);
            }
            channel
        })
        .collect();
    let costs: Vec<Value> = d
        .channels
        .iter()
        .filter_map(|c| {
            let text = c.fee.as_ref()?;
            let mut cost = json!({"@type": "Cost", "description": text});
            if let (Some(amount), Some(currency)) = (c.fee_amount, &c.fee_currency) {
                cost["value"] = json!(amount);
                cost["currency"] = json!(currency);
            }
            Some(cost)
        })
        .collect();
    json!({
        "@id": d.url,
        "@type": "PublicService",
        "identifier": d.code,
        "title": d.title,
        "page": d.url,
        "thematicArea": d.field,
        "hasCompetentAuthority": authority,
        "hasChannel": channels,
        "hasCost": costs,
        "hasInput": d.documents.iter().map(|doc| json!({"@type": "Evidence", "title": doc.name})).collect::<Vec<_>>(),
        "produces": d.results.iter().map(|r| json!({"@type": "Output", "title": r.name})).collect::<Vec<_>>(),
        "hasLegalResource": d.legal_basis.iter().map(|l| json!({"@type": "LegalResource", "title": l.title})).collect::<Vec<_>>(),
    })
}

/// `data/cpsv-ap.jsonld`: every procedure as a `PublicService`.
pub fn catalogue<'a>(services: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut bytes = b"{\"@context\":".to_vec();
    bytes.extend(serde_json::to_vec(&context()).expect("plain data serialises"));
    bytes.extend_from_slice(b",\"@graph\":[");
    for (i, service) in services.enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(service);
    }
    bytes.extend_from_slice(b"]}\n");
    bytes
}

/// One record's service in [`catalogue`].
pub fn service_bytes(data: &DataRecord, publisher: &str) -> Vec<u8> {
    serde_json::to_vec(&service(data, publisher)).expect("plain data serialises")
}
