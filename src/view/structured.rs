//! Structured data for search engines and other agencies' tools: a procedure page as
//! schema.org `GovernmentService` JSON-LD, built from what the page shows (the same
//! fee and time texts), so the two cannot disagree.

use serde_json::{Map, Value, json};

use super::procedure::ProcedureView;
use crate::model::config::Config;
use crate::model::keyword::Keyword;
use crate::model::record::{Channel, FeeKind, Record, TimeUnit, Via};

/// The JSON-LD of a procedure page, safe inside `<script type="application/ld+json">`.
pub fn procedure(
    record: &Record,
    view: &ProcedureView,
    organisation: &str,
    canonical: Option<String>,
) -> String {
    let mut service = Map::new();
    service.insert("@context".into(), json!("https://schema.org"));
    service.insert("@type".into(), json!("GovernmentService"));
    service.insert("name".into(), json!(view.title));
    service.insert("identifier".into(), json!(view.code));
    service.insert("serviceType".into(), json!(view.field.label));
    if let Some(url) = canonical {
        service.insert("url".into(), json!(url));
    }
    service.insert(
        "provider".into(),
        json!({
            "@type": "GovernmentOrganization",
            "name": view.agency.as_deref().unwrap_or(organisation),
        }),
    );
    let location = view.offices.first().map(|o| {
        let mut office = Map::new();
        office.insert("@type".into(), json!("GovernmentOffice"));
        office.insert("name".into(), json!(o.office.name));
        if let Some(address) = &o.office.address {
            office.insert("address".into(), json!(address));
        }
        if let Some(phone) = &o.office.phone {
            office.insert("telephone".into(), json!(phone));
        }
        Value::Object(office)
    });
    // The page's channel rows are the record's channels, in order.
    let channels: Vec<Value> = record
        .channels
        .iter()
        .zip(&view.channels)
        .map(|(channel, row)| {
            let mut c = Map::new();
            c.insert("@type".into(), json!("ServiceChannel"));
            c.insert("name".into(), json!(row.via));
            c.insert("description".into(), json!(row.time));
            if let Some(duration) = duration(channel) {
                c.insert("processingTime".into(), json!(duration));
            }
            match (&channel.via, &view.portal_url, &location) {
                (Via::Online, Some(url), _) => {
                    c.insert("serviceUrl".into(), json!(url));
                }
                (Via::Online, None, _) => {}
                (_, _, Some(office)) => {
                    c.insert("serviceLocation".into(), office.clone());
                }
                _ => {}
            }
            Value::Object(c)
        })
        .collect();
    if !channels.is_empty() {
        service.insert("availableChannel".into(), Value::Array(channels));
    }
    let offers: Vec<Value> = record
        .channels
        .iter()
        .zip(&view.channels)
        .filter(|(channel, _)| channel.fee.is_some())
        .map(|(channel, row)| offer(channel, &row.via, &row.fee))
        .collect();
    if !offers.is_empty() {
        service.insert("offers".into(), Value::Array(offers));
    }
    let laws: Vec<Value> = view
        .legal_basis
        .iter()
        .map(|l| {
            let mut law = Map::new();
            law.insert("@type".into(), json!("Legislation"));
            law.insert("name".into(), json!(l.title));
            if let Some(code) = &l.code {
                law.insert("legislationIdentifier".into(), json!(code));
            }
            Value::Object(law)
        })
        .collect();
    if !laws.is_empty() {
        service.insert("subjectOf".into(), Value::Array(laws));
    }
    script_safe(&Value::Object(service))
}

/// The handbook's publisher as a `GovernmentOrganization`, for the home page.
pub fn organisation(config: &Config) -> String {
    let o = &config.organisation;
    let mut org = Map::new();
    org.insert("@context".into(), json!("https://schema.org"));
    org.insert("@type".into(), json!("GovernmentOrganization"));
    org.insert("name".into(), json!(o.name));
    if let Some(base) = &config.base_url {
        org.insert("url".into(), json!(format!("{base}/")));
    }
    let optional = [
        ("address", &o.address),
        ("telephone", &o.hotline),
        ("email", &o.email),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            org.insert(key.into(), json!(value));
        }
    }
    script_safe(&Value::Object(org))
}

/// A fee as an `Offer`: its text as the page shows it, and the price when it is one
/// exact amount (free is 0).
fn offer(channel: &Channel, via: &str, shown: &str) -> Value {
    let mut offer = Map::new();
    offer.insert("@type".into(), json!("Offer"));
    offer.insert("name".into(), json!(via));
    offer.insert("description".into(), json!(shown));
    if let Some(fee) = &channel.fee {
        let price = match (fee.kind, fee.amount) {
            (FeeKind::Free, _) => Some("0".to_string()),
            (FeeKind::Fixed, Some(amount)) if amount.cents() == 0 => {
                Some(amount.units().to_string())
            }
            (FeeKind::Fixed, Some(amount)) => {
                Some(format!("{}.{:02}", amount.units(), amount.cents()))
            }
            _ => None,
        };
        if let Some(price) = price {
            offer.insert("price".into(), json!(price));
            let currency = fee.currency.map_or("VND", |c| c.key());
            offer.insert("priceCurrency".into(), json!(currency));
        }
    }
    Value::Object(offer)
}

/// The time as an ISO 8601 duration, when it is one: calendar days, hours, months.
/// Working days are no fixed duration, so they stay in the description.
fn duration(channel: &Channel) -> Option<String> {
    let time = channel.time.as_ref()?;
    let value = time.value?;
    if value <= 0.0 || value.fract() != 0.0 {
        return None;
    }
    let n = value as u64;
    match time.unit {
        TimeUnit::Days => Some(format!("P{n}D")),
        TimeUnit::Hours => Some(format!("PT{n}H")),
        TimeUnit::Months => Some(format!("P{n}M")),
        _ => None,
    }
}

/// JSON that cannot end its `<script>`: `<`, `>` and `&` written as escapes, which
/// JSON parsers read back as the same characters.
fn script_safe(value: &Value) -> String {
    serde_json::to_string(value)
        .expect("plain data serialises")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_in_a_title_can_end_the_script() {
        let value = json!({ "name": "</script><script>alert(1)</script> & <!--" });
        let safe = script_safe(&value);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }
}
