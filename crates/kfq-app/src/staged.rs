//! 待确认的上传 — a file uploaded for a preview, kept until its owner confirms the import (or a
//! day has passed): the confirmation imports the very bytes the user saw previewed, without
//! sending them again. Kept on disk under a random token, readable by its owner only.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::AppError;

/// How long an upload waits for its confirmation.
const KEPT_FOR: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Serialize, Deserialize)]
struct About {
    owner: String,
    name: String,
}

/// Where uploads wait: `KFQ_UPLOADS`, else `kfq-uploads` in the system's temporary folder.
fn folder() -> PathBuf {
    std::env::var_os("KFQ_UPLOADS")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("kfq-uploads"))
}

fn kept(why: std::io::Error) -> AppError {
    AppError::Output {
        path: folder().display().to_string(),
        why: why.to_string(),
    }
}

/// A token is 32 lowercase hex digits, nothing else (it names a file).
fn valid(token: &str) -> bool {
    token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Keeps an upload for its owner; the token names it.
pub fn keep(owner: &str, name: &str, bytes: &[u8]) -> Result<String, AppError> {
    let dir = folder();
    std::fs::create_dir_all(&dir).map_err(kept)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(kept)?;
    }
    sweep(&dir);
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(|_| AppError::Internal)?;
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let about = About {
        owner: owner.to_string(),
        name: name.to_string(),
    };
    let meta = serde_json::to_vec(&about).map_err(|_| AppError::Internal)?;
    std::fs::write(dir.join(format!("{token}.bin")), bytes).map_err(kept)?;
    std::fs::write(dir.join(format!("{token}.json")), meta).map_err(kept)?;
    Ok(token)
}

/// The upload a token names, if its owner asks: its name and bytes. Anyone else, a token
/// expired or never given, is told it is not there.
pub fn take(owner: &str, token: &str) -> Result<(String, Vec<u8>), AppError> {
    if !valid(token) {
        return Err(AppError::NotFound);
    }
    let dir = folder();
    let meta = std::fs::read(dir.join(format!("{token}.json"))).map_err(|_| AppError::NotFound)?;
    let about: About = serde_json::from_slice(&meta).map_err(|_| AppError::NotFound)?;
    if about.owner != owner {
        return Err(AppError::NotFound);
    }
    let bytes = std::fs::read(dir.join(format!("{token}.bin"))).map_err(|_| AppError::NotFound)?;
    Ok((about.name, bytes))
}

/// Forgets an upload once imported.
pub fn forget(token: &str) {
    if valid(token) {
        let dir = folder();
        let _ = std::fs::remove_file(dir.join(format!("{token}.bin")));
        let _ = std::fs::remove_file(dir.join(format!("{token}.json")));
    }
}

/// Removes uploads older than a day.
fn sweep(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > KEPT_FOR);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_is_its_owners_alone_and_gone_once_forgotten() {
        let token = keep("lljkq", "台账.xlsx", b"bytes").unwrap();
        assert_eq!(
            take("lljkq", &token).unwrap(),
            ("台账.xlsx".to_string(), b"bytes".to_vec())
        );
        assert!(matches!(take("other", &token), Err(AppError::NotFound)));
        assert!(matches!(
            take("lljkq", "../../etc/passwd"),
            Err(AppError::NotFound)
        ));
        forget(&token);
        assert!(matches!(take("lljkq", &token), Err(AppError::NotFound)));
    }
}
