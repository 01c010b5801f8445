//! The home page and the search page's no-JavaScript fallback.

use serde::Serialize;

use super::procedure::online_level;
use super::{Link, Page, PageData, Views};
use crate::keyword::Keyword;
use crate::offices::Office;
use crate::record::{Audience, Level, OnlineLevel};
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
        let count = |pred: &dyn Fn(&crate::record::Record) -> bool| {
            records.iter().filter(|r| pred(r)).count()
        };
        let levels = Level::ALL
            .iter()
            .map(|(_, _, level)| (*level, count(&|r| r.levels.contains(level))))
            .filter(|(_, n)| *n > 0)
            .map(|(level, n)| Link {
                count: Some(n),
                ..self.level_link(level)
            })
            .collect();
        let audiences = Audience::ALL
            .iter()
            .map(|(_, _, a)| (*a, count(&|r| r.audience.contains(a))))
            .filter(|(_, n)| *n > 0)
            .map(|(a, n)| Link {
                count: Some(n),
                ..self.audience_link(a)
            })
            .collect();
        let online_levels = OnlineLevel::ALL
            .iter()
            .map(|(key, _, level)| (*key, count(&|r| online_level(r) == *level)))
            .filter(|(_, n)| *n > 0)
            .map(|(key, n)| Link {
                label: self.strings.get(&format!("online.{key}")).into(),
                url: urls::term_list(urls::ONLINE, key),
                count: Some(n),
            })
            .collect();
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
                full_online: count(&|r| online_level(r) == OnlineLevel::Full),
                offices,
                search_url: urls::list_page(urls::SEARCH, 1),
            }),
            in_sitemap: true,
        }
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
