//! Everyday names of documents and procedures (`content/synonyms.yaml`): what
//! citizens type ("sổ đỏ", "cccd") and the official words it stands for.

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Synonym {
    /// What people say: "sổ đỏ".
    pub alias: String,
    /// The official wordings it stands for: "giấy chứng nhận quyền sử dụng đất".
    pub means: Vec<String>,
}
