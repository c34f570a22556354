//! 重复项目识别 — the same project counted twice: in two zones' lists, twice in the signing
//! batches, or entered again under a slightly different name. Names are compared after
//! normalisation (full-width forms, Chinese numerals, units, filler words); a different phase or
//! a different capacity marks a different project. Candidates are found by blocking on shared
//! keys, never by comparing all pairs.
//!
//! Not yet part of `kfq check`: the demo's names come from a few templates, so it would flag
//! thousands of generated look-alikes; the figures issue makes the demo's names realistic,
//! plants known duplicates and measures precision and recall before wiring the rule in.

use std::collections::{BTreeMap, BTreeSet};

use crate::lang::Lang;
use crate::money::Amount;

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
}

/// A project name taken apart: its core words, its phase and its capacities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameKey {
    pub core: String,
    pub phase: Option<u32>,
    /// Capacities in base units, e.g. `(200000, "吨")` for 20万吨.
    pub capacities: BTreeSet<(i64, String)>,
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
            // A lone 一 or 十 inside words (一体化, 十字) is kept as written.
            let word: String = chars[start..i].iter().collect();
            if i - start == 1
                && !chars
                    .get(i)
                    .is_some_and(|c| UNITS.iter().any(|(u, ..)| u.starts_with(*c)) || *c == '期')
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
    for marker in ["第", ""] {
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
            continue;
        }
        kept.push(chars[i]);
        i += 1;
    }
    let mut core: String = kept.chars().filter(|c| c.is_alphanumeric()).collect();
    for filler in FILLERS {
        core = core.replace(filler, "");
    }
    NameKey {
        core: core.to_lowercase(),
        phase,
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

fn bigrams(text: &str) -> BTreeSet<(char, char)> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// How alike two names are, 0–1000 (thousandths): 0 when their phases differ (a phase named on
/// one side only counts as different) or both give capacities that differ.
pub fn name_similarity(a: &NameKey, b: &NameKey) -> i64 {
    if a.phase != b.phase {
        return 0;
    }
    if !a.capacities.is_empty() && !b.capacities.is_empty() && a.capacities != b.capacities {
        return 0;
    }
    if a.core == b.core {
        return 1000;
    }
    let (x, y) = (bigrams(&a.core), bigrams(&b.core));
    if x.is_empty() || y.is_empty() {
        return 0;
    }
    let shared = x.intersection(&y).count() as i64;
    2000 * shared / (x.len() + y.len()) as i64
}

/// An enterprise's name without its legal form, brackets, spaces or a leading place name:
/// 山西华晟新材料有限公司 and 华晟新材料（山西）股份有限公司 become 华晟新材料.
pub fn enterprise_key(name: &str) -> String {
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
    for region in crate::region::regions().all() {
        let short = region.name.trim_end_matches(['省', '市']);
        for prefix in [region.name.as_str(), short] {
            if short.chars().count() >= 2 {
                if let Some(stripped) = text.strip_prefix(prefix) {
                    text = stripped.to_string();
                }
            }
        }
    }
    text
}

/// A suspected pair, with its score (thousandths) and the evidence side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspectedDuplicate {
    pub a: String,
    pub b: String,
    pub score: i64,
    pub evidence: String,
}

/// Whether two amounts lie within `percent` of the larger.
fn close(a: Amount, b: Amount, percent: i64) -> bool {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    (hi.yuan() - lo.yuan()).saturating_mul(100) <= hi.yuan().saturating_mul(percent)
}

/// Suspected duplicates among the candidates. Pairs are looked at only when they share a
/// credit code, an enterprise key or a two-character stretch of their name's core.
pub fn suspected(candidates: &[Candidate], lang: Lang) -> Vec<SuspectedDuplicate> {
    let keys: Vec<NameKey> = candidates.iter().map(|c| name_key(&c.name)).collect();
    let firms: Vec<String> = candidates
        .iter()
        .map(|c| enterprise_key(&c.enterprise))
        .collect();
    let mut blocks: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        if let Some(code) = &c.credit_code {
            blocks.entry(format!("c:{code}")).or_default().push(i);
        }
        if !firms[i].is_empty() {
            blocks.entry(format!("e:{}", firms[i])).or_default().push(i);
        }
        let core: Vec<char> = keys[i].core.chars().collect();
        for w in core.windows(2).take(12) {
            blocks
                .entry(format!("n:{}{}", w[0], w[1]))
                .or_default()
                .push(i);
        }
    }
    let mut pairs = BTreeSet::new();
    for members in blocks.values().filter(|m| m.len() > 1 && m.len() <= 200) {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                pairs.insert((i.min(j), i.max(j)));
            }
        }
    }
    let mut found = Vec::new();
    for (i, j) in pairs {
        let (a, b) = (&candidates[i], &candidates[j]);
        let score = name_similarity(&keys[i], &keys[j]);
        // Two different credit codes are two enterprises, however alike their names.
        let same_firm = match (&a.credit_code, &b.credit_code) {
            (Some(x), Some(y)) => x == y,
            _ => !firms[i].is_empty() && firms[i] == firms[j],
        };
        let warn = (same_firm && score >= 600 && close(a.amount, b.amount, 30))
            || (score >= 850 && (same_firm || close(a.amount, b.amount, 10)));
        if warn {
            let evidence = match lang {
                Lang::Zh => format!(
                    "“{}”（{}，{}，{}万元）与“{}”（{}，{}，{}万元）：名称相似度 {}{}",
                    a.name,
                    a.zone,
                    a.enterprise,
                    a.amount.wan_string(),
                    b.name,
                    b.zone,
                    b.enterprise,
                    b.amount.wan_string(),
                    crate::money::decimal_string(score, 1000, Some(2)),
                    if same_firm { "，同一企业" } else { "" }
                ),
                Lang::En => format!(
                    "“{}” ({}, {}, {}) and “{}” ({}, {}, {}): names {} alike{}",
                    a.name,
                    a.zone,
                    a.enterprise,
                    a.amount.wan_string(),
                    b.name,
                    b.zone,
                    b.enterprise,
                    b.amount.wan_string(),
                    crate::money::decimal_string(score, 1000, Some(2)),
                    if same_firm { ", same enterprise" } else { "" }
                ),
            };
            found.push(SuspectedDuplicate {
                a: a.code.clone(),
                b: b.code.clone(),
                score,
                evidence,
            });
        }
    }
    found
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

    fn candidate(id: i64, name: &str, enterprise: &str, wan: i64) -> Candidate {
        Candidate {
            id,
            code: format!("P-{id}"),
            name: name.into(),
            zone: "吕梁经济技术开发区".into(),
            enterprise: enterprise.into(),
            credit_code: None,
            amount: Amount::from_wan(wan),
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
        let found = suspected(&list, Lang::Zh);
        let pairs: Vec<(&str, &str)> = found.iter().map(|d| (d.a.as_str(), d.b.as_str())).collect();
        // P-7 and P-8 carry two different credit codes: two enterprises, and their names (0.80)
        // are not alike enough on their own. Against P-1 and P-2, which carry no code, their
        // enterprise names reduce to the same 华晟新材料, so those pairs are suspected.
        assert_eq!(
            pairs,
            [
                ("P-7", "P-1"),
                ("P-7", "P-2"),
                ("P-8", "P-1"),
                ("P-8", "P-2"),
                ("P-1", "P-2")
            ],
            "{found:?}"
        );
        assert!(found.iter().all(|d| d.evidence.contains("同一企业")));
    }
}
