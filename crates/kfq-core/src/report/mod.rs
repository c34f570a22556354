//! 报表 — the reports officials compile each quarter, computed from plain facts.
//!
//! Each report is a value computed once; the CLI, the web and the exports only render it.

pub mod bulletin;
pub mod funnel;
pub mod round_summary;
pub mod stuck;
