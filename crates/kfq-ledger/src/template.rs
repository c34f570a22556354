//! The canonical ledger template (台账模板): its sheets, their Chinese headers, the English keys
//! of the JSON export, and the 说明 sheet. Reading, writing and `kfq template` all use this.

/// How a column's cells are read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    /// Money in 万元, written as a number and exported to JSON as a decimal string.
    Amount,
    Date,
    Bool,
    /// A number that is not money (亩).
    Number,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub header: &'static str,
    /// The key of the JSON export.
    pub key: &'static str,
    pub kind: ColumnKind,
    pub required: bool,
    /// Width in characters for the XLSX template and exports.
    pub width: u16,
}

const fn col(
    header: &'static str,
    key: &'static str,
    kind: ColumnKind,
    required: bool,
    width: u16,
) -> Column {
    Column {
        header,
        key,
        kind,
        required,
        width,
    }
}

use ColumnKind::{Amount, Bool, Date, Number, Text};

/// The tables of the ledger, in the order they are read (each may refer to the ones before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Zones,
    Enterprises,
    Projects,
    Rounds,
    Entries,
    Monthly,
    Blockers,
}

const ZONES: &[Column] = &[
    col("开发区名称", "name", Text, true, 30),
    col("所属市", "city", Text, true, 10),
    col("级别", "level", Text, true, 8),
    col("类型", "kind", Text, false, 8),
];

const ENTERPRISES: &[Column] = &[
    col("企业名称", "name", Text, true, 34),
    col("统一社会信用代码", "credit_code", Text, false, 22),
    col("是否链主", "chain_leader", Bool, false, 10),
];

const PROJECTS: &[Column] = &[
    col("项目编号", "code", Text, true, 18),
    col("项目名称", "name", Text, true, 36),
    col("所属开发区", "zone", Text, true, 28),
    col("项目单位", "enterprise", Text, false, 30),
    col("统一社会信用代码", "credit_code", Text, false, 22),
    col("产业链", "chain", Text, false, 14),
    col("是否战新", "strategic_emerging", Bool, false, 10),
    col("项目类别", "category", Text, true, 12),
    col("总投资（万元）", "total_investment_wan", Amount, true, 14),
    col(
        "预计年产值（万元）",
        "expected_output_wan",
        Amount,
        false,
        16,
    ),
    col("签约日期", "signed_on", Date, false, 12),
    col("落地日期", "landed_on", Date, false, 12),
    col("开工日期", "started_on", Date, false, 12),
    col("投产日期", "producing_on", Date, false, 12),
    col("达产日期", "reached_on", Date, false, 12),
    col("用地面积（亩）", "land_area_mu", Number, false, 14),
    col("终止日期", "terminated_on", Date, false, 12),
];

const ROUNDS: &[Column] = &[
    col("活动", "round", Text, true, 16),
    col("日期", "held_on", Date, false, 12),
    col("主会场", "venue", Text, false, 20),
    col("是否锁定", "locked", Bool, false, 10),
];

const ENTRIES: &[Column] = &[
    col("活动", "round", Text, true, 16),
    col("批次", "batch", Text, true, 8),
    col("项目编号", "project", Text, true, 18),
    col("列入时总投资（万元）", "amount_wan", Amount, false, 18),
    col(
        "列入时预计年产值（万元）",
        "expected_output_wan",
        Amount,
        false,
        20,
    ),
    col("列入时是否战新", "strategic_emerging", Bool, false, 14),
    col("列入时项目类别", "category", Text, false, 14),
    col("列入时所属开发区", "zone", Text, false, 28),
];

const MONTHLY: &[Column] = &[
    col("项目编号", "project", Text, true, 18),
    col("月份", "month", Text, true, 10),
    col("本月完成投资（万元）", "invested_wan", Amount, true, 18),
];

const BLOCKERS: &[Column] = &[
    col("项目编号", "project", Text, true, 18),
    col("问题描述", "description", Text, true, 40),
    col("责任单位", "owner_unit", Text, false, 18),
    col("责任人", "owner", Text, false, 10),
    col("限办日期", "due_on", Date, false, 12),
    col("解决日期", "resolved_on", Date, false, 12),
];

impl Table {
    pub const ALL: [Table; 7] = [
        Table::Zones,
        Table::Enterprises,
        Table::Projects,
        Table::Rounds,
        Table::Entries,
        Table::Monthly,
        Table::Blockers,
    ];

    /// The sheet's name, which is also the name of its CSV file (`项目.csv`).
    pub fn sheet(self) -> &'static str {
        match self {
            Table::Zones => "开发区",
            Table::Enterprises => "企业",
            Table::Projects => "项目",
            Table::Rounds => "活动",
            Table::Entries => "三个一批",
            Table::Monthly => "月报",
            Table::Blockers => "堵点",
        }
    }

    /// The array's key in the JSON export.
    pub fn key(self) -> &'static str {
        match self {
            Table::Zones => "zones",
            Table::Enterprises => "enterprises",
            Table::Projects => "projects",
            Table::Rounds => "rounds",
            Table::Entries => "batch_entries",
            Table::Monthly => "monthly_reports",
            Table::Blockers => "blockers",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Zones => ZONES,
            Table::Enterprises => ENTERPRISES,
            Table::Projects => PROJECTS,
            Table::Rounds => ROUNDS,
            Table::Entries => ENTRIES,
            Table::Monthly => MONTHLY,
            Table::Blockers => BLOCKERS,
        }
    }

    pub fn headers(self) -> Vec<String> {
        self.columns()
            .iter()
            .map(|c| c.header.to_string())
            .collect()
    }

    /// The table a sheet (or CSV file stem) holds.
    pub fn from_sheet(name: &str) -> Option<Table> {
        let name = name.trim();
        Table::ALL
            .into_iter()
            .find(|t| t.sheet() == name || t.key() == name)
    }

    /// What the table is for, for the 说明 sheet.
    pub fn purpose(self) -> &'static str {
        match self {
            Table::Zones => "开发区名录。所属市填地级市名称或六位行政区划代码；级别填 国家级 或 省级。",
            Table::Enterprises => "项目单位名录（可选）。统一社会信用代码须为 18 位且校验位正确。",
            Table::Projects => "项目台账。项目编号相同的行更新已有项目；日期须依次不早于前一阶段（签约≤落地≤开工≤投产≤达产），未知的日期留空。",
            Table::Rounds => "“三个一批”活动。活动写作 2024-4 或 2024年第四次；日期为活动举行日。",
            Table::Entries => "列入各次活动三个批次的项目。批次填 签约、开工 或 投产；项目须在该季度末前已有相应阶段日期（缺少时按活动日期补记）。“列入时”各列留空则取项目当前数据。",
            Table::Monthly => "月度统计：各项目每月完成投资。月份写作 2024-03。",
            Table::Blockers => "堵点台账：问题、责任单位和责任人、限办日期；解决后填写解决日期。",
        }
    }
}

/// The lines of the 说明 sheet.
pub fn instructions() -> Vec<(String, String)> {
    let mut lines = vec![
        ("kfq 项目台账模板".to_string(), String::new()),
        (
            "使用方法".into(),
            "每张工作表对应一张表，首行为表头，之后每行一条记录。可只填写需要的工作表；导入时全部校验通过才会写入，任何一处错误都会指出文件、工作表、行、列和原因，数据库保持不变。".into(),
        ),
        (
            "金额".into(),
            "金额单位为万元，可带小数（精确到元）；不得为负数。".into(),
        ),
        ("日期".into(), "日期写作 2024-03-15，或使用 Excel 日期格式。".into()),
        ("是/否".into(), "填“是”或“否”，留空视为“否”。".into()),
        ("命令".into(), "kfq import 台账.xlsx；也可导入以工作表名命名的 CSV 文件（如 项目.csv）。".into()),
    ];
    for table in Table::ALL {
        lines.push((table.sheet().into(), table.purpose().into()));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_sheet_has_the_contracted_headers_and_json_keys() {
        let headers = Table::Projects.headers();
        assert_eq!(
            &headers[..15],
            [
                "项目编号",
                "项目名称",
                "所属开发区",
                "项目单位",
                "统一社会信用代码",
                "产业链",
                "是否战新",
                "项目类别",
                "总投资（万元）",
                "预计年产值（万元）",
                "签约日期",
                "落地日期",
                "开工日期",
                "投产日期",
                "达产日期"
            ]
        );
        let keys: Vec<&str> = Table::Projects.columns().iter().map(|c| c.key).collect();
        assert_eq!(
            &keys[..15],
            [
                "code",
                "name",
                "zone",
                "enterprise",
                "credit_code",
                "chain",
                "strategic_emerging",
                "category",
                "total_investment_wan",
                "expected_output_wan",
                "signed_on",
                "landed_on",
                "started_on",
                "producing_on",
                "reached_on"
            ]
        );
    }

    #[test]
    fn sheets_are_found_by_chinese_name_or_json_key() {
        assert_eq!(Table::from_sheet("三个一批"), Some(Table::Entries));
        assert_eq!(Table::from_sheet("monthly_reports"), Some(Table::Monthly));
        assert_eq!(Table::from_sheet("Sheet1"), None);
    }
}
