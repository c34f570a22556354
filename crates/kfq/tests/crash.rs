//! Nothing acknowledged is lost: clients create projects through the API while the server is
//! killed (`SIGKILL`, no chance to flush anything) and restarted, again and again. Afterwards
//! every project the server answered 201 for is in the database, and every project there is
//! whole: written with its audit entry in one transaction, the audit chain unbroken.
//! Run with `--nocapture` to see the figures. A backup taken while they write is consistent and
//! restores to a database identical to the source.

use std::path::Path;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod support;
use support::{http, kfq, serve_with};

/// Starts the server for the load: every client comes from one address, whose limit is not
/// under test here.
fn serve(db: &Path) -> (Child, String) {
    serve_with(db, &[("KFQ_RATE_API", "0")])
}

const WRITERS: usize = 4;
const CRASHES: usize = 6;

/// A fresh database with one zone and a city user's API token.
fn setup(dir: &Path) -> (std::path::PathBuf, String) {
    let db = dir.join("kfq.db");
    let zones = dir.join("开发区.csv");
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
    (db, token)
}

/// Clients creating projects as fast as the server answers, until `alive` is cleared or the
/// server dies; each returns how many it tried, the names acknowledged go to `acknowledged`.
fn writers(
    addr: &str,
    token: &str,
    round: usize,
    alive: &Arc<AtomicBool>,
    acknowledged: &Arc<Mutex<Vec<String>>>,
) -> Vec<std::thread::JoinHandle<usize>> {
    (0..WRITERS)
        .map(|w| {
            let (addr, token, alive, acknowledged) =
                (addr.to_string(), token.to_string(), alive.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while alive.load(Ordering::Relaxed) {
                    n += 1;
                    let name = format!("崩溃测试-{round}-{w}-{n}");
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
        .collect()
}

#[test]
fn every_acknowledged_write_survives_the_server_being_killed() {
    let dir = tempfile::tempdir().expect("a folder");
    let (db, token) = setup(dir.path());
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut tried = 0usize;
    for crash in 0..CRASHES {
        let (mut server, addr) = serve(&db);
        let alive = Arc::new(AtomicBool::new(true));
        let writers = writers(&addr, &token, crash, &alive, &acknowledged);
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

/// Every table of a database as the export and the audit trail give it.
fn everything(db: &Path, dir: &Path, name: &str) -> (serde_json::Value, serde_json::Value) {
    let export = dir.join(format!("{name}.json"));
    kfq(
        db,
        &[
            "export",
            "--format",
            "json",
            "-o",
            export.to_str().unwrap_or_default(),
        ],
        None,
    );
    let data =
        serde_json::from_str(&std::fs::read_to_string(&export).expect("the export")).expect("JSON");
    let trail = kfq(db, &["audit", "--limit", "10000", "--format", "json"], None);
    let mut trail: serde_json::Value = serde_json::from_str(&trail).expect("JSON");
    // The export itself is audited: compare the trails up to it.
    if let Some(entries) = trail["entries"].as_array_mut() {
        entries.retain(|e| e["action"] != "export");
    }
    (data, trail)
}

#[test]
fn a_backup_taken_under_load_is_consistent_and_restores_identical() {
    let dir = tempfile::tempdir().expect("a folder");
    let (db, token) = setup(dir.path());
    let (mut server, addr) = serve(&db);
    let alive = Arc::new(AtomicBool::new(true));
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let running = writers(&addr, &token, 0, &alive, &acknowledged);
    std::thread::sleep(Duration::from_millis(600));
    let during = dir.path().join("during.db");
    kfq(&db, &["backup", during.to_str().unwrap_or_default()], None);
    std::thread::sleep(Duration::from_millis(400));
    alive.store(false, Ordering::Relaxed);
    let tried: usize = running
        .into_iter()
        .map(|w| w.join().expect("a writer"))
        .sum();
    // The backup after they stop is sealed with SM4 under a key the operator made.
    let key = dir.path().join("backup.key");
    let key_arg = key.to_str().unwrap_or_default();
    kfq(&db, &["backup-key", key_arg], None);
    let after = dir.path().join("after.db.sm4");
    let after_arg = after.to_str().unwrap_or_default();
    kfq(&db, &["backup", after_arg, "--key-file", key_arg], None);
    let sealed = std::fs::read(&after).expect("the sealed backup");
    assert!(sealed.starts_with(b"KFQ-SM4-1\n"), "sealed, not SQLite");
    assert!(
        !sealed.windows(15).any(|w| w == b"SQLite format 3"),
        "nothing of the database shows"
    );
    let refused = |args: &[&str], target: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_kfq"))
            .args(args)
            .env("KFQ_DATABASE_URL", format!("sqlite://{}", target.display()))
            .env_remove("KFQ_LANG")
            .output()
            .expect("kfq runs");
        assert!(!out.status.success(), "{args:?} is refused");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let told = refused(&["backup", after_arg, "--key-file", key_arg], &db);
    assert!(told.contains("备份从不覆盖文件"), "{told}");
    let nowhere = dir.path().join("nowhere").join("kfq.db");
    let told = refused(&["restore", after_arg], &nowhere);
    assert!(told.contains("--key-file"), "{told}");
    let wrong = dir.path().join("wrong.key");
    std::fs::write(&wrong, "00112233445566778899aabbccddeeff\n").expect("a key file");
    let told = refused(
        &[
            "restore",
            after_arg,
            "--key-file",
            wrong.to_str().unwrap_or_default(),
        ],
        &nowhere,
    );
    assert!(told.contains("密钥不对"), "{told}");
    assert!(!nowhere.exists(), "a refused restore leaves nothing");
    server.kill().expect("stop");
    let _ = server.wait();

    // Taken while clients wrote: a database at one instant, every project with its audit entry.
    let restored_during = dir.path().join("restored-during").join("kfq.db");
    kfq(
        &restored_during,
        &["restore", during.to_str().unwrap_or_default()],
        None,
    );
    let verified = kfq(&restored_during, &["--lang", "en", "audit", "verify"], None);
    assert!(verified.contains("whole"), "{verified}");
    let (data, trail) = everything(&restored_during, dir.path(), "during");
    let projects = data["projects"].as_array().map_or(0, Vec::len);
    let created = trail["entries"].as_array().map_or(0, |e| {
        e.iter().filter(|e| e["object_type"] == "project").count()
    });
    assert!(
        projects > 0,
        "the writers had written when the backup was taken"
    );
    assert_eq!(projects, created, "no project without its audit entry");

    // Taken when they had stopped: the same as the source, table by table.
    let restored_after = dir.path().join("restored-after").join("kfq.db");
    kfq(
        &restored_after,
        &["restore", after_arg, "--key-file", key_arg],
        None,
    );
    assert_eq!(
        everything(&restored_after, dir.path(), "restored"),
        everything(&db, dir.path(), "source")
    );
    eprintln!(
        "backup test: {tried} writes tried, {} acknowledged; backup under load held {projects} projects",
        acknowledged.lock().map(|a| a.len()).unwrap_or(0)
    );
}
