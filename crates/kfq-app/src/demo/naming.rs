//! 项目名称 — names as zones write them: an industrial project carries its enterprise's short
//! name (华晟年产20万吨高端铝合金项目), a public work its site (吕梁经开区东区泰和路综合管廊工程),
//! and a firm's or a site's second project of a kind is its next phase. No two projects of the
//! demo look alike except the few duplicates planted on purpose (重复录入), which `kfq check`
//! finds.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Datelike;

use kfq_core::duplicates::{enterprise_key, suspected, Candidate};
use kfq_core::project::Category;
use kfq_core::region::RegionCode;
use kfq_core::Lang;

use super::names;
use super::planted::{chinese_digits, pick_char, with_phase};
use super::rng::Rng;
use super::{Generator, Located};

const SITES: &[&str] = &["东区", "西区", "南区", "北区", "核心区", "拓展区"];

/// How many duplicates the demo plants: one per city from 太原 on, each a project already in the
/// ledger entered again by another zone of its city (or the same zone) under a name and an
/// enterprise written differently.
pub const PLANTED: usize = 4;

impl Generator {
    /// Gives the generated projects their enterprise's brand or their site, then renames the
    /// remaining look-alikes as later phases until no two projects look alike.
    pub(super) fn distinct_names(&mut self) {
        let mut words = Rng::new(super::SEED ^ 0x6e61_6d65);
        let seeds: HashSet<&str> = names::REPRESENTATIVE
            .iter()
            .flat_map(|(_, _, n)| n.iter().copied())
            .collect();
        for project in &mut self.ledger.projects {
            let r = &mut project.record;
            if seeds.contains(r.name.as_str()) {
                continue;
            }
            match r.category {
                Category::Industrial if !r.enterprise.is_empty() => {
                    if words.chance(90) {
                        r.name = format!("{}{}", brand_of(&r.enterprise), r.name);
                    }
                }
                Category::Industrial => {}
                Category::Infrastructure | Category::Social => {
                    let site = format!(
                        "{}{}{}路",
                        words.pick(SITES),
                        pick_char(&mut words, names::BRAND_HEADS),
                        pick_char(&mut words, names::BRAND_TAILS)
                    );
                    r.name = r.name.replacen(&r.zone, &format!("{}{site}", r.zone), 1);
                }
            }
        }
        let mut phases: HashMap<String, u32> = HashMap::new();
        for _ in 0..10 {
            let found = suspected(&self.candidates(), Lang::Zh).found;
            if found.is_empty() {
                break;
            }
            let index: HashMap<String, usize> = self
                .ledger
                .projects
                .iter()
                .enumerate()
                .map(|(i, p)| (p.record.code.to_string(), i))
                .collect();
            let mut renamed = HashSet::new();
            for d in found {
                let (Some(&a), Some(&b)) = (index.get(&d.a), index.get(&d.b)) else {
                    continue;
                };
                let later = if seeds.contains(self.ledger.projects[a.max(b)].record.name.as_str()) {
                    a.min(b)
                } else {
                    a.max(b)
                };
                if renamed.contains(&a) || renamed.contains(&b) {
                    continue;
                }
                let record = &mut self.ledger.projects[later].record;
                let phase = phases.entry(record.name.clone()).or_insert(1);
                *phase += 1;
                record.name = with_phase(
                    &record.name,
                    &format!("（{}期）", chinese_digits(&phase.to_string())),
                );
                renamed.insert(later);
            }
        }
    }

    /// The projects as the duplicate rules see them.
    fn candidates(&self) -> Vec<Candidate> {
        let cities: HashMap<&str, u32> = self
            .zones
            .iter()
            .map(|z| (z.name.as_str(), z.city))
            .collect();
        self.ledger
            .projects
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let r = &p.record;
                let city = RegionCode::parse(&cities.get(r.zone.as_str())?.to_string()).ok()?;
                Some(Candidate {
                    id: i as i64,
                    code: r.code.to_string(),
                    name: r.name.clone(),
                    zone: r.zone.clone(),
                    enterprise: r.enterprise.clone(),
                    credit_code: r.credit_code.as_ref().map(|c| c.to_string()),
                    amount: r.total_investment,
                    city,
                })
            })
            .collect()
    }

    /// Plants [`PLANTED`] duplicates: the largest industrial project of each of the first cities,
    /// entered again, not enrolled in any batch, so that no published figure moves.
    pub(super) fn plant_duplicates(&mut self) {
        let mut largest: BTreeMap<String, usize> = BTreeMap::new();
        let cities: HashMap<String, u32> = self
            .zones
            .iter()
            .map(|z| (z.name.clone(), z.city))
            .collect();
        for (i, p) in self.ledger.projects.iter().enumerate() {
            let r = &p.record;
            if r.category != Category::Industrial || r.credit_code.is_none() {
                continue;
            }
            let Some(city) = cities.get(&r.zone) else {
                continue;
            };
            let best = largest.entry(city.to_string()).or_insert(i);
            if self.ledger.projects[*best].record.total_investment < r.total_investment {
                *best = i;
            }
        }
        let originals: Vec<usize> = largest.into_values().take(PLANTED).collect();
        for (k, i) in originals.into_iter().enumerate() {
            let original = self.ledger.projects[i].record.clone();
            let city = cities.get(&original.zone).copied().unwrap_or(0);
            let zones: Vec<String> = self
                .zones
                .iter()
                .filter(|z| z.city == city && z.name != original.zone)
                .map(|z| z.name.clone())
                .collect();
            let mut copy = original.clone();
            let year = original
                .dates
                .signed_on
                .map_or(super::HORIZON.year(), |d| d.year());
            copy.code = self.code(city, year);
            copy.zone = zones.first().cloned().unwrap_or(original.zone.clone());
            copy.name = match k % 3 {
                0 => original.name.replacen("项目", "建设项目", 1),
                1 => chinese_digits(&original.name),
                _ => original.name.replacen("项目", "工程项目", 1),
            };
            copy.enterprise = if original.enterprise.contains("股份有限公司") {
                original.enterprise.replacen("股份有限公司", "有限公司", 1)
            } else {
                original.enterprise.replacen("有限公司", "股份有限公司", 1)
            };
            copy.credit_code = None;
            copy.total_investment =
                kfq_core::money::Amount::from_yuan(original.total_investment.yuan() / 100 * 97);
            let row = self.ledger.projects.len() + 2;
            self.ledger.projects.push(Located {
                place: super::place("项目", row),
                record: copy,
            });
        }
    }
}

/// The enterprise's short name: 吕梁华晟新材料有限公司 → 华晟.
fn brand_of(enterprise: &str) -> String {
    let key = enterprise_key(enterprise);
    names::TRADES
        .iter()
        .copied()
        .chain(["新能源", "医药", "半导体", "生物科技", "装备制造"])
        .find_map(|t| key.strip_suffix(t))
        .unwrap_or(&key)
        .to_string()
}
