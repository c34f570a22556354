//! 重复项目识别 — the same project counted twice: in two zones' lists, twice in the signing
//! batches, or entered again under a slightly different name. Names are compared after
//! normalisation (full-width forms, Chinese numerals, units, filler words); a different phase or
//! a different capacity marks a different project. Candidates are found by blocking on shared
//! keys, never by comparing all pairs. `kfq check` reports the pairs as `duplicate_project`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use crate::lang::Lang;
use crate::money::Amount;
use crate::region::RegionCode;

/// What the duplicate rules need to know of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub zone: String,
    pub enterprise: String,
    pub credit_code: Option<String>,
    pub amount: Amount,
    /// The city of the project's zone: names are compared within one province.
    pub city: RegionCode,
}

impl Candidate {
    /// The projects as the duplicate rules see them: with their zone's name and city and their
    /// enterprise's name and credit code.
    pub fn of(
        projects: &[crate::project::Project],
        zones: &[crate::zone::Zone],
        enterprises: &[crate::enterprise::Enterprise],
    ) -> Vec<Candidate> {
        let zones: HashMap<i64, &crate::zone::Zone> = zones.iter().map(|z| (z.id, z)).collect();
        let firms: HashMap<i64, &crate::enterprise::Enterprise> =
            enterprises.iter().map(|e| (e.id, e)).collect();
        projects
            .iter()
            .filter_map(|p| {
                let zone = zones.get(&p.zone_id)?;
                let firm = p.enterprise_id.and_then(|id| firms.get(&id));
                Some(Candidate {
                    id: p.id,
                    code: p.code.to_string(),
                    name: p.name.clone(),
                    zone: zone.name.clone(),
                    enterprise: firm.map(|f| f.name.clone()).unwrap_or_default(),
                    credit_code: firm.and_then(|f| f.credit_code.as_ref().map(|c| c.to_string())),
                    amount: p.total_investment,
                    city: zone.city,
                })
            })
            .collect()
    }
}

/// A project name taken apart: its core words, its phase and its capacities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameKey {
    pub core: String,
    pub phase: Option<u32>,
    /// Capacities in base units, e.g. `(200000, "吨")` for 20万吨.
    pub capacities: BTreeSet<(i64, String)>,
    /// Other numbers the name gives (a year, 110 of 110千伏): two names giving different
    /// numbers name different projects.
    pub numbers: BTreeSet<String>,
}

const FILLERS: &[&str] = &[
    "建设",
    "生产",
    "工程",
    "项目",
    "年产",
    "新建",
    "扩建",
    "基地",
    "产业化",
];

/// Units and their factor to the base unit.
const UNITS: &[(&str, i64, &str)] = &[
    ("万吨", 10_000, "吨"),
    ("吨", 1, "吨"),
    ("万千瓦", 10_000, "千瓦"),
    ("千瓦", 1, "千瓦"),
    ("MW", 1_000, "千瓦"),
    ("mw", 1_000, "千瓦"),
    ("GWh", 1_000_000, "千瓦时"),
    ("gwh", 1_000_000, "千瓦时"),
    ("万平方米", 10_000, "平方米"),
    ("平方米", 1, "平方米"),
    ("万台", 10_000, "台"),
    ("台", 1, "台"),
    ("万套", 10_000, "套"),
    ("套", 1, "套"),
    ("万件", 10_000, "件"),
    ("件", 1, "件"),
];

/// Full-width digits, letters and punctuation to their ASCII forms.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn chinese_digit(c: char) -> Option<i64> {
    "零一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as i64)
        .or(match c {
            '两' => Some(2),
            '〇' => Some(0),
            _ => None,
        })
}

/// Replaces runs of Chinese numerals (up to the thousands) by digits: 二十 → 20, 一百二十 → 120.
fn arabic(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let (mut total, mut digit) = (0i64, None::<i64>);
        while i < chars.len() {
            let c = chars[i];
            if let Some(d) = chinese_digit(c) {
                digit = Some(d);
            } else if let Some(scale) = match c {
                '十' => Some(10),
                '百' => Some(100),
                '千' => Some(1000),
                _ => None,
            } {
                total += digit.unwrap_or(1) * scale;
                digit = None;
            } else {
                break;
            }
            i += 1;
        }
        if i > start {
            let value = total + digit.unwrap_or(0);
            // A lone 一 or 十 inside words (一体化, 十字) is kept as written; before a unit, 期
            // or 号 (一号地块) it is a number.
            let word: String = chars[start..i].iter().collect();
            if i - start == 1
                && !chars.get(i).is_some_and(|c| {
                    UNITS.iter().any(|(u, ..)| u.starts_with(*c)) || "期号".contains(*c)
                })
            {
                out.push_str(&word);
            } else {
                out.push_str(&value.to_string());
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Takes a project name apart into its comparable key.
pub fn name_key(name: &str) -> NameKey {
    let text: String = name.chars().map(half_width).collect();
    let text = arabic(&text);
    let mut rest = text.clone();
    let mut phase = None;
    for marker in ["第", ""].into_iter().filter(|_| text.contains('期')) {
        for n in 1..=9u32 {
            for form in [
                format!("{marker}{n}期"),
                format!("（{n}期）"),
                format!("({n}期)"),
            ] {
                if rest.contains(&form) {
                    phase = Some(n);
                    rest = rest.replace(&form, "");
                }
            }
        }
    }
    let mut capacities = BTreeSet::new();
    let chars: Vec<char> = rest.chars().collect();
    let mut kept = String::new();
    let mut numbers = BTreeSet::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            let after: String = chars[i..].iter().collect();
            if let Some((unit, factor, base)) = UNITS.iter().find(|(u, ..)| after.starts_with(u)) {
                let value = parse_scaled(&number, *factor);
                capacities.insert((value, base.to_string()));
                i += unit.chars().count();
                continue;
            }
            kept.push_str(&number);
            numbers.insert(number);
            continue;
        }
        kept.push(chars[i]);
        i += 1;
    }
    let mut core: String = kept.chars().filter(|c| c.is_alphanumeric()).collect();
    for filler in FILLERS {
        if core.contains(filler) {
            core = core.replace(filler, "");
        }
    }
    NameKey {
        core: core.to_lowercase(),
        phase,
        numbers,
        capacities,
    }
}

/// `"2.5"` × 10000 → 25000, exactly.
fn parse_scaled(number: &str, factor: i64) -> i64 {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let int: i64 = int.parse().unwrap_or(0);
    let digits = frac.len().min(6) as u32;
    let frac: i64 = frac
        .get(..digits as usize)
        .and_then(|f| f.parse().ok())
        .unwrap_or(0);
    int * factor + frac * factor / 10i64.pow(digits)
}

/// The distinct two-character stretches of a text, sorted.
fn bigrams(text: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = text.chars().collect();
    let mut grams: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// How many items two sorted, distinct lists share.
fn shared(x: &[(char, char)], y: &[(char, char)]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// How alike two names are, 0–1000 (thousandths): 0 when their phases differ (a phase named on
/// one side only counts as different) or both give capacities that differ; else the Dice
/// coefficient of their cores' two-character stretches.
pub fn name_similarity(a: &NameKey, b: &NameKey) -> i64 {
    if !comparable(a, b) {
        return 0;
    }
    if a.core == b.core {
        return 1000;
    }
    let (x, y) = (bigrams(&a.core), bigrams(&b.core));
    dice(&x, &y)
}

/// Whether nothing the names state — phase, capacity, other numbers — tells them apart.
fn comparable(a: &NameKey, b: &NameKey) -> bool {
    fn differ<T: Ord>(x: &BTreeSet<T>, y: &BTreeSet<T>) -> bool {
        !x.is_empty() && !y.is_empty() && x != y
    }
    a.phase == b.phase && !differ(&a.capacities, &b.capacities) && !differ(&a.numbers, &b.numbers)
}

fn dice(x: &[(char, char)], y: &[(char, char)]) -> i64 {
    if x.is_empty() || y.is_empty() {
        return 0;
    }
    2000 * shared(x, y) as i64 / (x.len() + y.len()) as i64
}

/// Place names an enterprise's name may start with, by their first character, longest first.
fn place_prefixes() -> &'static HashMap<char, Vec<(String, RegionCode)>> {
    static PREFIXES: OnceLock<HashMap<char, Vec<(String, RegionCode)>>> = OnceLock::new();
    PREFIXES.get_or_init(|| {
        let mut map: HashMap<char, Vec<(String, RegionCode)>> = HashMap::new();
        for region in crate::region::regions().all() {
            let short = region.name.trim_end_matches(['省', '市']);
            if short.chars().count() < 2 {
                continue;
            }
            for prefix in [region.name.as_str(), short] {
                if let Some(first) = prefix.chars().next() {
                    map.entry(first)
                        .or_default()
                        .push((prefix.to_string(), region.code));
                }
            }
        }
        for list in map.values_mut() {
            // 吉林 names a province and a city: the city, the narrower, is taken.
            list.sort_by_key(|(p, code)| (std::cmp::Reverse(p.len()), code.is_province()));
            list.dedup();
        }
        map
    })
}

/// An enterprise's name without its legal form, brackets, spaces or leading place names:
/// 山西华晟新材料有限公司 and 华晟新材料（山西）股份有限公司 become 华晟新材料.
pub fn enterprise_key(name: &str) -> String {
    firm(name).0
}

/// An enterprise's key and the city its name began with, if any: 太原华晟 and 吕梁华晟 share a
/// key but are two enterprises; 华晟 and 吕梁华晟 may be one.
fn firm(name: &str) -> (String, Option<RegionCode>) {
    let mut text: String = name
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace())
        .collect();
    while let (Some(open), Some(close)) = (text.find('('), text.find(')')) {
        if close < open {
            break;
        }
        text.replace_range(open..close + 1, "");
    }
    for suffix in [
        "股份有限公司",
        "有限责任公司",
        "集团有限公司",
        "有限公司",
        "集团",
        "公司",
    ] {
        if let Some(stripped) = text.strip_suffix(suffix) {
            text = stripped.to_string();
        }
    }
    let prefixes = place_prefixes();
    let mut city = None;
    while let Some((prefix, place)) =
        text.chars()
            .next()
            .and_then(|c| prefixes.get(&c))
            .and_then(|list| {
                list.iter()
                    .find(|(p, _)| text.starts_with(p.as_str()) && text.len() > p.len())
            })
    {
        if !place.is_province() {
            city = Some(*place);
        }
        text = text[prefix.len()..].to_string();
    }
    (text, city)
}

/// A suspected pair, with its score (thousandths) and the evidence side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspectedDuplicate {
    pub a: String,
    pub b: String,
    pub score: i64,
    pub evidence: String,
}

/// What one scan found, and how much work it took.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scan {
    pub found: Vec<SuspectedDuplicate>,
    /// Pairs scored (a pair met in several blocks counts each time).
    pub compared: usize,
    /// Blocks left out for being larger than [`MAX_BLOCK`].
    pub oversized: usize,
}

/// Blocks larger than this are not compared within: a key that many projects share tells
/// nothing about any two of them.
pub const MAX_BLOCK: usize = 100;

/// How many of a name's rarest two-character stretches it is blocked on.
const NAME_KEYS: usize = 3;

/// Whether two amounts lie within `percent` of the larger.
fn close(a: Amount, b: Amount, percent: i64) -> bool {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    (hi.yuan() - lo.yuan()).saturating_mul(100) <= hi.yuan().saturating_mul(percent)
}

/// A project's name with each of its city's zones written as one mark of its own and the city's
/// name left out: a zone's long name says little of which project within the zone it is, so
/// 吕梁经济技术开发区东区标准化厂房 and …西区标准化厂房 differ by their sites, not by a shared
/// zone name; yet two zones' 标准化厂房 stay two projects, and one zone's project listed again by
/// another zone under the first zone's name stays one.
fn own_name(c: &Candidate, zones: &[&str]) -> String {
    let city = crate::region::regions().name(c.city);
    let short = city.trim_end_matches('市');
    let mut name = c.name.clone();
    for (i, zone) in zones.iter().enumerate() {
        if !zone.is_empty() && name.contains(zone) {
            // A letter (so that it stays in the name's core) no Chinese name uses.
            let mark = char::from_u32(if i < 32 {
                0x0430 + i as u32
            } else {
                0x03B1 + (i as u32 - 32) % 25
            })
            .unwrap_or('ж');
            name = name.replace(zone, &mark.to_string());
        }
    }
    for place in [city, short] {
        if place.chars().count() >= 2 && name.contains(place) {
            name = name.replace(place, "");
        }
    }
    if name.is_empty() {
        c.name.clone()
    } else {
        name
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Block {
    CreditCode(String),
    Enterprise(String),
    /// A rare stretch of the name, within one province.
    Name(u32, (char, char)),
    /// The whole normalised name, within one province.
    Core(u32, String),
}

/// Suspected duplicates among the candidates. Pairs are looked at only within blocks: the same
/// credit code, the same enterprise key, or — within one province — one of the three rarest
/// two-character stretches of the name's core. Two copies of one name share their rarest
/// stretches, so they meet; the work grows with the candidates, not with their square.
pub fn suspected(candidates: &[Candidate], lang: Lang) -> Scan {
    let mut zones: HashMap<RegionCode, Vec<&str>> = HashMap::new();
    for c in candidates {
        zones.entry(c.city).or_default().push(c.zone.as_str());
    }
    for list in zones.values_mut() {
        list.sort_unstable_by_key(|z| (std::cmp::Reverse(z.len()), *z));
        list.dedup();
    }
    let keys: Vec<NameKey> = candidates
        .iter()
        .map(|c| name_key(&own_name(c, &zones[&c.city])))
        .collect();
    let grams: Vec<Vec<(char, char)>> = keys.iter().map(|k| bigrams(&k.core)).collect();
    let firms: Vec<(String, Option<RegionCode>)> =
        candidates.iter().map(|c| firm(&c.enterprise)).collect();
    let mut frequency: HashMap<(char, char), u32> = HashMap::new();
    for g in grams.iter().flatten() {
        *frequency.entry(*g).or_default() += 1;
    }
    let mut blocks: HashMap<Block, Vec<u32>> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        let i = i as u32;
        if let Some(code) = &c.credit_code {
            blocks
                .entry(Block::CreditCode(code.clone()))
                .or_default()
                .push(i);
        }
        let (key, _) = &firms[i as usize];
        if !key.is_empty() {
            blocks
                .entry(Block::Enterprise(key.clone()))
                .or_default()
                .push(i);
        }
        let mut rare = grams[i as usize].clone();
        rare.sort_by_key(|g| (frequency.get(g).copied().unwrap_or(0), *g));
        let province = c.city.province().value();
        blocks
            .entry(Block::Core(province, keys[i as usize].core.clone()))
            .or_default()
            .push(i);
        for g in rare.into_iter().take(NAME_KEYS) {
            blocks.entry(Block::Name(province, g)).or_default().push(i);
        }
    }
    let mut scan = Scan::default();
    let mut seen: HashSet<(u32, u32)> = HashSet::new();
    for members in blocks.values() {
        if members.len() > MAX_BLOCK {
            scan.oversized += 1;
            continue;
        }
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                scan.compared += 1;
                let (i, j) = (i.min(j) as usize, i.max(j) as usize);
                let Some(found) = judge(candidates, &keys, &grams, &firms, i, j, lang) else {
                    continue;
                };
                if seen.insert((i as u32, j as u32)) {
                    scan.found.push(found);
                }
            }
        }
    }
    scan.found.sort_by(|x, y| {
        y.score
            .cmp(&x.score)
            .then_with(|| x.a.cmp(&y.a))
            .then_with(|| x.b.cmp(&y.b))
    });
    scan
}

/// Whether candidates `i` and `j` are suspected to be one project, with the evidence.
fn judge(
    candidates: &[Candidate],
    keys: &[NameKey],
    grams: &[Vec<(char, char)>],
    firms: &[(String, Option<RegionCode>)],
    i: usize,
    j: usize,
    lang: Lang,
) -> Option<SuspectedDuplicate> {
    let (a, b) = (&candidates[i], &candidates[j]);
    let (ka, kb) = (&keys[i], &keys[j]);
    if !comparable(ka, kb) {
        return None;
    }
    let score = if ka.core == kb.core {
        1000
    } else {
        dice(&grams[i], &grams[j])
    };
    if score < 800 {
        return None;
    }
    // Two different credit codes are two enterprises, however alike their names.
    let same_firm = match (&a.credit_code, &b.credit_code) {
        (Some(x), Some(y)) => x == y,
        // Without both codes, the same name counts within one province: two provinces'
        // registers may each hold a 华晟新材料.
        _ => {
            let ((x, x_city), (y, y_city)) = (&firms[i], &firms[j]);
            !x.is_empty()
                && x == y
                && a.city.province() == b.city.province()
                && (x_city.is_none() || y_city.is_none() || x_city == y_city)
        }
    };
    // Another enterprise's project counts only within one city: the same project in two
    // zones' lists, entered under the investor once and its local company once.
    // A name that only adds words to the other (the enterprise's short name, 生产线) may name the
    // same project; one that replaces words (东区/西区) names another unless nearly all agree.
    let adds_only = ka.core.contains(kb.core.as_str()) || kb.core.contains(ka.core.as_str());
    let warn = if same_firm {
        score == 1000 || ((adds_only || score >= 900) && close(a.amount, b.amount, 30))
    } else {
        score >= 950 && a.city == b.city && close(a.amount, b.amount, 10)
    };
    if !warn {
        return None;
    }
    let (a, b) = if a.code <= b.code { (a, b) } else { (b, a) };
    let alike = crate::money::decimal_string(score, 1000, Some(2));
    let side = |c: &Candidate| {
        let firm = match (c.enterprise.is_empty(), lang) {
            (false, _) => c.enterprise.as_str(),
            (true, Lang::Zh) => "无企业",
            (true, Lang::En) => "no enterprise",
        };
        match lang {
            Lang::Zh => format!(
                "“{}”（{}，{firm}，{}万元）",
                c.name,
                c.zone,
                c.amount.wan_string()
            ),
            Lang::En => format!(
                "“{}” ({}, {firm}, {} × 10k yuan)",
                c.name,
                c.zone,
                c.amount.wan_string()
            ),
        }
    };
    let evidence = match lang {
        Lang::Zh => format!(
            "{} 与 {}：名称相似度 {alike}{}",
            side(a),
            side(b),
            if same_firm {
                "，同一企业"
            } else {
                "，投资额相近"
            }
        ),
        Lang::En => format!(
            "{} and {}: names {alike} alike{}",
            side(a),
            side(b),
            if same_firm {
                ", same enterprise"
            } else {
                ", amounts close"
            }
        ),
    };
    Some(SuspectedDuplicate {
        a: a.code.clone(),
        b: b.code.clone(),
        score,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alike(a: &str, b: &str) -> i64 {
        name_similarity(&name_key(a), &name_key(b))
    }

    #[test]
    fn filler_words_digit_forms_and_units_do_not_make_names_differ() {
        assert_eq!(
            alike("年产20万吨高端铝合金项目", "年产20万吨高端铝合金生产项目"),
            1000
        );
        assert_eq!(
            alike("年产二十万吨高端铝合金项目", "年产20万吨高端铝合金项目"),
            1000
        );
        assert_eq!(
            alike("年产２０万吨高端铝合金项目", "年产20万吨高端铝合金项目"),
            1000
        );
        assert_eq!(
            alike("年产20万吨高端铝合金项目", "年产200000吨高端铝合金建设项目"),
            1000
        );
        assert!(alike("一体化储能电站", "一体化储能电站工程") >= 900);
    }

    #[test]
    fn another_phase_or_capacity_is_another_project() {
        assert_eq!(
            alike("大唐繁峙70MW风电一期项目", "大唐繁峙70MW风电二期项目"),
            0
        );
        assert_eq!(alike("年产5万吨针状焦项目", "年产12万吨针状焦项目"), 0);
        assert_eq!(alike("风电（一期）", "风电第二期"), 0);
        assert_eq!(alike("一号地块标准化厂房", "三号地块标准化厂房"), 0);
        assert_eq!(alike("2023年人才公寓", "2024年人才公寓"), 0);
    }

    #[test]
    fn enterprise_names_differing_in_form_brackets_or_place_are_one() {
        assert_eq!(enterprise_key("山西华晟新材料有限公司"), "华晟新材料");
        assert_eq!(
            enterprise_key("华晟新材料（山西）股份有限公司"),
            "华晟新材料"
        );
        assert_eq!(enterprise_key("吕梁 华晟新材料 集团有限公司"), "华晟新材料");
    }

    #[test]
    fn zones_tell_their_own_works_apart_but_not_a_project_listed_twice() {
        let work = |id: i64, zone: &str, name: &str, wan: i64| Candidate {
            zone: zone.into(),
            enterprise: format!("{zone}开发建设有限公司"),
            ..candidate(id, name, "", wan)
        };
        let list = [
            work(
                1,
                "吕梁经济技术开发区",
                "吕梁经济技术开发区标准化厂房项目",
                20_000,
            ),
            // Another zone's own 标准化厂房: another project, however alike the amounts.
            work(2, "孝义经济开发区", "孝义经济开发区标准化厂房项目", 20_500),
            // The same zone's works on two sites: two projects.
            work(
                3,
                "吕梁经济技术开发区",
                "吕梁经济技术开发区东区综合管廊工程",
                9_000,
            ),
            work(
                4,
                "吕梁经济技术开发区",
                "吕梁经济技术开发区西区综合管廊工程",
                9_000,
            ),
            // 孝义 lists 吕梁经开区's 标准化厂房 again under its name: one project.
            work(
                5,
                "孝义经济开发区",
                "吕梁经济技术开发区标准化厂房建设项目",
                20_300,
            ),
        ];
        let found = suspected(&list, Lang::Zh).found;
        let pairs: Vec<(&str, &str)> = found.iter().map(|d| (d.a.as_str(), d.b.as_str())).collect();
        assert_eq!(pairs, [("P-1", "P-5")], "{found:?}");
    }

    fn candidate(id: i64, name: &str, enterprise: &str, wan: i64) -> Candidate {
        Candidate {
            id,
            code: format!("P-{id}"),
            name: name.into(),
            zone: "吕梁经济技术开发区".into(),
            enterprise: enterprise.into(),
            credit_code: None,
            amount: Amount::from_wan(wan),
            city: RegionCode::parse("141100").unwrap(),
        }
    }

    #[test]
    fn the_same_project_twice_is_suspected_and_near_misses_are_not() {
        let mut other_firm = candidate(
            7,
            "年产20万吨高端铝合金项目",
            "吕梁华晟新材料有限公司",
            50_000,
        );
        other_firm.credit_code = Some("91141100MA0K00000X".into());
        let mut same_code = candidate(
            8,
            "华晟年产20万吨高端铝合金项目",
            "华晟新材料有限公司",
            50_000,
        );
        same_code.credit_code = Some("91140100MA0K00000Y".into());
        let list = [
            other_firm,
            same_code,
            candidate(
                1,
                "年产20万吨高端铝合金项目",
                "山西华晟新材料有限公司",
                50_000,
            ),
            candidate(
                2,
                "年产20万吨高端铝合金生产项目",
                "华晟新材料（山西）股份有限公司",
                52_000,
            ),
            candidate(
                3,
                "年产12万吨高端铝合金项目",
                "山西华晟新材料有限公司",
                50_000,
            ),
            candidate(4, "高端铝合金二期项目", "山西华晟新材料有限公司", 30_000),
            candidate(5, "高端铝合金一期项目", "山西华晟新材料有限公司", 30_000),
            candidate(6, "年产20万吨高端铝合金项目", "中晋轻合金有限公司", 9_000),
        ];
        let found = suspected(&list, Lang::Zh).found;
        let pairs: Vec<(&str, &str)> = found.iter().map(|d| (d.a.as_str(), d.b.as_str())).collect();
        // P-7 and P-8 carry two different credit codes: two enterprises, and their names (0.80)
        // are not alike enough on their own. Against P-1 and P-2, which carry no code, their
        // enterprise names reduce to the same 华晟新材料, so those pairs are suspected.
        assert_eq!(
            pairs,
            [
                ("P-1", "P-2"),
                ("P-1", "P-7"),
                ("P-2", "P-7"),
                ("P-1", "P-8"),
                ("P-2", "P-8")
            ],
            "{found:?}"
        );
        assert!(found.iter().all(|d| d.evidence.contains("同一企业")));
    }
}
