//! PDF by LibreOffice (headless), from Debian's packages: the bulletins' DOCX converted with the
//! fonts it names embedded, so that the PDF reads the same on any machine.

use std::collections::HashSet;
use std::time::Duration;

/// How long a conversion may take before it is given up.
const TIMEOUT: Duration = Duration::from_secs(180);

/// Conversions at once: each LibreOffice takes a core and a few hundred MB; more wait.
static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The font families this machine has (fontconfig's list); empty where fontconfig is absent.
pub async fn installed_families() -> HashSet<String> {
    let output = tokio::process::Command::new("fc-list")
        .args([":", "family"])
        .output()
        .await;
    let Ok(output) = output else {
        return HashSet::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .flat_map(|line| line.split(','))
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect()
}

/// Converts a DOCX to PDF with `soffice --headless`, in a private profile (conversions running
/// side by side do not share one) that is removed afterwards. The error says what to install.
pub async fn from_docx(docx: &[u8]) -> Result<Vec<u8>, String> {
    let _slot = SLOTS.acquire().await.map_err(|e| e.to_string())?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let input = dir.path().join("bulletin.docx");
    tokio::fs::write(&input, docx)
        .await
        .map_err(|e| e.to_string())?;
    let profile = format!("file://{}", dir.path().join("profile").display());
    let run = tokio::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&input)
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(TIMEOUT, run).await {
        Err(_) => {
            return Err(format!(
                "LibreOffice took more than {} s",
                TIMEOUT.as_secs()
            ))
        }
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(
                "LibreOffice (soffice) is not installed: scripts/ensure-office.sh installs it \
                 (Debian: libreoffice-writer-nogui, fonts-noto-cjk)"
                    .into(),
            )
        }
        Ok(Err(e)) => return Err(format!("LibreOffice: {e}")),
        Ok(Ok(output)) => output,
    };
    let pdf = dir.path().join("bulletin.pdf");
    tokio::fs::read(&pdf).await.map_err(|_| {
        format!(
            "LibreOffice made no PDF: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )
    })
}
