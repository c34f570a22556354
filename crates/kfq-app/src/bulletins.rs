//! 通报 — the documents officials hand to their leaders: the “三个一批”活动情况通报 of a round,
//! the 月度统计报告 and the 季度通报 (ranking), as DOCX in the layout of GB/T 9704 with their
//! charts, and as PDF with the fonts embedded.
//!
//! The figures come from the same reports the dashboards show; the sentences from
//! [`kfq_core::report::bulletin`]; the layout from [`kfq_ledger::docx`].

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use kfq_core::assessment::Figure;
use kfq_core::money::Amount;
use kfq_core::monthly::Month;
use kfq_core::report::bulletin::{self as words, yi};
use kfq_core::report::round_summary::SummaryRow;
use kfq_core::round::{BatchKind, RoundId};
use kfq_ledger::chart::{BarChart, Series};
use kfq_ledger::docx::{Block, Document, Fonts};
use kfq_store::Db;

use crate::{reports, Actor, AppError};

/// Which bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// “三个一批”活动情况通报 of a round (`2024-4`).
    Round,
    /// 月度统计报告 of a month (`2024-10`).
    Monthly,
    /// 季度通报 of a quarter (`2024-4`: the fourth quarter).
    Quarterly,
}

impl Kind {
    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "round" => Some(Kind::Round),
            "monthly" => Some(Kind::Monthly),
            "quarterly" => Some(Kind::Quarterly),
            _ => None,
        }
    }
}

/// A bulletin: its title (the file's name) and the document.
#[derive(Debug, Clone)]
pub struct Bulletin {
    pub title: String,
    pub document: Document,
}

/// Builds the bulletin of a period for a region (the actor's scope by default).
pub async fn build(
    db: &Db,
    actor: &Actor,
    kind: Kind,
    period: &str,
    region: Option<&str>,
) -> Result<Bulletin, AppError> {
    match kind {
        Kind::Round => round(db, actor, reports::parse_round(period)?, region).await,
        Kind::Monthly => {
            let month = Month::parse(period).map_err(|_| AppError::BadArgument {
                name: "month",
                value: period.into(),
                expected: crate::error::Expected::Month,
            })?;
            monthly(db, actor, month, region).await
        }
        Kind::Quarterly => {
            let quarter = reports::parse_round(period)?;
            quarterly(db, actor, quarter, region).await
        }
    }
}

/// `2026年12月3日`, as a 公文 dates itself.
fn chinese_date(day: NaiveDate) -> String {
    kfq_core::Lang::Zh.date(day)
}

/// 落款: who issues a region's bulletin — a province's (a code ending in 0000) 商务厅, a
/// city's 商务局 — and today's date.
fn signature(region_key: &str, name: &str) -> Block {
    let office = match region_key.ends_with("0000") {
        true => "商务厅",
        false => "商务局",
    };
    Block::Signature(format!(
        "{name}{office}\n{}",
        chinese_date(reports::today())
    ))
}

/// 一、二、三…
fn ordinal(n: usize) -> &'static str {
    const NAMES: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    NAMES.get(n).copied().unwrap_or("十")
}

fn chart(chart: BarChart, caption: &str) -> Result<Block, AppError> {
    let png = chart.png(1000).map_err(|e| AppError::Output {
        path: caption.into(),
        why: e.to_string(),
    })?;
    Ok(Block::Image {
        png,
        caption: caption.into(),
    })
}

/// Yuan to one 亿元 on a chart's axis.
const YUAN_PER_YI: i64 = 100_000_000;

const BATCHES: [BatchKind; 3] = [BatchKind::Sign, BatchKind::Start, BatchKind::Produce];

/// “三个一批”活动情况通报: the region's summary, then one section per city (per zone for a city).
pub async fn round(
    db: &Db,
    actor: &Actor,
    round: RoundId,
    region: Option<&str>,
) -> Result<Bulletin, AppError> {
    let summary = reports::round_summary(db, actor, round, region).await?;
    let lines = reports::entry_lines(db, actor, region, (round, round), None).await?;
    let snapshot = db.snapshot().await?;
    let chains: HashMap<String, &str> = snapshot
        .projects
        .iter()
        .map(|p| (p.code.to_string(), p.chain.as_str()))
        .collect();
    let by_city = summary.rows.first().is_some_and(|r| r.region.len() == 6);
    let label = round.label(kfq_core::Lang::Zh);
    let region_name = if by_city {
        "全省"
    } else {
        summary.name.as_str()
    };
    let title = format!("关于{label}“三个一批”活动情况的通报");
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Line(match by_city {
            true => "各市商务局，各开发区管委会：".into(),
            false => "各开发区管委会：".into(),
        }),
        Block::Paragraph(words::round_opening(&label, region_name, &summary.total)),
        Block::Heading("一、总体情况".into()),
        summary_table(&summary.rows, &summary.total, by_city),
    ];
    let rows: Vec<&SummaryRow> = summary.rows.iter().filter(|r| has_entries(r)).collect();
    if !rows.is_empty() {
        let series = BATCHES
            .iter()
            .map(|kind| Series {
                name: format!("{}一批", kind.label(kfq_core::Lang::Zh)),
                values: rows
                    .iter()
                    .map(|r| r.batch(*kind).amount_wan.yuan())
                    .collect(),
                labels: rows.iter().map(|r| yi(r.batch(*kind).amount_wan)).collect(),
            })
            .collect();
        let names = rows
            .iter()
            .map(|r| words::short_name(&r.name).to_string())
            .collect();
        blocks.push(chart(
            BarChart {
                title: format!("{label}“三个一批”项目总投资"),
                unit: "单位：亿元".into(),
                categories: names,
                series,
                per_unit: YUAN_PER_YI,
                horizontal: !by_city,
            },
            &format!(
                "图1  各{}“三个一批”项目总投资",
                if by_city { "市" } else { "开发区" }
            ),
        )?);
    }
    blocks.push(Block::Heading(format!(
        "二、各{}情况",
        if by_city { "市" } else { "开发区" }
    )));
    for (i, row) in rows.iter().enumerate() {
        let mine: Vec<&reports::EntryLine> = lines
            .iter()
            .filter(|l| l.city == row.name || l.zone == row.name)
            .collect();
        let mut fields: BTreeMap<&str, usize> = BTreeMap::new();
        for line in &mine {
            match chains.get(&line.code) {
                Some(chain) if !chain.is_empty() => *fields.entry(chain).or_default() += 1,
                _ => {}
            }
        }
        let mut fields: Vec<(&str, usize)> = fields.into_iter().collect();
        fields.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let fields: Vec<String> = fields.iter().take(4).map(|(f, _)| f.to_string()).collect();
        let mut largest = mine.clone();
        largest.sort_by(|a, b| b.amount_wan.cmp(&a.amount_wan).then(a.code.cmp(&b.code)));
        let mut leading: Vec<String> = Vec::new();
        for line in largest {
            if leading.len() < 3 && !leading.contains(&line.name) {
                leading.push(line.name.clone());
            }
        }
        blocks.push(Block::Subheading(format!(
            "（{}）{}",
            ordinal(i),
            words::headline(row)
        )));
        blocks.push(Block::Paragraph(words::section_paragraph(
            row, &fields, &leading,
        )));
        blocks.push(batch_table(row));
    }
    blocks.push(signature(&summary.region, &summary.name));
    Ok(Bulletin {
        title,
        document: Document { blocks },
    })
}

fn has_entries(row: &SummaryRow) -> bool {
    BATCHES.iter().any(|k| row.batch(*k).count > 0)
}

/// 总体情况 table: each city's (zone's) three batches, and the total.
fn summary_table(rows: &[SummaryRow], total: &SummaryRow, by_city: bool) -> Block {
    let cells = |r: &SummaryRow| {
        let mut cells = vec![r.name.clone()];
        for kind in BATCHES {
            let b = r.batch(kind);
            cells.push(b.count.to_string());
            cells.push(yi(b.amount_wan));
        }
        cells.push(words::all_batches(r).strategic.count.to_string());
        cells
    };
    let mut body: Vec<Vec<String>> = rows.iter().map(cells).collect();
    let mut sum = cells(total);
    sum[0] = "合计".into();
    body.push(sum);
    Block::Table {
        header: vec![
            if by_city { "市" } else { "开发区" }.into(),
            "签约（个）".into(),
            "签约投资（亿元）".into(),
            "开工（个）".into(),
            "开工投资（亿元）".into(),
            "投产（个）".into(),
            "投产投资（亿元）".into(),
            "其中战新（个）".into(),
        ],
        rows: body,
    }
}

/// A section's table: each batch's projects, investment, 战新 and 产业类 parts, expected output.
fn batch_table(row: &SummaryRow) -> Block {
    let line = |name: String, b: &kfq_core::report::round_summary::BatchFigures| {
        vec![
            name,
            b.count.to_string(),
            yi(b.amount_wan),
            b.strategic.count.to_string(),
            yi(b.strategic.amount_wan),
            b.industrial.count.to_string(),
            yi(b.expected_output_wan),
        ]
    };
    let mut rows: Vec<Vec<String>> = BATCHES
        .iter()
        .map(|k| {
            line(
                format!("{}一批", k.label(kfq_core::Lang::Zh)),
                row.batch(*k),
            )
        })
        .collect();
    rows.push(line("合计".into(), &words::all_batches(row)));
    Block::Table {
        header: vec![
            "批次".into(),
            "项目（个）".into(),
            "总投资（亿元）".into(),
            "战新（个）".into(),
            "战新投资（亿元）".into(),
            "产业类（个）".into(),
            "预计年产值（亿元）".into(),
        ],
        rows,
    }
}

/// A zone's or a city's completed investment: this month, the year to date, the same months
/// of last year.
#[derive(Debug, Clone, Default)]
struct Completed {
    month: Amount,
    year_to_date: Amount,
    last_year: Amount,
}

impl Completed {
    fn add(&mut self, other: &Completed) {
        self.month += other.month;
        self.year_to_date += other.year_to_date;
        self.last_year += other.last_year;
    }

    fn cells(&self) -> [String; 4] {
        [
            yi(self.month),
            yi(self.year_to_date),
            yi(self.last_year),
            words::year_on_year(self.year_to_date, self.last_year).unwrap_or_else(|| "—".into()),
        ]
    }
}

/// 月度统计报告: investment completed in the month and the year to date by city and zone,
/// year on year, and who reported late or not at all.
pub async fn monthly(
    db: &Db,
    actor: &Actor,
    month: Month,
    region: Option<&str>,
) -> Result<Bulletin, AppError> {
    let (scope, in_scope) = reports::zones_in_scope(db, actor, region).await?;
    let january = Month::new(month.year, 1).unwrap_or(month);
    let last_january = Month::new(month.year - 1, 1).unwrap_or(month);
    let mut zones: HashMap<i64, Completed> = HashMap::new();
    let mut months = vec![month];
    while months[months.len() - 1] > last_january {
        months.push(months[months.len() - 1].previous());
    }
    let handle = db.read_model().await?;
    {
        let model = handle.read().map_err(|_| AppError::Internal)?;
        for (zone, m) in in_scope
            .keys()
            .flat_map(|z| months.iter().map(move |m| (*z, *m)))
        {
            let amount = model.invested_in(zone, m);
            let c = zones.entry(zone).or_default();
            if m == month {
                c.month += amount;
            }
            if m >= january {
                c.year_to_date += amount;
            } else if m.month <= month.month {
                c.last_year += amount;
            }
        }
    }
    let mut listed: Vec<&kfq_core::zone::Zone> = in_scope.values().collect();
    listed.sort_by(|a, b| (a.city, &a.name).cmp(&(b.city, &b.name)));
    let mut cities: BTreeMap<kfq_core::region::RegionCode, Completed> = BTreeMap::new();
    let mut total = Completed::default();
    for z in &listed {
        let c = zones.get(&z.id).cloned().unwrap_or_default();
        cities.entry(z.city).or_default().add(&c);
        total.add(&c);
    }
    let regions = kfq_core::region::regions();
    let province = scope.key().ends_with("0000");
    let name = scope.name();
    let m = month.month;
    let period = if m == 1 {
        "1月".to_string()
    } else {
        format!("1—{m}月")
    };
    let title = format!("{}年{}月{}开发区投资统计月报", month.year, m, name);
    let mut opening = format!(
        "{}年{}月，{}开发区完成投资{}亿元；{}累计完成投资{}亿元",
        month.year,
        m,
        if province { "全省" } else { name.as_str() },
        yi(total.month),
        period,
        yi(total.year_to_date)
    );
    match words::year_on_year(total.year_to_date, total.last_year) {
        Some(change) => {
            opening += &format!("，同比{change}（上年同期{}亿元）。", yi(total.last_year))
        }
        None => opening += "（上年同期无可比数据）。",
    }
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Paragraph(opening),
        Block::Heading("一、分市情况".into()),
    ];
    let mut city_rows: Vec<Vec<String>> = cities
        .iter()
        .map(|(code, c)| {
            let mut row = vec![regions.name(*code).to_string()];
            row.extend(c.cells());
            row
        })
        .collect();
    let mut sum = vec!["合计".to_string()];
    sum.extend(total.cells());
    city_rows.push(sum);
    let header = |first: &str| {
        vec![
            first.to_string(),
            format!("{m}月完成（亿元）"),
            format!("{period}累计（亿元）"),
            "上年同期（亿元）".into(),
            "同比".into(),
        ]
    };
    blocks.push(Block::Table {
        header: header("市"),
        rows: city_rows,
    });
    let names: Vec<String> = cities
        .keys()
        .map(|c| words::short_name(regions.name(*c)).to_string())
        .collect();
    blocks.push(chart(
        BarChart {
            title: format!("{period}各市开发区完成投资"),
            unit: "单位：亿元".into(),
            categories: names,
            series: vec![
                Series {
                    name: format!("{}年{period}", month.year),
                    values: cities.values().map(|c| c.year_to_date.yuan()).collect(),
                    labels: cities.values().map(|c| yi(c.year_to_date)).collect(),
                },
                Series {
                    name: "上年同期".into(),
                    values: cities.values().map(|c| c.last_year.yuan()).collect(),
                    labels: cities.values().map(|c| yi(c.last_year)).collect(),
                },
            ],
            per_unit: YUAN_PER_YI,
            horizontal: cities.len() > 14,
        },
        "图1  各市开发区累计完成投资与上年同期",
    )?);
    blocks.push(Block::Heading("二、分开发区情况".into()));
    blocks.push(Block::Table {
        header: header("开发区"),
        rows: listed
            .iter()
            .map(|z| {
                let mut row = vec![z.name.clone()];
                row.extend(zones.get(&z.id).cloned().unwrap_or_default().cells());
                row
            })
            .collect(),
    });
    blocks.push(Block::Heading("三、报送情况".into()));
    let overview = crate::monthly::overview(db, actor, region, month, reports::today()).await?;
    let late: Vec<&str> = overview
        .zones
        .iter()
        .filter(|z| z.late)
        .map(|z| z.zone.as_str())
        .collect();
    let missing: Vec<&str> = overview
        .zones
        .iter()
        .filter(|z| z.missing)
        .map(|z| z.zone.as_str())
        .collect();
    let mut said = format!(
        "本月报送截止日为{}。{}个开发区中，已审核{}个，已报待审{}个，退回修改{}个",
        chinese_date(overview.deadline),
        overview.zones.len(),
        overview.approved,
        overview.submitted,
        overview.returned
    );
    said += &match late.is_empty() {
        true => "；无迟报".into(),
        false => format!("；迟报{}个：{}", late.len(), late.join("、")),
    };
    said += &match missing.is_empty() {
        true => "；无未报。".into(),
        false => format!(
            "；未报{}个：{}。请未报、迟报开发区严格按时限报送。",
            missing.len(),
            missing.join("、")
        ),
    };
    blocks.push(Block::Paragraph(said));
    blocks.push(signature(&scope.key(), &name));
    Ok(Bulletin {
        title,
        document: Document { blocks },
    })
}

/// A figure to two decimals, half up, without needless zeros: `24.66`, `97`.
fn two_places(figure: Figure) -> String {
    figure.rounded(2).to_string()
}

/// 季度通报: the zones ranked within their classes on the province's indicator set, the top
/// and bottom of each, a chart of the scores, and the blockers overdue at the quarter's end.
pub async fn quarterly(
    db: &Db,
    actor: &Actor,
    quarter: RoundId,
    region: Option<&str>,
) -> Result<Bulletin, AppError> {
    let end = quarter.quarter_end();
    let month = Month::of(end);
    let ranking = crate::assessment::ranking(db, actor, region, month).await?;
    let overdue = reports::overdue_blockers(db, actor, region, end).await?;
    let q = ordinal(usize::from(quarter.seq.clamp(1, 4) - 1));
    let title = format!(
        "{}年第{q}季度{}开发区综合考核情况通报",
        quarter.year, ranking.name
    );
    let zones: usize = ranking.classes.iter().map(|c| c.zones.len()).sum();
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Paragraph(format!(
            "按照开发区综合考核办法，对{}个开发区{}年1—{}月的情况进行了考核，\
             各项指标以年度目标为基准计分（单项完成率最高计{}%）。现将结果通报如下。",
            zones, quarter.year, month.month, ranking.cap_percent
        )),
    ];
    for (i, class) in ranking.classes.iter().enumerate() {
        blocks.push(Block::Heading(format!("{}、{}", ordinal(i), class.class)));
        let weights: Vec<String> = class
            .indicators
            .iter()
            .map(|(ind, w)| format!("{}（{}分）", ind.name, w))
            .collect();
        let named = |r: &kfq_core::assessment::Ranked| format!("{}（{}分）", r.zone, r.total);
        let top: Vec<String> = class.zones.iter().take(3).map(named).collect();
        let mut text = format!(
            "本类别考核指标为{}。排名前列的是：{}",
            weights.join("、"),
            top.join("、")
        );
        if class.zones.len() > 3 {
            let rest = &class.zones[3..];
            let bottom: Vec<String> = rest[rest.len().saturating_sub(3)..]
                .iter()
                .map(named)
                .collect();
            text += &format!("；排名靠后的是：{}", bottom.join("、"));
        }
        text += "。";
        blocks.push(Block::Paragraph(text));
        let mut header = vec!["名次".to_string(), "开发区".to_string()];
        // Amounts in 亿元, as the rest of the bulletin prints them.
        let in_yi: Vec<bool> = class
            .indicators
            .iter()
            .map(|(i, _)| i.unit == "万元")
            .collect();
        header.extend(class.indicators.iter().map(|(ind, _)| {
            let unit = if ind.unit == "万元" {
                "亿元"
            } else {
                ind.unit.as_str()
            };
            format!("{}（{}）", ind.name, unit)
        }));
        header.push("得分".into());
        let rows = class
            .zones
            .iter()
            .map(|r| {
                let mut row = vec![r.rank.to_string(), r.zone.clone()];
                row.extend(
                    r.parts
                        .iter()
                        .zip(&in_yi)
                        .map(|(p, yi)| match (p.actual, yi) {
                            (None, _) => "—".into(),
                            (Some(a), true) => two_places(Figure::from_scaled(a.scaled() / 10_000)),
                            (Some(a), false) => two_places(a),
                        }),
                );
                row.push(r.total.to_string());
                row
            })
            .collect();
        blocks.push(Block::Table { header, rows });
        blocks.push(chart(
            BarChart {
                title: format!("{}综合得分", class.class),
                unit: "单位：分".into(),
                categories: class.zones.iter().map(|r| r.zone.clone()).collect(),
                series: vec![Series {
                    name: "得分".into(),
                    values: class.zones.iter().map(|r| r.total.scaled()).collect(),
                    labels: class.zones.iter().map(|r| r.total.to_string()).collect(),
                }],
                per_unit: Figure::from_units(1).scaled(),
                horizontal: true,
            },
            &format!("图{}  {}综合得分", i + 1, class.class),
        )?);
    }
    blocks.push(Block::Heading(format!(
        "{}、逾期未解决堵点",
        ordinal(ranking.classes.len())
    )));
    if overdue.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "截至{}，无逾期未解决堵点。",
            chinese_date(end)
        )));
    } else {
        let mut zones: BTreeMap<&str, usize> = BTreeMap::new();
        for b in &overdue {
            *zones.entry(b.zone.as_str()).or_default() += 1;
        }
        let mut most: Vec<(&str, usize)> = zones.into_iter().collect();
        most.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let named: Vec<String> = most
            .iter()
            .take(5)
            .map(|(z, n)| format!("{z}（{n}个）"))
            .collect();
        blocks.push(Block::Paragraph(format!(
            "截至{}，逾期未解决堵点{}个，涉及{}个开发区，较多的是{}。请相关开发区和责任单位抓紧协调解决。",
            chinese_date(end),
            overdue.len(),
            most.len(),
            named.join("、")
        )));
        blocks.push(Block::Table {
            header: vec![
                "序号".into(),
                "开发区".into(),
                "项目".into(),
                "堵点".into(),
                "责任单位".into(),
                "逾期天数".into(),
            ],
            rows: overdue
                .iter()
                .take(20)
                .enumerate()
                .map(|(i, b)| {
                    vec![
                        (i + 1).to_string(),
                        b.zone.clone(),
                        b.project.clone(),
                        b.description.clone(),
                        b.owner_unit.clone(),
                        b.days_overdue.to_string(),
                    ]
                })
                .collect(),
        });
    }
    blocks.push(signature(&ranking.region, &ranking.name));
    Ok(Bulletin {
        title,
        document: Document { blocks },
    })
}

/// A bulletin as a file: DOCX or PDF by the name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Pdf,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
}

/// A bulletin's file and the typefaces it had to take in place of the official ones.
#[derive(Debug, Clone)]
pub struct Written {
    pub bytes: Vec<u8>,
    pub substitutes: Vec<(String, String)>,
}

/// The bulletin's bytes in a format.
pub async fn render(bulletin: &Bulletin, format: Format) -> Result<Written, AppError> {
    let fail = |why: String| AppError::Output {
        path: format!(
            "{}.{}",
            bulletin.title,
            if format == Format::Pdf { "pdf" } else { "docx" }
        ),
        why,
    };
    match format {
        Format::Docx => Ok(Written {
            bytes: bulletin.document.write().map_err(|e| fail(e.to_string()))?,
            substitutes: Vec::new(),
        }),
        Format::Pdf => {
            let installed = crate::pdf::installed_families().await;
            let (fonts, substitutes) =
                kfq_ledger::docx::substitutes(&Fonts::official(), &installed);
            let docx = bulletin
                .document
                .write_with(&fonts)
                .map_err(|e| fail(e.to_string()))?;
            let bytes = crate::pdf::from_docx(&docx).await.map_err(fail)?;
            Ok(Written { bytes, substitutes })
        }
    }
}
