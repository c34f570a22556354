//! 开放数据 — projects, their milestones and their investment as the Open Contracting for
//! Infrastructure Data Standard (OC4IDS 0.9) publishes them, so that a province can publish or
//! exchange its project data in an international format.
//!
//! The mapping (research/domain.md §7.1): 签约 → identification, 落地 → preparation, 开工 →
//! implementation, 投产/达产 → maintenance (in operation), 终止 → cancelled; the milestones
//! signed, started, producing and at full output as `met` milestones with their days; 总投资 as
//! the budget; each month's completed investment as an observation of `financialProgress`, and
//! the annual plans as its forecasts; the zone as the public authority, the enterprise as funder.

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use kfq_core::money::Amount;
use kfq_core::monthly::MonthlyReport;
use kfq_core::project::Project;
use kfq_core::zone::Zone;

/// `projectStatus` of the OC4IDS closed codelist.
pub fn status(p: &Project, as_of: NaiveDate) -> &'static str {
    let by = |d: Option<NaiveDate>| d.is_some_and(|d| d <= as_of);
    let d = &p.dates;
    if by(p.terminated_on) {
        "cancelled"
    } else if by(d.producing_on) || by(d.reached_on) {
        "maintenance"
    } else if by(d.started_on) {
        "implementation"
    } else if by(d.landed_on) {
        "preparation"
    } else {
        "identification"
    }
}

/// A day as OC4IDS dates are written: the start of the day, China Standard Time.
pub fn date_time(day: NaiveDate) -> String {
    format!("{day}T00:00:00+08:00")
}

/// An amount in yuan, as an OC4IDS `Value`.
fn value(amount: Amount) -> Value {
    json!({"amount": amount.yuan(), "currency": "CNY"})
}

/// What a project is published with besides itself.
pub struct Context<'a> {
    /// The publisher's registered prefix (`oc4ids-xxxxxx`).
    pub prefix: &'a str,
    pub zone: &'a Zone,
    pub city: &'a str,
    /// The enterprise: its name and 统一社会信用代码, where known.
    pub enterprise: Option<(&'a str, Option<&'a str>)>,
    /// Its monthly figures, oldest first.
    pub monthly: &'a [&'a MonthlyReport],
    /// Its annual plans (年度计划投资): year and amount.
    pub plans: &'a [(i32, Amount)],
    pub as_of: NaiveDate,
}

/// One project as an OC4IDS project.
pub fn project(p: &Project, c: &Context) -> Value {
    let d = &p.dates;
    let milestones: Vec<Value> = [
        (
            "signed",
            "签约",
            "approval",
            "investmentAgreementSigned",
            d.signed_on,
        ),
        ("landed", "落地", "approval", "landAcquired", d.landed_on),
        ("started", "开工", "delivery", "commencement", d.started_on),
        (
            "producing",
            "投产",
            "delivery",
            "commissioning",
            d.producing_on,
        ),
        (
            "reached",
            "达产",
            "delivery",
            "fullOutputReached",
            d.reached_on,
        ),
    ]
    .iter()
    .filter_map(|(id, title, kind, code, day)| {
        let day = day.filter(|day| *day <= c.as_of)?;
        Some(
            json!({"id": id, "title": title, "type": kind, "code": code, "status": "met",
                    "dateMet": date_time(day)}),
        )
    })
    .collect();
    let observations: Vec<Value> = c
        .monthly
        .iter()
        .filter_map(|m| {
            let start = NaiveDate::from_ymd_opt(m.month.year, m.month.month, 1)?;
            let end = kfq_core::monthly_return::deadline(m.month, 1).pred_opt()?;
            Some(json!({"id": m.month.to_string(),
                        "period": {"startDate": date_time(start), "endDate": date_time(end)},
                        "value": value(m.invested)}))
        })
        .collect();
    let forecasts: Vec<Value> = c
        .plans
        .iter()
        .filter_map(|(year, amount)| {
            let start = NaiveDate::from_ymd_opt(*year, 1, 1)?;
            let end = NaiveDate::from_ymd_opt(*year, 12, 31)?;
            Some(json!({"id": year.to_string(),
                        "period": {"startDate": date_time(start), "endDate": date_time(end)},
                        "value": value(*amount)}))
        })
        .collect();
    let authority = format!("zone-{}", c.zone.id);
    let mut parties = vec![json!({"id": authority, "name": c.zone.name,
                                  "roles": ["publicAuthority"],
                                  "address": {"region": c.city, "countryName": "中国"}})];
    if let Some((name, credit)) = c.enterprise {
        let mut party = json!({"id": format!("enterprise-{}", p.enterprise_id.unwrap_or(0)),
                               "name": name, "roles": ["funder"]});
        if let Some(code) = credit {
            party["identifier"] = json!({"scheme": "CN-USCC", "id": code, "legalName": name});
        }
        parties.push(party);
    }
    let mut out = Map::new();
    out.insert(
        "id".into(),
        json!(format!("{}-{}", c.prefix, p.code.as_str())),
    );
    out.insert(
        "identifiers".into(),
        json!([{"scheme": "CN-KFQ-PROJECT", "id": p.code.as_str()}]),
    );
    out.insert("title".into(), json!(p.name));
    out.insert("status".into(), json!(status(p, c.as_of)));
    out.insert("type".into(), json!("construction"));
    out.insert(
        "budget".into(),
        json!({"amount": value(p.total_investment)}),
    );
    out.insert(
        "locations".into(),
        json!([{"id": "1", "description": format!("{} {}", c.city, c.zone.name)}]),
    );
    out.insert(
        "publicAuthority".into(),
        json!({"id": authority, "name": c.zone.name}),
    );
    out.insert("parties".into(), Value::Array(parties));
    if let Some(start) = d.started_on.filter(|s| *s <= c.as_of) {
        let mut period = json!({"startDate": date_time(start)});
        if let Some(end) = d.producing_on.filter(|e| *e <= c.as_of) {
            period["endDate"] = json!(date_time(end));
        }
        out.insert("implementationPeriod".into(), period);
    }
    if !milestones.is_empty() {
        out.insert("milestones".into(), Value::Array(milestones));
    }
    let progress = |list: Vec<Value>| json!([{"id": "financialProgress", "title": "完成投资", "observations": list}]);
    if !observations.is_empty() {
        out.insert("metrics".into(), progress(observations));
    }
    if !forecasts.is_empty() {
        out.insert("forecasts".into(), progress(forecasts));
    }
    Value::Object(out)
}

/// A project package: the projects with who published them, where and when.
pub fn package(projects: Vec<Value>, publisher: &str, uri: &str, published: &str) -> Value {
    json!({
        "uri": uri,
        "publishedDate": published,
        "publisher": {"name": publisher},
        "version": "0.9",
        "projects": projects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kfq_core::monthly::Month;
    use kfq_core::project::{Category, ProjectCode};
    use kfq_core::region::RegionCode;
    use kfq_core::stage::StageDates;
    use kfq_core::zone::{ZoneKind, ZoneLevel};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn lvliang() -> Zone {
        Zone {
            id: 3,
            name: "吕梁经济技术开发区".into(),
            city: RegionCode::parse("141100").unwrap(),
            level: ZoneLevel::Provincial,
            kind: ZoneKind::Economic,
        }
    }

    fn hydrogen() -> Project {
        Project {
            id: 7,
            code: ProjectCode::parse("LL-7").unwrap(),
            name: "氢能项目".into(),
            zone_id: 3,
            enterprise_id: Some(11),
            chain: String::new(),
            strategic_emerging: false,
            category: Category::Industrial,
            total_investment: Amount::from_wan(50_000),
            expected_output: None,
            land_area: None,
            dates: StageDates {
                signed_on: Some(d("2024-01-10")),
                started_on: Some(d("2024-03-01")),
                producing_on: Some(d("2025-06-01")),
                ..StageDates::default()
            },
            terminated_on: None,
            version: 1,
        }
    }

    #[test]
    fn a_project_is_published_with_its_status_milestones_budget_and_monthly_investment() {
        let p = hydrogen();
        let zone = lvliang();
        let march = MonthlyReport {
            project_id: 7,
            month: Month::new(2024, 3).unwrap(),
            invested: Amount::from_wan(1200),
        };
        let c = Context {
            prefix: "oc4ids-kfq",
            zone: &zone,
            city: "吕梁市",
            enterprise: Some(("吕梁氢能有限公司", Some("91141100MA0K0Q2X5T"))),
            monthly: &[&march],
            plans: &[(2024, Amount::from_wan(20_000))],
            as_of: d("2024-12-31"),
        };
        let v = project(&p, &c);
        assert_eq!(v["id"], "oc4ids-kfq-LL-7");
        assert_eq!(v["status"], "implementation", "producing only in 2025");
        assert_eq!(v["budget"]["amount"]["amount"], 500_000_000i64);
        let codes: Vec<&str> = v["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["investmentAgreementSigned", "commencement"]);
        assert_eq!(v["milestones"][1]["dateMet"], "2024-03-01T00:00:00+08:00");
        let observation = &v["metrics"][0]["observations"][0];
        assert_eq!(
            observation["period"]["endDate"],
            "2024-03-31T00:00:00+08:00"
        );
        assert_eq!(observation["value"]["amount"], 12_000_000i64);
        assert_eq!(v["forecasts"][0]["observations"][0]["id"], "2024");
        assert_eq!(v["parties"][1]["identifier"]["id"], "91141100MA0K0Q2X5T");
        assert_eq!(status(&p, d("2025-12-31")), "maintenance");
        let ended = Project {
            terminated_on: Some(d("2024-06-01")),
            ..hydrogen()
        };
        assert_eq!(status(&ended, d("2024-12-31")), "cancelled");
    }
}
