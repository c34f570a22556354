//! What the command-line tests share: running `kfq`, starting its server, one HTTP request.
#![allow(dead_code)] // each test file uses its part

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn kfq(db: &Path, args: &[&str], input: Option<&str>) -> String {
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

/// Starts the server with these settings and returns it with its address.
pub fn serve_with(db: &Path, settings: &[(&str, &str)]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kfq"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("KFQ_DATABASE_URL", format!("sqlite://{}", db.display()))
        .envs(settings.iter().copied())
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

/// One request: status, head and body; None when the connection failed or broke (the server
/// died meanwhile).
pub fn http_full(
    addr: &str,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: &str,
) -> Option<(u16, String, String)> {
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
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    Some((status, head.to_string(), body.to_string()))
}

/// One request: status and body.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: &str,
) -> Option<(u16, String)> {
    http_full(addr, method, path, auth, body).map(|(status, _, body)| (status, body))
}
