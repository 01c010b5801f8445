//! Open data: the catalogue as files other agencies, journalists and tools can read
//! (`data/procedures.json` with its schema, `data/procedures.csv`) and one JSON file
//! beside each procedure page. Built from the same list lines as the pages, so a fee
//! or a time reads the same everywhere.

mod cpsv;
mod record;
mod written;

use std::borrow::{Borrow, Cow};
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

pub use record::{
    DataChannel, DataDocument, DataForm, DataLaw, DataOffice, DataRecord, DataResult, FORMAT,
    fee_range, number, of,
};
pub use written::{LinesNote, Written, key as lines_key};

use crate::assemble::OutputFile;
use crate::model::site::Site;
use crate::theme::strings::Strings;
use crate::urls;

/// The JSON Schema of both kinds of data file.
pub const SCHEMA: &str = include_str!("schema.json");

#[derive(Serialize)]
struct Head<'a> {
    format: u32,
    title: &'a str,
    publisher: &'a str,
    count: usize,
}

/// The JSON file beside a procedure's page, from the record's JSON.
pub fn procedure_file(slug: &str, record: &[u8]) -> OutputFile {
    let mut bytes = beside_head().into_bytes();
    bytes.extend_from_slice(record);
    bytes.extend_from_slice(BESIDE_TAIL);
    OutputFile {
        path: urls::procedure_data(slug),
        bytes,
    }
}

fn beside_head() -> String {
    format!("{{\"format\":{FORMAT},\"procedure\":")
}

const BESIDE_TAIL: &[u8] = b"}\n";

/// The record's JSON in a [`procedure_file`].
pub fn record_in(file: &[u8]) -> Option<&[u8]> {
    file.strip_prefix(beside_head().as_bytes())?
        .strip_suffix(BESIDE_TAIL)
}

/// A record's rows in the catalogue's CSV and JSON-LD files: the preview keeps
/// them, and makes those of the edited records only; a build takes the others'
/// from the files the last one wrote ([`Written`]).
#[derive(PartialEq)]
pub struct Lines<'a> {
    csv: Cow<'a, [u8]>,
    cpsv: Cow<'a, [u8]>,
}

pub fn lines(strings: &Strings, data: &DataRecord, publisher: &str) -> Lines<'static> {
    Lines {
        csv: csv_row(strings, data).into(),
        cpsv: cpsv::service_bytes(data, publisher).into(),
    }
}

/// A file as the pieces it is made of, in order. A build hashes and writes the
/// pieces one after another: joined, the catalogue of 10,000 records was 100 MB
/// more to copy and to hold while the pages render.
pub struct Pieces<'a> {
    pub path: String,
    pub parts: Vec<Cow<'a, [u8]>>,
}

impl<'a> Pieces<'a> {
    /// The pieces of a file from `head`, each of `items` with a comma between, and
    /// `tail`: a JSON array's way.
    fn list(
        path: String,
        head: Vec<u8>,
        items: impl Iterator<Item = &'a [u8]>,
        tail: &'static [u8],
    ) -> Pieces<'a> {
        let mut parts = vec![Cow::Owned(head)];
        for (i, item) in items.enumerate() {
            if i > 0 {
                parts.push(Cow::Borrowed(b",".as_slice()));
            }
            parts.push(Cow::Borrowed(item));
        }
        parts.push(Cow::Borrowed(tail));
        Pieces { path, parts }
    }

    /// How many bytes the file has.
    pub fn size(&self) -> usize {
        self.parts.iter().map(|p| p.len()).sum()
    }

    /// The file in one piece, to hold in memory.
    pub fn joined(self) -> OutputFile {
        let mut bytes = Vec::with_capacity(self.size());
        for part in &self.parts {
            bytes.extend_from_slice(part);
        }
        OutputFile {
            path: self.path,
            bytes,
        }
    }
}

/// `data/schema.json`, `data/procedures.csv` and `data/cpsv-ap.jsonld` (the
/// catalogue but its JSON, [`procedures_json`]), records in the order of `hashes` (by
/// file, as the site's records are), which holds the hash of each record's JSON
/// ([`crate::changes::hash`]). A record's lines are taken from `written` when it
/// holds those of its JSON, else made from its open data (`data` gives the record's
/// at each place). Each file is handed to `put` as it is made; with the files,
/// where each record's lines are in the CSV and in the JSON-LD.
pub fn catalogue_files<T>(
    site: &Site,
    strings: &Strings,
    data: impl Fn(usize) -> Arc<DataRecord> + Sync,
    hashes: &[u128],
    written: Option<&Written>,
    put: impl Fn(Pieces) -> T + Send + Sync,
) -> (Vec<T>, [Vec<Range<usize>>; 2])
where
    T: Send,
{
    let publisher = &site.config.organisation.name;
    let lines: Vec<Lines> = hashes
        .par_iter()
        .enumerate()
        .map(|(at, hash)| {
            written
                .and_then(|written| written.lines(*hash))
                .unwrap_or_else(|| lines(strings, &data(at), publisher))
        })
        .collect();
    let [csv, cpsv] = lines_files(&lines);
    // Each file's first part is its head.
    let at = [
        places(csv.parts[0].len(), lines.iter().map(|l| l.csv.len()), 0),
        places(cpsv.parts[0].len(), lines.iter().map(|l| l.cpsv.len()), 1),
    ];
    // Each file is hashed and written on its own thread: the JSON-LD is 40 MB at
    // 10,000 records.
    let files = vec![schema_file(), csv, cpsv]
        .into_par_iter()
        .map(put)
        .collect();
    (files, at)
}

/// Where each of the items `lens` long is in a file of a head `head` long, then
/// the items with `between` bytes between each two.
fn places(head: usize, lens: impl Iterator<Item = usize>, between: usize) -> Vec<Range<usize>> {
    let mut at = head;
    lens.map(|len| {
        let range = at..at + len;
        at = range.end + between;
        range
    })
    .collect()
}

/// The key of what each record's open data is made from: what it reads of the site
/// (the configuration, with the address the site is published at, and the offices)
/// and `own`, the hash of the record and its list line, one per record
/// ([`crate::search::Inputs::each`]). The same key, the same JSON. None when the
/// site cannot be hashed.
pub fn keys(site: &Site, own: &[u128]) -> Option<Vec<u128>> {
    let site = crate::digest::digest(&(site.config, site.offices))?;
    let key = |own: &u128| {
        let mut both = [0; 32];
        both[..16].copy_from_slice(&site.to_le_bytes());
        both[16..].copy_from_slice(&own.to_le_bytes());
        xxhash_rust::xxh3::xxh3_128(&both)
    };
    Some(own.iter().map(key).collect())
}

/// `data/procedures.json`, from each record's JSON.
pub fn procedures_json<'a>(site: &Site, serialised: &'a [impl AsRef<[u8]>]) -> Pieces<'a> {
    Pieces::list(
        urls::data_file("procedures.json"),
        procedures_head(site, serialised.len()),
        serialised.iter().map(AsRef::as_ref),
        b"]}\n",
    )
}

/// Where each record's JSON is in the [`procedures_json`] made of `serialised`.
pub fn procedures_at(site: &Site, serialised: &[impl AsRef<[u8]>]) -> Vec<Range<usize>> {
    let head = procedures_head(site, serialised.len()).len();
    places(head, serialised.iter().map(|r| r.as_ref().len()), 1)
}

/// The catalogue up to its first procedure.
fn procedures_head(site: &Site, count: usize) -> Vec<u8> {
    let head = Head {
        format: FORMAT,
        title: &site.config.title,
        publisher: &site.config.organisation.name,
        count,
    };
    let mut catalogue = json(&head);
    catalogue.truncate(catalogue.len() - 2); // the closing brace and newline
    catalogue.extend_from_slice(b",\"procedures\":[");
    catalogue
}

fn schema_file() -> Pieces<'static> {
    Pieces {
        path: urls::data_file("schema.json"),
        parts: vec![Cow::Borrowed(SCHEMA.as_bytes())],
    }
}

/// `data/procedures.csv` and `data/cpsv-ap.jsonld`, from each record's [`Lines`].
pub fn lines_files<'a, 'l: 'a>(lines: &'a [impl Borrow<Lines<'l>>]) -> [Pieces<'a>; 2] {
    // UTF-8 with a byte order mark: without it Excel reads the file in the
    // machine's code page and mangles every diacritic.
    let mut head = b"\xEF\xBB\xBF".to_vec();
    head.extend(csv_line(CSV_HEADER));
    let mut csv = vec![Cow::Owned(head)];
    csv.extend(lines.iter().map(|l| Cow::Borrowed(&*l.borrow().csv)));
    [
        Pieces {
            path: urls::data_file("procedures.csv"),
            parts: csv,
        },
        Pieces::list(
            urls::data_file("cpsv-ap.jsonld"),
            cpsv::catalogue_head(),
            lines.iter().map(|l| &*l.borrow().cpsv),
            cpsv::CATALOGUE_TAIL,
        ),
    ]
}

fn json(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).expect("data records serialise");
    bytes.push(b'\n');
    bytes
}

/// The CSV columns, as a spreadsheet shows them.
pub const CSV_HEADER: [&str; 12] = [
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Cơ quan thực hiện",
    "Mức độ trực tuyến",
    "Phí, lệ phí",
    "Thời hạn giải quyết",
    "Phí thấp nhất",
    "Phí cao nhất",
    "Đơn vị tiền",
    "Địa chỉ trang",
];

/// One procedure's CSV row.
fn csv_row(strings: &Strings, d: &DataRecord) -> Vec<u8> {
    let levels: Vec<String> = d
        .levels
        .iter()
        .map(|l| strings.get(&format!("level.{l}")).to_string())
        .collect();
    let amount = |a: Option<f64>| a.map(|a| a.to_string()).unwrap_or_default();
    csv_line([
        d.code.as_str(),
        &d.title,
        &d.field,
        &levels.join("; "),
        d.agency.as_deref().unwrap_or(""),
        strings.get(&format!("online.{}", d.online_level)),
        &d.fee_shown,
        &d.time_shown,
        &amount(d.fee_min),
        &amount(d.fee_max),
        d.fee_currency.as_deref().unwrap_or(""),
        &d.url,
    ])
}

fn csv_line(fields: [&str; 12]) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(fields).expect("writes to memory");
    writer.into_inner().expect("writes to memory")
}
