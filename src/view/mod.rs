//! Every page of the handbook and the data it shows, planned from the loaded site
//! before anything is rendered. Templates receive these views as they are.

mod changes;
pub(crate) mod checklist;
pub(crate) mod fees;
pub mod format;
mod home;
mod inputs;
mod lists;
pub mod markdown;
mod notice;
mod procedure;
mod qr;
pub mod statistics;
mod steps;
mod structured;
mod videos;

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

pub use lists::{NewLines, Placement, line_address};
pub use notice::NoticeView;
pub use procedure::{ProcedureItem, ProcedureView};

use crate::changes::ChangeLog;
use crate::fast_hash::FastMap;
use crate::model::keyword::Keyword;
use crate::model::record::{Audience, Code, Level, Record};
use crate::model::site::Site;
use crate::theme::strings::Strings;
use crate::urls;
use markdown::Settings;

/// A link as pages show it; `url` is relative to the site root.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Link {
    pub label: String,
    pub url: String,
    pub count: Option<usize>,
}

/// The online service level as a labelled badge (text, never colour alone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Badge {
    pub key: &'static str,
    pub label: String,
    pub long: String,
}

/// The page of `data/`: what each open data file holds.
#[derive(Debug, PartialEq, Serialize)]
pub struct OpenDataView {
    pub count: usize,
    pub format: u32,
    /// With `base_url`: where the files are on the published site.
    pub base: Option<String>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct FreeView {
    pub title: String,
    pub html: String,
}

#[derive(Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PageData {
    Home(home::HomeView),
    Procedure(Arc<ProcedureView>),
    Notice(Box<notice::NoticeView>),
    List(lists::ListView),
    Poster(Box<lists::PosterView>),
    Terms(lists::TermsView),
    Free(FreeView),
    Search(home::SearchView),
    Statistics(Box<statistics::StatisticsView>),
    Changes(changes::ChangesView),
    OpenData(OpenDataView),
    NotFound,
    /// Shown offline in place of a page not stored; the template holds its text.
    Offline,
}

#[derive(Debug, PartialEq)]
pub struct Page {
    /// Output path, relative to the output folder: `thu-tuc/dang-ky-khai-sinh/index.html`.
    pub path: String,
    /// Template file name under `templates/`.
    pub template: &'static str,
    /// The `<title>`, before the site name.
    pub title: String,
    pub breadcrumbs: Vec<Link>,
    pub data: PageData,
    /// Listed in sitemap.xml.
    pub in_sitemap: bool,
}

/// What every page shows: site name, menu, organisation.
#[derive(Debug, PartialEq, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: Option<String>,
    pub language: &'static str,
    pub organisation: crate::model::config::Organisation,
    pub portal_url: Option<String>,
    pub menu: Vec<Link>,
    pub footer_about: String,
    pub notice: Option<String>,
    /// The hotline as a `tel:` number: digits and a leading +.
    pub hotline_tel: Option<String>,
    /// The pages link the offline script and the web manifest.
    pub offline: bool,
}

/// Turns loaded data into views, with the interface strings at hand.
pub struct Views<'a> {
    pub site: &'a Site<'a>,
    pub strings: &'a Strings,
    /// What changed for citizens, when known: pages show each procedure's latest.
    pub changes: Option<&'a ChangeLog>,
}

impl<'a> Views<'a> {
    pub fn new(site: &'a Site<'a>, strings: &'a Strings) -> Views<'a> {
        Views {
            site,
            strings,
            changes: None,
        }
    }
}

impl Views<'_> {
    fn field_link(&self, field: &str) -> Link {
        Link {
            label: self.site.field_label(field).to_string(),
            url: urls::term_list(urls::FIELDS, field),
            count: None,
        }
    }

    /// A link to the list of a keyword value: its label from the i18n `section`
    /// (`level.commune` → "Cấp xã"), its list under `dir`.
    fn keyword_link(&self, section: &str, dir: &str, key: &str) -> Link {
        Link {
            label: self.strings.get(&format!("{section}.{key}")).to_string(),
            url: urls::term_list(dir, key),
            count: None,
        }
    }

    fn level_link(&self, level: Level) -> Link {
        self.keyword_link("level", urls::LEVELS, level.key())
    }

    fn audience_link(&self, audience: Audience) -> Link {
        self.keyword_link("audience", urls::AUDIENCES, audience.key())
    }

    pub fn site_view(&self) -> SiteView {
        let config = &self.site.config;
        let mut menu = vec![
            Link {
                label: self.strings.get("nav.fields").into(),
                url: urls::list_page(urls::FIELDS, 1),
                count: None,
            },
            Link {
                label: self.strings.get("nav.az").into(),
                url: urls::list_page(urls::AZ, 1),
                count: None,
            },
            Link {
                label: self.strings.get("nav.codes").into(),
                url: urls::list_page(urls::CODES, 1),
                count: None,
            },
        ];
        menu.extend(self.site.free_pages.iter().map(|p| Link {
            label: p.title.clone(),
            url: urls::free_page(&p.slug),
            count: None,
        }));
        SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            language: config.language.key(),
            organisation: config.organisation.clone(),
            portal_url: config.portal_url.clone(),
            menu,
            footer_about: self
                .strings
                .get("footer.about")
                .replace("{organisation}", &config.organisation.name),
            notice: config.notice.clone(),
            hotline_tel: config.organisation.hotline.as_deref().map(urls::tel),
            offline: config.offline.is_some(),
        }
    }

    /// Every record as a list line, in the order of `site.records`.
    pub fn items(&self) -> Vec<Arc<ProcedureItem>> {
        self.site
            .records
            .par_iter()
            .map(|r| Arc::new(self.item(r)))
            .collect()
    }

    fn home_crumb(&self) -> Link {
        Link {
            label: self.strings.get("nav.home").into(),
            url: "index.html".into(),
            count: None,
        }
    }
}

/// Records by code, as related links look them up.
pub type ByCode<'a> = FastMap<&'a Code, &'a Record>;

pub fn by_code(records: &[Record]) -> ByCode<'_> {
    records.iter().map(|r| (&r.code, r)).collect()
}

impl Views<'_> {
    /// The page of one procedure, and its printable notice beside it.
    pub fn procedure_pages(&self, record: &Record, by_code: &ByCode) -> [Page; 2] {
        let view = Arc::new(self.procedure(record, by_code));
        let base_url = self.site.config.base_url.as_deref();
        let notice = notice::NoticeView::of(view.clone(), &record.slug, base_url);
        let breadcrumbs = vec![self.home_crumb(), self.field_link(&record.field)];
        let [page_path, notice_path] = procedure_paths(record);
        [
            Page {
                path: page_path,
                template: "procedure.html",
                title: record.title.clone(),
                breadcrumbs: breadcrumbs.clone(),
                data: PageData::Procedure(view),
                in_sitemap: true,
            },
            Page {
                path: notice_path,
                template: "notice.html",
                title: format!("{} – {}", self.strings.get("notice.title"), record.title),
                breadcrumbs,
                data: PageData::Notice(Box::new(notice)),
                in_sitemap: false,
            },
        ]
    }
}

/// Where a record's two pages are: its procedure page, then its notice.
pub fn procedure_paths(record: &Record) -> [String; 2] {
    [urls::procedure(&record.slug), urls::notice(&record.slug)]
}

/// The pages of [`plan_others`] that an edit changed, when it left every record's
/// placement as it was: the lists and posters that show an edited record's line,
/// with its `new` line, and the page of changes. The others are as `planned`.
pub fn replan_others<'a>(
    views: &Views,
    planned: impl ParallelIterator<Item = &'a Page>,
    new: &NewLines,
    changes: &ChangeLog,
) -> Vec<Page> {
    let mut pages: Vec<Page> = planned
        .filter_map(|page| lists::relisted(page, new))
        .collect();
    pages.push(views.changes_page(changes));
    pages
}

/// Every page but the procedures' own: home, lists, free pages and 404. They are
/// few, so a live preview can plan them all and render only those that changed.
pub fn plan_others(
    site: &Site,
    strings: &Strings,
    items: &[Arc<ProcedureItem>],
    placements: &[Placement],
    changes: &ChangeLog,
) -> Vec<Page> {
    let views = Views {
        site,
        strings,
        changes: Some(changes),
    };
    // The home page and the statistics (each a walk over every record, 7 and 9 ms at
    // 10,000) are made beside the lists.
    let ((home, statistics), lists) = rayon::join(
        || rayon::join(|| views.home(), || views.statistics(items)),
        || views.lists(items, placements),
    );
    let mut pages = vec![home];
    pages.push(views.changes_page(changes));
    pages.extend(lists);
    for page in site.free_pages {
        pages.push(Page {
            path: urls::free_page(&page.slug),
            template: "page.html",
            title: page.title.clone(),
            breadcrumbs: vec![views.home_crumb()],
            data: PageData::Free(FreeView {
                title: page.title.clone(),
                html: markdown::to_html(
                    &page.body,
                    &Settings {
                        page_title: Some(&page.title),
                        top_level: 2,
                        strings,
                    },
                ),
            }),
            in_sitemap: true,
        });
    }
    pages.push(statistics);
    pages.push(Page {
        path: urls::list_page(urls::DATA, 1),
        template: "open-data.html",
        title: strings.get("data.title").into(),
        breadcrumbs: vec![views.home_crumb()],
        data: PageData::OpenData(OpenDataView {
            count: site.records.len(),
            format: crate::open_data::FORMAT,
            base: site
                .config
                .base_url
                .as_ref()
                .map(|b| format!("{}/", b.trim_end_matches('/'))),
        }),
        in_sitemap: true,
    });
    if site.config.offline.is_some() {
        pages.push(Page {
            path: urls::offline_page(),
            template: "offline.html",
            title: strings.get("offline.title").into(),
            breadcrumbs: vec![views.home_crumb()],
            data: PageData::Offline,
            in_sitemap: false,
        });
    }
    pages.push(Page {
        path: "404.html".into(),
        template: "404.html",
        title: strings.get("not_found.title").into(),
        breadcrumbs: Vec::new(),
        data: PageData::NotFound,
        in_sitemap: false,
    });
    pages
}
