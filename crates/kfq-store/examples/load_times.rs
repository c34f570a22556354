//! How long each table of the snapshot takes to load: `cargo run --release -p kfq-store
//! --example load_times -- sqlite:///path.db` (what dominates a cold start).

use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("give a database URL")?;
    let db = kfq_store::Db::open(&kfq_store::DbUrl::parse(&url)?).await?;
    let t = Instant::now();
    let n = kfq_store::load_projects(&db).await?.len();
    println!(
        "projects   {n:>10} rows  {:>8.2} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let n = kfq_store::load_entries(&db, None).await?.len();
    println!(
        "entries    {n:>10} rows  {:>8.2} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let n = kfq_store::load_blockers(&db).await?.len();
    println!(
        "blockers   {n:>10} rows  {:>8.2} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let n = kfq_store::load_monthly_reports(&db).await?.len();
    println!(
        "monthly    {n:>10} rows  {:>8.2} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
