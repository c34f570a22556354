//! 一致性检查 — every rule's findings over a region, the findings officials set aside (dismissed
//! with a reason, kept in the audit trail), and the warnings a change raises for its projects.

use std::collections::{HashMap, HashSet};
use std::ops::Deref;

use chrono::{DateTime, Utc};
use kfq_core::access::Action;
use kfq_core::checks::{CheckRules, Finding, RULES};
use kfq_core::duplicates::Candidate;
use kfq_core::project::Project;
use kfq_core::region::RegionCode;
use kfq_core::Lang;
use kfq_store::{Db, DismissalRow, Snapshot};
use serde::Serialize;

use crate::{Actor, AppError, Expected};

/// Who set a finding aside, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dismissal {
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// A finding as reported: the rule's finding, the city it falls in, and its dismissal if an
/// official set it aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckFinding {
    #[serde(flatten)]
    pub finding: Finding,
    /// The city of the finding's first project (GB/T 2260), for the province's view by city.
    pub city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dismissed: Option<Dismissal>,
}

impl Deref for CheckFinding {
    type Target = Finding;

    fn deref(&self) -> &Finding {
        &self.finding
    }
}

/// 一致性检查 over a region, as `kfq check` and `GET /api/v1/checks` give them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checks {
    pub region: String,
    pub name: String,
    pub findings: Vec<CheckFinding>,
    /// How many findings in the region were dismissed (listed only when asked for).
    pub dismissed: usize,
}

/// The key a dismissal is kept under: the rule's findings are told apart by their projects.
fn projects_key(projects: &[String]) -> String {
    let mut sorted = projects.to_vec();
    sorted.sort();
    sorted.join(",")
}

/// Every rule over the projects given: duplicates among them, and each project's own rules.
fn findings_over(snapshot: &Snapshot, projects: &[Project], lang: Lang) -> Vec<Finding> {
    let mut findings = kfq_core::checks::duplicate_projects(
        &Candidate::of(projects, &snapshot.zones, &snapshot.enterprises),
        lang,
    );
    findings.extend(kfq_core::checks::check(
        projects,
        &snapshot.monthly,
        &snapshot.entries,
        &snapshot.rounds,
        &CheckRules::default(),
        lang,
    ));
    findings
}

/// Where each project code stands in the snapshot's list, computed once per snapshot.
fn project_index(snapshot: &Snapshot) -> std::sync::Arc<HashMap<String, usize>> {
    snapshot.derived("project_index", || {
        snapshot
            .projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.to_string(), i))
            .collect()
    })
}

/// The zone a project code lies in.
fn zone_of<'a>(snapshot: &'a Snapshot, code: &str) -> Option<&'a kfq_core::zone::Zone> {
    let project = &snapshot.projects[*project_index(snapshot).get(code)?];
    snapshot.zones.iter().find(|z| z.id == project.zone_id)
}

async fn dismissals(db: &Db) -> Result<HashMap<(String, String), DismissalRow>, AppError> {
    Ok(kfq_store::dismissals(db)
        .await?
        .into_iter()
        .map(|d| ((d.rule.clone(), d.projects.clone()), d))
        .collect())
}

/// The open findings in a region (the caller's scope when none is given).
pub async fn checks(db: &Db, actor: &Actor, region: Option<&str>) -> Result<Checks, AppError> {
    checks_with(db, actor, region, false).await
}

/// The findings in a region; with `include_dismissed`, the dismissed ones too, each with its
/// dismissal.
pub async fn checks_with(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    include_dismissed: bool,
) -> Result<Checks, AppError> {
    let (scope, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let snapshot = db.snapshot().await?;
    let projects: Vec<Project> = snapshot
        .projects
        .iter()
        .filter(|p| in_scope.contains_key(&p.zone_id))
        .cloned()
        .collect();
    let dismissed = dismissals(db).await?;
    let mut report = Checks {
        region: scope.key(),
        name: scope.name(),
        findings: Vec::new(),
        dismissed: 0,
    };
    let findings = snapshot.derived(&format!("checks:{}:{:?}", scope.key(), actor.lang), || {
        findings_over(&snapshot, &projects, actor.lang)
    });
    for finding in findings.iter().cloned() {
        let dismissal = dismissed
            .get(&(finding.rule.to_string(), projects_key(&finding.projects)))
            .map(|d| Dismissal {
                by: d.dismissed_by.clone(),
                at: d.dismissed_at,
                reason: d.reason.clone(),
            });
        if dismissal.is_some() {
            report.dismissed += 1;
            if !include_dismissed {
                continue;
            }
        }
        let city = finding
            .projects
            .first()
            .and_then(|c| zone_of(&snapshot, c))
            .map(|z| z.city.to_string())
            .unwrap_or_default();
        report.findings.push(CheckFinding {
            finding,
            city,
            dismissed: dismissal,
        });
    }
    Ok(report)
}

/// Sets a finding aside: the rule and projects must name a finding reported now in the
/// caller's scope; the reason is kept with it and in the audit trail.
pub async fn dismiss(
    db: &Db,
    actor: &Actor,
    rule: &str,
    projects: &[String],
    reason: &str,
) -> Result<CheckFinding, AppError> {
    actor.must(Action::EditProject)?;
    if !RULES.contains(&rule) {
        return Err(AppError::BadArgument {
            name: "rule",
            value: rule.into(),
            expected: Expected::Rule,
        });
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::BadArgument {
            name: "reason",
            value: String::new(),
            expected: Expected::Reason,
        });
    }
    let key = projects_key(projects);
    let report = checks_with(db, actor, None, true).await?;
    let Some(found) = report
        .findings
        .into_iter()
        .find(|f| f.rule == rule && projects_key(&f.projects) == key)
    else {
        return Err(AppError::BadArgument {
            name: "projects",
            value: key,
            expected: Expected::Finding,
        });
    };
    if let Some(d) = found.dismissed {
        return Err(AppError::AlreadyDismissed(Box::new(d)));
    }
    let row = DismissalRow {
        rule: rule.into(),
        projects: key.clone(),
        reason: reason.into(),
        dismissed_by: actor.username.clone(),
        dismissed_at: Utc::now(),
    };
    let mut tx = db.begin().await?;
    kfq_store::insert_dismissal(&mut tx, &row).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "dismiss",
        "finding",
        &format!("{rule}:{key}"),
        serde_json::to_string(&found.finding).ok(),
        Some(serde_json::json!({ "reason": reason }).to_string()),
    )
    .await?;
    // Dismissals change no figure: the ledger's snapshot stays valid.
    tx.commit_outside_ledger().await?;
    Ok(CheckFinding {
        dismissed: Some(Dismissal {
            by: row.dismissed_by,
            at: row.dismissed_at,
            reason: row.reason,
        }),
        ..found
    })
}

/// The open findings a change raises for its projects: each project's own rules, and the
/// projects in its province it is probably the same as. A project outside the caller's scope
/// is not named: the warning says only that one exists and how alike it is.
pub async fn warnings(db: &Db, actor: &Actor, codes: &[String]) -> Result<Vec<Finding>, AppError> {
    actor.must(kfq_core::access::Action::Read)?;
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let snapshot = db.snapshot().await?;
    let focus: HashSet<&str> = codes.iter().map(String::as_str).collect();
    let mut provinces: Vec<RegionCode> = codes
        .iter()
        .filter_map(|c| zone_of(&snapshot, c))
        .map(|z| z.city.province())
        .collect();
    provinces.sort();
    provinces.dedup();
    let index = project_index(&snapshot);
    let own: Vec<Project> = codes
        .iter()
        .filter_map(|c| index.get(c))
        .map(|&i| snapshot.projects[i].clone())
        .collect();
    let dismissed = dismissals(db).await?;
    let names: Vec<String> = provinces.iter().map(|p| p.to_string()).collect();
    let key = format!("duplicates:{}:{:?}", names.join(","), actor.lang);
    // The province's duplicates are found once per snapshot; each call only picks its own.
    let mut found: Vec<Finding> = snapshot
        .derived(&key, || {
            let zones: HashMap<i64, RegionCode> =
                snapshot.zones.iter().map(|z| (z.id, z.city)).collect();
            let nearby: Vec<Project> = snapshot
                .projects
                .iter()
                .filter(|p| {
                    zones
                        .get(&p.zone_id)
                        .is_some_and(|c| provinces.contains(&c.province()))
                })
                .cloned()
                .collect();
            kfq_core::checks::duplicate_projects(
                &Candidate::of(&nearby, &snapshot.zones, &snapshot.enterprises),
                actor.lang,
            )
        })
        .iter()
        .filter(|f| f.projects.iter().any(|p| focus.contains(p.as_str())))
        .cloned()
        .collect();
    found.extend(kfq_core::checks::check(
        &own,
        &snapshot.monthly,
        &snapshot.entries,
        &snapshot.rounds,
        &CheckRules::default(),
        actor.lang,
    ));
    found.retain(|f| !dismissed.contains_key(&(f.rule.to_string(), projects_key(&f.projects))));
    let visible = |code: &String| zone_of(&snapshot, code).is_some_and(|z| actor.sees(z));
    for f in &mut found {
        if f.projects.iter().all(visible) {
            continue;
        }
        f.projects.retain(visible);
        let score = f.score.clone().unwrap_or_default();
        f.evidence = match actor.lang {
            Lang::Zh => format!(
                "与辖区外的一个项目相似（名称相似度 {score}），可能重复录入，请联系上级核实"
            ),
            Lang::En => format!(
                "alike to a project outside your area (names {score} alike), possibly entered twice; ask the level above to check"
            ),
        };
    }
    Ok(found)
}
