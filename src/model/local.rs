//! The municipality's own table of local facts per procedure code (`content/local.csv`
//! or `content/local.xlsx`): the online level the province approved, the link to
//! submit online, the offices, the status and a note. The national records carry
//! none of these; the table sets them for hundreds of records at once.

use std::path::PathBuf;

use crate::model::record::{Code, OnlineLevel, StatusKind};

/// A value of the table and the column it is in (0-based), for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell<T> {
    pub value: T,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalRow {
    /// The sheet's row number, 1-based.
    pub row: usize,
    pub code: Code,
    pub online: Option<Cell<OnlineLevel>>,
    pub portal_url: Option<Cell<String>>,
    pub offices: Option<Cell<Vec<String>>>,
    pub status: Option<Cell<StatusKind>>,
    pub note: Option<Cell<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalTable {
    /// Relative to the handbook's root.
    pub file: PathBuf,
    /// The sheet's name; `None` for CSV.
    pub sheet: Option<String>,
    pub rows: Vec<LocalRow>,
}

impl LocalTable {
    /// Where a cell is, as staff find it: "content/local.csv, dòng 5, cột B".
    pub fn cell(&self, row: usize, column: usize) -> String {
        crate::import::cell_ref(self.sheet.as_deref(), Some(row), Some(column))
    }
}

/// A record's own values of the fields the table sets, kept so a new table can be
/// applied again from the record as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub online: Option<OnlineLevel>,
    pub portal_url: Option<String>,
    pub offices: Vec<String>,
    pub status: crate::model::record::Status,
}
