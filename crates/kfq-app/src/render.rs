//! Rendering a report value as a terminal table or a formatted XLSX sheet. The same
//! [`ReportTable`] feeds both, so the screen and the file can never disagree.

use kfq_core::blocker::Coded;
use std::path::Path;

use chrono::Datelike;

use kfq_core::money::Amount;
use kfq_core::rates::Ratio;
use kfq_core::report::funnel::{Cohort, Funnel};
use kfq_core::report::round_summary::{RoundSummary, SummaryRow};
use kfq_core::round::BatchKind;
use kfq_core::Lang;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use unicode_width::UnicodeWidthStr;

use crate::reports::StuckReport;
use crate::AppError;

/// One value of a report cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Text(String),
    Count(u64),
    /// Shown in 亿元 with two decimals.
    Yi(Amount),
    /// Shown in 万元, exact (a ledger's amounts).
    Wan(Amount),
    /// A day, written as a date cell.
    Day(chrono::NaiveDate),
    Rate(Ratio),
}

impl Val {
    fn display(&self) -> String {
        match self {
            Val::Text(t) => t.clone(),
            Val::Count(n) => n.to_string(),
            Val::Yi(a) => a.yi_string(2),
            Val::Wan(a) => a.wan_string(),
            Val::Day(d) => d.to_string(),
            Val::Rate(r) => r.percent(),
        }
    }

    fn is_number(&self) -> bool {
        !matches!(self, Val::Text(_))
    }
}

/// A report laid out as officials print it: title, unit, header, rows, total, notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTable {
    pub title: String,
    pub unit: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Val>>,
    pub total: Option<Vec<Val>>,
    pub notes: Vec<String>,
}

impl ReportTable {
    /// A boxed table for the terminal, aligned for Chinese characters (two columns wide).
    pub fn to_text(&self) -> String {
        let mut all: Vec<(&[Val], bool)> =
            self.rows.iter().map(|r| (r.as_slice(), false)).collect();
        if let Some(t) = &self.total {
            all.push((t.as_slice(), true));
        }
        let cells: Vec<Vec<String>> = all
            .iter()
            .map(|(r, _)| r.iter().map(Val::display).collect())
            .collect();
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|c| {
                cells
                    .iter()
                    .filter_map(|r| r.get(c))
                    .chain(std::iter::once(&self.headers[c]))
                    .map(|s| s.width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |l: &str, m: &str, r: &str| {
            let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
            format!("{l}{}{r}\n", parts.join(m))
        };
        let pad = |s: &str, w: usize, right: bool| {
            let fill = " ".repeat(w.saturating_sub(s.width()));
            if right {
                format!(" {fill}{s} ")
            } else {
                format!(" {s}{fill} ")
            }
        };
        let mut out = format!("{}\n", self.title);
        if !self.unit.is_empty() {
            out.push_str(&format!("{}\n", self.unit));
        }
        out.push_str(&line("┌", "┬", "┐"));
        let header: Vec<String> = self
            .headers
            .iter()
            .zip(&widths)
            .map(|(h, w)| pad(h, *w, false))
            .collect();
        out.push_str(&format!("│{}│\n", header.join("│")));
        out.push_str(&line("├", "┼", "┤"));
        for (i, ((vals, is_total), row)) in all.iter().zip(&cells).enumerate() {
            if *is_total && i > 0 {
                out.push_str(&line("├", "┼", "┤"));
            }
            let parts: Vec<String> = row
                .iter()
                .zip(vals.iter())
                .zip(&widths)
                .map(|((s, v), w)| pad(s, *w, v.is_number()))
                .collect();
            out.push_str(&format!("│{}│\n", parts.join("│")));
        }
        out.push_str(&line("└", "┴", "┘"));
        for note in &self.notes {
            out.push_str(&format!("{note}\n"));
        }
        out
    }
}

/// Writes report tables as sheets of one workbook: title row, unit note, frozen bold header,
/// number formats, totals row, A4 landscape with the header repeated on every page.
pub fn write_xlsx(path: &Path, sheets: &[(String, ReportTable)]) -> Result<(), AppError> {
    let output = |e: XlsxError| AppError::Output {
        path: path.display().to_string(),
        why: e.to_string(),
    };
    workbook(sheets).map_err(output)?.save(path).map_err(output)
}

/// The same workbook as bytes, for a download named `name`.
pub fn xlsx_bytes(name: &str, sheets: &[(String, ReportTable)]) -> Result<Vec<u8>, AppError> {
    let output = |e: XlsxError| AppError::Output {
        path: name.to_string(),
        why: e.to_string(),
    };
    workbook(sheets)
        .map_err(output)?
        .save_to_buffer()
        .map_err(output)
}

/// An exact decimal as the number Excel stores (a double): converted at the last moment, the
/// figure being exact up to here.
fn excel_number(decimal: &str) -> f64 {
    decimal.parse().unwrap_or_default()
}

fn workbook(sheets: &[(String, ReportTable)]) -> Result<Workbook, XlsxError> {
    let output = |e: XlsxError| e;
    let mut workbook = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_background_color("#DCE6F1")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let text = Format::new().set_border(FormatBorder::Thin);
    let count = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0");
    let yi = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.00");
    let rate = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.00%");
    let wan = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.00##");
    let day = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("yyyy-mm-dd")
        .set_align(FormatAlign::Center);
    for (name, table) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).map_err(output)?;
        let last_col = table.headers.len().saturating_sub(1) as u16;
        sheet
            .merge_range(0, 0, 0, last_col, &table.title, &title)
            .map_err(output)?;
        sheet.write_string(1, 0, &table.unit).map_err(output)?;
        for (c, h) in table.headers.iter().enumerate() {
            sheet
                .write_string_with_format(2, c as u16, h, &header)
                .map_err(output)?;
            // As wide as the column's widest cell (a Chinese character counts two), within
            // reason: a long header wraps, a long name is cut on screen, not in the cell.
            let widest = table
                .rows
                .iter()
                .chain(table.total.iter())
                .filter_map(|row| row.get(c))
                .map(|v| v.display().width())
                .max()
                .unwrap_or(0);
            let width = widest.max(h.width().min(16)).clamp(8, 48) as f64 + 2.0;
            sheet.set_column_width(c as u16, width).map_err(output)?;
        }
        sheet.set_freeze_panes(3, 1).map_err(output)?;
        sheet.set_landscape();
        sheet.set_paper_size(9);
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_footer("&C&P / &N");
        sheet.set_repeat_rows(2, 2).map_err(output)?;
        let mut r = 3u32;
        let bold = |f: &Format, b: bool| if b { f.clone().set_bold() } else { f.clone() };
        let rows = table
            .rows
            .iter()
            .map(|row| (row, false))
            .chain(table.total.iter().map(|t| (t, true)));
        for (row, is_total) in rows {
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Val::Text(t) => sheet.write_string_with_format(r, c, t, &bold(&text, is_total)),
                    Val::Count(n) => {
                        sheet.write_number_with_format(r, c, *n as f64, &bold(&count, is_total))
                    }
                    Val::Yi(a) => {
                        let cell = excel_number(&a.yi_string(6));
                        sheet.write_number_with_format(r, c, cell, &bold(&yi, is_total))
                    }
                    Val::Wan(a) => {
                        let cell = excel_number(&a.wan_string());
                        sheet.write_number_with_format(r, c, cell, &bold(&wan, is_total))
                    }
                    Val::Day(d) => match rust_xlsxwriter::ExcelDateTime::from_ymd(
                        d.year() as u16,
                        d.month() as u8,
                        d.day() as u8,
                    ) {
                        Ok(x) => sheet.write_datetime_with_format(r, c, &x, &bold(&day, is_total)),
                        Err(_) => sheet.write_string_with_format(
                            r,
                            c,
                            d.to_string(),
                            &bold(&text, is_total),
                        ),
                    },
                    Val::Rate(ratio) => {
                        match ratio.decimal(6).and_then(|d| d.parse::<f64>().ok()) {
                            Some(x) => {
                                sheet.write_number_with_format(r, c, x, &bold(&rate, is_total))
                            }
                            None => {
                                sheet.write_string_with_format(r, c, "—", &bold(&text, is_total))
                            }
                        }
                    }
                }
                .map_err(output)?;
            }
            r += 1;
        }
        for note in &table.notes {
            r += 1;
            sheet.write_string(r, 0, note).map_err(output)?;
        }
    }
    Ok(workbook)
}

fn batch_cells(row: &SummaryRow, kind: BatchKind) -> [Val; 4] {
    let b = row.batch(kind);
    [
        Val::Count(b.count),
        Val::Yi(b.amount_wan),
        Val::Count(b.strategic.count),
        Val::Yi(b.strategic.amount_wan),
    ]
}

fn summary_row(row: &SummaryRow) -> Vec<Val> {
    let mut vals = vec![Val::Text(row.name.clone())];
    for kind in BatchKind::ALL {
        vals.extend(batch_cells(row, kind));
    }
    vals
}

pub fn round_summary_table(s: &RoundSummary, lang: Lang) -> ReportTable {
    let mut headers = vec![lang.pick("地区", "Region").to_string()];
    for kind in BatchKind::ALL {
        let b = kind.label(lang);
        match lang {
            Lang::Zh => headers.extend([
                format!("{b}（个）"),
                format!("{b}（亿元）"),
                "其中战新（个）".into(),
                "战新（亿元）".into(),
            ]),
            Lang::En => headers.extend([
                format!("{b} (count)"),
                format!("{b} (100M yuan)"),
                "of which SEI".into(),
                "SEI (100M yuan)".into(),
            ]),
        }
    }
    ReportTable {
        title: match lang {
            Lang::Zh => format!("{}{}“三个一批”活动情况汇总表", s.name, s.round.label(lang)),
            Lang::En => format!("“Three batches” {} — {}", s.round.label(lang), s.name),
        },
        unit: lang.pick("单位：个、亿元", "Units: projects; 100 million yuan (亿元)").into(),
        headers,
        rows: s.rows.iter().map(summary_row).collect(),
        total: Some({
            let mut t = summary_row(&s.total);
            t[0] = Val::Text(lang.pick("合计", "Total").into());
            t
        }),
        notes: vec![lang
            .pick(
                "注：金额为列入批次时冻结的项目总投资（签约一批为签约投资额）；战新为战略性新兴产业项目。",
                "Amounts are the investment frozen when each project entered the batch; SEI = strategic emerging industries.",
            )
            .into()],
    }
}

pub fn funnel_table(f: &Funnel, lang: Lang) -> ReportTable {
    let headers: Vec<String> = match lang {
        Lang::Zh => [
            "批次",
            "比率",
            "项目（个）",
            "总投资（亿元）",
            "口径",
            "口径项目（个）",
            "口径投资（亿元）",
            "已转化（个）",
            "转化投资（亿元）",
            "按金额",
            "按个数",
        ],
        Lang::En => [
            "Batch",
            "Rate",
            "Projects",
            "Investment",
            "Cohort",
            "Cohort projects",
            "Cohort investment",
            "Converted",
            "Converted amount",
            "By amount",
            "By count",
        ],
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows = f
        .stages
        .iter()
        .map(|s| {
            vec![
                Val::Text(format!(
                    "{}{}",
                    s.batch.label(lang),
                    lang.pick("一批", " batch")
                )),
                Val::Text(s.rate_name.clone()),
                Val::Count(s.count),
                Val::Yi(s.amount_wan),
                Val::Text(match s.cohort {
                    Cohort::All => lang.pick("全部", "all").into(),
                    Cohort::Industrial => lang.pick("产业类", "industrial").into(),
                }),
                Val::Count(s.cohort_count),
                Val::Yi(s.cohort_amount_wan),
                Val::Count(s.converted_count),
                Val::Yi(s.converted_amount_wan),
                Val::Rate(s.rate_by_amount),
                Val::Rate(s.rate_by_count),
            ]
        })
        .collect();
    let mut notes: Vec<String> = f
        .stages
        .iter()
        .flat_map(|s| [s.formula_by_amount.clone(), s.formula_by_count.clone()])
        .collect();
    notes.insert(
        0,
        match lang {
            Lang::Zh => format!(
                "统计截至 {}；活动 {} 至 {}。",
                f.as_of,
                f.from.label(lang),
                f.to.label(lang)
            ),
            Lang::En => format!("As of {}; rounds {} to {}.", f.as_of, f.from, f.to),
        },
    );
    ReportTable {
        title: match lang {
            Lang::Zh => format!("{}“三个一批”项目转化情况", f.name),
            Lang::En => format!("{}: conversion of the “three batches”", f.name),
        },
        unit: lang
            .pick("单位：个、亿元", "Units: projects; 100 million yuan (亿元)")
            .into(),
        headers,
        rows,
        total: None,
        notes,
    }
}

pub fn stuck_tables(s: &StuckReport, lang: Lang) -> Vec<(String, ReportTable)> {
    s.lists
        .iter()
        .map(|list| {
            let headers: Vec<String> = match lang {
                Lang::Zh => [
                    "项目编号",
                    "项目名称",
                    "开发区",
                    "总投资（亿元）",
                    "所处阶段起始日",
                    "停滞天数",
                ],
                Lang::En => [
                    "Code",
                    "Project",
                    "Zone",
                    "Investment",
                    "In stage since",
                    "Days",
                ],
            }
            .iter()
            .map(|h| h.to_string())
            .collect();
            let rows = list
                .items
                .iter()
                .map(|i| {
                    vec![
                        Val::Text(i.code.clone()),
                        Val::Text(i.name.clone()),
                        Val::Text(i.zone.clone()),
                        Val::Yi(i.amount_wan),
                        Val::Text(i.since.to_string()),
                        Val::Count(i.days.max(0) as u64),
                    ]
                })
                .collect();
            let total = vec![
                Val::Text(lang.pick("合计", "Total").into()),
                Val::Text(format!("{}{}", list.count, lang.pick("个", " projects"))),
                Val::Text(String::new()),
                Val::Yi(list.amount_wan),
                Val::Text(String::new()),
                Val::Text(String::new()),
            ];
            let table = ReportTable {
                title: match lang {
                    Lang::Zh => format!("{}{}项目清单", s.name, list.name),
                    Lang::En => format!("{}: {}", s.name, list.name),
                },
                unit: match lang {
                    Lang::Zh => format!(
                        "截至 {}，停滞 {} 天及以上；单位：亿元",
                        s.as_of, list.min_days
                    ),
                    Lang::En => format!(
                        "As of {}, stuck {} days or more; 100 million yuan",
                        s.as_of, list.min_days
                    ),
                },
                headers,
                rows,
                total: Some(total),
                notes: Vec::new(),
            };
            (list.name.clone(), table)
        })
        .collect()
}

pub fn checks_table(c: &crate::reports::Checks, lang: Lang) -> ReportTable {
    let headers: Vec<String> = match lang {
        Lang::Zh => ["规则", "级别", "项目", "依据", "处理"],
        Lang::En => ["Rule", "Severity", "Projects", "Evidence", "Dismissed"],
    }
    .iter()
    .map(|h| h.to_string())
    .collect();
    ReportTable {
        title: match lang {
            Lang::Zh => format!("{}数据一致性检查", c.name),
            Lang::En => format!("{}: consistency checks", c.name),
        },
        unit: match lang {
            Lang::Zh => format!("共 {} 条", c.findings.len()),
            Lang::En => format!("{} finding(s)", c.findings.len()),
        },
        headers,
        rows: c
            .findings
            .iter()
            .map(|f| {
                vec![
                    Val::Text(format!(
                        "{} {}",
                        kfq_core::checks::rule_label(f.rule, lang),
                        f.rule
                    )),
                    Val::Text(match f.severity {
                        kfq_core::checks::Severity::Error => lang.pick("错误", "error").into(),
                        kfq_core::checks::Severity::Warning => lang.pick("提示", "warning").into(),
                    }),
                    Val::Text(f.projects.join(", ")),
                    Val::Text(f.evidence.clone()),
                    Val::Text(f.dismissed.as_ref().map_or(String::new(), |d| {
                        format!("{} {}：{}", d.by, d.at.format("%Y-%m-%d"), d.reason)
                    })),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    }
}

/// What changed since figures were reported, project by project (see [`crate::frozen`]).
pub fn changes_table(
    moment: &crate::frozen::Moment,
    changes: &[crate::frozen::Change],
    lang: Lang,
) -> ReportTable {
    let at = moment
        .at
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M");
    ReportTable {
        title: match lang {
            Lang::Zh => format!("{}（{at}）上报以来的变化", moment.named),
            Lang::En => format!("Changes since reported on {} ({at})", moment.named),
        },
        unit: match lang {
            Lang::Zh => format!("共 {} 处", changes.len()),
            Lang::En => format!("{} change(s)", changes.len()),
        },
        headers: match lang {
            Lang::Zh => [
                "项目编号",
                "项目名称",
                "字段",
                "原值",
                "现值",
                "修改人",
                "修改时间",
            ],
            Lang::En => ["Code", "Project", "Field", "Was", "Now", "By", "When"],
        }
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows: changes
            .iter()
            .map(|c| {
                vec![
                    Val::Text(c.code.clone()),
                    Val::Text(c.name.clone()),
                    Val::Text(c.field.clone()),
                    Val::Text(c.from.clone()),
                    Val::Text(c.to.clone()),
                    Val::Text(c.by.clone()),
                    Val::Text(
                        c.at.with_timezone(&chrono::Local)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                    ),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    }
}

/// The projects behind a report's numbers, one row per batch entry: the sheet an XLSX report
/// carries so that every figure can be traced.
pub fn lineage_table(lines: &[crate::reports::EntryLine], lang: Lang) -> ReportTable {
    let converted = lines.iter().any(|l| l.converted.is_some());
    let mut headers: Vec<String> = match lang {
        Lang::Zh => vec![
            "活动",
            "批次",
            "项目编号",
            "项目名称",
            "所属开发区",
            "所属市",
            "类别",
            "战新",
            "列入时总投资（亿元）",
        ],
        Lang::En => vec![
            "Round",
            "Batch",
            "Code",
            "Project",
            "Zone",
            "City",
            "Category",
            "战新",
            "Amount at entry (100M yuan)",
        ],
    }
    .into_iter()
    .map(String::from)
    .collect();
    if converted {
        headers.push(lang.pick("已转化", "Converted").into());
    }
    let yes_no = |b: bool| lang.pick(if b { "是" } else { "否" }, if b { "yes" } else { "no" });
    ReportTable {
        title: lang
            .pick("数据来源：项目清单", "Where the figures come from")
            .into(),
        unit: match lang {
            Lang::Zh => format!("共 {} 条批次记录", lines.len()),
            Lang::En => format!("{} batch entries", lines.len()),
        },
        headers,
        rows: lines
            .iter()
            .map(|l| {
                let mut row = vec![
                    Val::Text(l.round.label(lang)),
                    Val::Text(l.batch.label(lang).into()),
                    Val::Text(l.code.clone()),
                    Val::Text(l.name.clone()),
                    Val::Text(l.zone.clone()),
                    Val::Text(l.city.clone()),
                    Val::Text(l.category.label(lang).into()),
                    Val::Text(yes_no(l.strategic_emerging).into()),
                    Val::Yi(l.amount_wan),
                ];
                if let Some(c) = l.converted {
                    row.push(Val::Text(yes_no(c).into()));
                }
                row
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    }
}

/// The audit trail as a table: when, who, from where, what, before → after.
pub fn audit_table(entries: &[crate::audit::Entry], lang: Lang) -> ReportTable {
    let text = |v: &Option<serde_json::Value>| v.as_ref().map_or(String::new(), |v| v.to_string());
    ReportTable {
        title: lang.pick("审计日志", "Audit trail").into(),
        unit: match lang {
            Lang::Zh => format!("共 {} 条（新的在前）", entries.len()),
            Lang::En => format!("{} entries, newest first", entries.len()),
        },
        headers: match lang {
            Lang::Zh => [
                "编号", "时间", "用户", "来源", "操作", "对象", "原值", "新值",
            ],
            Lang::En => [
                "No.", "When", "User", "From", "Action", "Object", "Before", "After",
            ],
        }
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows: entries
            .iter()
            .map(|e| {
                vec![
                    Val::Count(e.id.max(0) as u64),
                    Val::Text(
                        e.at.with_timezone(&chrono::Local)
                            .format("%Y-%m-%d %H:%M:%S")
                            .to_string(),
                    ),
                    Val::Text(e.user.clone()),
                    Val::Text(e.ip.clone().unwrap_or_default()),
                    Val::Text(e.action.clone()),
                    Val::Text(format!("{} {}", e.object_type, e.object_id)),
                    Val::Text(text(&e.before)),
                    Val::Text(text(&e.after)),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    }
}

/// The blocker ledger as a table: overdue ones first, with their days overdue.
pub fn blockers_table(list: &[crate::blockers::BlockerView], lang: Lang) -> ReportTable {
    let overdue = list.iter().filter(|b| b.overdue).count();
    ReportTable {
        title: lang.pick("堵点台账", "Blocker ledger").into(),
        unit: match lang {
            Lang::Zh => format!("共 {} 项，逾期 {overdue} 项", list.len()),
            Lang::En => format!("{} blockers, {overdue} overdue", list.len()),
        },
        headers: match lang {
            Lang::Zh => [
                "项目编号",
                "项目名称",
                "开发区",
                "问题描述",
                "问题类别",
                "状态",
                "层级",
                "责任单位",
                "责任人",
                "限办日期",
                "逾期天数",
            ],
            Lang::En => [
                "Code",
                "Project",
                "Zone",
                "Problem",
                "Kind",
                "Status",
                "Level",
                "Unit",
                "Person",
                "Due",
                "Days overdue",
            ],
        }
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows: list
            .iter()
            .map(|b| {
                vec![
                    Val::Text(b.code.clone()),
                    Val::Text(b.project.clone()),
                    Val::Text(b.zone.clone()),
                    Val::Text(b.description.clone()),
                    Val::Text(b.category.label(lang).into()),
                    Val::Text(b.status.label(lang).into()),
                    Val::Text(b.level.label(lang).into()),
                    Val::Text(b.owner_unit.clone()),
                    Val::Text(b.owner.clone()),
                    Val::Text(b.due_on.map(|d| d.to_string()).unwrap_or_default()),
                    Val::Text(b.days_overdue.map(|d| d.to_string()).unwrap_or_default()),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    }
}

/// 领办代办 — a region's matters handled, by zone and by procedure.
pub fn agency_tables(
    r: &crate::procedures::AgencyReport,
    lang: Lang,
) -> Vec<(String, ReportTable)> {
    let table = |title: &str, first: &str, lines: &[crate::procedures::AgencyLine]| ReportTable {
        title: title.to_string(),
        unit: format!("{} {} — {}", r.name, r.from, r.to),
        headers: [
            (first, first),
            ("领办代办事项（件）", "Handled"),
            ("已办结", "Approved"),
            ("承诺制", "Commitment"),
            ("平均办理天数", "Average days"),
        ]
        .iter()
        .map(|(zh, en)| lang.pick(zh, en).to_string())
        .collect(),
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    Val::Text(l.name.clone()),
                    Val::Text(l.figures.handled.to_string()),
                    Val::Text(l.figures.approved.to_string()),
                    Val::Text(l.figures.commitment.to_string()),
                    Val::Text(l.figures.average_days.clone().unwrap_or_default()),
                ]
            })
            .collect(),
        total: Some(vec![
            Val::Text(lang.pick("合计", "Total").into()),
            Val::Text(r.figures.handled.to_string()),
            Val::Text(r.figures.approved.to_string()),
            Val::Text(r.figures.commitment.to_string()),
            Val::Text(r.figures.average_days.clone().unwrap_or_default()),
        ]),
        notes: Vec::new(),
    };
    vec![
        (
            lang.pick("按开发区", "By zone").into(),
            table(
                lang.pick("领办代办 · 按开发区", "Agency services by zone"),
                lang.pick("开发区", "Zone"),
                &r.zones,
            ),
        ),
        (
            lang.pick("按事项", "By procedure").into(),
            table(
                lang.pick("领办代办 · 按事项", "Agency services by procedure"),
                lang.pick("事项", "Procedure"),
                &r.procedures,
            ),
        ),
    ]
}

/// 招商线索转化 — a region's leads over a period by zone, source and chain.
pub fn lead_tables(r: &crate::leads::ConversionReport, lang: Lang) -> Vec<(String, ReportTable)> {
    let cells = |label: &str, f: &kfq_core::lead::Conversion| {
        vec![
            Val::Text(label.to_string()),
            Val::Count(f.leads as u64),
            Val::Count(f.signed as u64),
            Val::Yi(f.signed_investment),
            Val::Rate(f.rate),
            Val::Count(f.dropped as u64),
            Val::Count(f.open as u64),
        ]
    };
    let table = |title: &str, first: &str, lines: &[crate::leads::ConversionLine]| {
        ReportTable {
        title: title.to_string(),
        unit: format!("{} {} — {}", r.name, r.from, r.to),
        headers: [
            (first, first),
            ("对接项目（个）", "Worked"),
            ("签约（个）", "Signed"),
            ("签约额（亿元）", "Signed (100m yuan)"),
            ("签约率", "Signing rate"),
            ("放弃（个）", "Dropped"),
            ("跟进中（个）", "Still open"),
        ]
        .iter()
        .map(|(zh, en)| lang.pick(zh, en).to_string())
        .collect(),
        rows: lines.iter().map(|l| cells(&l.label, &l.figures)).collect(),
        total: Some(cells(lang.pick("合计", "Total"), &r.figures)),
        notes: vec![lang
            .pick(
                "对接 = 期内跟进过的线索（期末前首次接洽、期初前未签约或放弃）；签约率 = 签约 ÷ 对接（按个数）",
                "worked = leads first contacted by the period's end and not closed before its start; signing rate = signed ÷ worked (by count)",
            )
            .into()],
    }
    };
    let parts: [(&str, &str, &str, &str, &[crate::leads::ConversionLine]); 3] = [
        ("按开发区", "By zone", "开发区", "Zone", &r.zones),
        ("按线索来源", "By source", "线索来源", "Source", &r.sources),
        (
            "按产业链",
            "By chain",
            "产业链",
            "Industry chain",
            &r.chains,
        ),
    ];
    parts
        .iter()
        .map(|(zh, en, fzh, fen, lines)| {
            let title = format!("{} · {}", lang.pick("招商线索", "Leads"), lang.pick(zh, en));
            (
                lang.pick(zh, en).to_string(),
                table(&title, lang.pick(fzh, fen), lines),
            )
        })
        .collect()
}

/// 招商活动 — a region's liaison offices, events, trips and the leads they brought, by zone.
pub fn activity_tables(
    r: &crate::activities::ActivityReport,
    lang: Lang,
) -> Vec<(String, ReportTable)> {
    let cells = |name: &str, f: &kfq_core::activity::ActivityFigures| {
        vec![
            Val::Text(name.to_string()),
            Val::Count(f.liaison_offices as u64),
            Val::Count(f.events as u64),
            Val::Count(f.trips as u64),
            Val::Count(f.leads as u64),
            Val::Count(f.signed as u64),
        ]
    };
    let table = ReportTable {
        title: lang.pick("招商活动 · 按开发区", "Attraction by zone").into(),
        unit: format!("{} {} — {}", r.name, r.from, r.to),
        headers: [
            ("开发区", "Zone"),
            ("联络站（个）", "Liaison offices"),
            ("招商活动（场次）", "Events"),
            ("外出招商（次）", "Trips"),
            ("带来线索（个）", "Leads found"),
            ("签约（个）", "Signed"),
        ]
        .iter()
        .map(|(zh, en)| lang.pick(zh, en).to_string())
        .collect(),
        rows: r.zones.iter().map(|l| cells(&l.name, &l.figures)).collect(),
        total: Some(cells(lang.pick("合计", "Total"), &r.figures)),
        notes: vec![lang
            .pick(
                "联络站按期内任一时间在设计（设立不晚于期末、撤销不早于期初）；招商活动、外出招商按开始日期计；线索按首次接洽、签约按签约日期计",
                "liaison offices open at some time in the period; events and trips by their start; leads by first contact, signed by the day signed",
            )
            .into()],
    };
    vec![(lang.pick("招商活动", "Attraction").into(), table)]
}

/// 赋权事项 and 一件事一次办 of a region as of a day, by zone.
pub fn delegation_tables(
    r: &crate::delegation::DelegationReport,
    lang: Lang,
) -> Vec<(String, ReportTable)> {
    let cells = |name: &str, f: &kfq_core::delegation::DelegationFigures| {
        vec![
            Val::Text(name.to_string()),
            Val::Count(f.province as u64),
            Val::Count(f.city as u64),
            Val::Count(f.county as u64),
            Val::Count(f.granted as u64),
            Val::Count(f.taken_up as u64),
            Val::Rate(f.take_up_rate),
            Val::Count(f.bundles as u64),
        ]
    };
    let table = ReportTable {
        title: lang
            .pick("赋权事项承接与一件事一次办 · 按开发区", "Delegated powers and bundled services by zone")
            .into(),
        unit: format!("{} {} {}", r.name, lang.pick("截至", "as of"), r.as_of),
        headers: [
            ("开发区", "Zone"),
            ("省级赋权（项）", "Province"),
            ("市级赋权（项）", "City"),
            ("县级赋权（项）", "County"),
            ("赋权合计（项）", "Granted"),
            ("承接（项）", "Taken up"),
            ("承接率", "Take-up rate"),
            ("一件事一次办（项）", "Bundles"),
        ]
        .iter()
        .map(|(zh, en)| lang.pick(zh, en).to_string())
        .collect(),
        rows: r.zones.iter().map(|l| cells(&l.name, &l.figures)).collect(),
        total: Some(cells(lang.pick("合计", "Total"), &r.figures)),
        notes: vec![lang
            .pick(
                "赋权按赋权日期、承接按承接日期计（不晚于截至日期；未填赋权日期的视为已赋权）；承接率 = 承接 ÷ 赋权合计（按事项个数）；一件事一次办计已上线者",
                "powers count by the day granted and taken up (by the day; undated grants count as granted); take-up rate = taken up ÷ granted, by count; bundles count once launched",
            )
            .into()],
    };
    vec![(lang.pick("赋权事项", "Delegation").into(), table)]
}

fn headers_of(pairs: &[(&str, &str)], lang: Lang) -> Vec<String> {
    pairs
        .iter()
        .map(|(zh, en)| lang.pick(zh, en).to_string())
        .collect()
}

/// 标准地 and 承诺制 of a region over a period: by zone, and the parcels short of their
/// indicators.
pub fn land_tables(r: &crate::land::LandReport, lang: Lang) -> Vec<(String, ReportTable)> {
    let period = format!("{} {} — {}", r.name, r.from, r.to);
    let land = |name: &str, f: &kfq_core::land::LandFigures| {
        vec![
            Val::Text(name.to_string()),
            Val::Count(f.sold as u64),
            Val::Text(f.sold_area.to_string()),
            Val::Count(f.available as u64),
            Val::Text(f.available_area.to_string()),
            Val::Count(f.short as u64),
        ]
    };
    let parcels = ReportTable {
        title: lang.pick("标准地 · 按开发区", "Standard land by zone").into(),
        unit: period.clone(),
        headers: headers_of(
            &[
                ("开发区", "Zone"),
                ("出让（宗）", "Sold"),
                ("出让面积（亩）", "Area sold (mu)"),
                ("未出让（宗）", "Left"),
                ("未出让面积（亩）", "Area left (mu)"),
                ("指标未达标（宗）", "Short"),
            ],
            lang,
        ),
        rows: r.zones.iter().map(|z| land(&z.name, &z.land)).collect(),
        total: Some(land(lang.pick("合计", "Total"), &r.land)),
        notes: vec![lang
            .pick(
                "出让按出让日期计；未出让按期末计；未达标：投资强度按项目总投资 ÷ 面积（出让后核对），亩均产值按预计年产值 ÷ 面积（达产后核对）",
                "sold by the day sold; left at the period's end; short: investment per mu = the project's total ÷ area (once sold), output per mu = expected output ÷ area (once at full output)",
            )
            .into()],
    };
    let promise = |name: &str, f: &kfq_core::commitment::CommitmentFigures| {
        vec![
            Val::Text(name.to_string()),
            Val::Count(f.projects as u64),
            Val::Count(f.items as u64),
            Val::Count(f.kept as u64),
            Val::Count(f.broken as u64),
            Val::Count(f.overdue as u64),
            Val::Count(f.new_filings as u64),
            Val::Count(f.new_under_commitment as u64),
            Val::Rate(f.commitment_rate),
        ]
    };
    let commitments = ReportTable {
        title: lang.pick("承诺制 · 按开发区", "承诺制 by zone").into(),
        unit: period,
        headers: headers_of(
            &[
                ("开发区", "Zone"),
                ("承诺制项目（个）", "Projects"),
                ("承诺事项（项）", "Commitments"),
                ("已履诺", "Kept"),
                ("未履诺", "Broken"),
                ("逾期未核查", "Overdue"),
                ("新备案项目", "New filings"),
                ("其中承诺制", "Under 承诺制"),
                ("承诺制比例", "Share"),
            ],
            lang,
        ),
        rows: r
            .zones
            .iter()
            .map(|z| promise(&z.name, &z.commitments))
            .collect(),
        total: Some(promise(lang.pick("合计", "Total"), &r.commitments)),
        notes: vec![lang
            .pick(
                "承诺制项目、承诺事项按承诺日期计；履诺情况按核查日期计；逾期 = 期末已过履诺期限仍未核查；比例 = 期内项目备案受理的项目中有承诺者 ÷ 期内备案项目",
                "projects and commitments by the day filed; findings by the day checked; overdue = past due, unchecked at the end; share = projects filed (项目备案) in the period with a commitment ÷ those filed",
            )
            .into()],
    };
    let verdict = |v: Option<bool>| match v {
        Some(true) => lang.pick("达标", "met"),
        Some(false) => lang.pick("未达标", "short"),
        None => lang.pick("未核对", "not checked"),
    };
    let short = ReportTable {
        title: lang
            .pick("指标未达标的标准地", "Parcels short of their indicators")
            .into(),
        unit: format!("{} {}", lang.pick("截至", "as of"), r.to),
        headers: headers_of(
            &[
                ("开发区", "Zone"),
                ("地块编号", "Parcel"),
                ("项目编号", "Project"),
                ("面积（亩）", "Area (mu)"),
                ("投资强度", "Investment per mu"),
                ("亩均产值", "Output per mu"),
            ],
            lang,
        ),
        rows: r
            .short
            .iter()
            .map(|p| {
                vec![
                    Val::Text(p.zone.clone()),
                    Val::Text(p.code.clone()),
                    Val::Text(p.project.clone()),
                    Val::Text(p.area_mu.to_string()),
                    Val::Text(verdict(p.compliance.intensity).into()),
                    Val::Text(verdict(p.compliance.output).into()),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    };
    vec![
        (lang.pick("标准地", "Land").into(), parcels),
        (lang.pick("承诺制", "Commitments").into(), commitments),
        (lang.pick("未达标", "Short").into(), short),
    ]
}

/// 入库入统 of a region in a month: by zone, and the lists 应入未入 and 有库无数.
pub fn registration_tables(
    r: &crate::registration::RegistrationReport,
    lang: Lang,
) -> Vec<(String, ReportTable)> {
    use kfq_core::registration::Coded;
    let line = |name: &str, f: &kfq_core::registration::RegistrationFigures| {
        vec![
            Val::Text(name.to_string()),
            Val::Count(f.qualifying as u64),
            Val::Count(f.registered as u64),
            Val::Count(f.should_register as u64),
            Val::Count(f.no_figures as u64),
            Val::Text(f.registered_wan.wan_string()),
            Val::Text(f.unregistered_wan.wan_string()),
        ]
    };
    let zones = ReportTable {
        title: lang.pick("入库入统 · 按开发区", "Statistics registration by zone").into(),
        unit: format!(
            "{} {} · {} {} {}{}",
            r.name,
            r.month,
            lang.pick("入库标准：计划总投资不低于", "rule: planned total at least"),
            r.rule.threshold.wan_string(),
            lang.pick("万元", "万元"),
            if r.rule.needs_start {
                lang.pick("且已开工", " and started")
            } else {
                ""
            }
        ),
        headers: headers_of(
            &[
                ("开发区", "Zone"),
                ("达到标准（个）", "Qualifying"),
                ("已入库（个）", "Registered"),
                ("应入未入（个）", "Should register"),
                ("有库无数（个）", "No figures"),
                ("本月完成投资：入库项目（万元）", "Registered (万元)"),
                ("本月完成投资：未入库（万元）", "Not registered (万元)"),
            ],
            lang,
        ),
        rows: r.zones.iter().map(|z| line(&z.name, &z.figures)).collect(),
        total: Some(line(lang.pick("合计", "Total"), &r.figures)),
        notes: vec![lang
            .pick(
                "按月末计；应入未入 = 本月在建、达到入库标准而未入库；有库无数 = 已入库、本月在建而本月未填报完成投资",
                "at the month's end; should register = building this month, qualifying, not registered; no figures = registered, building this month, no figure for it",
            )
            .into()],
    };
    let list = |title: (&str, &str), projects: &[crate::registration::ListedProject]| ReportTable {
        title: lang.pick(title.0, title.1).into(),
        unit: format!("{} {}", r.name, r.month),
        headers: headers_of(
            &[
                ("项目编号", "Code"),
                ("项目名称", "Project"),
                ("开发区", "Zone"),
                ("总投资（亿元）", "Total (亿元)"),
                ("开工日期", "Started"),
                ("入库状态", "Status"),
            ],
            lang,
        ),
        rows: projects
            .iter()
            .map(|p| {
                vec![
                    Val::Text(p.code.clone()),
                    Val::Text(p.name.clone()),
                    Val::Text(p.zone.clone()),
                    Val::Yi(p.total_investment_wan),
                    Val::Text(p.started_on.map(|d| d.to_string()).unwrap_or_default()),
                    Val::Text(p.status.label(lang).into()),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    };
    vec![
        (lang.pick("入库入统", "Registration").into(), zones),
        (
            lang.pick("应入未入", "Should register").into(),
            list(
                ("应入未入项目", "Projects that should be registered"),
                &r.should_register,
            ),
        ),
        (
            lang.pick("有库无数", "No figures").into(),
            list(
                ("有库无数项目", "Registered projects without figures"),
                &r.no_figures,
            ),
        ),
    ]
}

/// 化工园区安全风险等级复核 of a region's year: each park's score and grade, and the
/// rectifications still open.
pub fn review_tables(r: &crate::chemical::ReviewReport, lang: Lang) -> Vec<(String, ReportTable)> {
    use kfq_core::chemical::Coded;
    let parks = ReportTable {
        title: lang
            .pick("化工园区安全风险等级复核", "Chemical parks' safety-risk review")
            .into(),
        unit: format!("{} {} · {} {}", r.name, r.year, lang.pick("截至", "as of"), r.as_of),
        headers: headers_of(
            &[
                ("开发区", "Zone"),
                ("已评条目", "Items scored"),
                ("得分", "Score"),
                ("满分", "Out of"),
                ("风险等级", "Grade"),
                ("待整改", "Open"),
                ("逾期未整改", "Overdue"),
            ],
            lang,
        ),
        rows: r
            .zones
            .iter()
            .map(|z| {
                let a = &z.assessment;
                vec![
                    Val::Text(z.name.clone()),
                    Val::Text(format!("{}/{}", a.scored, a.items)),
                    Val::Text(a.score.to_string()),
                    Val::Text(a.max.to_string()),
                    Val::Text(
                        a.grade
                            .map_or(lang.pick("复核未完成", "incomplete"), |g| g.label(lang))
                            .to_string(),
                    ),
                    Val::Count(a.open as u64),
                    Val::Count(a.overdue as u64),
                ]
            })
            .collect(),
        total: None,
        notes: vec![lang
            .pick(
                "全部条目评分后定级：D ≥ 85、C ≥ 70、B ≥ 60、否则 A（分数线和清单由省级设定）；否决项得零分即为 A 类",
                "graded once every item is scored: D ≥ 85, C ≥ 70, B ≥ 60, else A (the province sets the checklist and thresholds); a veto item scored nothing makes it A",
            )
            .into()],
    };
    let open = ReportTable {
        title: lang.pick("待整改问题", "Rectifications open").into(),
        unit: format!("{} {}", lang.pick("截至", "as of"), r.as_of),
        headers: headers_of(
            &[
                ("开发区", "Zone"),
                ("条目", "Item"),
                ("存在问题", "Problem"),
                ("整改责任人", "Owner"),
                ("整改期限", "Due"),
                ("逾期", "Overdue"),
            ],
            lang,
        ),
        rows: r
            .open
            .iter()
            .map(|o| {
                vec![
                    Val::Text(o.zone.clone()),
                    Val::Text(o.item.clone()),
                    Val::Text(o.problem.clone()),
                    Val::Text(o.owner.clone()),
                    Val::Text(o.due_on.map(|d| d.to_string()).unwrap_or_default()),
                    Val::Text(
                        if o.overdue {
                            lang.pick("是", "yes")
                        } else {
                            ""
                        }
                        .into(),
                    ),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    };
    vec![
        (lang.pick("复核", "Review").into(), parks),
        (lang.pick("待整改", "Open").into(), open),
    ]
}

/// 综合考核 — each class's ranking: rank, zone, total, and each indicator's figure, target and
/// points.
pub fn ranking_tables(r: &crate::assessment::Ranking, lang: Lang) -> Vec<(String, ReportTable)> {
    r.classes
        .iter()
        .map(|c| {
            let mut headers = headers_of(
                &[("名次", "Rank"), ("开发区", "Zone"), ("总分", "Total")],
                lang,
            );
            for (i, weight) in &c.indicators {
                headers.push(format!("{}（{}，{} {}）", i.name, i.unit, lang.pick("权重", "weight"), weight));
            }
            let rows = c
                .zones
                .iter()
                .map(|z| {
                    let mut cells = vec![
                        Val::Count(z.rank as u64),
                        Val::Text(z.zone.clone()),
                        Val::Text(z.total.to_string()),
                    ];
                    for p in &z.parts {
                        let actual = p.actual.map_or("—".to_string(), |a| a.to_string());
                        let target = p.target.map_or(String::new(), |t| format!(" / {t}"));
                        cells.push(Val::Text(format!("{actual}{target} → {}", p.points)));
                    }
                    cells
                })
                .collect();
            let table = ReportTable {
                title: format!("{} · {}", lang.pick("综合考核", "Assessment"), c.class),
                unit: format!(
                    "{} {} 1—{}{}",
                    r.name,
                    r.year,
                    r.month.month,
                    lang.pick("月", "")
                ),
                headers,
                rows,
                total: None,
                notes: vec![match lang {
                    Lang::Zh => format!("每项：实际 / 目标 → 得分。有目标的指标得分 = 权重 × 完成率（上限 {}%，逾期堵点等越少越好的指标为 目标 ÷ 实际）；无目标的 = 权重 × 本值 ÷ 类别内最好值", r.cap_percent),
                    Lang::En => format!("each: actual / target → points. With a target: weight × share reached (capped at {}%; less-is-better: target ÷ actual); without: weight × figure ÷ the class's best", r.cap_percent),
                }],
            };
            (c.class.clone(), table)
        })
        .collect()
}

/// 目标任务 — a zone's targets of a year and the year to date at the last month.
pub fn progress_table(p: &crate::assessment::Progress, lang: Lang) -> ReportTable {
    ReportTable {
        title: format!(
            "{} {} {}",
            p.zone,
            p.year,
            lang.pick("目标任务完成情况", "targets")
        ),
        unit: String::new(),
        headers: headers_of(
            &[
                ("指标", "Indicator"),
                ("单位", "Unit"),
                ("年度目标", "Target"),
                ("截至月份", "Month"),
                ("本年累计", "Year to date"),
                ("完成率", "Done"),
                ("序时进度", "Schedule"),
            ],
            lang,
        ),
        rows: p
            .targets
            .iter()
            .map(|t| {
                let last = t.months.last();
                vec![
                    Val::Text(t.indicator.name.clone()),
                    Val::Text(t.indicator.unit.clone()),
                    Val::Text(t.target.to_string()),
                    Val::Text(last.map(|m| m.month.to_string()).unwrap_or_default()),
                    Val::Text(
                        last.and_then(|m| m.actual)
                            .map(|a| a.to_string())
                            .unwrap_or_default(),
                    ),
                    Val::Text(
                        last.and_then(|m| m.completion)
                            .map(|c| c.percent())
                            .unwrap_or_default(),
                    ),
                    Val::Text(
                        if last.is_some_and(|m| m.behind) {
                            lang.pick("滞后", "behind")
                        } else {
                            ""
                        }
                        .into(),
                    ),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    }
}

/// 招商线索 — the leads of a list, as a clerk's ledger of them.
pub fn leads_table(list: &[crate::leads::LeadView], lang: Lang) -> ReportTable {
    use kfq_core::lead::Coded;
    let text = |s: &str| Val::Text(s.to_string());
    let date =
        |d: Option<chrono::NaiveDate>| Val::Text(d.map(|d| d.to_string()).unwrap_or_default());
    ReportTable {
        title: lang.pick("招商线索台账", "Leads").into(),
        unit: lang.pick("单位：亿元", "amounts in 100m yuan").into(),
        headers: [
            ("线索名称", "Lead"),
            ("开发区", "Zone"),
            ("投资方", "Investor"),
            ("线索来源", "Source"),
            ("产业链", "Chain"),
            ("意向投资额", "Intended investment"),
            ("对接人", "Investor's contact"),
            ("跟进人", "Worked by"),
            ("状态", "Status"),
            ("首次接洽", "First contact"),
            ("签约日期", "Signed"),
            ("项目编号", "Project"),
            ("放弃原因", "Why dropped"),
        ]
        .iter()
        .map(|(zh, en)| lang.pick(zh, en).to_string())
        .collect(),
        rows: list
            .iter()
            .map(|l| {
                vec![
                    text(&l.name),
                    text(&l.zone),
                    text(&l.investor),
                    text(l.source.label(lang)),
                    text(&l.chain),
                    l.expected_investment_wan.map_or(text(""), Val::Yi),
                    text(&l.contact),
                    text(&l.owner),
                    text(l.status.label(lang)),
                    date(Some(l.registered_on)),
                    date(l.signed_on),
                    text(l.project_code.as_deref().unwrap_or_default()),
                    text(&l.reason),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    }
}

/// 提醒 — a sweep's counts and the outbox, the latest first.
pub fn reminder_tables(
    sweep: &crate::reminders::Sweep,
    delivery: &crate::reminders::Delivery,
    outbox: &[crate::reminders::OutboxView],
    lang: Lang,
) -> Vec<(String, ReportTable)> {
    let text = |s: &str| Val::Text(s.to_string());
    let summary = ReportTable {
        title: lang.pick("提醒", "Reminders").into(),
        unit: String::new(),
        headers: [
            ("账号", "Accounts"),
            ("新提醒（入发件箱）", "New reminders (queued)"),
            ("失败账号", "Accounts failed"),
            ("已推送", "Delivered"),
            ("推送失败", "Failed"),
        ]
        .iter()
        .map(|(zh, en)| lang.pick(zh, en).to_string())
        .collect(),
        rows: vec![vec![
            Val::Count(sweep.users as u64),
            Val::Count(sweep.created as u64),
            Val::Count(sweep.failed as u64),
            Val::Count(delivery.delivered as u64),
            Val::Count(delivery.failed as u64),
        ]],
        total: None,
        notes: Vec::new(),
    };
    let queue = ReportTable {
        title: lang.pick("发件箱", "Outbox").into(),
        unit: String::new(),
        headers: [
            ("编号", "Id"),
            ("账号", "Account"),
            ("事项", "Item"),
            ("尝试次数", "Attempts"),
            ("已送达", "Delivered"),
            ("下次尝试", "Next try"),
            ("最近错误", "Last error"),
        ]
        .iter()
        .map(|(zh, en)| lang.pick(zh, en).to_string())
        .collect(),
        rows: outbox
            .iter()
            .map(|m| {
                let field = |k: &str| m.message[k].as_str().unwrap_or_default().to_string();
                vec![
                    Val::Count(m.id as u64),
                    Val::Text(field("username")),
                    Val::Text(field("title")),
                    Val::Count(m.attempts as u64),
                    text(&m.delivered_at.map(|t| t.to_rfc3339()).unwrap_or_default()),
                    text(&if m.delivered_at.is_some() {
                        String::new()
                    } else {
                        m.next_attempt_at.to_rfc3339()
                    }),
                    text(&m.last_error),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    };
    vec![
        (lang.pick("提醒", "Reminders").into(), summary),
        (lang.pick("发件箱", "Outbox").into(), queue),
    ]
}

/// 我的工作 — what falls due and the projects of one user.
pub fn work_tables(w: &crate::assignments::MyWork, lang: Lang) -> Vec<(String, ReportTable)> {
    let text = |s: &str| Val::Text(s.to_string());
    let due = ReportTable {
        title: lang.pick("待办事项", "Due").into(),
        unit: w.username.clone(),
        headers: [
            ("类别", "Kind"),
            ("事项", "Item"),
            ("期限", "Due"),
            ("逾期", "Overdue"),
        ]
        .iter()
        .map(|(zh, en)| lang.pick(zh, en).to_string())
        .collect(),
        rows: w
            .due
            .iter()
            .map(|d| {
                vec![
                    text(d.kind.label(lang)),
                    text(&d.title),
                    text(&d.due_on.map(|d| d.to_string()).unwrap_or_default()),
                    text(if d.overdue {
                        lang.pick("是", "yes")
                    } else {
                        ""
                    }),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    };
    let projects = ReportTable {
        title: lang.pick("我的项目", "My projects").into(),
        unit: if w.away {
            lang.pick("外出中", "away").into()
        } else {
            String::new()
        },
        headers: [
            ("项目编号", "Code"),
            ("项目名称", "Project"),
            ("开发区", "Zone"),
            ("职责", "Duties"),
            ("代A角", "Standing in for"),
        ]
        .iter()
        .map(|(zh, en)| lang.pick(zh, en).to_string())
        .collect(),
        rows: w
            .projects
            .iter()
            .map(|p| {
                let duties: Vec<&str> = p.duties.iter().map(|d| d.label(lang)).collect();
                vec![
                    text(&p.code),
                    text(&p.name),
                    text(&p.zone),
                    text(&duties.join(lang.pick("、", ", "))),
                    text(p.covering_for.as_deref().unwrap_or_default()),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    };
    vec![
        (lang.pick("待办", "Due").into(), due),
        (lang.pick("项目", "Projects").into(), projects),
        (
            lang.pick("堵点", "Blockers").into(),
            blockers_table(&w.blockers, lang),
        ),
    ]
}

/// 调度会 — the meetings of a region, the latest first.
pub fn meetings_table(list: &[crate::meetings::MeetingSummary], lang: Lang) -> ReportTable {
    ReportTable {
        title: lang.pick("调度会", "Dispatch meetings").into(),
        unit: match lang {
            Lang::Zh => format!("共 {} 次", list.len()),
            Lang::En => format!("{} meetings", list.len()),
        },
        headers: match lang {
            Lang::Zh => [
                "编号",
                "召开日期",
                "会议名称",
                "地区",
                "主持人",
                "议题",
                "已议定",
                "纪要",
            ],
            Lang::En => [
                "Id", "Held on", "Title", "Region", "Chair", "Items", "Decided", "Minutes",
            ],
        }
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows: list
            .iter()
            .map(|m| {
                vec![
                    Val::Text(m.id.to_string()),
                    Val::Text(m.held_on.to_string()),
                    Val::Text(m.title.clone()),
                    Val::Text(m.region_name.clone()),
                    Val::Text(m.chair.clone()),
                    Val::Text(m.items.to_string()),
                    Val::Text(m.decided.to_string()),
                    Val::Text(
                        if m.closed {
                            lang.pick("已定稿", "final")
                        } else {
                            lang.pick("议定中", "open")
                        }
                        .into(),
                    ),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    }
}

/// 月报汇总 — every zone's return of a month, with the approved total.
pub fn monthly_table(o: &crate::monthly::Overview, lang: Lang) -> ReportTable {
    let flags = |z: &crate::monthly::Standing| {
        [
            (z.missing, lang.pick("未报", "missing")),
            (z.late, lang.pick("迟报", "late")),
            (z.locked, lang.pick("已锁定", "locked")),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, t)| *t)
        .collect::<Vec<_>>()
        .join(" ")
    };
    ReportTable {
        title: match lang {
            Lang::Zh => format!("{} {} 月报报送情况", o.name, o.month),
            Lang::En => format!("{} monthly returns, {}", o.name, o.month),
        },
        unit: match lang {
            Lang::Zh => format!(
                "截止 {}；审核通过上报数 {} 万元；未报 {} 个",
                o.deadline,
                o.approved_wan.wan_string(),
                o.missing
            ),
            Lang::En => format!(
                "due {}; approved total {} 万元; {} missing",
                o.deadline,
                o.approved_wan.wan_string(),
                o.missing
            ),
        },
        headers: match lang {
            Lang::Zh => [
                "开发区",
                "状态",
                "提示",
                "已填/项目",
                "填报数（万元）",
                "其中入库项目",
                "其中未入库",
                "上报数（万元）",
            ],
            Lang::En => [
                "Zone",
                "Status",
                "Flags",
                "Filled",
                "Filled (万元)",
                "Registered",
                "Not registered",
                "Approved (万元)",
            ],
        }
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows: o
            .zones
            .iter()
            .map(|z| {
                vec![
                    Val::Text(z.zone.clone()),
                    Val::Text(z.status_label.into()),
                    Val::Text(flags(z)),
                    Val::Text(format!("{}/{}", z.filled, z.projects)),
                    Val::Text(z.filled_wan.wan_string()),
                    Val::Text(z.registered_wan.wan_string()),
                    Val::Text(z.unregistered_wan.wan_string()),
                    Val::Text(z.approved_wan.map(|a| a.wan_string()).unwrap_or_default()),
                ]
            })
            .collect(),
        total: None,
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts of an XLSX file, as text.
    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    }

    #[test]
    fn a_workbook_prints_on_a4_landscape_with_its_header_repeated_and_frozen() {
        let long = "太原市".repeat(10);
        let table = ReportTable {
            title: "项目清单".into(),
            unit: "单位：万元".into(),
            headers: vec!["地区".into(), "总投资".into(), "签约日期".into()],
            rows: vec![vec![
                Val::Text(long.clone()),
                Val::Wan(Amount::parse_wan("1234.5").unwrap()),
                Val::Day("2024-03-15".parse().unwrap()),
            ]],
            total: None,
            notes: vec![],
        };
        let bytes = xlsx_bytes("t.xlsx", &[("清单".into(), table)]).unwrap();
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains(r#"paperSize="9""#), "{sheet}");
        assert!(sheet.contains(r#"orientation="landscape""#), "{sheet}");
        assert!(
            sheet.contains(r#"fitToHeight="0""#),
            "one page wide: {sheet}"
        );
        assert!(
            sheet.contains(r#"ySplit="3""#),
            "the header frozen: {sheet}"
        );
        assert!(
            sheet.contains("<oddFooter>&amp;C&amp;P / &amp;N</oddFooter>"),
            "{sheet}"
        );
        // The name's column is as wide as its 30 characters allow (clamped at 48 + 2).
        assert!(
            sheet.contains(r#"<col min="1" max="1" width="50.7109375""#),
            "{sheet}"
        );
        let book = part(&bytes, "xl/workbook.xml");
        assert!(
            book.contains("_xlnm.Print_Titles") && book.contains("$3:$3"),
            "{book}"
        );
        let styles = part(&bytes, "xl/styles.xml");
        assert!(
            styles.contains("#,##0.00##") && styles.contains("yyyy-mm-dd"),
            "{styles}"
        );
    }

    #[test]
    fn chinese_cells_are_aligned_by_display_width() {
        let table = ReportTable {
            title: "t".into(),
            unit: String::new(),
            headers: vec!["地区".into(), "n".into()],
            rows: vec![
                vec![Val::Text("太原市".into()), Val::Count(14)],
                vec![Val::Text("ab".into()), Val::Count(7)],
            ],
            total: None,
            notes: vec![],
        };
        let text = table.to_text();
        let widths: Vec<usize> = text.lines().skip(1).map(|l| l.width()).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{text}");
        assert!(text.contains("│ 太原市 │ 14 │"));
        assert!(text.contains("│ ab     │  7 │"));
    }
}
