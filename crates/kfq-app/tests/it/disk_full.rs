//! Disk full: a write that does not fit fails with a clear error, and nothing stored before is
//! damaged. The database lives on a 4 MB tmpfs that the test fills (it mounts one: root only,
//! as in CI).

use std::path::{Path, PathBuf};
use std::process::Command;

use kfq_core::{Lang, Localized};

/// A small filesystem of its own, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Fills the disk with a file until no byte more fits.
fn fill(disk: &Path) -> PathBuf {
    use std::io::Write;
    let filler = disk.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 64 * 1024];
    while file.write_all(&block).is_ok() {}
    let small = [0u8; 512];
    while file.write_all(&small).is_ok() {}
    let _ = file.sync_all();
    filler
}

fn projects_csv(dir: &Path, name: &str, from: usize, count: usize) -> PathBuf {
    let mut text = String::from("项目编号,项目名称,所属开发区,项目类别,总投资（万元）\n");
    for i in from..from + count {
        text.push_str(&format!(
            "DF-{i},磁盘测试项目第{i}号（用于填满磁盘的较长名称）,吕梁经济技术开发区,产业类,{}\n",
            1000 + i
        ));
    }
    let path = dir.join(format!("{name}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn a_write_on_a_full_disk_fails_clearly_and_damages_nothing_stored() {
    let Some(disk) = SmallDisk::mount(4) else {
        assert!(
            !running_as_root(),
            "as root the test mounts a tmpfs; mount failed"
        );
        eprintln!("disk-full test skipped: mounting a tmpfs needs root (CI runs as root)");
        return;
    };
    let files = tempfile::tempdir().unwrap();
    let url = kfq_store::DbUrl::Sqlite(disk.path().join("kfq.db"));
    let db = kfq_store::Db::open(&url).await.unwrap();
    let zones = files.path().join("开发区.csv");
    std::fs::write(
        &zones,
        "开发区名称,所属市,级别\n吕梁经济技术开发区,141100,省级\n",
    )
    .unwrap();
    let before = projects_csv(files.path(), "项目", 0, 200);
    kfq_app::import::import_files(&db, &[zones, before], "clerk", Lang::Zh)
        .await
        .unwrap();
    let stored = kfq_store::load_projects(&db).await.unwrap().len();
    assert_eq!(stored, 200);

    let filler = fill(disk.path());
    let more = projects_csv(files.path(), "项目", 200, 5000);
    let refused = kfq_app::import::import_files(&db, &[more], "clerk", Lang::Zh)
        .await
        .unwrap_err();
    let message = refused.message(Lang::Zh);
    assert!(message.contains("磁盘已满"), "{message}");
    eprintln!("disk full: {message}");

    // Everything stored before is there and whole, while the disk is still full…
    assert_eq!(kfq_store::load_projects(&db).await.unwrap().len(), stored);
    let operator = kfq_app::Actor::operator("auditor", Lang::Zh);
    assert!(matches!(
        kfq_app::audit::verify(&db, &operator).await.unwrap(),
        kfq_core::audit::ChainCheck::Whole { .. }
    ));
    db.close().await;
    // …and after space is freed, the database checks out and takes the write.
    std::fs::remove_file(filler).unwrap();
    let db = kfq_store::Db::open(&url).await.unwrap();
    assert_eq!(kfq_store::integrity_check(&db).await.unwrap(), "ok");
    assert_eq!(kfq_store::load_projects(&db).await.unwrap().len(), stored);
    let fewer = projects_csv(files.path(), "项目", 200, 100);
    kfq_app::import::import_files(&db, &[fewer], "clerk", Lang::Zh)
        .await
        .unwrap();
    assert_eq!(
        kfq_store::load_projects(&db).await.unwrap().len(),
        stored + 100
    );
    db.close().await;
}
