//! The preview's work on an assembly after a save: the pages the edit can have
//! changed first, then the search index, then the open data catalogue.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::copied::{form_paths, read_form, search_script, static_files};
use super::data::{change_files, statistics_csv};
use super::files::Update;
use super::store::{Store, render_all};
use super::{
    Assembly, Built, Kept, KeptLines, Stopwatch, crawlers, kept_records, offline, one, problems,
    render, renderer,
};
use crate::changes::ChangeLog;
use crate::diagnostics::Diagnostics;
use crate::model::record::{Code, Date};
use crate::model::site::Site;
use crate::open_data::{self, DataRecord, Pieces};
use crate::search;
use crate::sources::{Changes, Sources};
use crate::theme::Theme;
use crate::theme::strings::Strings;
use crate::urls;
use crate::view::{self, Page, ProcedureItem, Views};

/// An edited record's place in the records, and its new list line and open data.
type Fresh = (usize, Arc<ProcedureItem>, Arc<DataRecord>);

impl Assembly {
    /// Builds the search index and search page again for the site as it is; the
    /// call after that, the open data catalogue. A failure is reported once; the
    /// next change tries again. Given up, with the index still stale, as soon as
    /// `stop` is set: `Ok(None)` then.
    pub fn refresh_index(
        &mut self,
        sources: &Sources,
        stop: &AtomicBool,
    ) -> Result<Option<Built>, Diagnostics> {
        if !self.index_stale() {
            return Ok(None);
        }
        let (Some(site), Some(theme), Some(strings)) =
            (sources.site(), sources.theme(), sources.strings())
        else {
            return Ok(None);
        };
        if !self.index_stale {
            return self.refresh_catalogue(&site, strings, stop);
        }
        let mut clock = Stopwatch::start();
        let views = Views::new(&site, strings);
        let items: Vec<Arc<ProcedureItem>> = self
            .kept_for(site.records)
            .iter()
            .map(|kept| kept.expect("every record has its line").item.clone())
            .collect();
        // The index kept from last time, updated where the edits touched it; or made
        // anew (and given up when `stop` is set).
        let updated = match self.live.as_mut() {
            Some(live) => live.update(
                &views,
                site.records,
                &items,
                &self.index_edits,
                &search::in_memory,
            ),
            None => Ok(None),
        };
        let made = match updated {
            Ok(Some(index)) => Ok(Some((index, None))),
            Ok(None) => search::Live::new(&views, site.records, &items, stop, &search::in_memory)
                .map(|made| made.map(|(live, index)| (index, Some(live)))),
            Err(problem) => Err(problem),
        };
        let built = made.map_err(|d| one(*d)).and_then(|made| {
            let Some((index, live)) = made else {
                return Ok(None);
            };
            let page = views.search_page(&index.manifest, &search_script(theme));
            Ok(Some((render(&self.renderer, &page)?, index, live)))
        });
        let (page, index, made_anew) = match built {
            Ok(Some(built)) => built,
            Ok(None) => return Ok(None),
            Err(problems) => {
                self.index_failed = true;
                self.live = None;
                return Err(problems);
            }
        };
        clock.lap(if made_anew.is_some() {
            "index"
        } else {
            "index update"
        });
        let mut files = Update::new(&self.files);
        let kept: HashSet<&str> = index.kept.iter().map(String::as_str).collect();
        for path in &self.index {
            if !kept.contains(path.as_str()) {
                files.remove(path);
            }
        }
        let mut paths: Vec<String> = index.files.iter().map(|f| f.path.clone()).collect();
        paths.extend(index.leads.iter().map(|(path, _)| path.clone()));
        paths.extend(index.kept.iter().cloned());
        files.insert_all(index.files);
        for (path, file) in index.leads {
            files.insert_file(path, file);
        }
        files.insert(page);
        let (files, changed) = files.finish();
        self.files = Arc::new(files);
        self.index = paths;
        self.index_version = index.version.clone();
        self.index_stale = false;
        self.catalogue_stale = true;
        self.index_edits.clear();
        if made_anew.is_some() {
            self.live = made_anew;
        }
        clock.lap("swap");
        Ok(Some(Built {
            changed,
            rendered: 1,
            timings: clock.laps().to_vec(),
        }))
    }

    /// Makes the open data catalogue again, of the bytes of the files beside the
    /// pages and the kept lines of the records not edited; the CSV and JSON-LD
    /// files only when a line changed. `Ok(None)` as soon as `stop` is set.
    fn refresh_catalogue(
        &mut self,
        site: &Site,
        strings: &Strings,
        stop: &AtomicBool,
    ) -> Result<Option<Built>, Diagnostics> {
        let mut clock = Stopwatch::start();
        let stopped = || stop.load(Ordering::Relaxed);
        let publisher = &site.config.organisation.name;
        // Each record's lines, and whether they are the ones kept for its file.
        let kept = self.kept_for(site.records);
        let lines: Vec<(KeptLines, bool)> = site
            .records
            .par_iter()
            .zip(&kept)
            .map(|(r, kept)| {
                let data = &kept.expect("every record has its data").data;
                let kept = self.lines.get(&r.file);
                let (lines, same) = match kept {
                    Some((of, lines)) if Arc::ptr_eq(of, data) => (lines.clone(), true),
                    _ => {
                        let made = open_data::lines(strings, data, publisher);
                        match kept {
                            Some((_, lines)) if **lines == made => (lines.clone(), true),
                            _ => (Arc::new(made), false),
                        }
                    }
                };
                ((data.clone(), lines), same)
            })
            .collect();
        // Records are in file order: the same files with the same lines make the
        // same CSV and JSON-LD files.
        let same_lines = lines.len() == self.lines.len() && lines.iter().all(|(_, same)| *same);
        if stopped() {
            return Ok(None);
        }
        let serialised: Vec<&[u8]> = site
            .records
            .par_iter()
            .map(|r| {
                let beside = self.files.get(urls::procedure_data(&r.slug).as_str())?;
                // The preview's files are all made in memory.
                let beside = beside.in_memory()?;
                open_data::record_in(beside)
            })
            .collect::<Option<_>>()
            .expect("every record has its data file beside its page");
        let (procedures, others) = rayon::join(
            || open_data::procedures_json(site, &serialised).joined(),
            || {
                let order: Vec<&open_data::Lines> = lines.iter().map(|((_, l), _)| &**l).collect();
                (!same_lines).then(|| open_data::lines_files(&order).map(Pieces::joined))
            },
        );
        clock.lap("catalogue");
        if stopped() {
            return Ok(None);
        }
        let mut files = Update::new(&self.files);
        files.insert(procedures);
        files.insert_all(others.into_iter().flatten());
        let (files, changed) = files.finish();
        self.files = Arc::new(files);
        self.catalogue_stale = false;
        self.lines = site
            .records
            .iter()
            .map(|r| r.file.clone())
            .zip(lines.into_iter().map(|(kept, _)| kept))
            .collect();
        clock.lap("swap");
        Ok(Some(Built {
            changed,
            rendered: 0,
            timings: clock.laps().to_vec(),
        }))
    }

    /// The pages other than the procedures' after an update. When `may_relist` (the
    /// same records) and the edited records (`fresh`) keep their placements, only the
    /// pages that show their lines change, and the page of changes; else all are
    /// planned again, and come with the records' new placements.
    fn others_after(
        &self,
        views: &Views,
        fresh: &[Fresh],
        kept: &[Option<&Kept>],
        items: &[Arc<ProcedureItem>],
        log: &ChangeLog,
        may_relist: bool,
    ) -> (Vec<Page>, Option<Vec<view::Placement>>) {
        let records = views.site.records;
        let relist = may_relist
            && fresh.iter().all(|(i, item, _)| {
                kept[*i].is_some_and(|k| k.placement == views.placement(&records[*i], item))
            });
        if relist {
            let new: view::NewLines = fresh
                .iter()
                .filter_map(|(i, item, _)| {
                    Some((view::line_address(&kept[*i]?.item), item.clone()))
                })
                .collect();
            let planned = self.others.par_iter().map(|(_, page)| page);
            (view::replan_others(views, planned, &new, log), None)
        } else {
            let placements = views.placements(items);
            let others = view::plan_others(views.site, views.strings, items, &placements, log);
            (others, Some(placements))
        }
    }

    /// Plans and renders the pages `changes` can have changed; `self` is only changed
    /// when everything succeeded.
    pub(super) fn update(
        &mut self,
        sources: &Sources,
        site: Site,
        theme: &Theme,
        strings: &Strings,
        changes: &Changes,
        clock: &mut Stopwatch,
    ) -> Result<Built, Diagnostics> {
        let plain = Views::new(&site, strings);
        let renderer = if changes.templates.is_empty() {
            None
        } else {
            Some(renderer(theme, &plain)?)
        };
        let templates = affected_templates(theme, &changes.templates);

        // List lines and open data: new for changed records, kept for the others.
        let records = site.records;
        let index_of = |file: &PathBuf| {
            records
                .binary_search_by(|r| r.file.as_path().cmp(file))
                .ok()
        };
        // Where the edited records that exist now are.
        let mut edited_at: Vec<usize> = changes.records.keys().filter_map(index_of).collect();
        edited_at.sort_unstable();
        let fresh: Vec<Fresh> = edited_at
            .par_iter()
            .map(|&i| {
                let item = plain.item(&records[i]);
                let data = open_data::of(&site, &records[i], &item);
                (i, Arc::new(item), Arc::new(data))
            })
            .collect();
        let kept = self.kept_for(records);
        // Every edited record was there before: the records are the same files.
        let same_files = self.kept.len() == records.len()
            && edited_at.len() == changes.records.len()
            && changes.records.values().all(Option::is_some);
        let mut item_list: Vec<Option<Arc<ProcedureItem>>> =
            kept.iter().map(|k| k.map(|k| k.item.clone())).collect();
        let mut data_list: Vec<Option<Arc<DataRecord>>> =
            kept.iter().map(|k| k.map(|k| k.data.clone())).collect();
        for (i, item, data) in &fresh {
            item_list[*i] = Some(item.clone());
            data_list[*i] = Some(data.clone());
        }
        let item_list: Vec<Arc<ProcedureItem>> = item_list
            .into_iter()
            .map(|item| item.expect("a record not edited has its line"))
            .collect();
        let data_list: Vec<Arc<DataRecord>> = data_list
            .into_iter()
            .map(|data| data.expect("a record not edited has its data"))
            .collect();
        // The records edited, by code as they were and are.
        let mut edited: HashSet<String> = HashSet::new();
        for old in changes.records.values() {
            edited.extend(old.as_ref().map(|o| o.code.to_lowercase()));
        }
        edited.extend(fresh.iter().map(|(_, _, d)| d.code.to_lowercase()));
        let log = sources.history().updated_after(
            &data_list,
            Date::today(),
            strings,
            Some((&self.changes, &edited)),
        );
        let views = Views {
            site: &site,
            strings,
            changes: Some(&log),
        };
        clock.lap("items");

        // Procedure pages: the changed records and those naming one as related.
        let mut codes: HashSet<&Code> = changes
            .records
            .values()
            .flatten()
            .map(|old| &old.code)
            .collect();
        codes.extend(edited_at.iter().map(|&i| &records[i].code));
        let all_procedures =
            templates.contains("procedure.html") || templates.contains("notice.html");
        let by_code = view::by_code(site.records);
        let procedures: Vec<Page> = records
            .par_iter()
            .enumerate()
            .filter(|(i, r)| {
                all_procedures
                    || edited_at.binary_search(i).is_ok()
                    || r.related.iter().any(|c| codes.contains(c))
            })
            .flat_map_iter(|(_, r)| views.procedure_pages(r, &by_code))
            .collect();
        clock.lap("procedures");

        // Other pages: rendered when their data or template changed.
        // (A template edit renders the pages that use it: all are planned then.)
        let may_relist = templates.is_empty() && same_files;
        let (others, placements) =
            self.others_after(&views, &fresh, &kept, &item_list, &log, may_relist);
        let renderer_now = renderer.as_ref().unwrap_or(&self.renderer);
        let to_render =
            procedures.iter().chain(others.iter().filter(|p| {
                templates.contains(p.template) || self.others.get(&p.path) != Some(*p)
            }));
        clock.lap("plan");
        let rendered = render_all(renderer_now, None, to_render, Store::default())?.files;
        clock.lap("render");

        let mut files = Update::new(&self.files);
        for old in changes.records.values().flatten() {
            files.remove(&old.page);
            files.remove(&urls::notice_beside(&old.page));
            files.remove(&urls::data_beside(&old.page));
        }
        for (i, _, data) in &fresh {
            let bytes = serde_json::to_vec(&**data).expect("data records serialise");
            files.insert(open_data::procedure_file(&records[*i].slug, &bytes));
        }
        files.insert_all(statistics_csv(&others));
        files.insert_all(change_files(&log, &site, strings));
        if placements.is_some() {
            let planned: HashSet<&str> = others.iter().map(|p| p.path.as_str()).collect();
            for path in self.others.keys() {
                if !planned.contains(path.as_str()) {
                    files.remove(path);
                }
            }
        }
        let count = rendered.len();
        let checked: Vec<String> = rendered.iter().map(|(path, _)| path.clone()).collect();
        for (path, file) in rendered {
            files.insert_file(path, file);
        }
        let statics = if changes.statics {
            for path in &self.statics {
                files.remove(path);
            }
            let statics = static_files(theme);
            let paths = statics.iter().map(|f| f.path.clone()).collect();
            files.insert_all(statics);
            Some(paths)
        } else {
            None
        };
        let forms = form_paths(&site);
        for path in &self.forms {
            if forms.binary_search(path).is_err() {
                files.remove(path);
            }
        }
        for path in &forms {
            if changes.forms.contains(path) || self.forms.binary_search(path).is_err() {
                files.insert(read_form(sources, path)?);
            }
        }
        // The same records and other pages have the same sitemap.
        if placements.is_some() {
            let sitemap: Vec<String> = site
                .records
                .iter()
                .map(|r| urls::procedure(&r.slug))
                .chain(
                    others
                        .iter()
                        .filter(|p| p.in_sitemap)
                        .map(|p| p.path.clone()),
                )
                .collect();
            files.insert_all(crawlers::files(&site, sitemap.iter().map(String::as_str)));
        }
        files.insert_all(offline::page_files(&site, theme));
        problems::broken_links(sources, &files, &checked)?;
        clock.lap("check links");

        let (new_files, changed) = files.finish();
        self.files = Arc::new(new_files);
        let replanned = others.into_iter().map(|p| (p.path.clone(), p));
        if placements.is_some() {
            self.pages = site.records.len() + replanned.len() + 1;
            self.others = replanned.collect();
        } else {
            self.others.extend(replanned);
        }
        match (same_files, placements) {
            (true, placements) => {
                for (i, item, data) in fresh {
                    self.kept[i].item = item;
                    self.kept[i].data = data;
                }
                if let Some(placements) = placements {
                    for (kept, placement) in self.kept.iter_mut().zip(placements) {
                        kept.placement = placement;
                    }
                }
            }
            (false, Some(placements)) => {
                self.kept = kept_records(records, item_list, data_list, placements);
            }
            (false, None) => unreachable!("only an update of the same records relists"),
        }
        if let Some(renderer) = renderer {
            self.renderer = renderer;
        }
        if let Some(statics) = statics {
            self.statics = statics;
        }
        self.forms = forms;
        self.changes = log;
        self.index_failed = false;
        self.index_edits.extend(changes.records.keys().cloned());
        if !changes.records.is_empty() || changes.search_script || templates.contains("search.html")
        {
            self.index_stale = true;
        }
        clock.lap("swap");
        Ok(Built {
            changed,
            rendered: count,
            timings: clock.laps().to_vec(),
        })
    }
}

/// The changed templates and those that extend, include or import one of them. A
/// template names another in quotes; matching the quoted name errs on the safe side.
fn affected_templates(theme: &Theme, changed: &BTreeSet<String>) -> HashSet<String> {
    let sources: Vec<(&str, String)> = theme
        .files_in("templates")
        .map(|(name, f)| (name, String::from_utf8_lossy(&f.bytes).into_owned()))
        .collect();
    let mut affected: HashSet<String> = changed.iter().cloned().collect();
    loop {
        let more: Vec<String> = sources
            .iter()
            .filter(|(name, _)| !affected.contains(*name))
            .filter(|(_, text)| {
                affected
                    .iter()
                    .any(|t| text.contains(&format!("\"{t}\"")) || text.contains(&format!("'{t}'")))
            })
            .map(|(name, _)| name.to_string())
            .collect();
        if more.is_empty() {
            return affected;
        }
        affected.extend(more);
    }
}
