//! Export → import → export gives the same workbook content, across engines too.

use kfq_app::export::{export, ExportFormat};
use kfq_app::import::import_files;
use kfq_core::Lang;
use kfq_ledger::workbook::read_file;
use kfq_store::testing::TestDb;

use crate::helpers::both;

fn contents(path: &std::path::Path) -> Vec<(String, Vec<Vec<kfq_ledger::Cell>>)> {
    read_file(path)
        .unwrap()
        .into_iter()
        .map(|s| (s.name, s.rows))
        .collect()
}

#[tokio::test]
async fn export_import_export_gives_the_same_workbook_on_both_engines() {
    let source = TestDb::sqlite().await.unwrap();
    kfq_app::demo::load(&source.db, Lang::Zh).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.xlsx");
    export(
        &source.db,
        &kfq_app::Actor::operator("tester", Lang::Zh),
        Some("141100"),
        ExportFormat::Xlsx,
        &first,
    )
    .await
    .unwrap();
    let original = contents(&first);
    let projects = &original.iter().find(|(n, _)| n == "项目").unwrap().1;
    assert!(
        projects.len() > 300,
        "吕梁's ledger has its projects: {}",
        projects.len()
    );

    for t in both().await {
        import_files(&t.db, std::slice::from_ref(&first), "tester", Lang::Zh)
            .await
            .unwrap();
        let second = dir
            .path()
            .join(format!("second-{}.xlsx", crate::helpers::name(&t)));
        export(
            &t.db,
            &kfq_app::Actor::operator("tester", Lang::Zh),
            None,
            ExportFormat::Xlsx,
            &second,
        )
        .await
        .unwrap();
        let copy = contents(&second);
        for ((name_a, rows_a), (name_b, rows_b)) in original.iter().zip(&copy) {
            assert_eq!(name_a, name_b);
            assert_eq!(rows_a.len(), rows_b.len(), "{name_a}");
            for (a, b) in rows_a.iter().zip(rows_b) {
                assert_eq!(a, b, "{name_a}");
            }
        }
        assert_eq!(original.len(), copy.len());
    }
}

#[tokio::test]
async fn csv_and_json_exports_carry_the_same_rows() {
    let t = TestDb::sqlite().await.unwrap();
    kfq_app::demo::load(&t.db, Lang::Zh).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("all.json");
    export(
        &t.db,
        &kfq_app::Actor::operator("tester", Lang::Zh),
        Some("140900"),
        ExportFormat::Json,
        &json_path,
    )
    .await
    .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let projects = json["projects"].as_array().unwrap();
    let first = &projects[0];
    for key in [
        "code",
        "name",
        "zone",
        "enterprise",
        "credit_code",
        "chain",
        "strategic_emerging",
        "category",
        "total_investment_wan",
        "expected_output_wan",
        "signed_on",
        "landed_on",
        "started_on",
        "producing_on",
        "reached_on",
    ] {
        assert!(first.get(key).is_some(), "projects carry {key}");
    }
    assert!(
        first["total_investment_wan"].is_string(),
        "amounts are decimal strings"
    );
    assert!(first["strategic_emerging"].is_boolean());

    let csv_dir = dir.path().join("csv");
    export(
        &t.db,
        &kfq_app::Actor::operator("tester", Lang::Zh),
        Some("140900"),
        ExportFormat::Csv,
        &csv_dir,
    )
    .await
    .unwrap();
    let csv = std::fs::read_to_string(csv_dir.join("项目.csv")).unwrap();
    assert!(
        csv.starts_with('\u{feff}'),
        "a byte-order mark so that Excel reads UTF-8"
    );
    assert_eq!(csv.lines().count(), projects.len() + 1);

    // And the CSV files import into an empty database as the same ledger.
    let fresh = TestDb::sqlite().await.unwrap();
    let files: Vec<_> = std::fs::read_dir(&csv_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let summary = import_files(&fresh.db, &files, "tester", Lang::Zh)
        .await
        .unwrap();
    assert_eq!(summary.projects_created, projects.len());
}
