//! Video guides (video hướng dẫn) a record or an office links to: links only, never
//! embedded players, so a page stays light and sends nothing to a video host.

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Video {
    pub title: String,
    /// Always `https://`: checked when decoded.
    pub url: String,
    /// Length in seconds, so a citizen on a metered connection knows before opening it.
    pub seconds: Option<u32>,
}
