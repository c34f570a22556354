//! Nothing acknowledged is lost: clients create projects through the API while the server is
//! killed (`SIGKILL`, no chance to flush anything) and restarted, again and again. Afterwards
//! every project the server answered 201 for is in the database, and every project there is
//! whole: written with its audit entry in one transaction, the audit chain unbroken.
//! Run with `--nocapture` to see the figures.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WRITERS: usize = 4;
const CRASHES: usize = 6;

fn kfq(db: &Path, args: &[&str], input: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kfq"))
        .args(args)
        .env("KFQ_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env_remove("KFQ_LANG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kfq runs");
    if let Some(text) = input {
        let _ = child.stdin.take().map(|mut s| s.write_all(text.as_bytes()));
    }
    let out = child.wait_with_output().expect("kfq ends");
    assert!(
        out.status.success(),
        "kfq {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts the server and returns it with its address.
fn serve(db: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kfq"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("KFQ_DATABASE_URL", format!("sqlite://{}", db.display()))
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut stderr = child.stderr.take().expect("stderr");
    let mut seen = String::new();
    let mut buf = [0u8; 256];
    let addr = loop {
        let n = stderr.read(&mut buf).expect("the server speaks");
        assert!(n > 0, "the server printed its address: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        if let Some(rest) = seen.split("http://").nth(1).filter(|r| r.contains('/')) {
            break rest.split('/').next().unwrap_or_default().to_string();
        }
    };
    (child, addr)
}

/// One request; None when the connection failed or broke (the server died meanwhile).
fn http(
    addr: &str,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = std::net::TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(token) = auth {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    request.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.get(9..12)?.parse().ok()?;
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    Some((status, body))
}

#[test]
fn every_acknowledged_write_survives_the_server_being_killed() {
    let dir = tempfile::tempdir().expect("a folder");
    let db = dir.path().join("kfq.db");
    let zones = dir.path().join("开发区.csv");
    std::fs::write(
        &zones,
        "开发区名称,所属市,级别\n吕梁经济技术开发区,141100,省级\n",
    )
    .expect("a ledger");
    kfq(&db, &["import", zones.to_str().unwrap_or_default()], None);
    kfq(
        &db,
        &[
            "user",
            "add",
            "--username",
            "crash",
            "--role",
            "city",
            "--region",
            "141100",
            "--password-stdin",
        ],
        Some("Crash-test-2024\n"),
    );
    let token = kfq(&db, &["token", "create", "--username", "crash"], None)
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_string();

    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut tried = 0usize;
    for crash in 0..CRASHES {
        let (mut server, addr) = serve(&db);
        let alive = Arc::new(AtomicBool::new(true));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (addr, token, alive, acknowledged) =
                    (addr.clone(), token.clone(), alive.clone(), acknowledged.clone());
                std::thread::spawn(move || {
                    let mut n = 0;
                    while alive.load(Ordering::Relaxed) {
                        n += 1;
                        let name = format!("崩溃测试-{crash}-{w}-{n}");
                        let body = format!(
                            r#"{{"zone":"吕梁经济技术开发区","name":"{name}","category":"industrial","total_investment_wan":"100"}}"#
                        );
                        match http(&addr, "POST", "/api/v1/projects", Some(&token), &body) {
                            Some((201, _)) => acknowledged.lock().map(|mut a| a.push(name)).unwrap_or(()),
                            Some((status, answer)) => panic!("{status}: {answer}"),
                            None => break,
                        }
                    }
                    n
                })
            })
            .collect();
        // Let them write for a while, different each time, then pull the plug.
        std::thread::sleep(Duration::from_millis(700 + 230 * crash as u64));
        server.kill().expect("SIGKILL");
        let _ = server.wait();
        alive.store(false, Ordering::Relaxed);
        for w in writers {
            tried += w.join().expect("a writer");
        }
    }

    let export = dir.path().join("after.json");
    kfq(
        &db,
        &[
            "export",
            "--format",
            "json",
            "-o",
            export.to_str().unwrap_or_default(),
        ],
        None,
    );
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&export).expect("the export")).expect("JSON");
    let stored: std::collections::HashSet<String> = data["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .filter_map(|p| {
            p["项目名称"]
                .as_str()
                .or(p["name"].as_str())
                .map(str::to_string)
        })
        .collect();
    let acknowledged = acknowledged.lock().expect("the list").clone();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|n| !stored.contains(*n))
        .collect();
    eprintln!(
        "crash test: {CRASHES} kills, {tried} writes tried, {} acknowledged, {} stored, {} lost",
        acknowledged.len(),
        stored.len(),
        lost.len()
    );
    assert!(acknowledged.len() > 50, "the writers got writes through");
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    // Whole: every stored project came with its audit entry, and the chain holds.
    let verified = kfq(&db, &["--lang", "en", "audit", "verify"], None);
    assert!(verified.contains("whole"), "{verified}");
    let trail = kfq(
        &db,
        &["audit", "--limit", "10000", "--format", "json"],
        None,
    );
    let trail: serde_json::Value = serde_json::from_str(&trail).expect("JSON");
    let created = trail["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["object_type"] == "project" && e["action"] == "create")
        .count();
    assert_eq!(created, stored.len(), "one audit entry per stored project");
}
