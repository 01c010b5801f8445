//! sotay: a static site generator for public-service procedure handbooks.
//!
//! The pipeline runs one way, a folder for each stage:
//!
//! - [`sources`] reads the handbook folder (its [`layout`]) once, and again by paths;
//! - `decode` turns each file into the [`model`], checking every value;
//! - `check` checks the records as a whole;
//! - [`assemble`] plans the pages (`view`), renders them (`render`), indexes them
//!   (`search`) and knows every file the site has;
//! - `output` writes them, all or nothing; `previous` notes what they were made
//!   from, so the next build takes what did not change from the output, and
//!   `unchanged` lets a build with nothing to do stop before reading anything.
//!
//! `sotay check` and `sotay build` ([`build`]) and the live [`preview`] are three views
//! of that one pipeline, and every problem a person can fix is a
//! [`diagnostics::Diagnostic`], in the handbook's language.

pub mod assemble;
pub mod build;
pub mod changes;
pub(crate) mod check;
pub(crate) mod decode;
pub mod diagnostics;
pub mod digest;
pub(crate) mod fast_hash;
pub mod import;
pub mod layout;
pub mod model;
pub(crate) mod note_bytes;
pub mod open_data;
pub(crate) mod output;
pub mod preview;
pub(crate) mod previous;
pub(crate) mod render;
pub mod scaffold;
pub mod search;
pub mod sources;
pub mod text;
pub(crate) mod theme;
pub(crate) mod unchanged;
pub mod urls;
pub(crate) mod view;
