//! 化工园区安全风险等级复核 — the periodic review of a chemical park's safety risk. A checklist of
//! aspects and items (the province's; by default six aspects and 34 items after the national
//! 化工园区安全风险排查治理导则, to be replaced by the province's own sheet) is scored item by
//! item; the total gives the grade — A 高安全风险, B 较高, C 一般, D 较低 — and a veto item
//! (否决项) scored nothing makes it A whatever the total. Each item found wanting carries its
//! rectification (整改): who answers for it, by when, and when it was done, tracked like a
//! blocker.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;
use crate::meeting::plausible_day;

/// A score to a tenth of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Points(i64);

impl Points {
    pub fn from_tenths(t: i64) -> Points {
        Points(t)
    }

    pub fn tenths(self) -> i64 {
        self.0
    }

    /// Parses `"2.5"`; more than one decimal or a negative value is refused.
    pub fn parse(text: &str) -> Option<Points> {
        let text = text.trim();
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits(int) || !digits(frac) || frac.trim_end_matches('0').len() > 1 {
            return None;
        }
        let tenth = frac.bytes().next().map_or(0, |b| i64::from(b - b'0'));
        Some(Points(int.parse::<i64>().ok()?.checked_mul(10)? + tenth))
    }
}

impl std::fmt::Display for Points {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::money::decimal_string(self.0, 10, None))
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

/// 安全风险等级
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

coded!(Grade {
    A => "A", "A类（高安全风险）", "A (high risk)";
    B => "B", "B类（较高安全风险）", "B (elevated risk)";
    C => "C", "C类（一般安全风险）", "C (moderate risk)";
    D => "D", "D类（较低安全风险）", "D (low risk)";
});

/// An item of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CheckItem {
    /// 条目编号 — “1.3”.
    pub code: String,
    pub text: String,
    /// The points it is worth, in tenths.
    pub max: i64,
    /// 否决项: scored nothing, the park is A whatever its total.
    #[serde(default)]
    pub veto: bool,
}

/// An aspect of the checklist and its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Aspect {
    pub code: String,
    pub name: String,
    pub items: Vec<CheckItem>,
}

/// The least total (in tenths) for grades D, C and B; below B's, A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Thresholds {
    pub d: i64,
    pub c: i64,
    pub b: i64,
}

/// The checklist a review is scored on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Checklist {
    pub aspects: Vec<Aspect>,
    pub thresholds: Thresholds,
}

/// What is wrong with a checklist the province gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChecklistFault {
    NoItems,
    /// An item code given twice.
    RepeatedCode(String),
    /// An item worth nothing.
    Worthless(String),
    /// Thresholds not in order D > C > B > 0.
    Thresholds,
}

impl ChecklistFault {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ChecklistFault::NoItems, _) => lang
                .pick("复核清单至少要有一项", "the checklist needs an item")
                .into(),
            (ChecklistFault::RepeatedCode(c), Lang::Zh) => format!("条目编号“{c}”重复"),
            (ChecklistFault::RepeatedCode(c), Lang::En) => format!("the item code '{c}' repeats"),
            (ChecklistFault::Worthless(c), Lang::Zh) => format!("条目“{c}”的分值须大于零"),
            (ChecklistFault::Worthless(c), Lang::En) => {
                format!("the item '{c}' must be worth points")
            }
            (ChecklistFault::Thresholds, _) => lang
                .pick(
                    "等级分数线须为 D > C > B > 0",
                    "the grade thresholds must run D > C > B > 0",
                )
                .into(),
        }
    }
}

/// An item of the default checklist: its text, its points in tenths, whether it is a veto item.
type DefaultItem = (&'static str, i64, bool);

/// The national guide's six aspects, 34 items, scored to 100 (in tenths).
const DEFAULT: &[(&str, &str, &[DefaultItem])] = &[
    (
        "1",
        "园区设立",
        &[
            ("经省级人民政府认定设立", 30, true),
            ("总体规划、产业规划符合国家和省有关要求", 30, false),
            ("开展整体性安全风险评估并通过论证", 30, true),
            ("周边土地规划划定安全控制线", 30, false),
            ("外部安全防护距离满足标准要求", 30, false),
            ("园区边界清晰，实行封闭化管理", 30, false),
        ],
    ),
    (
        "2",
        "规划布局",
        &[
            ("功能分区明确，生产、仓储、公用工程分区布置", 30, false),
            ("危险化学品企业集中布置", 30, false),
            ("企业之间安全距离符合标准", 30, false),
            ("人员密集场所未布置在园区内", 30, false),
            ("重大危险源分布合理，避免连锁效应", 30, false),
            ("危险化学品运输线路规划合理", 30, false),
        ],
    ),
    (
        "3",
        "准入和退出",
        &[
            ("制定项目准入条件和负面清单", 30, false),
            ("建立项目安全准入评估制度", 30, false),
            ("未引进淘汰类工艺和装备", 30, false),
            ("建立落后产能退出机制", 30, false),
            ("严格执行建设项目安全条件审查", 30, false),
        ],
    ),
    (
        "4",
        "配套功能设施",
        &[
            ("设置危险化学品车辆专用停车场", 30, false),
            ("建设公共管廊", 30, false),
            ("建有满足要求的消防站", 30, false),
            ("污水处理设施和事故应急池完备", 30, false),
            ("设置气体防护站", 30, false),
            ("供水、供电、供汽等公用工程供应可靠", 30, false),
        ],
    ),
    (
        "5",
        "一体化安全管理",
        &[
            ("设立安全监管机构，配备专业监管人员", 30, false),
            ("建成安全风险智能化管控平台", 30, false),
            ("封闭化管理系统运行有效", 30, false),
            ("企业全面建立双重预防机制", 30, false),
            ("危险化学品运输车辆进出管理", 30, false),
            ("企业安全生产标准化达标", 30, false),
        ],
    ),
    (
        "6",
        "应急管理",
        &[
            ("编制园区应急预案并与企业预案衔接", 26, false),
            ("建有专业应急救援队伍", 26, false),
            ("应急物资储备满足需要", 26, false),
            ("定期开展应急演练", 26, false),
            ("事故信息报告和监测预警机制健全", 26, false),
        ],
    ),
];

impl Default for Checklist {
    fn default() -> Checklist {
        Checklist {
            aspects: DEFAULT
                .iter()
                .map(|(code, name, items)| Aspect {
                    code: code.to_string(),
                    name: name.to_string(),
                    items: items
                        .iter()
                        .enumerate()
                        .map(|(i, (text, max, veto))| CheckItem {
                            code: format!("{code}.{}", i + 1),
                            text: text.to_string(),
                            max: *max,
                            veto: *veto,
                        })
                        .collect(),
                })
                .collect(),
            thresholds: Thresholds {
                d: 850,
                c: 700,
                b: 600,
            },
        }
    }
}

impl Checklist {
    pub fn items(&self) -> impl Iterator<Item = &CheckItem> {
        self.aspects.iter().flat_map(|a| a.items.iter())
    }

    pub fn item(&self, code: &str) -> Option<&CheckItem> {
        self.items().find(|i| i.code == code)
    }

    /// What the checklist's points add up to.
    pub fn max(&self) -> Points {
        Points(self.items().map(|i| i.max).sum())
    }

    /// Refuses a checklist with no items, a code twice, an item worth nothing, or thresholds out
    /// of order.
    pub fn check(&self) -> Result<(), ChecklistFault> {
        let mut seen = std::collections::HashSet::new();
        for item in self.items() {
            if !seen.insert(item.code.as_str()) {
                return Err(ChecklistFault::RepeatedCode(item.code.clone()));
            }
            if item.max <= 0 {
                return Err(ChecklistFault::Worthless(item.code.clone()));
            }
        }
        if seen.is_empty() {
            return Err(ChecklistFault::NoItems);
        }
        let t = self.thresholds;
        if !(t.d > t.c && t.c > t.b && t.b > 0) {
            return Err(ChecklistFault::Thresholds);
        }
        Ok(())
    }

    /// The grade of a total, unless a veto item was scored nothing.
    pub fn grade(&self, total: Points, vetoed: bool) -> Grade {
        let t = self.thresholds;
        match total.0 {
            _ if vetoed => Grade::A,
            s if s >= t.d => Grade::D,
            s if s >= t.c => Grade::C,
            s if s >= t.b => Grade::B,
            _ => Grade::A,
        }
    }
}

/// 复核条目 — one item of a zone's review of a year, scored, with its rectification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub id: i64,
    pub zone_id: i64,
    /// 复核年度
    pub year: i32,
    /// 条目编号 of the checklist.
    pub item: String,
    pub score: Points,
    /// 存在问题
    pub problem: String,
    /// 佐证材料
    pub evidence: String,
    /// 整改责任人 / 单位
    pub owner: String,
    /// 整改期限
    pub due_on: Option<NaiveDate>,
    /// 整改完成日期
    pub rectified_on: Option<NaiveDate>,
    pub note: String,
    pub version: i64,
}

/// What a finding's change got wrong, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingFault {
    /// Not an item of the checklist.
    UnknownItem,
    /// More than the item is worth.
    OverMax,
    /// A year before 2000 or after 2100.
    Year,
    /// A day before 1949 or after 2100 (the field named).
    When(&'static str),
    /// A rectification due with nobody to answer for it.
    NoOwner,
}

impl FindingFault {
    pub fn field(self) -> &'static str {
        match self {
            FindingFault::UnknownItem => "item",
            FindingFault::OverMax => "score",
            FindingFault::Year => "year",
            FindingFault::When(field) => field,
            FindingFault::NoOwner => "owner",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            FindingFault::UnknownItem => lang.pick(
                "复核清单中没有这个条目编号",
                "the checklist has no item of this code",
            ),
            FindingFault::OverMax => lang.pick(
                "得分不能超过该条目的分值",
                "the score cannot exceed what the item is worth",
            ),
            FindingFault::Year => lang.pick(
                "复核年度须在 2000 年至 2100 年之间",
                "the year must lie between 2000 and 2100",
            ),
            FindingFault::When(_) => lang.pick(
                "日期须在 1949 年至 2100 年之间",
                "the date must lie between 1949 and 2100",
            ),
            FindingFault::NoOwner => lang.pick(
                "有整改期限的须填写整改责任人",
                "a rectification with a due day needs its owner",
            ),
        }
    }
}

impl Finding {
    pub fn new(zone_id: i64, year: i32, item: &str) -> Finding {
        Finding {
            id: 0,
            zone_id,
            year,
            item: item.trim().to_string(),
            score: Points::default(),
            problem: String::new(),
            evidence: String::new(),
            owner: String::new(),
            due_on: None,
            rectified_on: None,
            note: String::new(),
            version: 1,
        }
    }

    /// Trims its texts; checks it against the checklist.
    pub fn settle(mut self, checklist: &Checklist) -> Result<Finding, Vec<FindingFault>> {
        for text in [
            &mut self.item,
            &mut self.problem,
            &mut self.evidence,
            &mut self.owner,
            &mut self.note,
        ] {
            *text = text.trim().to_string();
        }
        let mut faults = Vec::new();
        match checklist.item(&self.item) {
            None => faults.push(FindingFault::UnknownItem),
            Some(item) if self.score.0 > item.max => faults.push(FindingFault::OverMax),
            Some(_) => {}
        }
        if !(2000..=2100).contains(&self.year) {
            faults.push(FindingFault::Year);
        }
        for (field, day) in [("due_on", self.due_on), ("rectified_on", self.rectified_on)] {
            if day.is_some_and(|d| !plausible_day(d)) {
                faults.push(FindingFault::When(field));
            }
        }
        if self.due_on.is_some() && self.owner.is_empty() {
            faults.push(FindingFault::NoOwner);
        }
        if faults.is_empty() {
            Ok(self)
        } else {
            Err(faults)
        }
    }

    /// Its rectification is still to be done (a due day and no day done by `as_of`).
    pub fn open(&self, as_of: NaiveDate) -> bool {
        self.due_on.is_some() && self.rectified_on.is_none_or(|d| d > as_of)
    }

    /// Open and past its due day at `as_of`.
    pub fn overdue(&self, as_of: NaiveDate) -> bool {
        self.open(as_of) && self.due_on.is_some_and(|d| d < as_of)
    }
}

/// A zone's review of a year, as its findings grade it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// Items scored, out of the checklist's.
    pub scored: usize,
    pub items: usize,
    pub score: Points,
    pub max: Points,
    /// A veto item scored nothing.
    pub vetoed: bool,
    /// The grade once every item is scored.
    pub grade: Option<Grade>,
    /// Rectifications still to be done at the day asked, and of them those overdue.
    pub open: usize,
    pub overdue: usize,
}

/// Grades a zone's findings of a year (on the checklist's items only) as of `as_of`.
pub fn assess<'a>(
    checklist: &Checklist,
    findings: impl IntoIterator<Item = &'a Finding>,
    as_of: NaiveDate,
) -> Assessment {
    let mut scored = std::collections::HashMap::new();
    let (mut open, mut overdue) = (0, 0);
    for f in findings {
        if let Some(item) = checklist.item(&f.item) {
            scored.insert(item.code.as_str(), (f.score, item.veto));
        }
        open += usize::from(f.open(as_of));
        overdue += usize::from(f.overdue(as_of));
    }
    let items = checklist.items().count();
    let score: Points = scored.values().map(|(s, _)| *s).sum();
    let vetoed = scored.values().any(|(s, veto)| *veto && s.0 == 0);
    let complete = scored.len() == items;
    Assessment {
        scored: scored.len(),
        items,
        score,
        max: checklist.max(),
        vetoed,
        grade: complete.then(|| checklist.grade(score, vetoed)),
        open,
        overdue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn scored_all(checklist: &Checklist, lose: i64) -> Vec<Finding> {
        let mut left = lose;
        checklist
            .items()
            .map(|item| {
                let mut f = Finding::new(1, 2025, &item.code);
                let cut = left.min(item.max - 1).max(0);
                left -= cut;
                f.score = Points(item.max - cut);
                f
            })
            .collect()
    }

    #[test]
    fn the_default_checklist_has_six_aspects_and_34_items_worth_100() {
        let c = Checklist::default();
        assert_eq!(c.aspects.len(), 6);
        assert_eq!(c.items().count(), 34);
        assert_eq!(c.max().to_string(), "100");
        assert_eq!(c.check(), Ok(()));
    }

    #[test]
    fn the_total_grades_the_park_once_every_item_is_scored_and_a_veto_makes_it_a() {
        let c = Checklist::default();
        let as_of = d("2025-12-31");
        let good = scored_all(&c, 100);
        let a = assess(&c, &good, as_of);
        assert_eq!(
            (a.score.to_string(), a.grade),
            ("90".to_string(), Some(Grade::D))
        );
        let fair = scored_all(&c, 200);
        assert_eq!(assess(&c, &fair, as_of).grade, Some(Grade::C));
        let poor = scored_all(&c, 450);
        assert_eq!(assess(&c, &poor, as_of).grade, Some(Grade::A));
        let mut vetoed = scored_all(&c, 0);
        vetoed[0].score = Points(0);
        let a = assess(&c, &vetoed, as_of);
        assert!(a.vetoed);
        assert_eq!(
            a.grade,
            Some(Grade::A),
            "97 points, but no provincial approval"
        );
        assert_eq!(
            assess(&c, &good[..10], as_of).grade,
            None,
            "not every item scored"
        );
    }

    #[test]
    fn a_rectification_is_open_until_done_and_overdue_past_its_day() {
        let c = Checklist::default();
        let mut f = Finding::new(1, 2025, "4.3");
        f.score = Points(10);
        f.due_on = Some(d("2025-09-30"));
        assert_eq!(f.clone().settle(&c), Err(vec![FindingFault::NoOwner]));
        f.owner = "园区应急管理局".into();
        let f = f.settle(&c).unwrap();
        assert!(f.open(d("2025-09-30")) && !f.overdue(d("2025-09-30")));
        assert!(f.overdue(d("2025-10-01")));
        let done = Finding {
            rectified_on: Some(d("2025-09-20")),
            ..f
        };
        assert!(!done.open(d("2025-10-01")));
        let mut over = Finding::new(1, 2025, "6.1");
        over.score = Points(27);
        assert_eq!(over.settle(&c), Err(vec![FindingFault::OverMax]));
        assert_eq!(Points::parse("2.5"), Some(Points(25)));
        assert_eq!(Points::parse("2.55"), None);
    }
}
