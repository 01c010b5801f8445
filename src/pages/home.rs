//! The home page and the search page's no-JavaScript fallback.

use serde::Serialize;

use super::procedure::online_level;
use super::{Link, Page, PageData, Views};
use crate::keyword::Keyword;
use crate::offices::Office;
use crate::record::{Audience, Level, OnlineLevel, Record};
use crate::urls;

#[derive(Debug, Serialize)]
pub struct HomeView {
    pub fields: Vec<Link>,
    pub levels: Vec<Link>,
    pub audiences: Vec<Link>,
    pub online_levels: Vec<Link>,
    pub total: usize,
    pub full_online: usize,
    pub offices: Vec<Office>,
    pub search_url: String,
}

#[derive(Debug, Serialize)]
pub struct SearchView {
    pub browse: Vec<Link>,
}

impl Views<'_> {
    pub(super) fn home(&self) -> Page {
        let records = &self.site.records;
        let levels =
            self.keyword_counts("level", urls::LEVELS, |r, l: Level| r.levels.contains(&l));
        let audiences = self.keyword_counts("audience", urls::AUDIENCES, |r, a: Audience| {
            r.audience.contains(&a)
        });
        let online_levels = self.keyword_counts("online", urls::ONLINE, |r, o: OnlineLevel| {
            online_level(r) == o
        });
        let offices = self.site.offices.clone();
        Page {
            path: "index.html".into(),
            template: "index.html",
            title: self.site.config.title.clone(),
            breadcrumbs: Vec::new(),
            data: PageData::Home(HomeView {
                fields: self.field_terms(),
                levels,
                audiences,
                online_levels,
                total: records.len(),
                full_online: records
                    .iter()
                    .filter(|r| online_level(r) == OnlineLevel::Full)
                    .count(),
                offices,
                search_url: urls::list_page(urls::SEARCH, 1),
            }),
            in_sitemap: true,
        }
    }

    /// Each value of a keyword that some records have, linked to its list, with the count.
    fn keyword_counts<K: Keyword>(
        &self,
        section: &str,
        dir: &str,
        has: impl Fn(&Record, K) -> bool,
    ) -> Vec<Link> {
        K::ALL
            .iter()
            .filter_map(|(key, _, value)| {
                let n = self.site.records.iter().filter(|r| has(r, *value)).count();
                (n > 0).then(|| Link {
                    count: Some(n),
                    ..self.keyword_link(section, dir, key)
                })
            })
            .collect()
    }

    pub(super) fn search_page(&self) -> Page {
        Page {
            path: urls::list_page(urls::SEARCH, 1),
            template: "search.html",
            title: self.strings.get("search.title").into(),
            breadcrumbs: vec![self.home_crumb()],
            data: PageData::Search(SearchView {
                browse: self.browse_links(),
            }),
            in_sitemap: false,
        }
    }

    pub(super) fn browse_links(&self) -> Vec<Link> {
        [
            ("nav.az", urls::AZ),
            ("nav.fields", urls::FIELDS),
            ("nav.codes", urls::CODES),
            ("nav.agencies", urls::AGENCIES),
        ]
        .iter()
        .map(|(key, dir)| Link {
            label: self.strings.get(key).into(),
            url: urls::list_page(dir, 1),
            count: None,
        })
        .collect()
    }
}
