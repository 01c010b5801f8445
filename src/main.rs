//! The `sotay` command line: parses arguments and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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
    },
    /// Build the handbook website into the output folder (default: public/).
    Build {
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

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
    Github,
}

fn main() -> ExitCode {
    run(Cli::parse())
}

/// Every problem is printed as a diagnostic in the handbook's language, here or in
/// the library; what comes back is only the exit code.
fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check { format } => {
            let report = sotay::build::check(&cli.root);
            let format = match format {
                OutputFormat::Human => Format::Human,
                OutputFormat::Json => Format::Json,
                OutputFormat::Github => Format::Github,
            };
            let text = diagnostics::render(&report.diagnostics, format, report.language);
            if format == Format::Human {
                eprint!("{text}");
                let n = report.records;
                match report.language {
                    Language::Vi => eprintln!("đã kiểm tra {n} thủ tục"),
                    Language::En => {
                        let plural = if n == 1 { "" } else { "s" };
                        eprintln!("checked {n} procedure{plural}");
                    }
                }
            } else {
                print!("{text}");
            }
            exit(!report.diagnostics.has_errors())
        }
        Command::Build { output } => build(&cli.root, output),
        Command::Serve {
            port,
            bind,
            base_path,
            poll,
        } => {
            let options = sotay::preview::ServeOptions {
                bind,
                port,
                base_path,
                poll,
            };
            match sotay::preview::run(&cli.root, &options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    let language = sotay::sources::language_of(&cli.root);
                    eprint!("{}", error.report(language));
                    ExitCode::FAILURE
                }
            }
        }
        Command::New { title, field, code } => {
            match sotay::scaffold::new_record(&cli.root, &title, field.as_deref(), code.as_deref())
            {
                Ok(path) => {
                    println!("created {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    let language = sotay::sources::language_of(&cli.root);
                    let mut problems = diagnostics::Diagnostics::default();
                    problems.push(error.diagnostic());
                    eprint!(
                        "{}",
                        diagnostics::render(&problems, Format::Human, language)
                    );
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn exit(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn build(root: &std::path::Path, output: Option<PathBuf>) -> ExitCode {
    let options = sotay::build::BuildOptions { output };
    match sotay::build::build(root, &options) {
        Ok(report) => {
            if report.warnings.warnings() > 0 {
                eprint!(
                    "{}",
                    diagnostics::render(&report.warnings, Format::Human, report.language)
                );
            }
            let total: f64 = report.timings.iter().map(|(_, d)| d.as_secs_f64()).sum();
            let stages: Vec<String> = report
                .timings
                .iter()
                .map(|(name, d)| format!("{name} {:.0} ms", d.as_secs_f64() * 1e3))
                .collect();
            eprintln!(
                "built {} pages ({} files) in {:.2} s [{}] into {}",
                report.pages,
                report.files,
                total,
                stages.join(", "),
                report.output.display()
            );
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let language = failure.language;
            eprint!(
                "{}",
                diagnostics::render(&failure.diagnostics, Format::Human, language)
            );
            match language {
                Language::Vi => eprintln!("lỗi: nội dung có lỗi; chưa ghi gì cả"),
                Language::En => eprintln!("error: the content has errors; nothing was written"),
            }
            ExitCode::FAILURE
        }
    }
}
