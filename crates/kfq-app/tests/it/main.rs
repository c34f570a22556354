//! kfq-app's integration tests: one binary; each story runs on SQLite and on PostgreSQL.
//!
//! PostgreSQL is the server named by `KFQ_TEST_POSTGRES` (default
//! `postgres://root@127.0.0.1:5432/test`); when it cannot be reached the tests fail rather than
//! skip, so CI always covers both engines.

mod audit;
mod disk_full;
mod frozen;
mod helpers;
mod import;
mod messy;

mod queries;
mod read_model;
mod reports;
mod round_trip;
mod store;
