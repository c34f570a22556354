//! How long the dashboards take server-side on the demo data, on SQLite and PostgreSQL:
//! `cargo bench -p kfq-web --bench dashboard`. Each request goes through the whole router
//! (sign-in check, use case, rendering), without a socket; median and 90th percentile of 21
//! runs after 3 warm-up runs. Figures are recorded in BENCHMARKS.md.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use kfq_core::access::Role;
use kfq_core::Lang;
use kfq_store::testing::TestDb;
use tower::ServiceExt;

const RUNS: usize = 21;

async fn time(router: &axum::Router, uri: &str, token: &str) -> (Duration, Duration) {
    let mut times = Vec::new();
    for i in 0..RUNS + 3 {
        let request = Request::get(uri)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("a request");
        let start = Instant::now();
        let response = router.clone().oneshot(request).await.expect("an answer");
        assert!(
            response.status().is_success(),
            "{uri}: {}",
            response.status()
        );
        let _ = response.into_body().collect().await;
        if i >= 3 {
            times.push(start.elapsed());
        }
    }
    times.sort();
    (times[RUNS / 2], times[RUNS * 9 / 10])
}

async fn bench(db: TestDb, engine: &str) {
    kfq_app::demo::load(&db.db, Lang::Zh)
        .await
        .expect("the demo loads");
    let operator = kfq_app::Actor::operator("bench", Lang::Zh);
    for (name, role, region) in [
        ("bench.province", Role::Province, "140000"),
        ("bench.city", Role::City, "141100"),
    ] {
        let new = kfq_app::users::NewUser {
            username: name.into(),
            display_name: String::new(),
            role,
            region: region.into(),
            password: "Bench-2024-pass".into(),
            must_change_password: false,
        };
        kfq_app::users::add_user(&db.db, &operator, new)
            .await
            .expect("a user");
    }
    let router = kfq_web::router(kfq_web::AppState::new(db.db.clone(), Lang::Zh));
    for user in ["bench.province", "bench.city"] {
        let (token, _) = kfq_app::users::sign_in(&db.db, user, "Bench-2024-pass")
            .await
            .expect("signed in");
        for uri in [
            "/",
            "/projects",
            "/api/v1/reports/round/2024-4",
            "/api/v1/reports/funnel?from=2022-1&to=2025-4",
            "/api/v1/reports/stuck",
        ] {
            let (median, p90) = time(&router, uri, &token).await;
            println!(
                "| {engine} | {user} | `{uri}` | {:.1} ms | {:.1} ms |",
                median.as_secs_f64() * 1e3,
                p90.as_secs_f64() * 1e3
            );
        }
    }
}

#[tokio::main]
async fn main() {
    println!("| engine | user | request | median | p90 |\n|---|---|---|---:|---:|");
    bench(TestDb::sqlite().await.expect("SQLite"), "SQLite").await;
    match TestDb::postgres().await {
        Ok(db) => bench(db, "PostgreSQL").await,
        Err(e) => println!("(PostgreSQL not reachable: {e})"),
    }
}
