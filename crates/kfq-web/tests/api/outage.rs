//! PostgreSQL restarting while kfq runs: requests fail cleanly with 503 while the database
//! cannot be reached, and succeed again afterwards without restarting kfq. The outage is a
//! TCP proxy between kfq and the server that drops every connection and refuses new ones.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::json;

use crate::App;

/// A proxy to the PostgreSQL server that can be cut and restored.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl Proxy {
    async fn start(to: String) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let (cut, _) = tokio::sync::watch::channel(0u64);
        let (accepting, cuts) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    drop(client); // the server is "down": the connection closes at once
                    continue;
                }
                let mut cut = cuts.subscribe();
                let to = to.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(to).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Proxy { port, up, cut }
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    fn back(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn while_postgresql_is_down_requests_answer_503_and_afterwards_they_succeed_again() {
    let App { db: owner, .. } = App::both().await.remove(1);
    let kfq_store::DbUrl::Postgres(url) = &owner.url else {
        unreachable!("the second engine is PostgreSQL");
    };
    let (server_and_user, database) = url.rsplit_once('/').unwrap();
    let host = server_and_user.rsplit('@').next().unwrap().to_string();
    let proxy = Proxy::start(host.clone()).await;
    let through = format!(
        "{}@127.0.0.1:{}/{database}",
        server_and_user.rsplit_once('@').unwrap().0,
        proxy.port
    );
    let db = kfq_store::Db::open(&kfq_store::DbUrl::Postgres(through))
        .await
        .unwrap();
    let app = App {
        router: kfq_web::router(kfq_web::AppState::new(db, kfq_core::Lang::Zh)),
        db: owner,
    };
    let token = app.sign_in("lvliang").await;
    let id = app.project_id("LL-1").await;
    let (status, _) = app
        .call("GET", "/api/v1/projects", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);

    proxy.down();
    let started = std::time::Instant::now();
    let (status, body) = app
        .call("GET", "/api/v1/projects", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("数据库暂时无法连接"),
        "{body}"
    );
    let patch = json!({"version": 1, "chain": "停机时的修改"});
    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/v1/projects/{id}"),
            Some(&token),
            Some(patch.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let (status, _, _) = app.call_raw("GET", "/projects", Some(&token), None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    eprintln!(
        "outage: three requests answered 503 in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    proxy.back();
    let (status, _) = app
        .call("GET", "/api/v1/projects", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "kfq reconnects by itself");
    let (status, project) = app
        .call(
            "PATCH",
            &format!("/api/v1/projects/{id}"),
            Some(&token),
            Some(patch),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{project}");
    assert_eq!(project["chain"], "停机时的修改");
    assert_eq!(
        project["version"], 2,
        "the refused edit during the outage changed nothing"
    );
}
