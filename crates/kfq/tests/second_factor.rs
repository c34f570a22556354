//! 动态口令: with `KFQ_TOTP_REQUIRED=province`, a province account opens nothing until it has
//! set up a second factor, then signs in only with a fresh code from it.

mod support;
use support::{http, http_full, kfq, serve_with};

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

#[test]
fn a_province_account_sets_up_its_second_factor_first_and_then_signs_in_only_with_a_fresh_code() {
    let dir = tempfile::tempdir().expect("a folder");
    let db = dir.path().join("kfq.db");
    let zones = dir.path().join("开发区.csv");
    std::fs::write(
        &zones,
        "开发区名称,所属市,级别\n吕梁经济技术开发区,141100,省级\n",
    )
    .expect("a ledger");
    kfq(&db, &["import", zones.to_str().unwrap_or_default()], None);
    let password = "Sheng-test-2024";
    kfq(
        &db,
        &[
            "user",
            "add",
            "--username",
            "sheng",
            "--role",
            "province",
            "--region",
            "140000",
            "--password-stdin",
        ],
        Some(&format!("{password}\n")),
    );
    // Behind HTTPS (the operator says so): the session cookie is Secure too.
    let (mut server, addr) = serve_with(
        &db,
        &[
            ("KFQ_TOTP_REQUIRED", "province"),
            ("KFQ_SECURE_COOKIES", "1"),
        ],
    );
    let sign_in = |totp: Option<&str>| {
        let mut body = serde_json::json!({"username": "sheng", "password": password});
        if let Some(code) = totp {
            body["totp"] = code.into();
        }
        http(&addr, "POST", "/api/v1/session", None, &body.to_string()).expect("an answer")
    };

    let credentials = serde_json::json!({"username": "sheng", "password": password}).to_string();
    let (status, head, body) =
        http_full(&addr, "POST", "/api/v1/session", None, &credentials).expect("an answer");
    assert_eq!(status, 200, "{body}");
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_default();
    for flag in ["HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    let session = json(&body)["session"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(json(&body)["user"]["must_enrol_totp"], true);
    let (status, body) =
        http(&addr, "GET", "/api/v1/projects", Some(&session), "").expect("an answer");
    assert_eq!(status, 403);
    assert!(body.contains("动态口令"), "{body}");

    let (status, body) =
        http(&addr, "POST", "/api/v1/me/totp", Some(&session), "").expect("an answer");
    assert_eq!(status, 200, "{body}");
    let setup = json(&body);
    let secret = kfq_core::totp::from_base32(setup["secret"].as_str().unwrap_or_default())
        .expect("a base32 secret");
    assert!(setup["uri"]
        .as_str()
        .unwrap_or_default()
        .starts_with("otpauth://totp/kfq:sheng?"));
    let code = |at: u64| format!("{:06}", kfq_core::totp::code_at(&secret, at));
    let t = now();
    let valid = [code(t - 30), code(t), code(t + 30)];
    let wrong = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !valid.contains(c))
        .unwrap_or_default();
    let confirm = |code: &str| {
        let body = serde_json::json!({"code": code}).to_string();
        http(
            &addr,
            "POST",
            "/api/v1/me/totp/confirm",
            Some(&session),
            &body,
        )
        .expect("an answer")
    };
    assert_eq!(confirm(&wrong).0, 400);
    assert_eq!(confirm(&code(now())).0, 204);
    let (status, _) =
        http(&addr, "GET", "/api/v1/projects", Some(&session), "").expect("an answer");
    assert_eq!(status, 200, "set up, the account opens");

    let (status, body) = sign_in(None);
    assert_eq!(status, 401);
    assert!(body.contains("动态口令"), "{body}");
    assert_eq!(sign_in(Some(&wrong)).0, 401);
    let fresh = code(now() + 30);
    assert_eq!(sign_in(Some(&fresh)).0, 200);
    assert_eq!(sign_in(Some(&fresh)).0, 401, "a code signs in once");

    let _ = server.kill();
    let _ = server.wait();
    let trail = kfq(&db, &["audit", "--user", "sheng", "--format", "json"], None);
    let actions: Vec<String> = json(&trail)["entries"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|e| e["action"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        actions.contains(&"totp_enrolled".to_string()),
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "sign_in_failed").count(),
        2,
        "the wrong code and the replayed one: {actions:?}"
    );
}
