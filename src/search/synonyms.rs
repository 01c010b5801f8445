//! Everyday names citizens type instead of the official wording: abbreviations
//! ("cccd"), old names ("chứng minh thư") and common names of documents ("sổ đỏ").
//! Where a record's title, field, documents or results hold the official wording,
//! the everyday name is indexed there too, in the same class: "bằng lái xe" then
//! finds the driving licence procedures by their titles, first.

use super::spelling::key;
use crate::fast_hash::FastMap;
use crate::model::synonyms::Synonym;
use crate::text::words;

/// What Vietnamese citizens commonly type, and the official wordings it stands for.
/// A handbook adds its own in `content/synonyms.yaml`.
pub const BUILT_IN: &[(&str, &[&str])] = &[
    ("cccd", &["căn cước công dân", "căn cước"]),
    ("căn cước công dân", &["căn cước"]),
    ("cmnd", &["chứng minh nhân dân"]),
    ("chứng minh thư", &["chứng minh nhân dân"]),
    ("sổ đỏ", &["quyền sử dụng đất"]),
    ("sổ hồng", &["quyền sở hữu nhà ở", "quyền sử dụng đất"]),
    ("bằng lái", &["giấy phép lái xe"]),
    ("bằng lái xe", &["giấy phép lái xe"]),
    ("gplx", &["giấy phép lái xe"]),
    ("xe máy", &["mô tô", "xe gắn máy"]),
    ("hộ khẩu", &["thường trú"]),
    ("nhập khẩu", &["đăng ký thường trú"]),
    ("passport", &["hộ chiếu"]),
    ("visa", &["thị thực"]),
    ("bhxh", &["bảo hiểm xã hội"]),
    ("bhyt", &["bảo hiểm y tế"]),
    ("bhtn", &["bảo hiểm thất nghiệp"]),
    ("mst", &["mã số thuế"]),
    (
        "gpkd",
        &[
            "đăng ký kinh doanh",
            "đăng ký hộ kinh doanh",
            "đăng ký doanh nghiệp",
        ],
    ),
    (
        "giấy phép kinh doanh",
        &[
            "đăng ký kinh doanh",
            "đăng ký hộ kinh doanh",
            "đăng ký doanh nghiệp",
        ],
    ),
    ("đkkd", &["đăng ký kinh doanh"]),
    ("hkd", &["hộ kinh doanh"]),
    ("htx", &["hợp tác xã"]),
    ("dn", &["doanh nghiệp"]),
    ("gcn", &["giấy chứng nhận"]),
    ("qsdđ", &["quyền sử dụng đất"]),
    ("ubnd", &["ủy ban nhân dân"]),
    ("tthc", &["thủ tục hành chính"]),
    ("lltp", &["lý lịch tư pháp"]),
    ("giấy xác nhận độc thân", &["xác nhận tình trạng hôn nhân"]),
    ("độc thân", &["tình trạng hôn nhân"]),
    ("giấy chứng tử", &["khai tử"]),
    ("báo tử", &["khai tử"]),
    ("làm giấy khai sinh", &["đăng ký khai sinh"]),
    ("công chứng bản sao", &["chứng thực bản sao"]),
    ("sao y", &["chứng thực bản sao"]),
    ("xin phép xây nhà", &["giấy phép xây dựng"]),
    ("phép xây dựng", &["giấy phép xây dựng"]),
    ("hưu trí", &["lương hưu"]),
    ("trợ cấp thất nghiệp", &["bảo hiểm thất nghiệp"]),
];

/// An official wording and the everyday name it brings, both as index keys.
struct Entry {
    meaning: Vec<String>,
    alias: Vec<String>,
}

/// The index keys of everyday names, to be added where an official wording is found.
pub struct Table {
    /// By the first key of the official wording.
    by_first: FastMap<String, Vec<Entry>>,
}

impl Table {
    pub fn new(site: &[Synonym]) -> Table {
        let mut by_first: FastMap<String, Vec<Entry>> = FastMap::default();
        let built_in = BUILT_IN
            .iter()
            .map(|(alias, means)| (*alias, means.to_vec()));
        let own = site.iter().map(|s| {
            (
                s.alias.as_str(),
                s.means.iter().map(String::as_str).collect(),
            )
        });
        for (alias, means) in built_in.chain(own) {
            let alias: Vec<String> = words(alias).map(key).collect();
            for meaning in means {
                let meaning: Vec<String> = words(meaning).map(key).collect();
                if let Some(first) = meaning.first() {
                    by_first.entry(first.clone()).or_default().push(Entry {
                        meaning: meaning.clone(),
                        alias: alias.clone(),
                    });
                }
            }
        }
        Table { by_first }
    }

    /// The everyday names whose official wording occurs in `keys` (a text's words,
    /// as index keys), each once.
    pub fn found_in<'t>(&'t self, keys: &[String]) -> Vec<&'t [String]> {
        let mut found: Vec<&[String]> = Vec::new();
        for (i, word) in keys.iter().enumerate() {
            for entry in self.by_first.get(word).into_iter().flatten() {
                if keys[i..].starts_with(&entry.meaning) && !found.contains(&entry.alias.as_slice())
                {
                    found.push(&entry.alias);
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        words(text).map(key).collect()
    }

    #[test]
    fn an_everyday_name_is_found_where_its_official_wording_is() {
        let table = Table::new(&[Synonym {
            alias: "giấy đỏ".into(),
            means: vec!["quyền sử dụng đất".into()],
        }]);
        let title = keys("Đăng ký cấp Giấy chứng nhận quyền sử dụng đất lần đầu");
        let found = table.found_in(&title);
        assert!(found.contains(&keys("sổ đỏ").as_slice()), "{found:?}");
        assert!(found.contains(&keys("giấy đỏ").as_slice()), "{found:?}");
        assert!(
            table
                .found_in(&keys("Cấp giấy phép xây dựng"))
                .iter()
                .all(|a| a != &keys("sổ đỏ").as_slice())
        );
        assert_eq!(
            table.found_in(&keys("Cấp giấy phép lái xe")),
            [
                keys("bằng lái").as_slice(),
                keys("bằng lái xe").as_slice(),
                keys("gplx").as_slice()
            ]
        );
    }
}
