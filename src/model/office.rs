//! The municipality's own offices (bộ phận một cửa), `content/offices.yaml`.

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Office {
    /// What records write under `offices:`.
    pub id: String,
    pub name: String,
    pub address: Option<String>,
    pub opening_hours: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub map_url: Option<String>,
    /// Guides to this office: how to get there, how to take a number. Pages show
    /// them through the office's view.
    #[serde(skip)]
    pub videos: Vec<crate::model::video::Video>,
}
