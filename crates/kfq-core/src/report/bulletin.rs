//! 通报 — the sentences of the bulletins officials hand on, written from the figures in the
//! register of the province's own reports (“此次活动中，忻州市共签约16个项目，总投资27.16亿元，
//! 其中战新项目10个，总投资22.76亿元；……”).
//!
//! Pure text from values: the documents around these sentences are laid out elsewhere.

use crate::money::Amount;
use crate::rates::Ratio;
use crate::report::round_summary::{BatchFigures, SummaryRow};
use crate::round::BatchKind;

/// An amount in 亿元 as the papers print it: two decimals at most, no trailing zeros
/// (`567`, `350.6`, `27.16`).
pub fn yi(amount: Amount) -> String {
    let text = amount.yi_string(2);
    match text.contains('.') {
        true => text.trim_end_matches('0').trim_end_matches('.').to_string(),
        false => text,
    }
}

/// A share in percent to one decimal (`62.3%`); `—` over nothing.
pub fn share(part: Amount, whole: Amount) -> String {
    permille(Ratio::new(part.yuan(), whole.yuan())).map_or("—".into(), |p| Permille(p).percent())
}

/// A city's name as a headline shortens it: 大同市 → 大同 (a league or prefecture keeps its name).
pub fn short_name(name: &str) -> &str {
    match name.strip_suffix('市') {
        Some(short) if short.chars().count() >= 2 => short,
        _ => name,
    }
}

/// `大同：17个项目签约 20个项目开工，16个项目投产` — a city's section headline.
pub fn headline(row: &SummaryRow) -> String {
    format!(
        "{}：{}个项目签约 {}个项目开工，{}个项目投产",
        short_name(&row.name),
        row.sign.count,
        row.start.count,
        row.produce.count
    )
}

fn verb(kind: BatchKind) -> &'static str {
    match kind {
        BatchKind::Sign => "签约",
        BatchKind::Start => "开工",
        BatchKind::Produce => "投产",
    }
}

/// `签约16个项目，总投资27.16亿元，其中战新项目10个，总投资22.76亿元` (or `无签约项目`).
fn batch_clause(kind: BatchKind, figures: &BatchFigures, first: bool) -> String {
    if figures.count == 0 {
        return format!("无{}项目", verb(kind));
    }
    let mut text = match (kind, first) {
        (BatchKind::Sign, true) => format!(
            "签约{}个项目，总投资{}亿元",
            figures.count,
            yi(figures.amount_wan)
        ),
        _ => format!(
            "{}项目{}个，总投资{}亿元",
            verb(kind),
            figures.count,
            yi(figures.amount_wan)
        ),
    };
    if figures.strategic.count > 0 {
        text += &format!(
            "，其中战新项目{}个，总投资{}亿元",
            figures.strategic.count,
            yi(figures.strategic.amount_wan)
        );
    }
    text
}

const BATCHES: [BatchKind; 3] = [BatchKind::Sign, BatchKind::Start, BatchKind::Produce];

/// The three batches in one sentence, without its subject: `签约16个项目，…；开工项目15个，…。`
fn batches_sentence(row: &SummaryRow) -> String {
    let clauses: Vec<String> = BATCHES
        .iter()
        .enumerate()
        .map(|(i, kind)| batch_clause(*kind, row.batch(*kind), i == 0))
        .collect();
    clauses.join("；") + "。"
}

/// All three batches together: projects, investment and the 战新 part.
pub fn all_batches(row: &SummaryRow) -> BatchFigures {
    let mut sum = BatchFigures::default();
    for kind in BATCHES {
        sum.merge(row.batch(kind));
    }
    sum
}

/// The opening paragraph: the round across the region.
///
/// `2024年第四次“三个一批”活动，全省开发区共签约项目187个、总投资567亿元，开工项目181个、
/// 总投资350.6亿元，投产项目170个、总投资418.7亿元。三批项目中战新项目…，占总投资的…%。`
pub fn round_opening(round_label: &str, region_name: &str, total: &SummaryRow) -> String {
    let all = all_batches(total);
    let clauses: Vec<String> = BATCHES
        .iter()
        .map(|kind| {
            let b = total.batch(*kind);
            match b.count {
                0 => format!("无{}项目", verb(*kind)),
                n => format!("{}项目{n}个、总投资{}亿元", verb(*kind), yi(b.amount_wan)),
            }
        })
        .collect();
    let mut text = format!(
        "{round_label}“三个一批”活动，{region_name}开发区共{}。",
        clauses.join("，")
    );
    if all.strategic.count > 0 {
        text += &format!(
            "三批项目中，战新项目{}个、总投资{}亿元，占三批项目总投资的{}",
            all.strategic.count,
            yi(all.strategic.amount_wan),
            share(all.strategic.amount_wan, all.amount_wan)
        );
        if all.industrial.count > 0 {
            text += &format!(
                "；产业类项目{}个、总投资{}亿元",
                all.industrial.count,
                yi(all.industrial.amount_wan)
            );
        }
        text += "。";
    }
    text
}

/// A city's (or zone's) paragraph: its batches, the 战新 share, its fields and its largest
/// projects.
///
/// `fields` are the industry chains it works in, most projects first; `leading` its largest
/// projects by name.
pub fn section_paragraph(row: &SummaryRow, fields: &[String], leading: &[String]) -> String {
    let mut text = format!("此次活动中，{}共{}", row.name, batches_sentence(row));
    let all = all_batches(row);
    if all.strategic.count > 0 {
        text += &format!(
            "战新项目投资占三批项目总投资的{}。",
            share(all.strategic.amount_wan, all.amount_wan)
        );
    }
    if !fields.is_empty() {
        text += &format!("项目涉及{}等领域。", fields.join("、"));
    }
    if !leading.is_empty() {
        text += &format!("其中，{}等投资规模较大。", leading.join("、"));
    }
    if all.count == 0 {
        text = format!("此次活动中，{}无“三个一批”项目。", row.name);
    }
    text
}

/// Year-on-year change, `增长12.5%` or `下降3.2%`, one decimal; None without last year's figure.
pub fn year_on_year(now: Amount, before: Amount) -> Option<String> {
    if before.yuan() <= 0 {
        return None;
    }
    let change = Ratio::new(now.yuan() - before.yuan(), before.yuan());
    let permille = permille(change)?;
    Some(match permille.cmp(&0) {
        std::cmp::Ordering::Less => format!("下降{}", Permille(-permille).percent()),
        std::cmp::Ordering::Equal => "持平".into(),
        std::cmp::Ordering::Greater => format!("增长{}", Permille(permille).percent()),
    })
}

/// A ratio in thousandths, rounded half up (a negative one away from zero).
fn permille(ratio: Ratio) -> Option<i64> {
    let negative = ratio.numerator < 0;
    let abs = Ratio::new(ratio.numerator.abs(), ratio.denominator);
    let thousandths: i64 = abs.decimal(3)?.replace('.', "").parse().ok()?;
    Some(if negative { -thousandths } else { thousandths })
}

/// A share in thousandths, printed as a percent with one decimal.
struct Permille(i64);

impl Permille {
    fn percent(&self) -> String {
        format!("{}.{}%", self.0 / 10, self.0 % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::round_summary::Subset;

    fn batch(count: u64, wan: i64, strategic: (u64, i64)) -> BatchFigures {
        BatchFigures {
            count,
            amount_wan: Amount::from_wan(wan),
            strategic: Subset {
                count: strategic.0,
                amount_wan: Amount::from_wan(strategic.1),
            },
            ..BatchFigures::default()
        }
    }

    /// 忻州's figures of the 2024 fourth round, as the province's paper printed them.
    fn xinzhou() -> SummaryRow {
        SummaryRow {
            region: "140900".into(),
            name: "忻州市".into(),
            sign: batch(16, 271_600, (10, 227_600)),
            start: batch(15, 292_200, (9, 259_100)),
            produce: batch(13, 124_100, (8, 89_400)),
        }
    }

    #[test]
    fn a_citys_paragraph_reads_like_the_papers() {
        let text = section_paragraph(
            &xinzhou(),
            &["新材料".into(), "现代医药".into()],
            &["年产5万吨高性能铝合金项目".into()],
        );
        assert!(
            text.starts_with(
                "此次活动中，忻州市共签约16个项目，总投资27.16亿元，其中战新项目10个，\
                 总投资22.76亿元；开工项目15个，总投资29.22亿元，其中战新项目9个，总投资\
                 25.91亿元；投产项目13个，总投资12.41亿元，其中战新项目8个，总投资8.94亿元。"
            ),
            "{text}"
        );
        // (22.76 + 25.91 + 8.94) ÷ (27.16 + 29.22 + 12.41) = 57.61 ÷ 68.79 = 83.7%.
        assert!(
            text.contains("战新项目投资占三批项目总投资的83.7%。"),
            "{text}"
        );
        assert!(text.contains("项目涉及新材料、现代医药等领域。"), "{text}");
        assert!(text.ends_with("其中，年产5万吨高性能铝合金项目等投资规模较大。"));
    }

    #[test]
    fn the_headline_counts_each_batch_and_shortens_the_city() {
        let mut datong = xinzhou();
        datong.name = "大同市".into();
        datong.sign.count = 17;
        datong.start.count = 20;
        datong.produce.count = 16;
        assert_eq!(
            headline(&datong),
            "大同：17个项目签约 20个项目开工，16个项目投产"
        );
        assert_eq!(short_name("市"), "市");
    }

    #[test]
    fn the_opening_adds_the_three_batches_and_an_empty_batch_is_said() {
        let total = SummaryRow {
            region: "140000".into(),
            name: "山西省".into(),
            sign: batch(187, 5_670_000, (0, 0)),
            start: batch(181, 3_506_000, (0, 0)),
            produce: batch(170, 4_187_000, (0, 0)),
        };
        assert_eq!(
            round_opening("2024年第四次", "全省", &total),
            "2024年第四次“三个一批”活动，全省开发区共签约项目187个、总投资567亿元，\
             开工项目181个、总投资350.6亿元，投产项目170个、总投资418.7亿元。"
        );
        let mut quiet = xinzhou();
        quiet.produce = BatchFigures::default();
        assert!(section_paragraph(&quiet, &[], &[]).contains("；无投产项目。"));
        let mut first = total.clone();
        first.start = BatchFigures::default();
        assert_eq!(
            round_opening("2024年第一次", "吕梁市", &first),
            "2024年第一次“三个一批”活动，吕梁市开发区共签约项目187个、总投资567亿元，\
             无开工项目，投产项目170个、总投资418.7亿元。"
        );
        let none = SummaryRow::new("140100", "太原市");
        assert_eq!(
            section_paragraph(&none, &[], &[]),
            "此次活动中，太原市无“三个一批”项目。"
        );
    }

    #[test]
    fn year_on_year_is_a_rise_a_fall_or_nothing_to_compare() {
        let wan = Amount::from_wan;
        assert_eq!(
            year_on_year(wan(1125), wan(1000)).as_deref(),
            Some("增长12.5%")
        );
        assert_eq!(
            year_on_year(wan(968), wan(1000)).as_deref(),
            Some("下降3.2%")
        );
        assert_eq!(year_on_year(wan(1000), wan(1000)).as_deref(), Some("持平"));
        assert_eq!(year_on_year(wan(1000), Amount::ZERO), None);
        assert_eq!(yi(wan(5_670_000)), "567");
        assert_eq!(share(wan(1), Amount::ZERO), "—");
    }
}
