//! kfq's ledger files (台账): the canonical template, reading workbooks and CSV into typed
//! records with every fault located to its file, sheet, row and column, and writing them back.
//!
//! Invariants: no database and no network; a record exists only if every cell of its row
//! parsed; the template's sheets and headers are defined once, in `template.rs`.

pub mod books;
pub mod cell;
pub mod chart;
pub mod compound;
pub mod docx;
pub mod error;
pub mod oc4ids;
pub mod records;
pub mod template;
pub mod understand;
pub mod workbook;

pub use books::{Book, BookRow, BookSheet};
pub use cell::Cell;
pub use error::{LedgerError, Place, Problem};
pub use records::Ledger;
pub use template::{ColumnKind, Table};
pub use workbook::Sheet;
