//! The handbook's configuration, as `sotay.yaml` states it.

use std::path::PathBuf;

use crate::model::keyword::keywords;

keywords! {
    Language {
        Vi = "vi" | "tiếng việt",
        En = "en" | "english",
    }
}

/// Who publishes the handbook and how citizens reach them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Organisation {
    pub name: String,
    pub address: Option<String>,
    pub hotline: Option<String>,
    pub email: Option<String>,
    /// Where to report a problem with a procedure page: an e-mail address or a web address.
    pub feedback: Option<String>,
    /// The organisation's Zalo Official Account (`https://zalo.me/…`), where many
    /// citizens ask their questions.
    pub zalo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    pub language: Language,
    /// Only for canonical links, the sitemap and feeds; pages link relatively.
    pub base_url: Option<String>,
    pub organisation: Organisation,
    /// The national or provincial public service portal.
    pub portal_url: Option<String>,
    /// The portal's search for one procedure code, with `{code}` in it: where the
    /// page of an incomplete record sends citizens.
    pub portal_search: Option<String>,
    pub theme: String,
    pub output: PathBuf,
    /// A line for every page's footer (e.g. that local details are an example).
    pub notice: Option<String>,
    /// The site keeps working without a connection (a service worker), when set.
    pub offline: Option<Offline>,
    /// `offline: false`: the site had a worker and it should remove itself from
    /// visitors' browsers (a worker whose file is gone stays installed).
    pub retire_offline: bool,
}

/// `offline:` of sotay.yaml: what the reader's phone stores on the first visit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Offline {
    /// The most the first visit may store, in bytes as a server sends them gzipped.
    pub budget: u64,
    /// Where `offline:` is written, for the budget's error.
    #[serde(skip)]
    pub position: Option<crate::diagnostics::Position>,
}

impl Offline {
    /// 2 MB: what a rural 3G connection fetches in under a minute.
    pub const DEFAULT_BUDGET: u64 = 2_000_000;
}
