//! The `sotay` command line: parses arguments and hands over to the library.

use std::io::{ErrorKind, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use sotay::assemble::IndexMade;
use sotay::diagnostics::{self, Format, Language};

#[derive(Parser)]
#[command(
    name = "sotay",
    version,
    about = "Static site generator for public-service procedure handbooks"
)]
struct Cli {
    /// The handbook's folder (where sotay.yaml is).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every record and print the problems; exits 1 if there is an error.
    Check {
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
        /// Treat incomplete records (imported stubs) as errors, for CI.
        #[arg(long)]
        strict: bool,
    },
    /// Build the handbook website into the output folder (default: public/).
    Build {
        /// Write here instead of the `output` set in sotay.yaml.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Also write the whole site as one zip (for USB sticks and intranets): it
        /// unpacks to a folder whose index.html opens from disk.
        #[arg(long)]
        zip: Option<PathBuf>,
        /// Decode every record and render every page again, without the caches in
        /// .sotay-cache/ (which is safe to delete).
        #[arg(long)]
        no_cache: bool,
    },
    /// Build the handbook, telling what changed for citizens since a git revision
    /// (a tag of the last publication, say) instead of since the last build; prints
    /// the changes and records them on the changes page and in its feed.
    Changes {
        /// A commit, tag or branch, e.g. `v2026-11` or `HEAD~3`.
        #[arg(long)]
        since: String,
        /// Write here instead of the `output` set in sotay.yaml.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Preview the handbook: build it into memory, serve it, rebuild and reload on save.
    Serve {
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but 127.0.0.1 lets other computers see drafts.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Serve under this folder, as the handbook will be hosted, e.g. /thu-tuc/.
        #[arg(long, default_value = "/")]
        base_path: String,
        /// Look for changes by polling (network drives, containers, WSL).
        #[arg(long)]
        poll: bool,
    },
    /// Create records from a spreadsheet.
    Import {
        #[command(subcommand)]
        what: Import,
    },
    /// Write a new, commented procedure record to fill in.
    New {
        /// Title of the procedure, e.g. "Đăng ký khai sinh".
        title: String,
        /// Lĩnh vực, e.g. "Hộ tịch".
        #[arg(long)]
        field: Option<String>,
        /// Procedure code, if known (e.g. "1.001193").
        #[arg(long)]
        code: Option<String>,
    },
}

#[derive(Subcommand)]
enum Import {
    /// A record stub for each procedure of the national portal's list export
    /// ("DANH SÁCH THỦ TỤC HÀNH CHÍNH", .xlsx or .csv) the handbook does not have.
    /// Existing records are never changed.
    List {
        file: PathBuf,
        /// Say what would be created, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
    Github,
}

/// A build decodes 10,000 records into millions of small values on every thread
/// and drops them again. With mimalloc a cold build at 10,000 records took 17% less
/// time than with glibc's allocator (tuned to keep freed memory: 4.1 -> 3.4 s, user
/// time 6.5 -> 5.3 s) and a one-record rebuild 7% less, for the same peak memory.
/// Transparent huge pages are left off (`no_thp`): zeroing and compacting them made
/// a rebuild take 0.7 to 1.3 s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let language = || sotay::sources::language_of(&cli.root);
    let said = run(&cli, &language);
    say(said, language())
}

/// What a command has to say, and how it ends.
struct Said {
    out: String,
    err: String,
    code: ExitCode,
}

impl Said {
    fn new(code: ExitCode) -> Said {
        Said {
            out: String::new(),
            err: String::new(),
            code,
        }
    }
}

/// Writes what was said. A reader that went away (`sotay check --format json | head -1`)
/// ends the command quietly; a stream that cannot be written (a full disk) is an error
/// and exit 1, never a panic.
fn say(said: Said, language: Language) -> ExitCode {
    let write = |mut stream: Box<dyn Write>, text: &str| {
        stream
            .write_all(text.as_bytes())
            .and_then(|()| stream.flush())
    };
    let err = write(Box::new(std::io::stderr().lock()), &said.err);
    let out = write(Box::new(std::io::stdout().lock()), &said.out);
    match (err, out) {
        (Ok(()), Ok(())) => said.code,
        (Err(e), _) | (_, Err(e)) if e.kind() == ErrorKind::BrokenPipe => said.code,
        (_, Err(e)) => {
            let message = match language {
                Language::Vi => format!("lỗi: không ghi được ra đầu ra chuẩn: {e}\n"),
                Language::En => format!("error: cannot write to standard output: {e}\n"),
            };
            let _ = std::io::stderr().write_all(message.as_bytes());
            ExitCode::FAILURE
        }
        (Err(_), _) => ExitCode::FAILURE,
    }
}

/// Every problem is a diagnostic in the handbook's language, rendered here or in the
/// library; the command only says it and ends with an exit code.
fn run(cli: &Cli, language: &dyn Fn() -> Language) -> Said {
    match &cli.command {
        Command::Check { format, strict } => {
            let report = if *strict {
                sotay::build::check_strict(&cli.root)
            } else {
                sotay::build::check(&cli.root)
            };
            let format = match format {
                OutputFormat::Human => Format::Human,
                OutputFormat::Json => Format::Json,
                OutputFormat::Github => Format::Github,
            };
            let text = diagnostics::render(&report.diagnostics, format, report.language);
            let mut said = Said::new(exit(!report.diagnostics.has_errors()));
            if format == Format::Human {
                said.err = text;
                let n = report.records;
                said.err.push_str(&match report.language {
                    Language::Vi => format!("đã kiểm tra {n} thủ tục\n"),
                    Language::En => {
                        let plural = if n == 1 { "" } else { "s" };
                        format!("checked {n} procedure{plural}\n")
                    }
                });
            } else {
                said.out = text;
            }
            said
        }
        Command::Build {
            output,
            zip,
            no_cache,
        } => build(
            &cli.root,
            sotay::build::BuildOptions {
                output: output.clone(),
                zip: zip.clone(),
                since: None,
                no_cache: *no_cache,
                then_exit: true,
            },
        ),
        Command::Changes { since, output } => build(
            &cli.root,
            sotay::build::BuildOptions {
                output: output.clone(),
                since: Some(since.clone()),
                then_exit: true,
                ..Default::default()
            },
        ),
        Command::Serve {
            port,
            bind,
            base_path,
            poll,
        } => {
            let options = sotay::preview::ServeOptions {
                bind: *bind,
                port: *port,
                base_path: base_path.clone(),
                poll: *poll,
            };
            match sotay::preview::run(&cli.root, &options) {
                Ok(()) => Said::new(ExitCode::SUCCESS),
                Err(error) => {
                    let mut said = Said::new(ExitCode::FAILURE);
                    said.err = error.report(language());
                    said
                }
            }
        }
        Command::Import {
            what: Import::List { file, dry_run },
        } => import_list(&cli.root, file, *dry_run, language()),
        Command::New { title, field, code } => {
            match sotay::scaffold::new_record(&cli.root, title, field.as_deref(), code.as_deref()) {
                Ok(path) => {
                    let mut said = Said::new(ExitCode::SUCCESS);
                    said.out = match language() {
                        Language::Vi => format!("đã tạo {}\n", path.display()),
                        Language::En => format!("created {}\n", path.display()),
                    };
                    said
                }
                Err(error) => {
                    let mut problems = diagnostics::Diagnostics::default();
                    problems.push(error.diagnostic());
                    let mut said = Said::new(ExitCode::FAILURE);
                    said.err = diagnostics::render(&problems, Format::Human, language());
                    said
                }
            }
        }
    }
}

/// What `sotay import list` created, found and skipped, in the handbook's language.
fn import_list(
    root: &std::path::Path,
    file: &std::path::Path,
    dry_run: bool,
    language: Language,
) -> Said {
    let report = match sotay::import::import_list(root, file, dry_run) {
        Ok(report) => report,
        Err(problems) => {
            let mut said = Said::new(ExitCode::FAILURE);
            said.err = diagnostics::render(&problems, Format::Human, language);
            said.err.push_str(match language {
                Language::Vi => "lỗi: chưa nhập gì cả\n",
                Language::En => "error: nothing was imported\n",
            });
            return said;
        }
    };
    let mut said = Said::new(ExitCode::SUCCESS);
    if report.warnings.warnings() > 0 {
        said.err = diagnostics::render(&report.warnings, Format::Human, language);
    }
    let vi = language == Language::Vi;
    let (created, existing, absent) = (
        report.created.len(),
        report.existing.len(),
        report.not_in_list.len(),
    );
    let mut out = String::new();
    for (path, listed) in &report.created {
        let verb = match (vi, dry_run) {
            (true, true) => "sẽ tạo",
            (true, false) => "đã tạo",
            (false, true) => "would create",
            (false, false) => "created",
        };
        out.push_str(&format!(
            "{verb} {} ({} {})\n",
            path.display(),
            listed.code,
            listed.title
        ));
    }
    for (path, listed) in &report.existing {
        let verb = if vi {
            "đã có, giữ nguyên"
        } else {
            "already there, left as it is"
        };
        out.push_str(&format!("{verb}: {} ({})\n", path.display(), listed.code));
    }
    for (path, code) in &report.not_in_list {
        out.push_str(&if vi {
            format!(
                "không có trong danh sách: {} ({code}) — đã bãi bỏ, hay thuộc danh sách khác?\n",
                path.display()
            )
        } else {
            format!(
                "not in the list: {} ({code}) — repealed, or from another list?\n",
                path.display()
            )
        });
    }
    out.push_str(&match (vi, dry_run) {
        (true, true) => format!("thử (--dry-run): sẽ tạo {created} hồ sơ chưa đủ thông tin; {existing} thủ tục đã có hồ sơ; {absent} hồ sơ không có trong danh sách; chưa ghi gì cả\n"),
        (true, false) => format!("đã tạo {created} hồ sơ chưa đủ thông tin (incomplete: true); {existing} thủ tục đã có hồ sơ, giữ nguyên; {absent} hồ sơ không có trong danh sách\n"),
        (false, true) => format!("dry run: would create {created} incomplete records; {existing} procedures already have a record; {absent} records are not in the list; nothing was written\n"),
        (false, false) => format!("created {created} incomplete records (incomplete: true); {existing} procedures already have a record, left as they are; {absent} records are not in the list\n"),
    });
    said.out = out;
    said
}

fn exit(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// What the offline copy costs each visitor, and what storing it all adds.
fn offline_line(offline: &sotay::assemble::OfflineReport, language: Language) -> String {
    use sotay::assemble::megabytes;
    let first = megabytes(offline.precache_bytes);
    let budget = megabytes(offline.budget);
    let all = megabytes(offline.all_bytes);
    let (n, m) = (offline.precache_files, offline.all_files);
    match language {
        Language::Vi => format!(
            "ngoại tuyến: lần xem đầu lưu {first} đã nén ({n} tệp; ngân sách {budget}); lưu cả sổ tay thêm khoảng {all} ({m} tệp)\n"
        ),
        Language::En => format!(
            "offline: the first visit stores {first} gzipped ({n} files; budget {budget}); storing the whole handbook adds about {all} ({m} files)\n"
        ),
    }
}

/// What a build made and took from the last one, how long each stage took, and where
/// it wrote.
fn built_line(report: &sotay::build::BuildReport) -> String {
    let total: f64 = report.timings.iter().map(|(_, d)| d.as_secs_f64()).sum();
    let stages: Vec<String> = report
        .timings
        .iter()
        .map(|(name, d)| format!("{name} {:.0} ms", d.as_secs_f64() * 1e3))
        .collect();
    let stages = stages.join(", ");
    let (pages, files, reused) = (report.pages, report.files, report.reused);
    let output = report.output.display();
    let kept = match report.index {
        _ if report.unchanged => sotay::tr!(
            "nothing changed since the last build: all as last time",
            "không có gì thay đổi từ lần build trước: giữ nguyên tất cả"
        ),
        IndexMade::Taken => sotay::tr!(
            "{reused} as last time with the search index",
            "{reused} trang giữ như lần trước, cả chỉ mục tìm kiếm"
        ),
        IndexMade::Updated => sotay::tr!(
            "{reused} as last time, search index updated",
            "{reused} trang giữ như lần trước, chỉ mục tìm kiếm được cập nhật"
        ),
        IndexMade::Whole => sotay::tr!("{reused} as last time", "{reused} trang giữ như lần trước"),
    };
    let line = sotay::tr!(
        "built {pages} pages ({}, {files} files) in {total:.2} s [{stages}] into {output}\n",
        "đã build {pages} trang ({}, {files} tệp) trong {total:.2} s [{stages}] vào {output}\n";
        kept
    );
    line.get(report.language).to_string()
}

/// How many procedures changed for citizens, and where that is told.
fn changes_line(count: usize, language: Language) -> String {
    match language {
        Language::Vi if count == 0 => "thay đổi: không có thay đổi nào với người dân\n".into(),
        Language::Vi => {
            format!("thay đổi: {count} thủ tục, ghi ở thay-doi/ và thay-doi/atom.xml\n")
        }
        Language::En if count == 0 => "changes: nothing changed for citizens\n".into(),
        Language::En => {
            format!("changes: {count} procedures, told in thay-doi/ and thay-doi/atom.xml\n")
        }
    }
}

/// Each change on its lines, as the changes page words it.
fn changes_list(changes: &[sotay::changes::Entry], language: Language) -> String {
    let mut out = String::new();
    for entry in changes {
        let kind = match (language, entry.kind.as_str()) {
            (Language::Vi, "new") => "thủ tục mới",
            (Language::Vi, "removed") => "không còn trong sổ tay",
            (Language::Vi, _) => "thay đổi",
            (Language::En, "new") => "new procedure",
            (Language::En, "removed") => "no longer in the handbook",
            (Language::En, _) => "changed",
        };
        out.push_str(&format!("{} ({}): {kind}\n", entry.title, entry.code));
        if let Some(note) = &entry.note {
            out.push_str(&format!("  {note}\n"));
        }
        for item in &entry.items {
            out.push_str(&format!("  - {item}\n"));
        }
    }
    out
}

fn build(root: &std::path::Path, options: sotay::build::BuildOptions) -> Said {
    let listed = options.since.is_some();
    match sotay::build::build(root, &options) {
        Ok(report) => {
            let mut said = Said::new(ExitCode::SUCCESS);
            if report.warnings.warnings() > 0 {
                // `sotay check` is where every warning is listed.
                said.err = diagnostics::render_brief(&report.warnings, report.language, 3);
            }
            said.err.push_str(&built_line(&report));
            if let Some(offline) = &report.offline {
                said.err.push_str(&offline_line(offline, report.language));
            }
            said.err
                .push_str(&changes_line(report.changes.len(), report.language));
            if listed {
                said.out
                    .push_str(&changes_list(&report.changes, report.language));
            }
            if let Some(zip) = &options.zip {
                let size = std::fs::metadata(zip).map_or(0, |m| m.len()) as f64 / 1e6;
                let zip = zip.display();
                said.err.push_str(&match report.language {
                    Language::Vi => format!("đã ghi {zip} ({size:.1} MB)\n"),
                    Language::En => format!("wrote {zip} ({size:.1} MB)\n"),
                });
            }
            said
        }
        Err(failure) => {
            let language = failure.language;
            let mut said = Said::new(ExitCode::FAILURE);
            said.err = diagnostics::render(&failure.diagnostics, Format::Human, language);
            said.err.push_str(match language {
                Language::Vi => "lỗi: build dừng ở các lỗi trên; chưa ghi gì cả\n",
                Language::En => {
                    "error: the build stopped at the errors above; nothing was written\n"
                }
            });
            said
        }
    }
}
