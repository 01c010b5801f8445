//! The three commands as views of one pipeline: `check` loads and assembles in
//! memory and reports; `build` also writes what it assembled into a staging folder
//! and swaps it in. (The preview keeps both between saves: [`crate::preview`].)

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::assemble::{IndexMade, OfflineReport, Stopwatch, assemble};
use crate::changes::{Entry, History};
use crate::diagnostics::{Diagnostic, Diagnostics, Language};
use crate::output::{Scratch, Spare, check_output, check_replaceable, tidy, write_site, write_zip};
use crate::previous::PreviousBuild;
use crate::sources::Sources;
use crate::sources::cache::{CacheReport, RecordCache};
use crate::tr;
use crate::unchanged::{Outcome, Snapshot};

#[derive(Debug, Default)]
pub struct BuildOptions {
    /// Where to write, instead of the `output` of sotay.yaml.
    pub output: Option<PathBuf>,
    /// Also write the whole site as one zip here.
    pub zip: Option<PathBuf>,
    /// Tell what changed since this git revision, instead of since the last build
    /// (`sotay changes --since`).
    pub since: Option<String>,
    /// Decode every record and render every page, neither reading nor writing the
    /// caches (decoded records, what the last build was made from).
    pub no_cache: bool,
    /// The process ends with the build (`sotay build`): what the build held is
    /// left for the system to take back at exit, instead of freed by a thread
    /// that would race the exit (at 10,000 records, 20 ms of a rebuild's wall time).
    pub then_exit: bool,
}

#[derive(Debug)]
pub struct BuildReport {
    pub output: PathBuf,
    /// Nothing had changed since the last build: nothing was read or written.
    pub unchanged: bool,
    pub pages: usize,
    /// Pages taken from the previous build, unchanged, instead of rendered.
    pub reused: usize,
    /// How the search index came to be: taken from the previous build, updated
    /// from it, or made whole.
    pub index: IndexMade,
    pub files: usize,
    pub warnings: Diagnostics,
    pub language: Language,
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// What the offline copy costs, when the site has one.
    pub offline: Option<OfflineReport>,
    /// The changes this build found, newest log entries first.
    pub changes: Vec<Entry>,
    /// How many records the cache gave, when it was used.
    pub cache: Option<CacheReport>,
}

/// Why nothing was written: every problem, in the handbook's language.
#[derive(Debug)]
pub struct BuildFailure {
    pub diagnostics: Diagnostics,
    pub language: Language,
}

/// What `sotay check` found: every problem `sotay build` would stop on, and the warnings.
pub struct CheckReport {
    pub diagnostics: Diagnostics,
    pub language: Language,
    pub records: usize,
}

/// [`check`], with incomplete records (stubs of `sotay import list`) as errors: for
/// CI, once a handbook is meant to be complete.
pub fn check_strict(root: &Path) -> CheckReport {
    let mut report = check(root);
    report.diagnostics.escalate(crate::check::INCOMPLETE);
    report
}

/// Loads and assembles the handbook at `root` in memory, writing nothing. The
/// configured output folder is checked as `build` would before writing to it.
pub fn check(root: &Path) -> CheckReport {
    // Read, never written: `check` writes nothing.
    let sources = Sources::load_with(root, Some(&RecordCache::open(root)));
    let (_, mut diagnostics) = assemble(&sources, None, None, &mut Stopwatch::start());
    if let Some(config) = sources.config()
        && let Err(refused) = check_output(root, &root.join(&config.output))
    {
        diagnostics.push(refused.diagnostic());
        diagnostics.sort();
    }
    CheckReport {
        diagnostics,
        language: sources.language(),
        records: sources.records().len(),
    }
}

/// Builds the site at `root`. On any error the previous output is left untouched.
pub fn build(root: &Path, options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let mut clock = Stopwatch::start();
    // Before anything is read: a source written after this is seen by the next build.
    let snapshot = (!options.no_cache && options.zip.is_none() && options.since.is_none())
        .then(|| Snapshot::take(root))
        .flatten();
    if let Some((output, outcome)) = snapshot
        .as_ref()
        .and_then(|s| s.unchanged(root, options.output.as_deref()))
    {
        clock.lap("compare");
        return Ok(unchanged(output, outcome, clock));
    }
    // What the last build noted is read while the sources load.
    let note = (!options.no_cache).then(|| {
        let root = root.to_path_buf();
        std::thread::spawn(move || crate::previous::Note::read(&root))
    });
    let (mut sources, cache) = if options.no_cache {
        (Sources::load(root), None)
    } else {
        let (sources, cache) = Sources::load_cached(root);
        (sources, Some(cache))
    };
    let language = sources.language();
    let fail = |diagnostics| BuildFailure {
        diagnostics,
        language,
    };
    // What changed is told against the folder written to, or the revision asked for.
    if let (Some(output), Some(_)) = (&options.output, sources.config()) {
        *sources.history_mut() = History::read(output, (!options.no_cache).then_some(root));
    }
    if let Some(revision) = &options.since {
        match crate::changes::git::procedures_at(root, revision) {
            Ok(procedures) => sources.history_mut().compare_with(procedures),
            Err(problem) => {
                let mut diagnostics = Diagnostics::default();
                diagnostics.push(
                    Diagnostic::error(
                        revision.as_str(),
                        tr!(
                            "cannot read the handbook at this revision: {}",
                            "không đọc được sổ tay ở phiên bản này: {}";
                            problem
                        ),
                    )
                    .help(tr!(
                        "give a commit, tag or branch of the handbook's git repository, e.g. `--since HEAD~1`",
                        "ghi một commit, tag hoặc nhánh của kho git chứa sổ tay, ví dụ `--since HEAD~1`"
                    )),
                );
                return Err(fail(diagnostics));
            }
        }
    }
    let output = sources.config().map(|config| {
        options
            .output
            .clone()
            .unwrap_or_else(|| root.join(&config.output))
    });
    let refused = output.as_deref().map(|output| check_output(root, output));
    // Pages and the index are taken again only from a folder this build may replace.
    let previous = match (&output, &refused, note) {
        (Some(output), Some(Ok(())), Some(note)) => {
            let note = note
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Some(PreviousBuild::of(note, root, output))
        }
        _ => None,
    };
    // Pages and data files are written beside the output as they are made, not held.
    let scratch = match (&output, &refused) {
        (Some(output), Some(Ok(()))) => Scratch::beside(output),
        _ => None,
    };
    // Whether the output can be replaced is looked at, and the spare taken and
    // listed, while the site is assembled.
    let ((assembly, mut diagnostics), looked) = std::thread::scope(|scope| {
        let looked = output
            .as_deref()
            .filter(|_| matches!(refused, Some(Ok(()))))
            .map(|output| {
                let noted = previous.as_ref().and_then(PreviousBuild::written);
                scope.spawn(move || (check_replaceable(output, noted), Spare::take(output)))
            });
        let assembled = assemble(&sources, previous.as_ref(), scratch.as_ref(), &mut clock);
        let looked = looked.map(|check| {
            check
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (assembled, looked)
    });
    // What a build with nothing to do says again: the content's warnings, not the
    // output's (a folder put back once is not put back again).
    let content_warnings = snapshot.is_some().then(|| diagnostics.clone());
    let Some(output) = output else {
        return Err(fail(diagnostics));
    };
    if let Some(Err(refused)) = refused {
        diagnostics.push(refused.diagnostic());
        return Err(fail(diagnostics));
    }
    // Even a build that stops on content errors puts back what a killed one left.
    diagnostics.extend(tidy(&output));
    let Some(assembly) = assembly else {
        diagnostics.sort();
        return Err(fail(diagnostics));
    };
    let files = assembly.files();
    // The zip is written first and put in place with the site: both or neither.
    let zip = match options
        .zip
        .as_deref()
        .map(|z| write_zip(z, &output, &files))
    {
        Some(Err(failed)) => {
            diagnostics.push(failed.diagnostic());
            return Err(fail(diagnostics));
        }
        Some(Ok(zip)) => Some(zip),
        None => None,
    };
    let verified = previous
        .as_ref()
        .map(PreviousBuild::take_verified)
        .unwrap_or_default();
    let (replaceable, spare) = looked.unwrap_or_else(|| {
        let noted = previous.as_ref().and_then(PreviousBuild::written);
        (check_replaceable(&output, noted), None)
    });
    let looked = match write_site(&output, &files, &verified, replaceable, spare) {
        Ok((warnings, looked)) => {
            diagnostics.extend(warnings);
            looked
        }
        Err(failed) => {
            if let Some(zip) = zip {
                zip.discard();
            }
            diagnostics.push(failed.diagnostic());
            return Err(fail(diagnostics));
        }
    };
    // What the write did not move in goes (a few pages the output held already).
    drop(scratch);
    if let Some(Err(failed)) = zip.map(|z| z.keep()) {
        diagnostics.push(failed.diagnostic());
        return Err(fail(diagnostics));
    }
    clock.lap("write");
    // Both notes keep what the files written look like now, as the write found them;
    // each stands alone, and they are written side by side.
    let previous_note = || {
        if previous.is_some() {
            // Only once the pages are in place: the keys describe what the output holds.
            let _ = crate::previous::save(root, assembly.keys(), &files, &looked);
            let written = |file| looked.get(crate::urls::data_file(file).as_str());
            if let (Some(published), Some(Some(catalogue))) =
                (assembly.published(), written("procedures.json"))
            {
                let _ = published.note(root, catalogue);
            }
            if let (Some(lines), Some(Some(csv)), Some(Some(cpsv))) = (
                assembly.lines_note(),
                written("procedures.csv"),
                written("cpsv-ap.jsonld"),
            ) {
                let _ = lines.note(root, csv, cpsv);
            }
        }
    };
    let snapshot_note = || {
        if let (Some(snapshot), Some(config), Some(warnings)) =
            (&snapshot, sources.config(), content_warnings)
        {
            let outcome = Outcome {
                language,
                pages: assembly.pages(),
                files: files.len(),
                warnings: warnings.into_iter().collect(),
                offline: assembly.offline().cloned(),
            };
            let _ = snapshot.note(root, &config.output, &output, &looked, outcome);
        }
    };
    rayon::join(previous_note, snapshot_note);
    clock.lap("notes");
    let report = BuildReport {
        output,
        unchanged: false,
        pages: assembly.pages(),
        reused: assembly.reused(),
        index: assembly.index_made(),
        files: files.len(),
        warnings: diagnostics,
        language,
        timings: clock.laps().to_vec(),
        offline: assembly.offline().cloned(),
        changes: assembly.fresh_changes().to_vec(),
        cache,
    };
    // Freeing a whole site (0.2 s at 10,000 records) is no part of the build:
    // the report does not wait for it, and a process about to end skips it.
    let held = (assembly, files, sources, previous);
    if options.then_exit {
        std::mem::forget(held);
    } else {
        std::thread::spawn(move || drop(held));
    }
    Ok(report)
}

/// The report of a build that found nothing changed since the last one: what that
/// one said, its warnings too, plus what putting back a killed build's leftovers says.
fn unchanged(output: PathBuf, outcome: Outcome, mut clock: Stopwatch) -> BuildReport {
    let mut warnings = Diagnostics::default();
    warnings.extend(outcome.warnings);
    warnings.extend(tidy(&output));
    clock.lap("tidy");
    BuildReport {
        unchanged: true,
        pages: outcome.pages,
        reused: outcome.pages,
        index: IndexMade::Taken,
        files: outcome.files,
        warnings,
        language: outcome.language,
        timings: clock.laps().to_vec(),
        offline: outcome.offline,
        changes: Vec::new(),
        cache: None,
        output,
    }
}
