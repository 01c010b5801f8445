//! sotay: a static site generator for public-service procedure handbooks.
//!
//! The pipeline runs one way: `content` loads files, `decode` turns them into the
//! typed `record` model (checking each value), `validate` checks the site as a whole,
//! and `diagnostics` reports what is wrong.

pub mod build;
pub mod collate;
pub mod config;
pub mod content;
pub mod decode;
pub mod diagnostics;
pub mod fields;
pub mod format;
pub mod freepages;
pub mod frontmatter;
pub mod i18n;
pub mod incremental;
pub mod keyword;
pub mod links;
pub mod markdown;
pub mod offices;
pub mod output;
pub mod pages;
pub mod record;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod shorthand;
pub mod site;
pub mod source;
pub mod steps;
pub mod suggest;
pub mod text;
pub mod theme;
pub mod urls;
pub mod validate;
pub mod yaml;
