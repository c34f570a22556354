//! The errors a use case can end in, each able to explain itself in Chinese or English.

use kfq_core::lang::{Lang, Localized};
use kfq_ledger::LedgerError;
use kfq_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The ledger has faults; nothing was written.
    #[error("the ledger has {} problem(s)", .0.len())]
    Ledger(Vec<LedgerError>),
    #[error("unknown region: {0}")]
    UnknownRegion(String),
    #[error("unknown round: {0}")]
    UnknownRound(String),
    #[error("bad argument {name}: {value}")]
    BadArgument {
        name: &'static str,
        value: String,
        expected: Expected,
    },
    #[error("cannot write {path}: {why}")]
    Output { path: String, why: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Localized for AppError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AppError::Ledger(errors), _) => {
                let mut lines: Vec<String> = errors.iter().map(|e| e.message(lang)).collect();
                lines.push(match lang {
                    Lang::Zh => format!("共 {} 处错误，未导入任何数据。", errors.len()),
                    Lang::En => format!("{} problem(s); nothing was imported.", errors.len()),
                });
                lines.join("\n")
            }
            (AppError::UnknownRegion(r), Lang::Zh) => {
                format!("没有这个地区或开发区：“{r}”（请使用六位行政区划代码、地市名称或开发区名称）")
            }
            (AppError::UnknownRegion(r), Lang::En) => {
                format!("no such region or zone: '{r}' (use a GB/T 2260 code, a city name or a zone name)")
            }
            (AppError::UnknownRound(r), Lang::Zh) => format!("没有这次“三个一批”活动：{r}"),
            (AppError::UnknownRound(r), Lang::En) => format!("no such round: {r}"),
            (AppError::BadArgument { name, value, expected }, Lang::Zh) if value.is_empty() => {
                format!("缺少参数 {name}：{}", expected.describe(lang))
            }
            (AppError::BadArgument { name, value, expected }, Lang::Zh) => {
                format!("参数 {name} 的值“{value}”无效：{}", expected.describe(lang))
            }
            (AppError::BadArgument { name, value, expected }, Lang::En) if value.is_empty() => {
                format!("{name} is missing: {}", expected.describe(lang))
            }
            (AppError::BadArgument { name, value, expected }, Lang::En) => {
                format!("invalid {name} '{value}': {}", expected.describe(lang))
            }
            (AppError::Output { path, why }, Lang::Zh) => format!("无法写入 {path}：{why}"),
            (AppError::Output { path, why }, Lang::En) => format!("cannot write {path}: {why}"),
            (AppError::Store(StoreError::Conflict), _) => lang
                .pick(
                    "数据已被他人修改，本次操作未保存，请重新读取后再试。",
                    "someone else changed the data meanwhile; nothing was saved — reload and retry.",
                )
                .into(),
            (AppError::Store(e), Lang::Zh) => format!("数据库错误：{e}"),
            (AppError::Store(e), Lang::En) => format!("database error: {e}"),
        }
    }
}

/// What an argument should have been.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Round,
    Date,
    /// A round not after the end of the range.
    NotAfter(String),
    Region,
    OutputFile,
}

impl Expected {
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Expected::Round, _) => lang
                .pick(
                    "应写作 2024-4 或 2024年第四次",
                    "write 2024-4 or 2024年第四次",
                )
                .into(),
            (Expected::Date, _) => lang
                .pick("应写作 2024-12-31", "write a date as 2024-12-31")
                .into(),
            (Expected::NotAfter(to), Lang::Zh) => format!("不能晚于结束的活动 {to}"),
            (Expected::NotAfter(to), Lang::En) => format!("must not be after the last round {to}"),
            (Expected::Region, _) => lang
                .pick(
                    "应为行政区划代码、地市名称或开发区名称",
                    "give a GB/T 2260 code, a city name or a zone name",
                )
                .into(),
            (Expected::OutputFile, _) => lang
                .pick(
                    "xlsx 格式须用 -o 指定输出文件",
                    "--format xlsx needs -o FILE.xlsx",
                )
                .into(),
        }
    }
}
