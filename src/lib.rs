//! sotay: a static site generator for public-service procedure handbooks.
//!
//! The pipeline runs one way: [`sources`] reads the handbook folder (its [`layout`])
//! and `decode` turns each file into the typed `record` model, checking each value;
//! `validate` checks the records as a whole; [`assemble`] plans, renders and indexes
//! every file of the site; `output` writes it. `sotay build`, `sotay check` and the
//! preview ([`serve`]) are three views of that one pipeline ([`build`]), and every
//! problem a person can fix is a [`diagnostics::Diagnostic`], in the handbook's language.

pub mod assemble;
pub mod build;
pub mod collate;
pub mod config;
pub mod decode;
pub mod diagnostics;
pub mod fields;
pub mod format;
pub mod freepages;
pub mod frontmatter;
pub mod html;
pub mod i18n;
pub mod keyword;
pub mod layout;
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
pub mod sources;
pub mod steps;
pub mod suggest;
pub mod text;
pub mod theme;
pub mod urls;
pub mod validate;
pub mod yaml;
