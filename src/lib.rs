//! sotay: a static site generator for public-service procedure handbooks.
//!
//! The pipeline runs one way: `content` loads files, `decode` turns them into the
//! typed `record` model (checking each value), `validate` checks the site as a whole,
//! and `diagnostics` reports what is wrong.

pub mod diagnostics;
pub mod frontmatter;
pub mod source;
pub mod text;
pub mod yaml;
