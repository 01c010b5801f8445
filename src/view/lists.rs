//! List pages: one per field, level, audience, online level and agency, plus the
//! A–Z and code indexes; sorted in Vietnamese order and paginated so a list of
//! 10,000 procedures stays light on a phone.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use std::sync::Arc;

use super::procedure::OfficeView;
use super::qr;
use super::statistics;
use super::{Link, Page, PageData, ProcedureItem, Views};
use crate::model::keyword::Keyword;
use crate::model::office::Office;
use crate::model::record::Record;
use crate::text::collate::index_letter;
use crate::urls::{self, Paper};

pub const PAGE_SIZE: usize = 100;

/// Which band of a statistics chart a record (by index) falls in.
type Band<'a> = dyn Fn(usize) -> &'static str + Sync + 'a;

/// Lists of one kind by slug: each list's name and its members (record indices).
type Groups = BTreeMap<String, (String, Vec<usize>)>;
/// Works out the lists of one kind.
type Grouping<'a> = dyn Fn() -> Groups + Sync + 'a;

#[derive(Debug, PartialEq, Serialize)]
pub struct Group {
    pub heading: Option<String>,
    pub anchor: Option<String>,
    pub items: Vec<Arc<ProcedureItem>>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct ListView {
    pub heading: String,
    /// What kind of list: "Lĩnh vực", "Cấp thực hiện", …; none for the A–Z and code indexes.
    pub kind: Option<String>,
    pub count: usize,
    pub groups: Vec<Group>,
    pub letters: Vec<Link>,
    pub pagination: Option<Pagination>,
    /// The office whose procedures these are: its address, hours and phone.
    pub office: Option<Box<OfficeView>>,
    /// The printable posters of this list, one per paper size.
    pub posters: Vec<Link>,
}

/// A list printed for a notice board (bảng danh mục): every procedure of a field or
/// an office with its code, time, fee and online level, and a QR code to the list.
#[derive(Debug, PartialEq, Serialize)]
pub struct PosterView {
    pub heading: String,
    pub kind: Option<String>,
    pub paper: Paper,
    /// The list's first page, relative to the site root.
    pub list: String,
    /// The same poster on the other papers.
    pub others: Vec<Link>,
    pub items: Vec<Arc<ProcedureItem>>,
    pub office: Option<OfficeView>,
    /// The list's address on the published site; only with `base_url`.
    pub url: Option<String>,
    /// The QR code as SVG, encoding `url`.
    pub qr: Option<String>,
}

/// An index of terms (all fields, all agencies) with their counts.
#[derive(Debug, PartialEq, Serialize)]
pub struct TermsView {
    pub heading: String,
    pub terms: Vec<Link>,
}

/// Records in one list, as indices into the site's records, already sorted.
struct Listing<'a> {
    dir: String,
    heading: String,
    kind: Option<String>,
    members: Vec<usize>,
    by_letter: bool,
    /// Printed as posters for a notice board: the lists an office pins up.
    posters: bool,
    /// The office whose procedures these are, shown above them.
    office: Option<&'a Office>,
}

impl Views<'_> {
    pub(super) fn lists(&self, items: &[Arc<ProcedureItem>]) -> Vec<Page> {
        let records = &self.site.records;
        // Sorting once by title puts every list, built by filtering, in order.
        let mut order: Vec<usize> = (0..records.len()).collect();
        order.sort_by(|a, b| records[*a].title_key.cmp(&records[*b].title_key));

        let labels = &self.site.field_labels;
        let s = self.strings;
        let bands: [(&str, &str, &Band); 3] = [
            ("phi", "fee", &|i| items[i].fee_band),
            ("thoi-han", "time", &|i| statistics::time_band(&records[i])),
            ("bieu-mau", "form", &|i| statistics::form_band(&records[i])),
        ];
        // Each grouping reads every record: in parallel, they are half of planning
        // the lists again after a save in the preview.
        let groupings: [&Grouping; 9] = [
            &|| {
                group_by(records, &order, |r| {
                    vec![labels.label(&r.field).to_string()]
                })
            },
            &|| {
                group_by(records, &order, |r| {
                    r.levels.iter().map(|l| l.key().to_string()).collect()
                })
            },
            &|| {
                group_by(records, &order, |r| {
                    r.audience.iter().map(|a| a.key().to_string()).collect()
                })
            },
            &|| {
                group_by(records, &order, |r| {
                    vec![r.online_level().key().to_string()]
                })
            },
            &|| group_by_index(&order, |i| vec![(bands[0].2)(i).to_string()]),
            &|| group_by_index(&order, |i| vec![(bands[1].2)(i).to_string()]),
            &|| group_by_index(&order, |i| vec![(bands[2].2)(i).to_string()]),
            &|| group_by(records, &order, |r| r.agency.iter().cloned().collect()),
            &|| group_by(records, &order, |r| r.offices.clone()),
        ];
        let grouped: Vec<Groups> = groupings.par_iter().map(|group| group()).collect();
        let Ok(
            [
                fields,
                levels,
                audiences,
                online,
                fee,
                time,
                form,
                agencies,
                offices,
            ],
        ) = <[Groups; 9]>::try_from(grouped)
        else {
            unreachable!("nine groupings give nine groups")
        };

        let mut listings = Vec::new();
        for (slug, (name, members)) in &fields {
            listings.push(Listing {
                posters: true,
                ..self.listing(
                    urls::FIELDS,
                    slug,
                    name.clone(),
                    "list.field",
                    members.clone(),
                )
            });
        }
        for (key, (_, members)) in &levels {
            let name = self.strings.get(&format!("level.{key}")).to_string();
            listings.push(self.listing(urls::LEVELS, key, name, "list.level", members.clone()));
        }
        for (key, (_, members)) in &audiences {
            let name = self.strings.get(&format!("audience.{key}")).to_string();
            listings.push(self.listing(
                urls::AUDIENCES,
                key,
                name,
                "list.audience",
                members.clone(),
            ));
        }
        for (key, (_, members)) in &online {
            let name = self.strings.get(&format!("online.{key}")).to_string();
            listings.push(self.listing(urls::ONLINE, key, name, "list.online", members.clone()));
        }
        // The statistics page's bars link to these.
        for ((chart, strings_key, _), groups) in bands.iter().zip([fee, time, form]) {
            for (key, (_, members)) in groups {
                let name = s.get(&format!("stats.{strings_key}.{key}")).to_string();
                listings.push(Listing {
                    dir: statistics::band_dir(chart, &key),
                    heading: name,
                    kind: Some(s.get(&format!("stats.{strings_key}_kind")).into()),
                    members,
                    by_letter: false,
                    posters: false,
                    office: None,
                });
            }
        }
        for (slug, (name, members)) in &agencies {
            listings.push(self.listing(
                urls::AGENCIES,
                slug,
                name.clone(),
                "list.agency",
                members.clone(),
            ));
        }
        // An office's list holds what its records name under `offices:`; an office
        // no record names has no list (and nothing would link to it).
        for office in self.site.offices {
            if let Some((_, members)) = offices.get(&urls::term_slug(&office.id)) {
                listings.push(Listing {
                    posters: true,
                    office: Some(office),
                    ..self.listing(
                        urls::OFFICES,
                        &urls::term_slug(&office.id),
                        office.name.clone(),
                        "list.office",
                        members.clone(),
                    )
                });
            }
        }
        listings.push(Listing {
            dir: urls::AZ.into(),
            heading: self.strings.get("list.az").into(),
            kind: None,
            members: order.clone(),
            by_letter: true,
            posters: false,
            office: None,
        });
        let mut by_code: Vec<usize> = (0..records.len()).collect();
        by_code.sort_by(|a, b| records[*a].code.cmp(&records[*b].code));
        listings.push(Listing {
            dir: urls::CODES.into(),
            heading: self.strings.get("list.codes").into(),
            kind: None,
            members: by_code,
            by_letter: false,
            posters: false,
            office: None,
        });

        let mut pages: Vec<Page> = listings
            .par_iter()
            .flat_map_iter(|l| self.list_pages(l, items))
            .collect();
        pages.par_extend(
            listings
                .par_iter()
                .filter(|l| l.posters)
                .flat_map_iter(|l| self.posters(l, items)),
        );
        pages.push(self.terms_page(urls::FIELDS, "list.all_fields", &fields));
        pages.push(self.terms_page(urls::AGENCIES, "list.all_agencies", &agencies));
        pages
    }

    fn listing(
        &self,
        base: &str,
        slug: &str,
        heading: String,
        kind: &str,
        members: Vec<usize>,
    ) -> Listing<'_> {
        Listing {
            dir: format!("{base}/{slug}"),
            heading,
            kind: Some(self.strings.get(kind).into()),
            members,
            by_letter: false,
            posters: false,
            office: None,
        }
    }

    pub(super) fn field_terms(&self) -> Vec<Link> {
        let order: Vec<usize> = (0..self.site.records.len()).collect();
        terms(
            urls::FIELDS,
            &group_by(self.site.records, &order, |r| {
                vec![self.site.field_label(&r.field).to_string()]
            }),
        )
    }

    fn terms_page(
        &self,
        dir: &str,
        heading: &str,
        groups: &BTreeMap<String, (String, Vec<usize>)>,
    ) -> Page {
        let heading = self.strings.get(heading).to_string();
        Page {
            path: urls::list_page(dir, 1),
            template: "listing.html",
            title: heading.clone(),
            breadcrumbs: vec![self.home_crumb()],
            data: PageData::Terms(TermsView {
                heading,
                terms: terms(dir, groups),
            }),
            in_sitemap: true,
        }
    }

    /// The list printed whole, on each paper, with a QR code to its first page.
    fn posters(&self, listing: &Listing, items: &[Arc<ProcedureItem>]) -> Vec<Page> {
        let base_url = self.site.config.base_url.as_deref();
        let url = base_url.map(|base| urls::canonical(base, &urls::list_page(&listing.dir, 1)));
        let qr = url.as_deref().and_then(qr::svg);
        Paper::ALL
            .into_iter()
            .map(|paper| Page {
                path: urls::poster(&listing.dir, paper),
                template: "poster.html",
                title: format!(
                    "{} – {} ({})",
                    self.strings.get("poster.title"),
                    listing.heading,
                    paper.label()
                ),
                breadcrumbs: vec![self.home_crumb()],
                data: PageData::Poster(Box::new(PosterView {
                    heading: listing.heading.clone(),
                    kind: listing.kind.clone(),
                    paper,
                    list: urls::list_page(&listing.dir, 1),
                    others: poster_links(&listing.dir)
                        .into_iter()
                        .filter(|l| l.label != paper.label())
                        .collect(),
                    items: listing.members.iter().map(|&i| items[i].clone()).collect(),
                    office: listing.office.map(|o| self.office_view(o)),
                    url: url.clone(),
                    qr: qr.clone(),
                })),
                in_sitemap: false,
            })
            .collect()
    }

    fn list_pages(&self, listing: &Listing, items: &[Arc<ProcedureItem>]) -> Vec<Page> {
        let records = &self.site.records;
        let letter = |i: usize| index_letter(&records[i].title);
        let chunks: Vec<&[usize]> = listing.members.chunks(PAGE_SIZE).collect();
        let total = chunks.len().max(1);
        // The A–Z letter bar links to the page where each letter starts.
        let mut letters: Vec<Link> = Vec::new();
        if listing.by_letter {
            for (page, chunk) in chunks.iter().enumerate() {
                for &i in *chunk {
                    let l = letter(i);
                    if letters.last().is_none_or(|last| last.label != l) {
                        letters.push(Link {
                            url: format!(
                                "{}#{}",
                                urls::list_page(&listing.dir, page + 1),
                                letter_anchor(&l)
                            ),
                            label: l,
                            count: None,
                        });
                    }
                }
            }
        }
        let mut pages = Vec::with_capacity(total);
        for number in 1..=total {
            let chunk = chunks.get(number - 1).copied().unwrap_or(&[]);
            let mut groups: Vec<Group> = Vec::new();
            for &i in chunk {
                let heading = listing.by_letter.then(|| letter(i));
                match groups.last_mut() {
                    Some(group) if group.heading == heading => group.items.push(items[i].clone()),
                    _ => groups.push(Group {
                        anchor: heading.as_deref().map(letter_anchor),
                        heading,
                        items: vec![items[i].clone()],
                    }),
                }
            }
            let title = if total > 1 {
                format!(
                    "{} ({} {number}/{total})",
                    listing.heading,
                    self.strings.get("nav.page_of")
                )
            } else {
                listing.heading.clone()
            };
            pages.push(Page {
                path: urls::list_page(&listing.dir, number),
                template: "list.html",
                title,
                breadcrumbs: vec![self.home_crumb()],
                data: PageData::List(ListView {
                    heading: listing.heading.clone(),
                    kind: listing.kind.clone(),
                    count: listing.members.len(),
                    groups,
                    letters: letters.clone(),
                    pagination: (total > 1).then(|| pagination(&listing.dir, number, total)),
                    office: listing.office.map(|o| Box::new(self.office_view(o))),
                    posters: if listing.posters {
                        poster_links(&listing.dir)
                    } else {
                        Vec::new()
                    },
                }),
                in_sitemap: true,
            });
        }
        pages
    }
}

fn poster_links(dir: &str) -> Vec<Link> {
    Paper::ALL
        .into_iter()
        .map(|paper| Link {
            label: paper.label().into(),
            url: urls::poster(dir, paper),
            count: None,
        })
        .collect()
}

fn letter_anchor(letter: &str) -> String {
    format!("chu-{}", urls::term_slug(letter))
}

/// Members of each term, by term slug: (display name, sorted record indices).
fn group_by(
    records: &[Record],
    order: &[usize],
    terms: impl Fn(&Record) -> Vec<String>,
) -> BTreeMap<String, (String, Vec<usize>)> {
    group_by_index(order, |i| terms(&records[i]))
}

/// [`group_by`] for terms worked out by record index (from the list lines, say).
fn group_by_index(
    order: &[usize],
    terms: impl Fn(usize) -> Vec<String>,
) -> BTreeMap<String, (String, Vec<usize>)> {
    let mut groups: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    // Thousands of records share a few hundred terms: slugify each term once.
    let mut slugs: HashMap<String, String> = HashMap::new();
    for &i in order {
        for term in terms(i) {
            let slug = match slugs.get(&term) {
                Some(slug) => slug,
                None => slugs
                    .entry(term.clone())
                    .or_insert_with(|| urls::term_slug(&term)),
            };
            match groups.get_mut(slug) {
                Some(group) => group.1.push(i),
                None => {
                    groups.insert(slug.clone(), (term, vec![i]));
                }
            }
        }
    }
    groups
}

fn terms(dir: &str, groups: &BTreeMap<String, (String, Vec<usize>)>) -> Vec<Link> {
    let mut links: Vec<Link> = groups
        .iter()
        .map(|(slug, (name, members))| Link {
            label: name.clone(),
            url: urls::term_list(dir, slug),
            count: Some(members.len()),
        })
        .collect();
    crate::text::collate::sort_by_text(&mut links, |l| &l.label);
    links
}

/// Links to the first, last and nearby pages.
fn pagination(dir: &str, current: usize, total: usize) -> Pagination {
    let pages = (1..=total)
        .filter(|n| *n == 1 || *n == total || n.abs_diff(current) <= 2)
        .map(|n| PageLink {
            number: n,
            url: urls::list_page(dir, n),
            current: n == current,
        })
        .collect();
    Pagination {
        current,
        total,
        previous: (current > 1).then(|| urls::list_page(dir, current - 1)),
        next: (current < total).then(|| urls::list_page(dir, current + 1)),
        pages,
    }
}
