//! Free pages from `content/pages/*.md` (about, how to apply online, contact), shown in the menu.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FreePage {
    pub file: PathBuf,
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    /// Menu order: lower first, then by title.
    pub weight: i64,
    pub body: String,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
}
