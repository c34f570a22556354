//! The demo's 招商线索: from 2023 on, each zone has worked leads from its liaison offices,
//! promotion events, investors' referrals and its own trips; about a quarter of the projects it
//! signed each year came through them (signed leads linked to those projects), the rest of the
//! leads are still being worked or were dropped, with why. 晋城经开区's 2024 is as published:
//! 对接项目 184 个，签约 13 个、157 亿 (the 签约额 is what the leads record as signed, the
//! agreements' amounts; the projects keep the 总投资 of the ledger). The leads of 吕梁经开区 and
//! 晋城经开区 carry a log of calls, visits and talks, and those of 吕梁经开区 are worked by its
//! demo accounts.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate, Utc};
use kfq_core::lead::{self, Lead, LeadSource, LeadStatus, VisitKind};
use kfq_core::money::Amount;
use kfq_core::project::Project;
use kfq_core::rng::Rng;
use kfq_core::zone::Zone;
use kfq_store::{Db, Visit};

use super::names;
use crate::AppError;

const FIRST_YEAR: i32 = 2023;
/// 晋城经开区 2024 as published: leads worked, signed, and the amount signed in 万元.
const JINCHENG: (&str, i32, usize, usize, i64) = ("晋城经济技术开发区", 2024, 184, 13, 1_570_000);
const LOGGED: [&str; 2] = ["吕梁经济技术开发区", "晋城经济技术开发区"];
const LVLIANG_OWNERS: [&str; 2] = ["lljkq.zhaoshang", "lljkq"];

const ORIGINS: &[&str] = &[
    "北京", "上海", "天津", "江苏", "浙江", "广东", "山东", "河北", "河南", "福建", "四川", "湖北",
];
const REASONS: &[&str] = &[
    "投资方战略调整，暂缓投资",
    "不符合园区产业定位",
    "用地条件无法满足",
    "投资方资金不到位",
    "已落户外省其他园区",
    "能耗指标不足",
];
const NOTES: &[(VisitKind, &str)] = &[
    (VisitKind::Call, "电话沟通投资意向，对方有意来区考察"),
    (VisitKind::Visit, "登门拜访，介绍园区产业政策和要素保障"),
    (VisitKind::Inspection, "投资方来区实地考察地块和配套"),
    (VisitKind::Talks, "就用地、能耗指标和投资强度进行洽谈"),
    (VisitKind::Talks, "对接投资协议文本，明确履约节点"),
];

fn day(year: i32, ordinal: i64) -> NaiveDate {
    NaiveDate::from_yo_opt(year, ordinal.clamp(1, 365) as u32).unwrap_or(NaiveDate::MIN)
}

fn after(d: NaiveDate, days: i64) -> NaiveDate {
    d.checked_add_days(Days::new(days.max(0) as u64))
        .unwrap_or(d)
}

fn before(d: NaiveDate, days: i64) -> NaiveDate {
    d.checked_sub_days(Days::new(days.max(0) as u64))
        .unwrap_or(d)
}

struct Maker<'a> {
    rng: Rng,
    zone: &'a Zone,
    today: NaiveDate,
    names: HashSet<String>,
    brand: usize,
    leads: Vec<Lead>,
}

impl Maker<'_> {
    fn source(&mut self) -> LeadSource {
        *self.rng.pick(&[
            LeadSource::LiaisonOffice,
            LeadSource::LiaisonOffice,
            LeadSource::Promotion,
            LeadSource::Promotion,
            LeadSource::Referral,
            LeadSource::Outbound,
            LeadSource::Outbound,
            LeadSource::Other,
        ])
    }

    fn person(&mut self) -> String {
        format!(
            "{}{}",
            self.rng.pick(names::SURNAMES),
            self.rng.pick(names::GIVEN)
        )
    }

    fn owner(&mut self) -> String {
        if self.zone.name == LOGGED[0] {
            self.rng.pick(&LVLIANG_OWNERS).to_string()
        } else {
            self.person()
        }
    }

    fn contact(&mut self) -> String {
        let surname = *self.rng.pick(names::SURNAMES);
        let title = *self.rng.pick(&["总", "经理", "主任"]);
        format!("{surname}{title} 139{:08}", self.rng.range(0, 99_999_999))
    }

    /// A lead of the zone first contacted on `on`, with a name no other of its leads has.
    fn fresh(&mut self, on: NaiveDate) -> Lead {
        let (chain, products) = *self.rng.pick(names::CHAINS);
        let product = *self.rng.pick(products);
        let (name, brand) = loop {
            self.brand += 1;
            let brand =
                names::brand((self.brand * 7 + self.zone.id as usize * 131) % names::brand_count());
            let name = format!("{brand}{product}项目");
            if self.names.insert(name.clone()) {
                break (name, brand);
            }
        };
        let investor = format!(
            "{}{brand}{}{}",
            self.rng.pick(ORIGINS),
            self.rng.pick(names::TRADES),
            self.rng.pick(names::SUFFIXES)
        );
        Lead {
            source: self.source(),
            chain: chain.to_string(),
            expected_investment: Some(Amount::from_wan(self.rng.range(20, 2_000) * 100)),
            contact: self.contact(),
            owner: self.owner(),
            ..Lead::new(self.zone.id, &name, &investor, on)
        }
    }

    /// A lead that became `project`, signed for `amount`.
    fn signed(&mut self, project: &Project, investor: &str, amount: Amount) {
        let Some(signed_on) = project.dates.signed_on else {
            return;
        };
        if !self.names.insert(project.name.clone()) {
            return;
        }
        let registered = before(signed_on, self.rng.range(60, 300));
        let fresh = self.fresh(registered);
        self.names.remove(&fresh.name);
        self.leads.push(Lead {
            name: project.name.clone(),
            investor: if investor.is_empty() {
                fresh.investor.clone()
            } else {
                investor.to_string()
            },
            chain: if project.chain.is_empty() {
                fresh.chain.clone()
            } else {
                project.chain.clone()
            },
            status: LeadStatus::Signed,
            signed_on: Some(signed_on),
            expected_investment: Some(amount),
            project_id: Some(project.id),
            ..fresh
        });
    }

    /// A lead first contacted in `year` that has not been signed (yet): dropped, or still
    /// worked at a stage that goes with its age.
    fn unsigned(&mut self, year: i32) {
        let last = if year == self.today.year() {
            self.today.ordinal() as i64
        } else {
            365
        };
        let on = day(year, self.rng.range(1, last));
        let mut l = self.fresh(on);
        let age = (self.today - on).num_days();
        let keeps = if age > 300 {
            self.rng.chance(8)
        } else {
            self.rng.chance(75)
        };
        if keeps {
            l.status = match age {
                ..60 => LeadStatus::Contact,
                60..150 => LeadStatus::Inspection,
                _ => LeadStatus::Negotiation,
            };
        } else {
            l.status = LeadStatus::Dropped;
            l.dropped_on = Some(after(on, self.rng.range(20, 250).min(age)));
            l.reason = self.rng.pick(REASONS).to_string();
        }
        self.leads.push(l);
    }

    /// A lead first contacted and dropped within `year`.
    fn dropped_within(&mut self, year: i32) {
        let on = day(year, self.rng.range(1, 300));
        let mut l = self.fresh(on);
        l.status = LeadStatus::Dropped;
        l.dropped_on = Some(after(on, self.rng.range(20, 60)));
        l.reason = self.rng.pick(REASONS).to_string();
        self.leads.push(l);
    }
}

/// `total` shared out in proportion to `weights`, in whole units, adding up exactly.
fn shares(weights: &[i64], total: i64) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| i128::from(*w).max(1)).sum();
    let mut out: Vec<i64> = weights
        .iter()
        .map(|w| (i128::from(*w).max(1) * i128::from(total) / sum.max(1)) as i64)
        .collect();
    let rest = total - out.iter().sum::<i64>();
    if let Some(first) = out.first_mut() {
        *first += rest;
    }
    out
}

/// The leads of one zone from [`FIRST_YEAR`] to `today`.
fn of_zone(
    zone: &Zone,
    projects: &[&Project],
    investors: &HashMap<i64, String>,
    today: NaiveDate,
) -> Vec<Lead> {
    let mut m = Maker {
        rng: Rng::new(0x6c65_6164 ^ zone.id as u64),
        zone,
        today,
        names: HashSet::new(),
        brand: 0,
        leads: Vec::new(),
    };
    let (calibrated, year_of, worked, signed, wan) = JINCHENG;
    let published = zone.name == calibrated;
    for year in FIRST_YEAR..=today.year() {
        let mut of_year: Vec<&&Project> = projects
            .iter()
            .filter(|p| {
                p.dates
                    .signed_on
                    .is_some_and(|d| d.year() == year && d <= today)
            })
            .collect();
        of_year.sort_by_key(|p| (std::cmp::Reverse(p.total_investment), p.id));
        let exact = published && year == year_of;
        let through_leads = if exact {
            signed
        } else {
            of_year.len().div_ceil(4)
        };
        let chosen: Vec<&&Project> = of_year.into_iter().take(through_leads).collect();
        let amounts: Vec<Amount> = if exact {
            let weights: Vec<i64> = chosen.iter().map(|p| p.total_investment.yuan()).collect();
            shares(&weights, wan)
                .into_iter()
                .map(Amount::from_wan)
                .collect()
        } else {
            chosen.iter().map(|p| p.total_investment).collect()
        };
        for (p, amount) in chosen.iter().zip(amounts) {
            let investor = p
                .enterprise_id
                .and_then(|e| investors.get(&e))
                .cloned()
                .unwrap_or_default();
            m.signed(p, &investor, amount);
        }
        let unsigned = chosen.len().max(1) * m.rng.range(6, 10) as usize;
        for _ in 0..unsigned {
            m.unsigned(year);
        }
    }
    if published {
        // Exactly as many worked in the year as published: more dropped within it, or fewer
        // first contacted in it.
        let (from, to) = (day(year_of, 1), day(year_of, 365));
        loop {
            let have = lead::conversion(&m.leads, from, to).leads;
            if have < worked {
                m.dropped_within(year_of);
            } else if have > worked {
                let Some(i) = m.leads.iter().rposition(|l| {
                    l.status != LeadStatus::Signed && l.registered_on.year() == year_of
                }) else {
                    break;
                };
                m.leads.remove(i);
            } else {
                break;
            }
        }
    }
    m.leads
}

/// A log of one to four contacts between a lead's first contact and its close (or today).
fn log(lead: &Lead, lead_id: i64, rng: &mut Rng, today: NaiveDate) -> Vec<Visit> {
    let end = lead.closed_on().unwrap_or(today);
    let span = (end - lead.registered_on).num_days().max(0);
    let n = match lead.status {
        LeadStatus::Contact => 1,
        LeadStatus::Dropped => rng.range(1, 2),
        _ => rng.range(2, 4),
    };
    (0..n)
        .map(|i| {
            let (kind, note) = NOTES[(i as usize).min(NOTES.len() - 1)];
            let on = after(lead.registered_on, span * i / n.max(1));
            Visit {
                id: 0,
                lead_id,
                visited_on: on,
                kind,
                people: lead.owner.clone(),
                note: note.to_string(),
                author: "demo".into(),
                at: on
                    .and_hms_opt(10, 0, 0)
                    .map_or_else(Utc::now, |t| t.and_utc()),
            }
        })
        .collect()
}

/// Adds the leads, unless some are stored already; in 吕梁经开区 and 晋城经开区 the three
/// furthest-along leads of this year are signed into projects, as a zone would sign them.
pub async fn seed(db: &Db, actor: &crate::Actor, today: NaiveDate) -> Result<(), AppError> {
    if !kfq_store::leads(db).await?.is_empty() {
        return Ok(());
    }
    let snapshot = db.snapshot().await?;
    let investors: HashMap<i64, String> = snapshot
        .enterprises
        .iter()
        .map(|e| (e.id, e.name.clone()))
        .collect();
    let mut by_zone: HashMap<i64, Vec<&Project>> = HashMap::new();
    for p in &snapshot.projects {
        by_zone.entry(p.zone_id).or_default().push(p);
    }
    let mut all = Vec::new();
    for zone in &snapshot.zones {
        let projects = by_zone.get(&zone.id).map(Vec::as_slice).unwrap_or_default();
        all.extend(of_zone(zone, projects, &investors, today));
    }
    let mut tx = db.begin().await?;
    // The activities the leads came from, in the same transaction.
    let activities = super::activities::seed(&mut tx, &snapshot.zones, today).await?;
    for lead in &mut all {
        lead.activity_id = super::activities::source_of(lead, &activities);
    }
    let ids = kfq_store::insert_leads(&mut tx, &all).await?;
    let mut rng = Rng::new(0x7669_7369);
    let logged: HashSet<i64> = snapshot
        .zones
        .iter()
        .filter(|z| LOGGED.contains(&z.name.as_str()))
        .map(|z| z.id)
        .collect();
    let visits: Vec<Visit> = all
        .iter()
        .filter(|l| logged.contains(&l.zone_id))
        .filter_map(|l| Some((l, *ids.get(&format!("{}|{}", l.zone_id, l.name))?)))
        .flat_map(|(l, id)| log(l, id, &mut rng, today))
        .collect();
    kfq_store::insert_visits(&mut tx, &visits).await?;
    tx.commit().await?;
    let mut this_year: Vec<(&Lead, i64)> = all
        .iter()
        .filter(|l| logged.contains(&l.zone_id) && l.status == LeadStatus::Negotiation)
        .filter(|l| l.registered_on.year() == today.year())
        .filter_map(|l| Some((l, *ids.get(&format!("{}|{}", l.zone_id, l.name))?)))
        .collect();
    this_year.sort_by_key(|(l, id)| (l.zone_id, l.registered_on, *id));
    let mut per_zone: HashMap<i64, usize> = HashMap::new();
    for (l, id) in this_year {
        let signed = per_zone.entry(l.zone_id).or_default();
        if *signed == 3 {
            continue;
        }
        *signed += 1;
        let on = after(l.registered_on, 100).min(today);
        let fields = serde_json::json!({ "signed_on": on.to_string() });
        let fields = fields.as_object().cloned().unwrap_or_default();
        crate::leads::sign(db, actor, id, l.version, &fields, today).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_the_total_in_proportion() {
        let s = shares(&[300, 100, 100], 1_570_000);
        assert_eq!(s.iter().sum::<i64>(), 1_570_000);
        assert_eq!(s[1], 314_000);
        assert_eq!(s[0], 942_000);
    }
}
