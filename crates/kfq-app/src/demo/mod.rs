//! 演示数据 — a deterministic demo data set: Shanxi's 11 cities, their development zones, a few
//! thousand projects over 2022–2025 with rounds, monthly reports and blockers.
//!
//! Calibrated to `shared/domain/published-figures.md` (see `calibration.rs`): the round summary
//! of 2024年第四次 reproduces every published cell, 2024年第一次 reproduces 忻州 and 吕梁, and
//! 吕梁's funnel over the six rounds of 2022–2023 as of 2023-12-31 reproduces the published
//! 开工率 89.93%, 投产率 43.13% and 达产率 100%. The data stop at [`HORIZON`].
//!
//! The demo is written through the same import as any ledger, so it obeys every rule.

mod activities;
mod assessment;
mod calibration;
mod chemical;
mod cycle;
mod delegation;
mod land;
mod leads;
mod meetings;
mod names;
mod naming;
mod procedures;
mod registration;
pub use naming::PLANTED as PLANTED_DUPLICATES;
pub mod planted;
mod rng;
mod work;

use chrono::{Datelike, Duration, NaiveDate};
use kfq_core::access::Role;
use kfq_core::enterprise::CreditCode;
use kfq_core::money::Amount;
use kfq_core::monthly::Month;
use kfq_core::project::{Category, ProjectCode};
use kfq_core::region::RegionCode;
use kfq_core::round::{BatchKind, RoundId};
use kfq_core::stage::StageDates;
use kfq_core::zone::{ZoneKind, ZoneLevel};
use kfq_core::Lang;
use kfq_ledger::records::{
    BlockerRecord, EntryRecord, Located, MonthlyRecord, ProjectRecord, RoundRecord, ZoneRecord,
};
use kfq_ledger::{Ledger, Place};
use kfq_store::Db;

use crate::import::{import_ledger, ImportSummary};
use crate::AppError;
use calibration::{lvliang, CELLS};
use rng::{split, split_even, Rng};

/// The last day the demo data know of.
pub const HORIZON: NaiveDate = match NaiveDate::from_ymd_opt(2025, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

const SEED: u64 = 20_241_126;

/// The rounds held: two in 2022, four a year since (dates of 2023-4 and 2024-1, 2024-4 from the
/// sources; the others plausible).
/// Year, number in the year, the day it was held, the main venue.
type HeldRound = (i32, u8, (i32, u32, u32), &'static str);

const ROUNDS: &[HeldRound] = &[
    (2022, 1, (2022, 3, 18), "太原"),
    (2022, 2, (2022, 8, 26), "大同"),
    (2023, 1, (2023, 2, 24), "晋中"),
    (2023, 2, (2023, 5, 26), "长治"),
    (2023, 3, (2023, 8, 25), "运城"),
    (2023, 4, (2023, 12, 1), "吕梁"),
    (2024, 1, (2024, 2, 23), "太原"),
    (2024, 2, (2024, 5, 24), "朔州"),
    (2024, 3, (2024, 8, 23), "阳泉"),
    (2024, 4, (2024, 11, 26), "临汾侯马"),
    (2025, 1, (2025, 2, 21), "忻州"),
    (2025, 2, (2025, 5, 23), "晋城"),
    (2025, 3, (2025, 8, 22), "大同"),
    (2025, 4, (2025, 11, 21), "长治"),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(HORIZON)
}

/// What must have become of an entry by 吕梁's report date (2023-12-31); `Free` elsewhere.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    Free,
    StartedBy,
    NotStartedBy,
    ProducingBy { completed_wan: i64 },
    NotProducingBy,
    ReachedBy,
}

/// One batch entry to generate, with the project behind it.
#[derive(Debug, Clone)]
struct EntrySpec {
    round: usize,
    city: u32,
    batch: BatchKind,
    wan: i64,
    strategic: bool,
    industrial: bool,
    output_wan: Option<i64>,
    fate: Fate,
    name: Option<&'static str>,
}

struct Zone {
    name: String,
    city: u32,
}

struct Generator {
    rng: Rng,
    zones: Vec<Zone>,
    ledger: Ledger,
    serials: std::collections::BTreeMap<(u32, i32), u32>,
    /// Enterprises already made, per city: name and credit code.
    enterprises: std::collections::BTreeMap<u32, Vec<(String, Option<CreditCode>)>>,
    /// Each zone's own development company, which carries its public projects.
    platforms: std::collections::BTreeMap<(u8, String), (String, Option<CreditCode>)>,
}

/// Generates the demo ledger. Pure and deterministic.
pub fn generate() -> Ledger {
    let mut g = Generator {
        rng: Rng::new(SEED),
        zones: Vec::new(),
        ledger: Ledger::default(),
        serials: Default::default(),
        enterprises: Default::default(),
        platforms: Default::default(),
    };
    g.zones_and_rounds();
    let mut specs = g.published_cells();
    specs.extend(g.lvliang_cohorts());
    specs.extend(g.free_cells());
    for spec in &specs {
        g.entry(spec);
    }
    g.projects_outside_batches();
    g.distinct_names();
    g.plant_duplicates();
    g.ledger
}

/// One user per role, in 吕梁 where the role works in a city or zone, and the three
/// administrators.
const USERS: &[(&str, &str, Role, &str)] = &[
    ("shanxi", "省商务厅", Role::Province, "140000"),
    ("lvliang", "吕梁市商务局", Role::City, "141100"),
    (
        "lljkq",
        "吕梁经开区管委会",
        Role::Zone,
        "吕梁经济技术开发区",
    ),
    (
        "lljkq.zhaoshang",
        "吕梁经开区招商发展部",
        Role::Department,
        "吕梁经济技术开发区",
    ),
    (
        "lljkq.daiban",
        "吕梁经开区代办员",
        Role::Agent,
        "吕梁经济技术开发区",
    ),
    ("lingdao", "省领导", Role::Leader, "140000"),
    // 三员分立: the three administrators of the platform.
    ("xitong", "系统管理员", Role::SystemAdmin, "140000"),
    ("anquan", "安全管理员", Role::SecurityAdmin, "140000"),
    ("shenji", "审计管理员", Role::AuditAdmin, "140000"),
];

/// A demo user created now, with the password shown this once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    pub username: String,
    pub role: Role,
    pub region: String,
    pub password: String,
}

/// Loads the demo into the database (through the import, in one transaction) and creates the
/// demo users that do not exist yet.
pub async fn load(db: &Db, lang: Lang) -> Result<(ImportSummary, Vec<DemoUser>), AppError> {
    let summary = import_ledger(db, &generate(), "demo", lang).await?;
    let operator = crate::Actor::operator("demo", lang);
    // Blockers a year overdue have gone to their city, two years to the province's 百项堵点,
    // so that every level's ledger has what was escalated to it.
    let today = chrono::Local::now().date_naive();
    let rules = [
        (365, kfq_core::blocker::BlockerLevel::City),
        (730, kfq_core::blocker::BlockerLevel::Province),
    ];
    crate::blockers::escalate_overdue(db, &operator, &rules, today).await?;
    cycle::seed(db, today, crate::monthly::deadline_day(db).await?).await?;
    meetings::seed(db, &operator, today).await?;
    procedures::seed(db, today).await?;
    leads::seed(db, &operator, today).await?;
    delegation::seed(db, today).await?;
    land::seed(db, today).await?;
    registration::seed(db, today).await?;
    chemical::seed(db, today).await?;
    assessment::seed(db, today).await?;
    let mut created = Vec::new();
    for &(username, display_name, role, region) in USERS {
        if kfq_store::user_by_name(db, username).await?.is_some() {
            continue;
        }
        let password = crate::users::generate_password()?;
        let new = crate::users::NewUser {
            username: username.into(),
            display_name: display_name.into(),
            role,
            region: region.into(),
            password: password.clone(),
            must_change_password: true,
        };
        crate::users::add_user(db, &operator, new).await?;
        created.push(DemoUser {
            username: username.into(),
            role,
            region: region.into(),
            password,
        });
    }
    // Assignments name the demo users, so they come after them.
    work::seed(db, &operator, today).await?;
    Ok((summary, created))
}

/// Pads to a display width, counting a Chinese character as two columns.
fn pad(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// The demo users' sign-in lines, to print once.
pub fn describe_users(users: &[DemoUser], lang: Lang) -> String {
    if users.is_empty() {
        return String::new();
    }
    let mut text = lang
        .pick(
            "演示用户（密码只显示这一次）：",
            "Demo users (passwords are shown this once):",
        )
        .to_string();
    for u in users {
        text.push_str(&format!(
            "\n  {:<18} {} {} {}",
            u.username,
            pad(u.role.label(lang), 8),
            pad(&u.region, 22),
            u.password
        ));
    }
    text
}

fn place(sheet: &str, row: usize) -> Place {
    Place {
        file: "demo".into(),
        sheet: sheet.into(),
        row,
        columns: Default::default(),
    }
}

impl Generator {
    fn zones_and_rounds(&mut self) {
        for (i, line) in include_str!("zones.csv").lines().skip(1).enumerate() {
            let f: Vec<&str> = line.split(',').collect();
            let (Some(name), Some(city), Some(level), Some(kind)) =
                (f.first(), f.get(1), f.get(2), f.get(3))
            else {
                continue;
            };
            let (Ok(code), Some(level), Some(kind)) = (
                RegionCode::parse(city),
                ZoneLevel::parse(level),
                ZoneKind::parse(kind),
            ) else {
                continue;
            };
            self.ledger.zones.push(Located {
                place: place("开发区", i + 2),
                record: ZoneRecord {
                    name: name.to_string(),
                    city: code,
                    level,
                    kind,
                },
            });
            self.zones.push(Zone {
                name: name.to_string(),
                city: code.value(),
            });
        }
        let last = ROUNDS.len() - 1;
        for (i, &(year, seq, (y, m, d), venue)) in ROUNDS.iter().enumerate() {
            let Some(id) = RoundId::new(year, seq) else {
                continue;
            };
            self.ledger.rounds.push(Located {
                place: place("活动", i + 2),
                record: RoundRecord {
                    id,
                    held_on: Some(date(y, m, d)),
                    venue: venue.into(),
                    locked: i != last,
                },
            });
        }
    }

    fn round_index(&self, (year, seq): (i32, u8)) -> usize {
        ROUNDS
            .iter()
            .position(|r| r.0 == year && r.1 == seq)
            .unwrap_or(0)
    }

    fn representative(city: u32, batch: BatchKind) -> &'static [&'static str] {
        names::REPRESENTATIVE
            .iter()
            .find(|(c, b, _)| *c == city && *b == batch.code())
            .map_or(&[], |(_, _, n)| n)
    }

    /// The published cells, with their amounts split exactly and their subsets as published.
    fn published_cells(&mut self) -> Vec<EntrySpec> {
        let mut specs = Vec::new();
        for cell in CELLS {
            let round = self.round_index(cell.round);
            let n = cell.count;
            let strategic_count = cell.strategic.map(|(k, _)| k);
            // Amounts: split within the 战新 subset and the rest when its amount is published.
            let mut amounts = match cell.strategic {
                Some((k, Some(wan))) => {
                    let mut a = split(&mut self.rng, wan, k, 800);
                    a.extend(split(&mut self.rng, cell.wan - wan, n - k, 500));
                    a
                }
                _ => match cell.above_one_yi {
                    Some(big) => self.split_with_big(cell.wan, n, big),
                    None => split(&mut self.rng, cell.wan, n, 500),
                },
            };
            if cell.strategic.is_some_and(|(_, w)| w.is_none()) || cell.strategic.is_none() {
                self.rng.shuffle(&mut amounts);
            }
            let industrial_count = cell.industrial.map_or_else(|| n * 3 / 4, |(k, _)| k);
            let outputs = cell
                .industrial
                .and_then(|(k, w)| w.map(|w| split(&mut self.rng, w, k, 200)));
            let reps = Self::representative(cell.city, cell.batch);
            for (i, wan) in amounts.into_iter().enumerate() {
                let industrial = i < industrial_count;
                specs.push(EntrySpec {
                    round,
                    city: cell.city,
                    batch: cell.batch,
                    wan,
                    strategic: match strategic_count {
                        Some(k) => i < k,
                        None => industrial && self.rng.chance(45),
                    },
                    industrial,
                    output_wan: outputs.as_ref().and_then(|o| o.get(i).copied()),
                    fate: Fate::Free,
                    name: if cell.round == (2024, 4) {
                        reps.get(i).copied()
                    } else {
                        None
                    },
                });
            }
        }
        specs
    }

    /// `n` parts of `total`, exactly `big` of them at least 1 亿元 (10000 万元), the others below.
    fn split_with_big(&mut self, total: i64, n: usize, big: usize) -> Vec<i64> {
        const YI: i64 = 10_000;
        let small: Vec<i64> = (0..n - big).map(|_| self.rng.range(800, 9_000)).collect();
        let rest = total - small.iter().sum::<i64>();
        let mut parts: Vec<i64> = split(&mut self.rng, rest - YI * big as i64, big, 0)
            .into_iter()
            .map(|p| p + YI)
            .collect();
        parts.extend(small);
        parts
    }

    /// 吕梁's six rounds of 2022–2023, built so that its funnel as of 2023-12-31 is the published one.
    fn lvliang_cohorts(&mut self) -> Vec<EntrySpec> {
        use lvliang::*;
        let mut specs = Vec::new();
        let mut add = |g: &mut Self,
                       per_round: &[usize; 6],
                       special: &[usize; 6],
                       batch,
                       special_wan,
                       other_wan,
                       fates: (Fate, Fate)| {
            let specials: usize = special.iter().sum();
            let others: usize = per_round.iter().sum::<usize>() - specials;
            let mut special_amounts = split(&mut g.rng, special_wan, specials, 800).into_iter();
            let mut other_amounts = split(&mut g.rng, other_wan, others, 800).into_iter();
            for (r, (&n, &k)) in per_round.iter().zip(special).enumerate() {
                let round = g.round_index(ROUNDS[r]);
                for i in 0..n {
                    let is_special = i < k;
                    let wan = if is_special {
                        special_amounts.next()
                    } else {
                        other_amounts.next()
                    };
                    specs.push(EntrySpec {
                        round,
                        city: 141_100,
                        batch,
                        wan: wan.unwrap_or(1_000),
                        strategic: g.rng.chance(40),
                        industrial: true,
                        output_wan: None,
                        fate: if is_special { fates.0 } else { fates.1 },
                        name: None,
                    });
                }
            }
        };
        add(
            self,
            &SIGN_PER_ROUND,
            &SIGN_NOT_STARTED_PER_ROUND,
            BatchKind::Sign,
            SIGN_NOT_STARTED_WAN,
            SIGN_STARTED_WAN,
            (Fate::NotStartedBy, Fate::StartedBy),
        );
        add(
            self,
            &START_PER_ROUND,
            &START_PRODUCING_PER_ROUND,
            BatchKind::Start,
            START_PRODUCING_WAN,
            START_OTHER_WAN,
            (Fate::ProducingBy { completed_wan: 0 }, Fate::NotProducingBy),
        );
        add(
            self,
            &PRODUCE_PER_ROUND,
            &PRODUCE_INDUSTRIAL_PER_ROUND,
            BatchKind::Produce,
            PRODUCE_INDUSTRIAL_WAN,
            PRODUCE_OTHER_WAN,
            (Fate::ReachedBy, Fate::Free),
        );
        // Investment the 94 producing projects had completed, in proportion to their size.
        let producing: Vec<usize> = (0..specs.len())
            .filter(|&i| matches!(specs[i].fate, Fate::ProducingBy { .. }))
            .collect();
        let shares: Vec<i64> = producing
            .iter()
            .map(|&i| specs[i].wan * self.rng.range(40, 75) / 100)
            .collect();
        let completed = rescale(
            &shares,
            START_COMPLETED_WAN,
            &producing.iter().map(|&i| specs[i].wan).collect::<Vec<_>>(),
        );
        for (&i, c) in producing.iter().zip(completed) {
            specs[i].fate = Fate::ProducingBy { completed_wan: c };
        }
        for s in specs
            .iter_mut()
            .filter(|s| s.batch == BatchKind::Produce && s.fate == Fate::Free)
        {
            s.industrial = false;
        }
        specs
    }

    /// Every other city's batch of every round, of plausible size.
    fn free_cells(&mut self) -> Vec<EntrySpec> {
        let mut specs = Vec::new();
        let cities: Vec<u32> = (1..=11).map(|i| 140_000 + i * 100).collect();
        for (round, &(year, seq, ..)) in ROUNDS.iter().enumerate() {
            for &city in &cities {
                for batch in BatchKind::ALL {
                    let published = CELLS
                        .iter()
                        .any(|c| c.round == (year, seq) && c.city == city && c.batch == batch);
                    let cohort = city == 141_100 && lvliang::ROUNDS.contains(&(year, seq));
                    if published || cohort {
                        continue;
                    }
                    let busy = year == 2024;
                    let n = if busy {
                        self.rng.range(8, 18)
                    } else {
                        self.rng.range(5, 12)
                    };
                    let median = match batch {
                        BatchKind::Sign => 2_000,
                        BatchKind::Start => 1_500,
                        BatchKind::Produce => 1_200,
                    };
                    for _ in 0..n {
                        let wan = (median * self.rng.weight() as i64 / 100).max(500) / 10 * 10;
                        let industrial = self.rng.chance(75);
                        specs.push(EntrySpec {
                            round,
                            city,
                            batch,
                            wan,
                            strategic: industrial && self.rng.chance(40),
                            industrial,
                            output_wan: None,
                            fate: Fate::Free,
                            name: None,
                        });
                    }
                }
            }
        }
        specs
    }

    fn code(&mut self, city: u32, year: i32) -> ProjectCode {
        let serial = self.serials.entry((city, year)).or_insert(0);
        *serial += 1;
        ProjectCode::parse(&format!("{city}-{year}-{serial:04}"))
            .expect("digits and dashes make a project code")
    }

    fn enterprise(
        &mut self,
        city: u32,
        chain: &str,
        government: bool,
        zone: &str,
    ) -> (String, Option<CreditCode>) {
        if government {
            let key = (0, zone.to_string());
            if let Some(found) = self.platforms.get(&key) {
                return found.clone();
            }
            let made = (format!("{zone}开发建设有限公司"), self.credit_code(city));
            self.platforms.insert(key, made.clone());
            return made;
        }
        let made = self.enterprises.entry(city).or_default().len();
        if made > 0 && self.rng.chance(15) {
            let i = self.rng.range(0, made as i64 - 1) as usize;
            let (name, code) = &self.enterprises[&city][i];
            return (name.clone(), code.clone());
        }
        let city_name = kfq_core::region::regions()
            .name(
                RegionCode::parse(&city.to_string())
                    .expect("the demo's cities are in the catalogue"),
            )
            .trim_end_matches('市')
            .to_string();
        let trade = if chain.is_empty() {
            *self.rng.pick(names::TRADES)
        } else {
            chain_trade(chain)
        };
        let name = format!(
            "{}{}{}{}",
            if self.rng.chance(60) {
                city_name.as_str()
            } else {
                "山西"
            },
            names::brand(self.rng.range(0, names::brand_count() as i64 - 1) as usize),
            trade,
            self.rng.pick(names::SUFFIXES)
        );
        let code = if self.rng.chance(85) {
            self.credit_code(city)
        } else {
            None
        };
        self.enterprises
            .entry(city)
            .or_default()
            .push((name.clone(), code.clone()));
        (name, code)
    }

    fn credit_code(&mut self, city: u32) -> Option<CreditCode> {
        const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        let body: String = (0..6).map(|_| *self.rng.pick(CHARS) as char).collect();
        CreditCode::complete(&format!("91{city}MA0{body}")).ok()
    }

    fn project_name(
        &mut self,
        spec: &EntrySpec,
        category: Category,
        chain: &str,
        zone: &str,
    ) -> String {
        if let Some(name) = spec.name {
            return name.to_string();
        }
        match category {
            Category::Industrial => {
                let products = names::CHAINS
                    .iter()
                    .find(|(c, _)| *c == chain)
                    .map_or(&[][..], |(_, p)| *p);
                let product = if products.is_empty() {
                    "新材料"
                } else {
                    *self.rng.pick(products)
                };
                let pattern = *self.rng.pick(names::INDUSTRIAL_PATTERNS);
                let n = self.rng.range(1, 50).to_string();
                let phase = match self.rng.range(0, 9) {
                    0 => "（一期）",
                    1 => "（二期）",
                    _ => "",
                };
                planted::with_phase(&pattern.replace("{n}", &n).replace("{p}", product), phase)
            }
            Category::Infrastructure => format!("{zone}{}", self.rng.pick(names::INFRASTRUCTURE)),
            Category::Social => format!("{zone}{}", self.rng.pick(names::SOCIAL)),
        }
    }

    fn zone_in(&mut self, city: u32) -> String {
        let zones: Vec<&Zone> = self.zones.iter().filter(|z| z.city == city).collect();
        // The first zone of a city carries the most projects, as the main zones do.
        let i = if self.rng.chance(45) {
            0
        } else {
            self.rng.range(0, zones.len() as i64 - 1) as usize
        };
        zones.get(i).map_or(String::new(), |z| z.name.clone())
    }

    /// Makes the project behind an entry, its milestones, monthly figures and blockers.
    fn entry(&mut self, spec: &EntrySpec) {
        let (year, seq, (y, m, d), _) = ROUNDS[spec.round];
        let held_on = date(y, m, d);
        let Some(round) = RoundId::new(year, seq) else {
            return;
        };
        let category = if spec.industrial {
            Category::Industrial
        } else if self.rng.chance(60) {
            Category::Infrastructure
        } else {
            Category::Social
        };
        let dates = self.milestones(spec, round, held_on, category);
        let project = self.project(spec.city, spec, category, dates);
        if let Some(code) = project {
            self.ledger.entries.push(Located {
                place: place("三个一批", self.ledger.entries.len() + 2),
                record: EntryRecord {
                    round,
                    batch: spec.batch,
                    project: code,
                    amount: None,
                    expected_output: None,
                    strategic_emerging: None,
                    category: None,
                    zone: None,
                },
            });
        }
    }

    fn project(
        &mut self,
        city: u32,
        spec: &EntrySpec,
        category: Category,
        dates: StageDates,
    ) -> Option<ProjectCode> {
        let zone = self.zone_in(city);
        let chain = if category == Category::Industrial {
            names::CHAINS[self.rng.range(0, names::CHAINS.len() as i64 - 1) as usize].0
        } else {
            ""
        };
        let strategic = spec.strategic;
        let name = self.project_name(spec, category, chain, &zone);
        let government = category != Category::Industrial;
        let (enterprise, credit_code) = if government && self.rng.chance(10) {
            (String::new(), None)
        } else {
            self.enterprise(city, chain, government, &zone)
        };
        let first_year = dates.latest().map(|_| {
            kfq_core::stage::Milestone::ALL
                .iter()
                .find_map(|&m| dates.get(m))
                .map_or(HORIZON.year(), |d| d.year())
        });
        let code = self.code(city, first_year.unwrap_or(HORIZON.year()));
        let output = match (category, spec.output_wan) {
            (_, Some(o)) => Some(o),
            (Category::Industrial, None) => Some(spec.wan * self.rng.range(80, 250) / 100),
            _ => None,
        };
        let total = Amount::from_wan(spec.wan);
        let land = (category != Category::Social).then(|| self.rng.range(2_000, 60_000));
        self.monthly(&code, &dates, spec);
        self.blockers(&code, &dates);
        self.ledger.projects.push(Located {
            place: place("项目", self.ledger.projects.len() + 2),
            record: ProjectRecord {
                code: code.clone(),
                name,
                zone,
                enterprise,
                credit_code,
                chain: chain.into(),
                strategic_emerging: strategic,
                category,
                total_investment: total,
                expected_output: output.map(Amount::from_wan),
                dates,
                land_area: land.map(kfq_core::project::LandArea::from_hundredths),
                terminated_on: None,
            },
        });
        Some(code)
    }

    /// A date `lo..=hi` days after `from`, or None if the chance fails or it falls after the horizon.
    fn later(
        &mut self,
        from: Option<NaiveDate>,
        percent: i64,
        lo: i64,
        hi: i64,
    ) -> Option<NaiveDate> {
        let from = from?;
        if !self.rng.chance(percent) {
            return None;
        }
        let d = from + Duration::days(self.rng.range(lo, hi));
        (d <= HORIZON).then_some(d)
    }

    fn between(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        lo + Duration::days(self.rng.range(0, (hi - lo).num_days().max(0)))
    }

    fn milestones(
        &mut self,
        spec: &EntrySpec,
        round: RoundId,
        held_on: NaiveDate,
        category: Category,
    ) -> StageDates {
        let as_of = date(lvliang::AS_OF.0, lvliang::AS_OF.1, lvliang::AS_OF.2);
        let quarter_start = date(round.year, u32::from(round.seq) * 3 - 2, 1);
        let near_ceremony =
            self.between((held_on - Duration::days(40)).max(quarter_start), held_on);
        let industrial = category == Category::Industrial;
        let mut d = StageDates::default();
        match spec.batch {
            BatchKind::Sign => {
                d.signed_on = Some(held_on);
                match spec.fate {
                    Fate::StartedBy => {
                        let started =
                            self.between((held_on + Duration::days(10)).min(as_of), as_of);
                        d.started_on = Some(started);
                        d.landed_on = self.rng.chance(80).then(|| self.between(held_on, started));
                    }
                    Fate::NotStartedBy => {
                        d.landed_on = self
                            .later(Some(held_on), 50, 30, 200)
                            .filter(|l| *l <= as_of);
                        d.started_on = self.later(Some(as_of), 50, 30, 500);
                    }
                    _ => {
                        d.landed_on = self.later(d.signed_on, 85, 20, 240);
                        d.started_on = self.later(d.landed_on.or(d.signed_on), 80, 20, 240);
                    }
                }
                d.producing_on = self.later(d.started_on, 70, 180, 720);
            }
            BatchKind::Start => {
                let started = near_ceremony;
                d.started_on = Some(started);
                d.signed_on = self.later(Some(started - Duration::days(700)), 80, 0, 620);
                d.landed_on = self.rng.chance(75).then(|| {
                    self.between(
                        d.signed_on.unwrap_or(started - Duration::days(300)),
                        started,
                    )
                });
                d.producing_on = match spec.fate {
                    Fate::ProducingBy { .. } => Some(
                        self.between(
                            (started + Duration::days(60))
                                .min(as_of - Duration::days(1))
                                .max(started + Duration::days(1)),
                            as_of,
                        ),
                    ),
                    Fate::NotProducingBy => self.later(Some(as_of), 50, 30, 600),
                    _ => self.later(Some(started), 70, 180, 720),
                };
            }
            BatchKind::Produce => {
                let producing = near_ceremony;
                d.producing_on = Some(producing);
                let started = producing - Duration::days(self.rng.range(200, 800));
                d.started_on = Some(started);
                d.signed_on = self.later(Some(started - Duration::days(500)), 80, 0, 440);
                d.landed_on = self.rng.chance(70).then(|| {
                    self.between(
                        d.signed_on.unwrap_or(started - Duration::days(200)),
                        started,
                    )
                });
            }
        }
        if industrial {
            d.reached_on = match spec.fate {
                Fate::ReachedBy => d.producing_on.map(|p| self.between(p, as_of.max(p))),
                _ => self.later(d.producing_on, 60, 90, 540),
            };
        }
        d
    }

    /// Monthly figures from the start of construction to production (or the horizon).
    fn monthly(&mut self, code: &ProjectCode, dates: &StageDates, spec: &EntrySpec) {
        let Some(started) = dates.started_on else {
            return;
        };
        let first = Month::of(started.max(date(2021, 1, 1)));
        let last = Month::of(dates.producing_on.unwrap_or(HORIZON).min(HORIZON));
        let mut months = vec![first];
        while let Some(&m) = months.last().filter(|m| **m < last) {
            months.push(m.next());
        }
        let completed = match spec.fate {
            Fate::ProducingBy { completed_wan } => completed_wan,
            _ if dates.producing_on.is_some() => spec.wan * self.rng.range(55, 95) / 100,
            _ => spec.wan * (months.len() as i64 * self.rng.range(2, 5)).min(90) / 100,
        };
        for (month, wan) in months
            .iter()
            .zip(split_even(&mut self.rng, completed, months.len()))
        {
            self.ledger.monthly.push(Located {
                place: place("月报", self.ledger.monthly.len() + 2),
                record: MonthlyRecord {
                    project: code.clone(),
                    month: *month,
                    invested: Amount::from_wan(wan),
                },
            });
        }
    }

    /// Some projects in the works have a blocker or two, about half of them resolved.
    fn blockers(&mut self, code: &ProjectCode, dates: &StageDates) {
        if dates.producing_on.is_some() || !self.rng.chance(22) {
            return;
        }
        let Some((_, since)) = dates.latest() else {
            return;
        };
        let count = self.rng.range(1, 2);
        let mut used = Vec::new();
        for _ in 0..count {
            let description = *self.rng.pick(names::BLOCKERS);
            if used.contains(&description) {
                continue;
            }
            used.push(description);
            let raised = self.between(since, HORIZON);
            let due = raised + Duration::days(self.rng.range(15, 120));
            let resolved = self.later(Some(raised), 50, 5, 150);
            let owner = format!(
                "{}{}",
                self.rng.pick(names::SURNAMES),
                self.rng.pick(names::GIVEN)
            );
            self.ledger.blockers.push(Located {
                place: place("堵点", self.ledger.blockers.len() + 2),
                record: BlockerRecord {
                    project: code.clone(),
                    description: description.into(),
                    owner_unit: (*self.rng.pick(names::UNITS)).into(),
                    owner,
                    due_on: Some(due),
                    resolved_on: resolved,
                },
            });
        }
    }

    /// Projects that were never announced in a batch: the ordinary stock of a zone's ledger.
    fn projects_outside_batches(&mut self) {
        for city in (1..=11).map(|i| 140_000 + i * 100) {
            for _ in 0..self.rng.range(30, 60) {
                let signed = self.between(date(2021, 1, 1), HORIZON);
                let mut dates = StageDates {
                    signed_on: self.rng.chance(85).then_some(signed),
                    ..StageDates::default()
                };
                dates.landed_on = self.later(Some(signed), 70, 30, 300);
                dates.started_on = self.later(dates.landed_on, 70, 30, 300);
                dates.producing_on = self.later(dates.started_on, 60, 180, 700);
                let industrial = self.rng.chance(70);
                if industrial {
                    dates.reached_on = self.later(dates.producing_on, 50, 90, 500);
                }
                if dates.latest().is_none() {
                    dates.signed_on = Some(signed);
                }
                let spec = EntrySpec {
                    round: 0,
                    city,
                    batch: BatchKind::Sign,
                    wan: (800 * self.rng.weight() as i64 / 100).max(300) / 10 * 10,
                    strategic: industrial && self.rng.chance(30),
                    industrial,
                    output_wan: None,
                    fate: Fate::Free,
                    name: None,
                };
                let category = if industrial {
                    Category::Industrial
                } else {
                    Category::Infrastructure
                };
                self.project(city, &spec, category, dates);
            }
        }
    }
}

fn chain_trade(chain: &str) -> &'static str {
    match chain {
        "新能源汽车" | "氢能" | "光伏" | "风电装备" | "新型储能" => "新能源",
        "现代医药" => "医药",
        "第三代半导体" => "半导体",
        "合成生物" => "生物科技",
        "高端装备制造" => "装备制造",
        "信息技术融合应用" => "智能科技",
        "废弃资源综合利用" => "环保科技",
        _ => "新材料",
    }
}

/// Scales `shares` to add up to `total` exactly, none above its `cap`.
fn rescale(shares: &[i64], total: i64, caps: &[i64]) -> Vec<i64> {
    let sum: i64 = shares.iter().sum::<i64>().max(1);
    let mut out: Vec<i64> = shares
        .iter()
        .zip(caps)
        .map(|(&s, &cap)| {
            (i128::from(s) * i128::from(total) / i128::from(sum)).min(i128::from(cap)) as i64
        })
        .collect();
    let mut short = total - out.iter().sum::<i64>();
    for (o, &cap) in out.iter_mut().zip(caps) {
        let room = (cap - *o).min(short);
        *o += room;
        short -= room;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_the_same_every_time() {
        assert_eq!(generate(), generate());
    }

    #[test]
    fn the_demo_ledger_plans_without_a_fault() {
        let ledger = generate();
        assert!(ledger.projects.len() > 2_000, "{}", ledger.projects.len());
        let plan = crate::import::plan(&Default::default(), &ledger, Lang::Zh);
        assert!(
            plan.is_ok(),
            "{:?}",
            plan.err().map(|e| e
                .iter()
                .take(5)
                .map(|e| e.message(Lang::Zh))
                .collect::<Vec<_>>())
        );
    }

    #[test]
    fn rescaling_hits_the_total_without_passing_a_cap() {
        let out = rescale(&[10, 20, 30], 120, &[40, 40, 45]);
        assert_eq!(out.iter().sum::<i64>(), 120);
        assert!(out.iter().zip([40, 40, 45]).all(|(o, c)| *o <= c));
    }
}
