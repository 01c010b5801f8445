//! Decoding `content/synonyms.yaml`: a mapping from what people say to the official
//! wording, one text or a list.

use std::path::Path;

use super::yaml::{FieldPath, Value};
use super::{Decoder, Part, describe};
use crate::diagnostics::Diagnostic;
use crate::model::synonyms::Synonym;
use crate::text::words;
use crate::tr;

pub fn decode_synonyms(file: &Path, text: &str) -> (Vec<Synonym>, Vec<Diagnostic>) {
    let mut d = Decoder::new(file, text, 1);
    let root = FieldPath::root();
    let mut synonyms = Vec::new();
    match d.parse() {
        None | Some(Value::Null) => {}
        Some(Value::Mapping(map)) => {
            for (key, value) in &map {
                let Some(alias) = key.as_str().map(str::trim) else {
                    let found = describe(key);
                    d.error(
                        &root,
                        Part::Value,
                        tr!(
                            "a name people use must be text, found {}",
                            "cách gọi phải là chữ, nhưng gặp {}";
                            found
                        ),
                        None,
                    );
                    continue;
                };
                let path = root.key(alias);
                if words(alias).next().is_none() {
                    d.error(
                        &path,
                        Part::Key,
                        tr!("the name has no words", "cách gọi không có chữ nào"),
                        None,
                    );
                    continue;
                }
                let means: Vec<String> = d
                    .text_list(Some(value), &path)
                    .into_iter()
                    .filter(|m| words(m).next().is_some())
                    .collect();
                if means.is_empty() {
                    d.error(
                        &path,
                        Part::Value,
                        tr!(
                            "`{alias}` stands for nothing",
                            "`{alias}` chưa ứng với tên chính thức nào"
                        ),
                        Some(tr!(
                            "write the official wording: `{alias}: \"giấy chứng nhận …\"`",
                            "ghi tên chính thức: `{alias}: \"giấy chứng nhận …\"`"
                        )),
                    );
                    continue;
                }
                synonyms.push(Synonym {
                    alias: crate::text::nfc(alias),
                    means,
                });
            }
        }
        Some(_) => d.error(
            &root,
            Part::Value,
            tr!(
                "synonyms.yaml must map what people say to the official wording",
                "synonyms.yaml phải ghi cách người dân gọi và tên chính thức tương ứng"
            ),
            Some(tr!(
                "write one line per name: `\"sổ đỏ\": \"giấy chứng nhận quyền sử dụng đất\"`",
                "mỗi dòng một cách gọi: `\"sổ đỏ\": \"giấy chứng nhận quyền sử dụng đất\"`"
            )),
        ),
    }
    (synonyms, d.diagnostics)
}
