//! The handbook as sotay understands it, once decoded: procedure records and their
//! closed sets of words, offices, free pages, the configuration, and the site they
//! make together.

pub mod config;
pub mod fields;
pub mod keyword;
pub mod local;
pub mod office;
pub mod page;
pub mod record;
pub mod site;
pub mod synonyms;
pub mod video;
