//! A procedure's changes in words, field by field, as a citizen needs them.

use crate::open_data::{DataDocument, DataRecord};
use crate::theme::strings::Strings;

/// The text with spacing, punctuation and case set aside: two texts with the same
/// wording key say the same thing.
pub fn wording(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn same(a: &str, b: &str) -> bool {
    a == b || wording(a) == wording(b)
}

/// What changed from `before` to `now`, one line per field, in the handbook's
/// language; empty when only wording did.
pub fn describe(before: &DataRecord, now: &DataRecord, strings: &Strings) -> Vec<String> {
    let mut items = Vec::new();
    let label = |key: &str| strings.get(&format!("changes.field.{key}")).to_string();
    let mut text = |key: &str, a: &str, b: &str| {
        if !same(a, b) {
            items.push(format!(
                "{}: {} → {}",
                label(key),
                shown(a, strings),
                shown(b, strings)
            ));
        }
    };
    text("title", &before.title, &now.title);
    text("fee", &before.fee_shown, &now.fee_shown);
    text("time", &before.time_shown, &now.time_shown);
    let online = |key: &str| strings.get(&format!("online.{key}")).to_string();
    text(
        "online",
        &online(&before.online_level),
        &online(&now.online_level),
    );
    text(
        "agency",
        before.agency.as_deref().unwrap_or(""),
        now.agency.as_deref().unwrap_or(""),
    );
    let status = |d: &DataRecord| {
        strings
            .get(&format!("changes.status.{}", d.status))
            .to_string()
    };
    text("status", &status(before), &status(now));
    let offices = |d: &DataRecord| {
        d.offices
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    text("offices", &offices(before), &offices(now));
    let vias = |d: &DataRecord| {
        let mut vias: Vec<String> = d
            .channels
            .iter()
            .map(|c| strings.get(&format!("via.{}", c.via)).to_string())
            .collect();
        vias.dedup();
        vias.join(", ")
    };
    text("channels", &vias(before), &vias(now));
    items.extend(documents(&before.documents, &now.documents, strings));
    let conditions = |d: &DataRecord| wording(&d.conditions.concat());
    if conditions(before) != conditions(now) {
        items.push(label("conditions"));
    }
    let laws = |d: &DataRecord| {
        d.legal_basis
            .iter()
            .map(|l| wording(&l.title))
            .collect::<Vec<_>>()
    };
    if laws(before) != laws(now) {
        items.push(label("legal_basis"));
    }
    items
}

/// An empty value reads as "none".
fn shown(text: &str, strings: &Strings) -> String {
    if text.trim().is_empty() {
        strings.get("changes.none").to_string()
    } else {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Documents added, removed, or asked in other numbers. A document is known by its
/// case, its wording and which of its namesakes it is: records list the same name
/// under several cases, with different numbers.
fn documents(before: &[DataDocument], now: &[DataDocument], strings: &Strings) -> Vec<String> {
    let keyed = |list: &[DataDocument]| -> Vec<(String, String, usize)> {
        let mut keys: Vec<(String, String, usize)> = Vec::with_capacity(list.len());
        for d in list {
            let case = wording(d.case.as_deref().unwrap_or(""));
            let name = wording(&d.name);
            let nth = keys.iter().filter(|k| k.0 == case && k.1 == name).count();
            keys.push((case, name, nth));
        }
        keys
    };
    let (old_keys, new_keys) = (keyed(before), keyed(now));
    let mut items = Vec::new();
    for (d, key) in now.iter().zip(&new_keys) {
        match old_keys.iter().position(|k| k == key) {
            None => items.push(format!(
                "{}: {}",
                strings.get("changes.document_added"),
                short(&d.name)
            )),
            Some(i) => {
                let old = &before[i];
                if old.originals != d.originals || old.copies != d.copies {
                    items.push(format!(
                        "{} «{}»: {} → {}",
                        strings.get("changes.document_counts"),
                        short(&d.name),
                        counts(old, strings),
                        counts(d, strings)
                    ));
                }
            }
        }
    }
    for (d, key) in before.iter().zip(&old_keys) {
        if !new_keys.contains(key) {
            items.push(format!(
                "{}: {}",
                strings.get("changes.document_removed"),
                short(&d.name)
            ));
        }
    }
    items
}

/// A document's name, cut at a word near 160 characters: crawled names can hold
/// whole paragraphs.
fn short(name: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() <= 160 {
        return name;
    }
    let cut: String = name.chars().take(160).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

fn counts(d: &DataDocument, strings: &Strings) -> String {
    format!(
        "{} {}, {} {}",
        d.originals.unwrap_or(0),
        strings.get("changes.originals"),
        d.copies.unwrap_or(0),
        strings.get("changes.copies")
    )
}

#[cfg(test)]
mod tests {
    use super::wording;

    #[test]
    fn wording_sets_spacing_and_punctuation_aside() {
        assert_eq!(wording("Tờ khai  đăng ký;"), wording("Tờ khai đăng ký"));
        assert_ne!(wording("8.000 đồng"), wording("80.000 đồng"));
    }
}
