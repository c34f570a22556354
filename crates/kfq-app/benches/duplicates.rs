//! Duplicate detection at national scale: `cargo bench -p kfq-app --bench duplicates`.
//! Writes a synthetic ledger of 1,000,000 projects (`KFQ_BENCH_PROJECTS` to change it) with 1%
//! planted duplicates and 1% planted near misses (`kfq_app::demo::planted`), runs the
//! `duplicate_project` scan over all of it once, and prints the time, the work done and the
//! precision and recall against what was planted. Figures are recorded in BENCHMARKS.md.

use std::collections::HashSet;
use std::time::Instant;

use kfq_core::Lang;

fn main() {
    let n: usize = std::env::var("KFQ_BENCH_PROJECTS")
        .ok()
        .and_then(|v| v.replace(['_', ','], "").parse().ok())
        .unwrap_or(1_000_000);
    let start = Instant::now();
    let planted = kfq_app::demo::planted::generate(n);
    let generated = start.elapsed();
    let start = Instant::now();
    let scan = kfq_core::duplicates::suspected(&planted.candidates, Lang::Zh);
    let scanned = start.elapsed();
    let m = planted.measure(&scan.found);
    println!("projects            {}", planted.candidates.len());
    println!("generated in        {:.1} s", generated.as_secs_f64());
    println!("scanned in          {:.1} s", scanned.as_secs_f64());
    println!("pairs scored        {}", scan.compared);
    println!(
        "blocks left out     {} (over {} members)",
        scan.oversized,
        kfq_core::duplicates::MAX_BLOCK
    );
    println!("reported            {}", m.reported);
    println!("planted duplicates  {}", m.planted);
    println!("found               {}", m.found);
    println!("near misses planted {}", planted.near_misses.len());
    println!("near misses reported {}", m.near_misses_reported);
    println!("precision           {:.3}", m.precision() as f64 / 1000.0);
    println!("recall              {:.3}", m.recall() as f64 / 1000.0);
    let wrong: Vec<_> = scan
        .found
        .iter()
        .filter(|d| {
            let pair = if d.a <= d.b {
                (d.a.clone(), d.b.clone())
            } else {
                (d.b.clone(), d.a.clone())
            };
            !planted.duplicates.contains(&pair)
        })
        .take(5)
        .collect();
    for d in wrong {
        println!("  not planted: {} {} {}", d.a, d.b, d.evidence);
    }
    for (a, b) in planted
        .near_misses
        .iter()
        .filter(|p| {
            scan.found
                .iter()
                .any(|d| (&d.a, &d.b) == (&p.0, &p.1) || (&d.b, &d.a) == (&p.0, &p.1))
        })
        .take(5)
    {
        println!("  near miss reported: {a} {b}");
    }
    let found: HashSet<(String, String)> = scan
        .found
        .iter()
        .map(|d| {
            if d.a <= d.b {
                (d.a.clone(), d.b.clone())
            } else {
                (d.b.clone(), d.a.clone())
            }
        })
        .collect();
    let by_code: std::collections::HashMap<&str, &kfq_core::duplicates::Candidate> = planted
        .candidates
        .iter()
        .map(|c| (c.code.as_str(), c))
        .collect();
    for (a, b) in planted
        .duplicates
        .iter()
        .filter(|p| !found.contains(*p))
        .take(5)
    {
        let (x, y) = (by_code[a.as_str()], by_code[b.as_str()]);
        println!(
            "  missed: {} “{}” {} {:?} {} | {} “{}” {} {:?} {}",
            x.code,
            x.name,
            x.enterprise,
            x.credit_code,
            x.amount.wan_string(),
            y.code,
            y.name,
            y.enterprise,
            y.credit_code,
            y.amount.wan_string()
        );
    }
}
