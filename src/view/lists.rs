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
use crate::fast_hash::FastMap;
use crate::model::keyword::Keyword;
use crate::model::office::Office;
use crate::model::record::{Code, Record};
use crate::text::collate::{SortKey, index_letter};
use crate::urls::{self, Paper};

pub const PAGE_SIZE: usize = 100;

/// Lists of one kind by slug: each list's name and its members (record indices).
type Groups = BTreeMap<String, (String, Vec<usize>)>;

/// The kinds of list a record is put in by its terms: field, level, audience,
/// online level, the statistics' fee, time and form bands, agency, office.
const GROUPINGS: usize = 9;

/// Where the lists put a record: what orders it and its terms in each grouping.
/// Everything but the list pages' lines follows from the placements (the lists,
/// their counts and letters, the home page's and the statistics' numbers): after
/// an edit that keeps every placement, the lists keep their pages and only the
/// edited records' lines change in them ([`relisted`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Its page's address, which the sitemap lists.
    slug: String,
    title_key: SortKey,
    letter: String,
    code: Code,
    terms: [Vec<String>; GROUPINGS],
}

/// New list lines by the address of the lines they replace.
pub type NewLines = FastMap<usize, Arc<ProcedureItem>>;

/// Where `line` is in memory: a line is known by its own `Arc`.
pub fn line_address(line: &Arc<ProcedureItem>) -> usize {
    Arc::as_ptr(line) as usize
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub heading: Option<String>,
    pub anchor: Option<String>,
    pub items: Vec<Arc<ProcedureItem>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Where the lists put `record`, whose list line is `item`.
    pub fn placement(&self, record: &Record, item: &ProcedureItem) -> Placement {
        let label = self.site.field_labels.label(&record.field);
        Placement {
            slug: record.slug.clone(),
            title_key: record.title_key.clone(),
            letter: index_letter(&record.title),
            code: record.code.clone(),
            terms: [
                vec![label.to_string()],
                record.levels.iter().map(|l| l.key().to_string()).collect(),
                record
                    .audience
                    .iter()
                    .map(|a| a.key().to_string())
                    .collect(),
                vec![record.online_level().key().to_string()],
                vec![item.fee_band.to_string()],
                vec![statistics::time_band(record).to_string()],
                vec![statistics::form_band(record).to_string()],
                record.agency.iter().cloned().collect(),
                record.offices.clone(),
            ],
        }
    }

    /// Every record's placement, in the order of `site.records`.
    pub fn placements(&self, items: &[Arc<ProcedureItem>]) -> Vec<Placement> {
        self.site
            .records
            .par_iter()
            .zip(items)
            .map(|(record, item)| self.placement(record, item))
            .collect()
    }

    pub(super) fn lists(
        &self,
        items: &[Arc<ProcedureItem>],
        placements: &[Placement],
    ) -> Vec<Page> {
        let records = &self.site.records;
        // Sorting once by title puts every list, built by filtering, in order.
        let mut order: Vec<usize> = (0..records.len()).collect();
        order.sort_by(|a, b| placements[*a].title_key.cmp(&placements[*b].title_key));

        let s = self.strings;
        let bands = [("phi", "fee"), ("thoi-han", "time"), ("bieu-mau", "form")];
        let grouped: Vec<Groups> = (0..GROUPINGS)
            .into_par_iter()
            .map(|kind| group_by_index(&order, |i| &placements[i].terms[kind]))
            .collect();
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
        ) = <[Groups; GROUPINGS]>::try_from(grouped)
        else {
            unreachable!("a group for each grouping")
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
        for ((chart, strings_key), groups) in bands.iter().zip([fee, time, form]) {
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
        by_code.sort_by(|a, b| placements[*a].code.cmp(&placements[*b].code));
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
            .flat_map_iter(|l| self.list_pages(l, items, placements))
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

    fn list_pages(
        &self,
        listing: &Listing,
        items: &[Arc<ProcedureItem>],
        placements: &[Placement],
    ) -> Vec<Page> {
        let letter = |i: usize| placements[i].letter.clone();
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

/// [`group_by`] for terms worked out by record index (from the placements, say).
fn group_by_index<T: AsRef<str>, I: IntoIterator<Item = T>>(
    order: &[usize],
    terms: impl Fn(usize) -> I,
) -> BTreeMap<String, (String, Vec<usize>)> {
    let mut groups: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    // Thousands of records share a few hundred terms: slugify each term once.
    let mut slugs: HashMap<String, String> = HashMap::new();
    for &i in order {
        for term in terms(i) {
            let term = term.as_ref();
            let slug = match slugs.get(term) {
                Some(slug) => slug,
                None => slugs
                    .entry(term.to_string())
                    .or_insert_with(|| urls::term_slug(term)),
            };
            match groups.get_mut(slug) {
                Some(group) => group.1.push(i),
                None => {
                    groups.insert(slug.clone(), (term.to_string(), vec![i]));
                }
            }
        }
    }
    groups
}

/// `page` with the lines of `new` in place of those they replace; none when it
/// shows none of them. Only lists and posters show lines.
pub fn relisted(page: &Page, new: &NewLines) -> Option<Page> {
    let swapped = |lines: &[Arc<ProcedureItem>]| -> Option<Vec<Arc<ProcedureItem>>> {
        lines
            .iter()
            .any(|line| new.contains_key(&line_address(line)))
            .then(|| {
                lines
                    .iter()
                    .map(|line| new.get(&line_address(line)).unwrap_or(line).clone())
                    .collect()
            })
    };
    let data = match &page.data {
        PageData::List(list) => {
            let groups: Vec<Option<Vec<Arc<ProcedureItem>>>> =
                list.groups.iter().map(|g| swapped(&g.items)).collect();
            if groups.iter().all(Option::is_none) {
                return None;
            }
            let groups = list
                .groups
                .iter()
                .zip(groups)
                .map(|(group, items)| Group {
                    heading: group.heading.clone(),
                    anchor: group.anchor.clone(),
                    items: items.unwrap_or_else(|| group.items.clone()),
                })
                .collect();
            PageData::List(ListView {
                groups,
                ..list.clone()
            })
        }
        PageData::Poster(poster) => PageData::Poster(Box::new(PosterView {
            items: swapped(&poster.items)?,
            ..(**poster).clone()
        })),
        _ => return None,
    };
    Some(Page {
        path: page.path.clone(),
        template: page.template,
        title: page.title.clone(),
        breadcrumbs: page.breadcrumbs.clone(),
        data,
        in_sitemap: page.in_sitemap,
    })
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
