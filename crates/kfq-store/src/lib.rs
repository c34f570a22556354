//! kfq's storage: one set of repository functions over SQLite (the embedded default) and
//! PostgreSQL (shared deployments). The only crate that knows SQL.
//!
//! Every query is written once in the SQL both engines speak (`$1` placeholders, first used in
//! ascending order, which SQLite binds by position too); the `on_db!`/`on_tx!` macros expand
//! it once per engine. Money is integer 元, months are `yyyymm` integers, dates are dates.

mod activities;
mod assignments;
mod backup;
mod bulk;
mod chemical;
mod db;
mod delegation;
mod dismissals;
mod land;
mod leads;
mod meetings;
mod migrate;
mod notifications;
pub mod plain;
mod procedures;
mod read;
mod read_model;
mod registrations;
mod returns;
pub mod sealed;
mod settings;
mod snapshot;
mod targets;
pub mod testing;
mod users;
mod write;

pub use activities::*;
pub use assignments::*;
pub use backup::{backup_to, integrity_check, restore_from};
pub use bulk::Value;
pub use chemical::*;
pub use db::{Backend, Db, DbUrl, FileProblem, StoreError, Tx};
pub use delegation::*;
pub use dismissals::*;
pub use land::*;
pub use leads::*;
pub use meetings::*;
pub use notifications::*;
pub use procedures::*;
pub use read::*;
pub use read_model::ReadModel;
pub use registrations::*;
pub use returns::*;
pub use settings::{set_settings, settings};
pub use snapshot::{blockers, enterprises, entries, projects, rounds, zones, Derived, Snapshot};
pub use targets::*;
pub use users::*;
pub use write::*;
