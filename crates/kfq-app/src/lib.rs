//! kfq's use cases, shared by the command line and the web server: importing and exporting
//! ledgers, the reports, and the demo data set.
//!
//! Invariants: no business rule lives here that the domain core could hold; every change is
//! written in one transaction together with its audit events.

pub mod activities;
pub mod actor;
pub mod assessment;
pub mod assignments;
pub mod audit;
pub mod bench;
pub mod blockers;
pub mod books;
pub mod bulletins;
pub mod checks;
pub mod chemical;
pub mod delegation;
pub mod demo;
pub mod error;
pub mod export;
pub mod frozen;
pub mod gen;
pub mod import;
pub mod land;
pub mod leads;
pub mod meetings;
pub mod monthly;
pub mod oc4ids;
pub mod pdf;
pub mod policy;
pub mod preview;
pub mod procedures;
pub mod projects;
pub mod reading;
pub mod registration;
pub mod reminders;
pub mod render;
pub mod reports;
pub mod rounds;
pub mod staged;
pub mod users;

pub use actor::Actor;
pub use error::{AppError, Expected};
pub use kfq_core::scope::Scope;
