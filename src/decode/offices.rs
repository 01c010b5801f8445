//! Decoding `content/offices.yaml` into [`Office`]s.

use std::collections::HashMap;
use std::path::Path;

use super::yaml::{FieldPath, Value};
use super::{Decoder, Part};
use crate::diagnostics::Diagnostic;
use crate::model::office::Office;
use crate::tr;
use crate::urls;

const FIELDS: &[&str] = &[
    "id",
    "name",
    "address",
    "opening_hours",
    "phone",
    "email",
    "map_url",
    "videos",
];

pub fn decode_offices(file: &Path, text: &str) -> (Vec<Office>, Vec<Diagnostic>) {
    let mut d = Decoder::new(file, text, 1);
    let root = FieldPath::root();
    let value = d.parse();
    let offices = match &value {
        Some(list @ (Value::Sequence(_) | Value::Null)) => d.list(Some(list), &root, office),
        Some(_) => {
            d.error(
                &root,
                Part::Value,
                tr!(
                    "offices.yaml must be a list of offices",
                    "offices.yaml phải là danh sách các cơ quan, bộ phận"
                ),
                Some(tr!(
                    "start each office with `- id: …`",
                    "mở đầu mỗi cơ quan bằng `- id: …`"
                )),
            );
            Vec::new()
        }
        None => Vec::new(),
    };
    // Each office gets a page at `noi-nop/<slug of id>/`: ids that differ only in
    // case or marks would share it.
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (i, office) in offices.iter().enumerate() {
        let id = &office.id;
        if let Some(first) = seen.insert(urls::term_slug(id), id) {
            let message = if first == id {
                tr!(
                    "two offices have the id `{id}`",
                    "hai cơ quan cùng có mã `{id}`"
                )
            } else {
                tr!(
                    "the ids `{first}` and `{id}` give the same page address",
                    "mã `{first}` và `{id}` cho cùng một địa chỉ trang"
                )
            };
            d.error(
                &root.index(i).key("id"),
                Part::Value,
                message,
                Some(tr!(
                    "give each office its own id",
                    "đặt cho mỗi cơ quan một mã riêng"
                )),
            );
        }
    }
    (offices, d.diagnostics)
}

fn office(d: &mut Decoder, value: &Value, path: &FieldPath) -> Option<Office> {
    let map = d.mapping(value, path, FIELDS)?;
    let id = d.required_text(map, path, "id");
    let name = d.required_text(map, path, "name");
    Some(Office {
        id: id?,
        name: name?,
        address: d.text(map.get("address"), &path.key("address")),
        opening_hours: d.text(map.get("opening_hours"), &path.key("opening_hours")),
        phone: d.text(map.get("phone"), &path.key("phone")),
        email: d.text(map.get("email"), &path.key("email")),
        map_url: d.url(map.get("map_url"), &path.key("map_url")),
        videos: super::video::videos(d, map.get("videos"), &path.key("videos")),
    })
}
