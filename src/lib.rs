//! sotay: a static site generator for public-service procedure handbooks.
//!
//! The pipeline runs one way: `content` loads files, `decode` turns them into the
//! typed `record` model (checking each value), `validate` checks the site as a whole,
//! and `diagnostics` reports what is wrong.

pub mod config;
pub mod content;
pub mod decode;
pub mod diagnostics;
pub mod frontmatter;
pub mod keyword;
pub mod offices;
pub mod record;
pub mod scaffold;
pub mod shorthand;
pub mod site;
pub mod source;
pub mod suggest;
pub mod text;
pub mod validate;
pub mod yaml;
