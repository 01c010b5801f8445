//! The home page and the search page's no-JavaScript fallback.

use serde::Serialize;

use super::procedure::OfficeView;
use super::{Link, Page, PageData, Views};
use crate::model::keyword::Keyword;
use crate::model::record::{Audience, Level, OnlineLevel, Record};
use crate::urls;

#[derive(Debug, PartialEq, Serialize)]
pub struct HomeView {
    pub fields: Vec<Link>,
    pub levels: Vec<Link>,
    pub audiences: Vec<Link>,
    pub online_levels: Vec<Link>,
    pub total: usize,
    pub full_online: usize,
    pub offices: Vec<OfficeView>,
    pub search_url: String,
    /// schema.org JSON-LD of the publishing organisation, safe inside `<script>`.
    pub json_ld: String,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct SearchView {
    pub browse: Vec<Link>,
    pub filters: Vec<Filter>,
    /// The index manifest as JSON, safe inside `<script>`.
    pub data: String,
    /// The theme's search script, inlined: one request fewer before results.
    pub script: String,
}

/// A select of the search form: `name` is the URL parameter.
#[derive(Debug, PartialEq, Serialize)]
pub struct Filter {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<FilterOption>,
}

/// One value of a filter: what the URL carries, what people read, how many records.
#[derive(Debug, PartialEq, Serialize)]
pub struct FilterOption {
    pub value: String,
    pub label: String,
    pub count: usize,
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
            r.online_level() == o
        });
        // Only an office some record names has a page of its procedures.
        let named: std::collections::HashSet<&str> = records
            .iter()
            .flat_map(|r| r.offices.iter().map(String::as_str))
            .collect();
        let offices = self
            .site
            .offices
            .iter()
            .map(|o| OfficeView {
                url: named.contains(o.id.as_str()).then(|| urls::office(&o.id)),
                ..self.office_view(o)
            })
            .collect();
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
                    .filter(|r| r.online_level() == OnlineLevel::Full)
                    .count(),
                offices,
                search_url: urls::list_page(urls::SEARCH, 1),
                json_ld: super::structured::organisation(self.site.config),
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
        self.keyword_values(has)
            .into_iter()
            .map(|(key, n)| Link {
                count: Some(n),
                ..self.keyword_link(section, dir, key)
            })
            .collect()
    }

    /// Each value of a keyword that some records have, with how many have it.
    fn keyword_values<K: Keyword>(
        &self,
        has: impl Fn(&Record, K) -> bool,
    ) -> Vec<(&'static str, usize)> {
        K::ALL
            .iter()
            .filter_map(|(key, _, value)| {
                let n = self.site.records.iter().filter(|r| has(r, *value)).count();
                (n > 0).then_some((*key, n))
            })
            .collect()
    }

    /// The search page, with the index `manifest` and the theme's `script` inline.
    pub fn search_page(&self, manifest: &impl Serialize, script: &str) -> Page {
        let data = serde_json::to_string(manifest)
            .expect("plain data serialises")
            .replace('<', "\\u003c");
        Page {
            path: urls::list_page(urls::SEARCH, 1),
            template: "search.html",
            title: self.strings.get("search.title").into(),
            breadcrumbs: vec![self.home_crumb()],
            data: PageData::Search(SearchView {
                browse: self.browse_links(),
                filters: self.search_filters(),
                data,
                script: script.to_string(),
            }),
            in_sitemap: false,
        }
    }

    /// Filters with every value some record has; the URL carries field names as
    /// written and keyword keys (`level=commune`).
    fn search_filters(&self) -> Vec<Filter> {
        let fields = self
            .field_terms()
            .into_iter()
            .map(|l| FilterOption {
                value: l.label.clone(),
                count: l.count.unwrap_or_default(),
                label: l.label,
            })
            .collect();
        let filter = |name: &'static str, options: Vec<(&'static str, usize)>| Filter {
            name,
            label: self.strings.get(&format!("search.{name}")).into(),
            options: options
                .into_iter()
                .map(|(key, count)| FilterOption {
                    value: key.into(),
                    label: self.strings.get(&format!("{name}.{key}")).into(),
                    count,
                })
                .collect(),
        };
        vec![
            Filter {
                name: "field",
                label: self.strings.get("search.field").into(),
                options: fields,
            },
            filter(
                "level",
                self.keyword_values(|r, l: Level| r.levels.contains(&l)),
            ),
            filter(
                "audience",
                self.keyword_values(|r, a: Audience| r.audience.contains(&a)),
            ),
            filter(
                "online",
                self.keyword_values(|r, o: OnlineLevel| r.online_level() == o),
            ),
        ]
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
