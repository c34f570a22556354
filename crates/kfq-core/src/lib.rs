//! kfq's domain core: the concepts of development-zone project work, their rules and reports.
//!
//! Invariants: no I/O, no SQL, no HTTP; every constructor of a value that comes from a user
//! checks it; money is exact.

pub mod access;
pub mod activity;
pub mod assessment;
pub mod assignment;
pub mod audit;
pub mod blocker;
pub mod checks;
pub mod chemical;
pub mod coded;
pub mod commitment;
pub mod delegation;
pub mod duplicates;
pub mod enterprise;
pub mod land;
pub mod lang;
pub mod lead;
pub mod meeting;
pub mod money;
pub mod monthly;
pub mod monthly_return;
pub mod procedure;
pub mod project;
pub mod rates;
pub mod region;
pub mod registration;
pub mod reminder;
pub mod report;
pub mod rng;
pub mod round;
pub mod scope;
pub mod stage;
pub mod totp;
pub mod zone;

pub use lang::{Lang, Localized};
pub use money::Amount;
