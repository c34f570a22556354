//! 埋设重复项目 — a synthetic national ledger of any size with duplicates and near misses planted
//! at known places, to measure how well duplicate detection finds the one and spares the other
//! (precision and recall). Deterministic: the same size gives the same ledger on every machine.
//!
//! The base ledger is duplicate-free by construction, as a clean ledger would be: an enterprise
//! never has two projects on one product unless their phases differ. Every pair the detector
//! reports that was not planted therefore counts against it.

use std::collections::{HashMap, HashSet};

use kfq_core::duplicates::{Candidate, SuspectedDuplicate};
use kfq_core::money::Amount;
use kfq_core::region::{regions, RegionCode};

use super::names;
use super::rng::Rng;

const ZONE_KINDS: &[&str] = &[
    "经济技术开发区",
    "高新技术产业开发区",
    "工业园区",
    "产业园区",
    "新材料产业园",
    "综合保税区",
    "现代农业产业示范区",
    "循环经济园区",
];

const SITES: &[&str] = &[
    "东区",
    "西区",
    "南区",
    "北区",
    "核心区",
    "拓展区",
    "一号地块",
    "二号地块",
    "三号地块",
];

/// A planted ledger: the candidates, and which pairs among them are one project.
pub struct Planted {
    pub candidates: Vec<Candidate>,
    /// The planted duplicate pairs, by code, smaller code first.
    pub duplicates: HashSet<(String, String)>,
    /// The planted near misses (another phase, another capacity, another enterprise with
    /// another amount): pairs that must not be suspected.
    pub near_misses: HashSet<(String, String)>,
}

/// How a scan did against what was planted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub reported: usize,
    pub found: usize,
    pub planted: usize,
    pub near_misses_reported: usize,
}

impl Measured {
    /// Found among reported, in thousandths.
    pub fn precision(&self) -> i64 {
        (self.found * 1000)
            .checked_div(self.reported)
            .unwrap_or(1000) as i64
    }

    /// Found among planted, in thousandths.
    pub fn recall(&self) -> i64 {
        (self.found * 1000)
            .checked_div(self.planted)
            .unwrap_or(1000) as i64
    }
}

impl Planted {
    pub fn measure(&self, reported: &[SuspectedDuplicate]) -> Measured {
        let pairs: HashSet<(String, String)> = reported
            .iter()
            .map(|d| ordered(d.a.clone(), d.b.clone()))
            .collect();
        Measured {
            reported: pairs.len(),
            found: pairs.intersection(&self.duplicates).count(),
            planted: self.duplicates.len(),
            near_misses_reported: pairs.intersection(&self.near_misses).count(),
        }
    }
}

fn ordered(a: String, b: String) -> (String, String) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

struct Firm {
    brand: String,
    trade: &'static str,
    suffix: &'static str,
    city: RegionCode,
    credit_code: Option<String>,
    /// How many projects the firm has on each product.
    products: HashMap<&'static str, u32>,
}

impl Firm {
    fn name(&self) -> String {
        let city = regions().name(self.city).trim_end_matches('市').to_string();
        format!("{city}{}{}{}", self.brand, self.trade, self.suffix)
    }
}

struct Generator {
    rng: Rng,
    cities: Vec<RegionCode>,
    firms: Vec<Firm>,
    firms_by_city: HashMap<RegionCode, Vec<usize>>,
    brands: HashSet<(RegionCode, String)>,
    /// The base ledger's names, each used once.
    names: HashSet<String>,
    serial: usize,
}

/// Writes a ledger of about `n` projects: 98% base projects, 1% planted duplicates of some of
/// them, 1% planted near misses.
pub fn generate(n: usize) -> Planted {
    let mut g = Generator {
        rng: Rng::new(0x6b66_715f_6475_7073),
        cities: regions()
            .all()
            .iter()
            .filter(|r| !r.code.is_province())
            .map(|r| r.code)
            .collect(),
        firms: Vec::new(),
        firms_by_city: HashMap::new(),
        names: HashSet::new(),
        brands: HashSet::new(),
        serial: 0,
    };
    let planted_each = n / 100;
    let base = n - 2 * planted_each;
    let mut candidates: Vec<Candidate> = Vec::with_capacity(n);
    while candidates.len() < base {
        let c = g.base();
        if g.names.insert(c.name.clone()) {
            candidates.push(c);
        }
    }
    // Each base project is planted upon at most once, so that every pair that is one project
    // is a planted pair.
    let mut order: Vec<usize> = (0..base).collect();
    g.rng.shuffle(&mut order);
    let mut duplicates = HashSet::new();
    let mut near_misses = HashSet::new();
    for (k, &i) in order.iter().take(2 * planted_each).enumerate() {
        let original = candidates[i].clone();
        if k < planted_each {
            let copy = g.duplicate(&original);
            duplicates.insert(ordered(original.code, copy.code.clone()));
            candidates.push(copy);
        } else {
            let other = g.near_miss(&original);
            near_misses.insert(ordered(original.code, other.code.clone()));
            candidates.push(other);
        }
    }
    Planted {
        candidates,
        duplicates,
        near_misses,
    }
}

pub(super) fn pick_char(rng: &mut Rng, pool: &str) -> char {
    let chars: Vec<char> = pool.chars().collect();
    *rng.pick(&chars)
}

impl Generator {
    fn code(&mut self, city: RegionCode) -> String {
        self.serial += 1;
        format!("{}-{:07}", city.value(), self.serial)
    }

    fn zone(&mut self, city: RegionCode) -> String {
        let short = regions().name(city).trim_end_matches('市').to_string();
        format!("{short}{}", self.rng.pick(ZONE_KINDS))
    }

    fn credit_code(&mut self, city: RegionCode) -> Option<String> {
        const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        let body: String = (0..8).map(|_| *self.rng.pick(CHARS) as char).collect();
        kfq_core::enterprise::CreditCode::complete(&format!("91{}{body}", city.value()))
            .ok()
            .map(|c| c.to_string())
    }

    fn firm(&mut self, city: RegionCode) -> usize {
        let known = self.firms_by_city.get(&city).map_or(0, Vec::len);
        if known > 0 && self.rng.chance(30) {
            let i = self.rng.range(0, known as i64 - 1) as usize;
            return self.firms_by_city[&city][i];
        }
        // A register holds one firm of a name: brands are not shared within a province.
        let brand = loop {
            let mut brand = format!(
                "{}{}",
                pick_char(&mut self.rng, names::BRAND_HEADS),
                pick_char(&mut self.rng, names::BRAND_TAILS)
            );
            if self.rng.chance(50) {
                brand.push(pick_char(&mut self.rng, names::BRAND_TAILS));
            }
            if self.brands.insert((city.province(), brand.clone())) {
                break brand;
            }
        };
        let credit_code = if self.rng.chance(85) {
            self.credit_code(city)
        } else {
            None
        };
        let firm = Firm {
            brand,
            trade: names::TRADES[self.rng.range(0, names::TRADES.len() as i64 - 1) as usize],
            suffix: names::SUFFIXES[self.rng.range(0, names::SUFFIXES.len() as i64 - 1) as usize],
            city,
            credit_code,
            products: HashMap::new(),
        };
        self.firms.push(firm);
        let id = self.firms.len() - 1;
        self.firms_by_city.entry(city).or_default().push(id);
        id
    }

    fn amount(&mut self) -> Amount {
        Amount::from_wan(self.rng.weight() as i64 * 20)
    }

    /// A project of the clean ledger.
    fn base(&mut self) -> Candidate {
        let city = *self.rng.pick(&self.cities);
        let zone = self.zone(city);
        let code = self.code(city);
        let amount = self.amount();
        if self.rng.chance(25) {
            let item = if self.rng.chance(60) {
                self.rng.pick(names::INFRASTRUCTURE)
            } else {
                self.rng.pick(names::SOCIAL)
            };
            let site = format!(
                "{}{}{}路",
                self.rng.pick(SITES),
                pick_char(&mut self.rng, names::BRAND_HEADS),
                pick_char(&mut self.rng, names::BRAND_TAILS)
            );
            let year = self.rng.range(2018, 2026);
            return Candidate {
                id: self.serial as i64,
                code,
                name: format!("{zone}{site}{year}年{item}"),
                enterprise: format!("{zone}开发建设有限公司"),
                credit_code: None,
                amount,
                city,
                zone,
            };
        }
        let f = self.firm(city);
        let (_, products) = *self.rng.pick(names::CHAINS);
        let product = *self.rng.pick(products);
        // The firm's second project on a product is its next phase, as real ledgers name it.
        let earlier = self.firms[f].products.entry(product).or_insert(0);
        *earlier += 1;
        let phase = match *earlier {
            1 => String::new(),
            n => format!("（{}期）", chinese_digits(&n.to_string())),
        };
        let pattern = self.rng.pick(names::INDUSTRIAL_PATTERNS);
        let capacity = self.rng.range(1, 60).to_string();
        let body = pattern.replace("{n}", &capacity).replace("{p}", product);
        let body = with_phase(&body, &phase);
        let firm = &self.firms[f];
        let name = if self.rng.chance(85) {
            format!("{}{body}", firm.brand)
        } else {
            format!(
                "{}{}{body}",
                regions().name(city).trim_end_matches('市'),
                firm.brand
            )
        };
        Candidate {
            id: self.serial as i64,
            code,
            name,
            enterprise: firm.name(),
            credit_code: firm.credit_code.clone(),
            amount,
            city,
            zone,
        }
    }

    /// The same project entered again: by another zone of the city or by the same zone, under
    /// a name written differently, the enterprise written differently, an amount a little off.
    fn duplicate(&mut self, original: &Candidate) -> Candidate {
        let mut copy = original.clone();
        copy.code = self.code(original.city);
        copy.id = self.serial as i64;
        if self.rng.chance(50) {
            copy.zone = self.zone(original.city);
        }
        let mut name = original.name.clone();
        for _ in 0..self.rng.range(1, 2) {
            name = match self.rng.range(0, 4) {
                0 => name.replacen("项目", "建设项目", 1),
                1 => chinese_digits(&name),
                2 => full_width_digits(&name),
                3 => ten_thousand_tonnes_as_tonnes(&name),
                _ => format!("{name}工程").replace("项目工程", "工程项目"),
            };
        }
        copy.name = name;
        if self.rng.chance(10) {
            // Entered under another company: the investor's parent, or its local subsidiary.
            let f = self.firm_new(original.city);
            copy.enterprise = self.firms[f].name();
            copy.credit_code = self.firms[f].credit_code.clone();
            let drift = self.rng.range(-5, 5);
            copy.amount = Amount::from_yuan(original.amount.yuan() * (100 + drift) / 100);
            return copy;
        }
        if self.rng.chance(50) {
            copy.enterprise = match self.rng.range(0, 2) {
                0 => copy.enterprise.replace("有限公司", "股份有限公司"),
                1 => copy.enterprise.replacen("有限公司", "（山西）有限公司", 1),
                _ => copy.enterprise.replace(' ', ""),
            };
        }
        if self.rng.chance(40) {
            copy.credit_code = None;
        }
        let drift = self.rng.range(-8, 8);
        copy.amount = Amount::from_yuan(original.amount.yuan() * (100 + drift) / 100);
        copy
    }

    /// A project that looks like another but is not it.
    fn near_miss(&mut self, original: &Candidate) -> Candidate {
        let mut other = original.clone();
        other.code = self.code(original.city);
        other.id = self.serial as i64;
        match self.rng.range(0, 2) {
            // The same enterprise's next phase.
            0 if !original.name.contains("期") => {
                other.name = with_phase(&original.name, "（三期）");
            }
            // The same enterprise, another capacity.
            1 if original.name.contains("万吨") => {
                other.name = another_capacity(&original.name);
            }
            // Another enterprise with the same kind of project and a clearly different amount.
            _ => {
                let f = self.firm_new(original.city);
                other.enterprise = self.firms[f].name();
                other.credit_code = self.firms[f].credit_code.clone();
                let factor = self.rng.range(150, 300);
                other.amount = Amount::from_yuan(original.amount.yuan() * factor / 100);
            }
        }
        other
    }

    /// A firm that is certainly new (for near misses by another enterprise).
    fn firm_new(&mut self, city: RegionCode) -> usize {
        loop {
            let before = self.firms.len();
            let f = self.firm(city);
            if self.firms.len() > before {
                return f;
            }
        }
    }
}

/// The name with a phase put before its closing 项目 or 工程: 风电项目 → 风电（二期）项目.
pub(super) fn with_phase(name: &str, phase: &str) -> String {
    for end in ["项目", "工程"] {
        if let Some(body) = name.strip_suffix(end) {
            return format!("{body}{phase}{end}");
        }
    }
    format!("{name}{phase}")
}

pub(super) fn chinese_digits(name: &str) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let mut out = String::new();
    let mut number = String::new();
    let flush = |number: &mut String, out: &mut String| {
        if let Ok(n) = number.parse::<usize>() {
            if (1..100).contains(&n) {
                let (tens, ones) = (n / 10, n % 10);
                if tens > 1 {
                    out.push_str(DIGITS[tens]);
                }
                if tens > 0 {
                    out.push('十');
                }
                if ones > 0 {
                    out.push_str(DIGITS[ones]);
                }
            } else {
                out.push_str(number);
            }
        }
        number.clear();
    };
    for c in name.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else {
            flush(&mut number, &mut out);
            out.push(c);
        }
    }
    flush(&mut number, &mut out);
    out
}

fn full_width_digits(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// The name around its capacity in 万吨: what comes before the number, the number, and what
/// follows 万吨.
fn around_capacity(name: &str) -> Option<(&str, u32, &str)> {
    let at = name.find("万吨")?;
    let digits = name[..at]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .count();
    let start = at - digits;
    let n = name[start..at].parse().ok()?;
    Some((&name[..start], n, &name[at + "万吨".len()..]))
}

/// 20万吨 → 200000吨.
fn ten_thousand_tonnes_as_tonnes(name: &str) -> String {
    around_capacity(name).map_or(name.to_string(), |(before, n, after)| {
        format!("{before}{n}0000吨{after}")
    })
}

/// 20万吨 → 23万吨.
fn another_capacity(name: &str) -> String {
    around_capacity(name).map_or(name.to_string(), |(before, n, after)| {
        format!("{before}{}万吨{after}", n + 3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_planted_duplicates_are_found_and_the_near_misses_spared() {
        let planted = generate(20_000);
        assert_eq!(planted.candidates.len(), 20_000);
        assert_eq!(planted.duplicates.len(), 200);
        let scan = kfq_core::duplicates::suspected(&planted.candidates, kfq_core::Lang::Zh);
        let m = planted.measure(&scan.found);
        assert_eq!(m.near_misses_reported, 0, "{m:?}");
        assert!(m.recall() >= 990, "{m:?}");
        assert!(m.precision() >= 980, "{m:?}");
    }

    #[test]
    fn rewritings_keep_the_meaning() {
        assert_eq!(
            chinese_digits("华晟年产25万吨项目"),
            "华晟年产二十五万吨项目"
        );
        assert_eq!(chinese_digits("年产10万吨"), "年产十万吨");
        assert_eq!(full_width_digits("年产20万吨"), "年产２０万吨");
        assert_eq!(
            ten_thousand_tonnes_as_tonnes("年产20万吨针状焦"),
            "年产200000吨针状焦"
        );
        assert_eq!(another_capacity("年产20万吨针状焦"), "年产23万吨针状焦");
    }
}
