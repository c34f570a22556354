//! A zone's own ledger through the API: previewed (how it was read, what it would add and
//! change, the column it could not place), imported with the column mapped, in the caller's
//! region only, all or nothing.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::App;

/// 吕梁经开区's own ledger: a title, a unit note in 亿元, no zone and no code column, an unknown
/// column (投资额度 holds the total), a 合计 row; one project is already known by name.
const OWN_LEDGER: &str =
    "吕梁经开区2024年重点项目台账\n单位：亿元\n序号,项目名称,项目类别,投资额度,签约日期\n\
1,吕梁经开区氢能项目,产业类,6,2024.1.10\n\
2,吕梁经开区光伏组件项目,产业类,1.25,2024年5月8日\n\
,合计,,7.25,\n";

async fn send(app: &App, token: &str, query: &str, body: &str) -> (StatusCode, Value) {
    let uri = format!("/api/v1/import?file=ledger.csv&{query}");
    let (status, text) = app
        .call_text("POST", &uri, Some(token), Some("text/csv"), body)
        .await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_zones_own_ledger_is_previewed_then_imported_with_its_column_mapped() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let zone_q = "zone=%E5%90%95%E6%A2%81%E7%BB%8F%E6%B5%8E%E6%8A%80%E6%9C%AF%E5%BC%80%E5%8F%91%E5%8C%BA";
        let before = kfq_store::load_projects(&app.db.db).await.unwrap();

        // Previewed without a word on 投资额度: refused for the missing 总投资, the column
        // listed as unknown so that the user can say what it holds.
        let (status, preview) =
            send(&app, &zone, &format!("{zone_q}&preview=true"), OWN_LEDGER).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {preview}");
        let columns = &preview["sheets"][0]["columns"];
        let unknown: Vec<&Value> = columns
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["unknown"] == json!(true))
            .map(|c| &c["header"])
            .collect();
        assert_eq!(unknown, [&json!("投资额度")], "{engine}: {preview}");
        assert_eq!(
            preview["sheets"][0]["header_rows"],
            json!([3, 3]),
            "{engine}"
        );
        assert_eq!(
            preview["faults"][0]["column"],
            json!("总投资"),
            "{engine}: {preview}"
        );

        // Mapped: one project known by name changes, one is new; nothing is written yet.
        let mapped =
            format!("{zone_q}&map=%E6%8A%95%E8%B5%84%E9%A2%9D%E5%BA%A6%3Dtotal_investment_wan");
        let (status, preview) =
            send(&app, &zone, &format!("{mapped}&preview=true"), OWN_LEDGER).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {preview}");
        assert_eq!(preview["faults"], json!([]), "{engine}: {preview}");
        assert_eq!(
            preview["added"][0]["name"],
            json!("吕梁经开区光伏组件项目"),
            "{engine}"
        );
        assert_eq!(
            preview["added"][0]["total_investment_wan"],
            json!("12500"),
            "{engine}"
        );
        assert_eq!(
            preview["changed"][0]["name"],
            json!("吕梁经开区氢能项目"),
            "{engine}"
        );
        assert_eq!(
            preview["changed"][0]["fields"],
            json!(["total_investment_wan"]),
            "{engine}: 6亿元 is 60000万元, the known project had 50000"
        );
        assert_eq!(
            preview["readings"][0]["skipped"][0]["why"],
            json!("合计"),
            "{engine}"
        );
        assert_eq!(
            kfq_store::load_projects(&app.db.db).await.unwrap(),
            before,
            "{engine}"
        );

        // Imported: as previewed.
        let (status, done) = send(&app, &zone, &mapped, OWN_LEDGER).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {done}");
        assert_eq!(
            (&done["projects_created"], &done["projects_updated"]),
            (&json!(1), &json!(1)),
            "{engine}: {done}"
        );
        let after = kfq_store::load_projects(&app.db.db).await.unwrap();
        let ll1 = after.iter().find(|p| p.code.as_str() == "LL-1").unwrap();
        assert_eq!(ll1.total_investment.wan_string(), "60000", "{engine}");
        let new = after
            .iter()
            .find(|p| p.name == "吕梁经开区光伏组件项目")
            .unwrap();
        assert_eq!(
            new.code.as_str(),
            format!("141100-{}-0001", kfq_app::reports::today().format("%Y")),
            "{engine}"
        );
        assert_eq!(
            new.dates.signed_on.map(|d| d.to_string()).as_deref(),
            Some("2024-05-08")
        );

        // The mapping is remembered for the zone's next file.
        let (status, again) =
            send(&app, &zone, &format!("{zone_q}&preview=true"), OWN_LEDGER).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert_eq!(again["faults"], json!([]), "{engine}: {again}");
        assert_eq!(again["unchanged"], json!(2), "{engine}: {again}");

        // Another zone's ledger is not the zone's to import: refused, nothing written.
        let other = "项目名称,所属开发区,项目类别,总投资\n孝义新项目,孝义经济开发区,产业类,100\n";
        let (status, refused) = send(&app, &zone, "", other).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(
            refused["faults"][0]["letter"],
            json!("B"),
            "{engine}: {refused}"
        );
        assert_eq!(
            refused["faults"][0]["value"],
            json!("孝义经济开发区"),
            "{engine}"
        );
        assert_eq!(
            kfq_store::load_projects(&app.db.db).await.unwrap().len(),
            after.len()
        );

        // A mapping to a field that does not exist is a bad request.
        let (status, bad) = send(
            &app,
            &zone,
            "map=%E6%8A%95%E8%B5%84%E9%A2%9D%E5%BA%A6%3Dtotal",
            OWN_LEDGER,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}: {bad}");
    }
}
