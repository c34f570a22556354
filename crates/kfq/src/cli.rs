//! The commands, their flags, and how each one calls its use case.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use kfq_app::export::ExportFormat;
use kfq_app::render::{self, ReportTable};
use kfq_app::reports::parse_round;
use kfq_app::{Actor, AppError, Expected};
use kfq_core::report::funnel::FunnelRules;
use kfq_core::report::stuck::StuckThresholds;
use kfq_core::Lang;
use kfq_store::{Db, DbUrl};
use serde::Serialize;

/// The database used when none is named: a SQLite file in the `data` folder of the working
/// directory, created on first use.
pub const DEFAULT_DATABASE: &str = "sqlite://data/kfq.db";

#[derive(Debug, Parser)]
#[command(
    name = "kfq",
    version,
    about = "开发区项目全生命周期管理平台 — development-zone project platform"
)]
pub struct Cli {
    /// Database URL: sqlite:///abs/path.db, sqlite://rel/path.db or postgres://user@host/db
    #[arg(long, global = true, env = "KFQ_DATABASE_URL", default_value = DEFAULT_DATABASE)]
    pub database: String,
    /// Language of messages and reports: zh (default) or en
    #[arg(long, global = true, env = "KFQ_LANG", default_value = "zh")]
    pub lang: String,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    pub fn lang(&self) -> Lang {
        Lang::parse(&self.lang).unwrap_or_default()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server (with --demo, load the demo data into an empty database first)
    Serve {
        #[arg(long)]
        demo: bool,
        /// Address to listen on
        #[arg(long, env = "KFQ_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
    },
    /// Load the demo data set (Shanxi's cities, zones and a few thousand projects) and exit
    Demo,
    /// Write a deterministic synthetic data set at national proportions into an empty database
    /// (for measuring): `--scale national` (1,000,000 projects), `province` (32,000 in 山西) or
    /// a number of projects
    Gen {
        #[arg(long, default_value = "province")]
        scale: String,
        /// The same scale and seed give the same data
        #[arg(long, default_value_t = 20261203)]
        seed: u64,
    },
    /// Time the five dashboard questions: kfq's answer (median of --runs) next to the same
    /// question as plain SQL on the configured database, and on a PostgreSQL one holding the
    /// same data (--postgres), with the ratios; fails when an answer differs from SQL's
    Bench {
        /// The province the questions are asked of (GB/T 2260 code)
        #[arg(long, default_value = "140000")]
        region: String,
        /// The day of the funnel, the stuck lists and the overdue blockers (default: today)
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// A PostgreSQL database holding the same data (the same `kfq gen` scale and seed)
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Import ledger files (.xlsx, .xls or CSV named after their sheet), or the zones' books
    /// (招商活动, 赋权事项, 一件事一次办, …); all or nothing
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The zone of a ledger that has no zone column (a zone's own ledger)
        #[arg(long)]
        zone: Option<String>,
        /// The category of projects the ledger gives none (产业类, 基础设施类, 社会民生类)
        #[arg(long)]
        category: Option<String>,
        /// What a column the reader does not know holds: 'HEADER=FIELD' (a field of the 项目
        /// sheet, like total_investment_wan), or 'HEADER=' to set it aside; remembered for the
        /// zone's next file. May be given again.
        #[arg(long = "map")]
        map: Vec<String>,
        /// Read, understand and check the files, say what an import would do, write nothing
        #[arg(long)]
        preview: bool,
    },
    /// Write the empty ledger template (one sheet per table and a 说明 sheet)
    Template {
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Export every table in the template's layout
    Export {
        /// Only this province, city (GB/T 2260 code or name) or zone
        #[arg(long)]
        region: Option<String>,
        #[arg(long, value_enum)]
        format: ExportFormatArg,
        /// The file (xlsx, json) or folder (csv)
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The quarterly reports
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
    /// Consistency checks over the data: one finding per rule broken, with its evidence
    Check {
        #[arg(long)]
        region: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// List the dismissed findings too, each with who set it aside, when and why
        #[arg(long)]
        all: bool,
    },
    /// A consistent copy of the running SQLite database to FILE (never overwrites)
    Backup {
        file: PathBuf,
        /// Seal the backup with SM4 under the key in this file (32 hex digits; make one with
        /// `kfq backup-key FILE`)
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// Write a new random SM4 backup key (32 hex digits) to FILE, readable only by its owner
    BackupKey { file: PathBuf },
    /// Put a backup in place as the configured SQLite database, which must not exist yet
    Restore {
        file: PathBuf,
        /// The key a sealed backup was made with
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// The blocker ledger (堵点台账) of a region, overdue ones first
    Blockers {
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// open, in_progress, resolved or cannot_resolve
        #[arg(long)]
        status: Option<String>,
        /// zone, city or province (the province's 百项堵点)
        #[arg(long)]
        level: Option<String>,
        /// Only the overdue ones
        #[arg(long)]
        overdue: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 领办代办 of a region: approval matters handled, approved, under 承诺制, average days — by
    /// zone and by procedure
    Agency {
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// First day of the period (default: 1 January this year)
        #[arg(long)]
        from: Option<String>,
        /// Last day of the period (default: today)
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 招商线索 of a region: leads worked (对接), signed, amount signed, signing rate — by zone,
    /// source and industry chain
    Leads {
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// First day of the period (default: 1 January this year)
        #[arg(long)]
        from: Option<String>,
        /// Last day of the period (default: today)
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 招商活动 of a region: liaison offices (联络站), promotion events, attraction trips (外出招商)
    /// and the leads they brought — by zone
    Activities {
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// First day of the period (default: 1 January this year)
        #[arg(long)]
        from: Option<String>,
        /// Last day of the period (default: today)
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 赋权事项 and 一件事一次办 of a region as of a day: powers granted by the province, the city
    /// and the county, those taken up, the bundled services in use — by zone
    Powers {
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// The day the figures stand at (default: today)
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 标准地 and 承诺制 of a region over a period: parcels sold and their area, parcels left,
    /// projects short of their indicators; 承诺制项目, commitments kept, broken, overdue, and the
    /// share of new 备案 projects under 承诺制 — by zone
    Land {
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// First day of the period (default: 1 January this year)
        #[arg(long)]
        from: Option<String>,
        /// Last day of the period (default: today)
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 入库入统 of a region in a month: projects qualifying, registered, 应入未入 and 有库无数 by
    /// zone, with the two lists
    Registrations {
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// The month, as 2026-10 (default: last month)
        #[arg(long)]
        month: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 化工园区安全风险等级复核 of a region's year: each park's score and grade, and the
    /// rectifications still open (overdue first)
    ChemicalReview {
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// The year reviewed (default: this year)
        #[arg(long)]
        year: Option<i32>,
        /// The day rectifications are counted at (default: today)
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 综合考核: the zones of a region ranked within their classes on the province's weighted
    /// indicators, the year to the end of a month
    Assessment {
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// The month, as 2026-10 (default: last month)
        #[arg(long)]
        month: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 目标任务: a zone's targets of a year and its progress on each
    Targets {
        /// The zone, by name
        #[arg(long)]
        zone: String,
        /// The year (default: this year)
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 提醒: sweep every account's reminders once (each queued in the outbox), optionally
    /// deliver what is due to KFQ_WEBHOOK_URL, and show the outbox
    Reminders {
        /// Also POST the outbox's due messages to KFQ_WEBHOOK_URL once
        #[arg(long)]
        deliver: bool,
        /// Do not sweep: only show the outbox (and deliver with --deliver)
        #[arg(long)]
        no_sweep: bool,
        /// How many messages of the outbox to show, the latest first
        #[arg(long, default_value = "50")]
        limit: u32,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 我的工作 of an account: what falls due, its projects (包联领导, A角, B角, 代办员) and blockers
    Work {
        /// The account, by username
        #[arg(long)]
        user: String,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Dispatch meetings (调度会) of a region, the latest first; `--minutes ID -o FILE.docx`
    /// writes a meeting's minutes (纪要) as a Word document
    Meetings {
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// The meeting whose minutes to write to --output
        #[arg(long)]
        minutes: Option<i64>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Monthly statistics (月统计): every zone's return of a month, with the approved total
    Monthly {
        /// The month, 2026-10 (default: the month being filled)
        #[arg(long)]
        month: Option<String>,
        /// A GB/T 2260 code, a city name or a zone's name (default: the whole province)
        #[arg(long)]
        region: Option<String>,
        /// Set the day of the next month returns are due (1–28) instead
        #[arg(long)]
        deadline_day: Option<i64>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The audit trail, newest first (`kfq audit verify` checks its hash chain)
    Audit {
        #[command(subcommand)]
        command: Option<AuditCommand>,
        /// Entries after this date (or date and time, 2025-01-15T08:00:00Z)
        #[arg(long)]
        since: Option<String>,
        /// One user's entries
        #[arg(long)]
        user: Option<String>,
        /// Entries up to this date (its end) or date and time
        #[arg(long)]
        until: Option<String>,
        /// One action's entries: update, create, sign_in_failed, export, grant, …
        #[arg(long)]
        action: Option<String>,
        /// Entries about one object: its type (project, user) or id (a project code, a username)
        #[arg(long)]
        object: Option<String>,
        #[arg(long, default_value_t = 200)]
        limit: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Set a finding aside, with the reason (kept in the audit trail):
    /// `kfq dismiss duplicate_project 140100-2024-0040 140100-2024-0103 --reason "两期项目"`
    Dismiss {
        /// The rule's name, as `kfq check` prints it
        rule: String,
        /// The finding's project codes
        #[arg(required = true)]
        projects: Vec<String>,
        #[arg(long)]
        reason: String,
    },
    /// Users: `kfq user add --username … --role city --region 140100 --password-stdin`
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens for scripts: `kfq token create --username …` prints the token once
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Prove the hash chain unbroken, or name the first altered entry (exit 1)
    Verify,
    /// Remove entries older than the retention (KFQ_AUDIT_RETENTION_MONTHS, at least and by
    /// default 6 months); the removal itself is recorded
    Prune,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user
    Add {
        #[arg(long)]
        username: String,
        /// province, city, zone, department, agent or leader; or one of the three
        /// administrators of 三员分立 (sysadmin, secadmin, auditadmin), whose accounts only the
        /// operator creates
        #[arg(long)]
        role: String,
        /// A GB/T 2260 code or a zone's name
        #[arg(long)]
        region: String,
        /// The name shown in the application
        #[arg(long, default_value = "")]
        name: String,
        /// Read the password from standard input (otherwise one is generated and printed)
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove a user's second factor (a lost phone); they set up a new one at next sign-in
    ResetTotp {
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user (sent as `Authorization: Bearer …`)
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// “三个一批” round summary: per city for a province, per zone for a city
    Round {
        /// The round: 2024-4 or 2024年第四次
        round: String,
        #[arg(long)]
        region: String,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The figures as reported then: a date (the end of that day) or a locked round
        /// (the moment it was locked); the changes since are listed project by project
        #[arg(long)]
        reported_on: Option<String>,
    },
    /// Conversion funnel across rounds: 开工率, 投产率, 达产率 by amount and by count
    Funnel {
        #[arg(long)]
        region: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Count conversions up to this date (default: today)
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The figures as reported then: a date (the end of that day) or a locked round
        /// (the moment it was locked); the changes since are listed project by project
        #[arg(long)]
        reported_on: Option<String>,
    },
    /// The three stuck lists: 签约未落, 落而未投, 投未达效
    Stuck {
        #[arg(long)]
        region: String,
        #[arg(long)]
        as_of: Option<String>,
        /// Days in a stage before a project counts as stuck (default 180, 180 and 365)
        #[arg(long)]
        min_days: Option<i64>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The figures as reported then: a date (the end of that day) or a locked round
        /// (the moment it was locked); the changes since are listed project by project
        #[arg(long)]
        reported_on: Option<String>,
    },
    /// 通报 as a document (DOCX or PDF, by -o's extension): `bulletin round 2024-4`,
    /// `bulletin monthly 2024-10`, `bulletin quarterly 2024-4`
    Bulletin {
        #[arg(value_enum)]
        kind: BulletinKind,
        /// The round (2024-4), month (2024-10) or quarter (2024-4)
        period: String,
        #[arg(long)]
        region: String,
        /// 通报.docx or 通报.pdf
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 月度统计报告 (DOCX or PDF): investment this month and year to date by city and zone,
    /// year on year, late reporters
    Monthly {
        /// The month: 2024-10
        month: String,
        #[arg(long)]
        region: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 季度通报 (DOCX or PDF): the zones ranked on the province's indicator set, top and bottom,
    /// charts, overdue blockers
    Quarterly {
        /// The quarter: 2024-4
        quarter: String,
        #[arg(long)]
        region: String,
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BulletinKind {
    /// “三个一批”活动情况通报 of a round
    Round,
    /// 月度统计报告 of a month
    Monthly,
    /// 季度通报 of a quarter
    Quarterly,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Xlsx,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormatArg {
    Xlsx,
    Csv,
    Json,
    /// The projects as an OC4IDS 0.9 project package (open data)
    Oc4ids,
}

/// `[########------------]  40%  400000/1000000  12 s` on one line of the terminal.
fn progress_bar(done: u64, total: u64, elapsed: std::time::Duration) {
    let width = 30;
    let filled = (done * width / total.max(1)).min(width) as usize;
    eprint!(
        "\r[{}{}] {:>3}%  {done}/{total}  {} s",
        "#".repeat(filled),
        "-".repeat(width as usize - filled),
        done * 100 / total.max(1),
        elapsed.as_secs()
    );
}

/// `kfq bench`: the questions on each database, one column pair per engine.
async fn bench(
    databases: &[String],
    province: kfq_core::region::RegionCode,
    as_of: chrono::NaiveDate,
    runs: usize,
) -> Result<(), AppError> {
    use kfq_app::bench::{measure, Question, Questions};
    let ms = |d: std::time::Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    let mut columns = Vec::new();
    let mut disagree = Vec::new();
    for database in databases {
        let db = open(database).await?;
        let engine = match db.backend() {
            kfq_store::Backend::Sqlite => "SQLite",
            kfq_store::Backend::Postgres => "PostgreSQL",
        };
        let started = std::time::Instant::now();
        db.read_model().await?;
        let load = started.elapsed();
        let q = Questions::pick(&db, province, as_of).await?;
        let measured = measure(&db, &q, runs).await?;
        println!(
            "{engine} ({database}): read model loaded in {:.1} s; round {}, funnel {}..{}, trend to {}, stuck zone {}, as of {}",
            load.as_secs_f64(),
            q.round,
            q.from,
            q.round,
            q.until,
            q.zone.1,
            q.as_of
        );
        for m in &measured {
            for d in &m.differences {
                disagree.push(format!("{engine} {}: {d}", m.question.label()));
            }
        }
        columns.push((engine, measured));
        db.close().await;
    }
    let mut header = format!("{:<50}", "question");
    for (engine, _) in &columns {
        header.push_str(&format!(
            " | {:>12} | {:>12} | {:>8}",
            format!("kfq {engine}"),
            format!("SQL {engine}"),
            "SQL/kfq"
        ));
    }
    println!("{header}");
    for (i, question) in Question::ALL.iter().enumerate() {
        let mut line = format!("{:<50}", question.label());
        for (_, measured) in &columns {
            if let Some(m) = measured.get(i) {
                let ratio = m.sql.as_secs_f64() / m.kfq.as_secs_f64().max(1e-9);
                let ratio = if ratio < 10.0 {
                    format!("{ratio:.1}×")
                } else {
                    format!("{ratio:.0}×")
                };
                line.push_str(&format!(
                    " | {:>12} | {:>12} | {:>8}",
                    ms(m.kfq),
                    ms(m.sql),
                    ratio
                ));
            }
        }
        println!("{line}");
    }
    println!("medians of {runs} warm runs each, after one warm-up; kfq = its read model, SQL = one query per question on the tables");
    if disagree.is_empty() {
        println!("every answer agrees with SQL's, figure by figure");
        Ok(())
    } else {
        for d in &disagree {
            println!("DIFFERS {d}");
        }
        Err(AppError::BenchDisagrees(disagree.len()))
    }
}

async fn open(database: &str) -> Result<Db, AppError> {
    Ok(Db::open(&DbUrl::parse(database)?).await?)
}

/// Who the command line acts as, for the audit trail.
fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

pub async fn run(args: Cli) -> Result<(), AppError> {
    let lang = args.lang();
    match args.command {
        Command::Serve { demo, addr } => {
            let db = open(&args.database).await?;
            if demo && kfq_store::count_projects(&db).await? == 0 {
                eprintln!(
                    "{}",
                    lang.pick("正在载入演示数据……", "Loading the demo data…")
                );
                let (summary, users) = kfq_app::demo::load(&db, lang).await?;
                eprintln!("{}", summary.describe(lang));
                eprintln!("{}", kfq_app::demo::describe_users(&users, lang));
            }
            kfq_web::serve(db, &addr, lang)
                .await
                .map_err(|e| AppError::Output {
                    path: addr.clone(),
                    why: e.to_string(),
                })
        }
        Command::Demo => {
            let db = open(&args.database).await?;
            let (summary, users) = kfq_app::demo::load(&db, lang).await?;
            println!("{}", summary.describe(lang));
            println!("{}", kfq_app::demo::describe_users(&users, lang));
            Ok(())
        }
        Command::Gen { scale, seed } => {
            let scale = kfq_app::gen::Scale::parse(&scale).ok_or(AppError::BadArgument {
                name: "scale",
                value: scale.clone(),
                expected: Expected::Scale,
            })?;
            let db = open(&args.database).await?;
            if kfq_store::count_projects(&db).await? > 0 {
                return Err(AppError::BadArgument {
                    name: "database",
                    value: args.database.clone(),
                    expected: Expected::EmptyDatabase,
                });
            }
            let started = std::time::Instant::now();
            let done = kfq_app::gen::generate(&db, scale, seed, |written, total| {
                progress_bar(written, total, started.elapsed());
            })
            .await?;
            eprintln!();
            println!(
                "{}",
                lang.pick(
                    &format!(
                        "已生成：{} 个省 {} 个市 {} 个开发区，项目 {} 个，批次记录 {} 条，月报 {} 条，堵点 {} 个（{:.1} 秒）",
                        done.provinces, done.cities, done.zones, done.projects, done.entries,
                        done.monthly, done.blockers, started.elapsed().as_secs_f64()
                    ),
                    &format!(
                        "generated: {} provinces, {} cities, {} zones, {} projects, {} batch entries, {} monthly reports, {} blockers ({:.1} s)",
                        done.provinces, done.cities, done.zones, done.projects, done.entries,
                        done.monthly, done.blockers, started.elapsed().as_secs_f64()
                    ),
                )
            );
            Ok(())
        }
        Command::Bench {
            region,
            as_of,
            runs,
            postgres,
        } => {
            let province = kfq_core::region::RegionCode::parse(&region)
                .map(|c| c.province())
                .map_err(|_| AppError::UnknownRegion(region.clone()))?;
            let as_of = kfq_app::reports::as_of_or_today("as_of", as_of.as_deref())?;
            let mut databases = vec![args.database.clone()];
            databases.extend(postgres.clone());
            bench(&databases, province, as_of, runs).await
        }
        Command::User { command } => user_command(&args.database, command, lang).await,
        Command::Check {
            region,
            format,
            output,
            all,
        } => {
            let db = open(&args.database).await?;
            let checks = kfq_app::checks::checks_with(
                &db,
                &Actor::operator(actor(), lang),
                region.as_deref(),
                all,
            )
            .await?;
            let table = render::checks_table(&checks, lang);
            emit(
                &checks,
                vec![(lang.pick("检查", "Checks").into(), table)],
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Token {
            command: TokenCommand::Create { username, name },
        } => {
            let db = open(&args.database).await?;
            let token = kfq_app::users::create_token(
                &db,
                &Actor::operator(actor(), lang),
                &username,
                &name,
            )
            .await?;
            println!("{token}");
            Ok(())
        }
        Command::Import {
            files,
            zone,
            category,
            map,
            preview,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let today = kfq_app::reports::today();
            let mut mapping = std::collections::HashMap::new();
            for pair in &map {
                let (header, field) =
                    pair.split_once('=').ok_or_else(|| AppError::BadArgument {
                        name: "--map",
                        value: pair.clone(),
                        expected: Expected::Mapping,
                    })?;
                mapping.insert(header.trim().to_string(), field.trim().to_string());
            }
            let options = kfq_app::import::ImportOptions {
                zone,
                category,
                mapping,
            };
            options.check()?;
            if preview {
                let sheets = kfq_app::import::read_paths(&files)?;
                let prepared =
                    kfq_app::import::prepare(&db, sheets, &operator, &options, today).await?;
                println!("{}", kfq_app::import::describe_plan(&prepared, lang));
                return Ok(());
            }
            let done = kfq_app::import::import_any(&db, &files, &operator, today, &options).await?;
            println!("{}", done.describe(lang));
            Ok(())
        }
        Command::Backup { file, key_file } => {
            let key = key_file
                .as_deref()
                .map(kfq_store::sealed::BackupKey::from_file)
                .transpose()?;
            let db = open(&args.database).await?;
            kfq_store::backup_to(&db, &file, key.as_ref()).await?;
            println!(
                "{}{}",
                lang.pick("已备份到 ", "backed up to "),
                file.display()
            );
            Ok(())
        }
        Command::BackupKey { file } => {
            let key = kfq_store::sealed::BackupKey::generate()?;
            write_key(&file, &key).map_err(|e| kfq_store::StoreError::File {
                path: file.clone(),
                problem: kfq_store::FileProblem::Io(e.to_string()),
            })?;
            println!(
                "{}{}",
                lang.pick(
                    "已生成 SM4 备份密钥（请另处妥善保存，丢失则备份无法恢复）：",
                    "wrote a new SM4 backup key (keep a copy elsewhere: without it the backups cannot be restored): "
                ),
                file.display()
            );
            Ok(())
        }
        Command::Restore { file, key_file } => {
            let key = key_file
                .as_deref()
                .map(kfq_store::sealed::BackupKey::from_file)
                .transpose()?;
            let DbUrl::Sqlite(target) = DbUrl::parse(&args.database)? else {
                return Err(kfq_store::StoreError::Unsupported(
                    "kfq restore writes SQLite databases; restore PostgreSQL with pg_restore",
                )
                .into());
            };
            kfq_store::restore_from(&file, &target, key.as_ref()).await?;
            println!(
                "{}{}",
                lang.pick("已恢复到 ", "restored to "),
                target.display()
            );
            Ok(())
        }
        Command::Blockers {
            region,
            status,
            level,
            overdue,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let query = kfq_app::blockers::BlockerQuery {
                region,
                status,
                level,
                overdue,
                ..Default::default()
            };
            let today = kfq_app::reports::today();
            let list = kfq_app::blockers::list(&db, &operator, &query, today).await?;
            let table = render::blockers_table(&list, lang);
            emit(
                &serde_json::json!({ "total": list.len(), "items": list }),
                vec![(lang.pick("堵点台账", "Blockers").into(), table)],
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Agency {
            region,
            from,
            to,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let (from, to) =
                kfq_app::reports::period(("--from", from.as_deref()), ("--to", to.as_deref()))?;
            let report =
                kfq_app::procedures::report(&db, &operator, region.as_deref(), from, to).await?;
            emit(
                &report,
                render::agency_tables(&report, lang),
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Leads {
            region,
            from,
            to,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let (from, to) =
                kfq_app::reports::period(("--from", from.as_deref()), ("--to", to.as_deref()))?;
            let report =
                kfq_app::leads::report(&db, &operator, region.as_deref(), from, to).await?;
            emit(
                &report,
                render::lead_tables(&report, lang),
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Activities {
            region,
            from,
            to,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let (from, to) =
                kfq_app::reports::period(("--from", from.as_deref()), ("--to", to.as_deref()))?;
            let report =
                kfq_app::activities::report(&db, &operator, region.as_deref(), from, to).await?;
            emit(
                &report,
                render::activity_tables(&report, lang),
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Land {
            region,
            from,
            to,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let (from, to) =
                kfq_app::reports::period(("--from", from.as_deref()), ("--to", to.as_deref()))?;
            let report = kfq_app::land::report(&db, &operator, region.as_deref(), from, to).await?;
            emit(
                &report,
                render::land_tables(&report, lang),
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Registrations {
            region,
            month,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let today = kfq_app::reports::today();
            let month = match month {
                Some(m) => kfq_app::monthly::month_named("--month", Some(&m), today)?,
                None => kfq_core::monthly::Month::of(today).previous(),
            };
            let report =
                kfq_app::registration::report(&db, &operator, region.as_deref(), month).await?;
            emit(
                &report,
                render::registration_tables(&report, lang),
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::ChemicalReview {
            region,
            year,
            as_of,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let as_of = kfq_app::reports::as_of_or_today("--as-of", as_of.as_deref())?;
            let year = year.unwrap_or_else(|| chrono::Datelike::year(&as_of));
            let report =
                kfq_app::chemical::report(&db, &operator, region.as_deref(), year, as_of).await?;
            emit(
                &report,
                render::review_tables(&report, lang),
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Assessment {
            region,
            month,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let today = kfq_app::reports::today();
            let month = match month {
                Some(m) => kfq_app::monthly::month_named("--month", Some(&m), today)?,
                None => kfq_core::monthly::Month::of(today).previous(),
            };
            let ranking =
                kfq_app::assessment::ranking(&db, &operator, region.as_deref(), month).await?;
            emit(
                &ranking,
                render::ranking_tables(&ranking, lang),
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Targets {
            zone,
            year,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let today = kfq_app::reports::today();
            let year = year.unwrap_or_else(|| chrono::Datelike::year(&today));
            let progress =
                kfq_app::assessment::progress(&db, &operator, &zone, year, today).await?;
            let table = render::progress_table(&progress, lang);
            emit(
                &progress,
                vec![(lang.pick("目标任务", "Targets").into(), table)],
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Powers {
            region,
            as_of,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let as_of = kfq_app::reports::as_of_or_today("--as-of", as_of.as_deref())?;
            let report =
                kfq_app::delegation::report(&db, &operator, region.as_deref(), as_of).await?;
            emit(
                &report,
                render::delegation_tables(&report, lang),
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Reminders {
            deliver,
            no_sweep,
            limit,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let settings = kfq_web::reminders::Reminders::from_env();
            let hook = settings.webhook;
            let today = kfq_app::reports::today();
            let sweep = if no_sweep {
                Default::default()
            } else {
                kfq_app::reminders::sweep(&db, &operator, today).await?
            };
            let delivery = match (&hook, deliver) {
                (Some(hook), true) => {
                    kfq_web::reminders::target(&hook.url).map_err(|why| AppError::Output {
                        path: hook.url.clone(),
                        why,
                    })?;
                    kfq_app::reminders::deliver(&db, hook.retry_secs, 1000, |payload| {
                        kfq_web::reminders::post(hook, payload)
                    })
                    .await?
                }
                (None, true) => {
                    return Err(AppError::Output {
                        path: "KFQ_WEBHOOK_URL".into(),
                        why: lang
                            .pick(
                                "未设置推送地址，无法推送（--deliver 需要 KFQ_WEBHOOK_URL）",
                                "not set: --deliver needs the webhook's address",
                            )
                            .into(),
                    })
                }
                _ => Default::default(),
            };
            let outbox = kfq_app::reminders::outbox(&db, &operator, i64::from(limit)).await?;
            let json =
                serde_json::json!({ "sweep": sweep, "delivery": delivery, "outbox": outbox });
            emit(
                &json,
                render::reminder_tables(&sweep, &delivery, &outbox, lang),
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Work {
            user,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let as_user = kfq_app::users::acting_as(&db, &operator, &user).await?;
            let today = kfq_app::reports::today();
            let work = kfq_app::assignments::my_work(&db, &as_user, today).await?;
            emit(
                &work,
                render::work_tables(&work, lang),
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Meetings {
            region,
            minutes,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            let today = kfq_app::reports::today();
            if let Some(id) = minutes {
                let path = output.ok_or(AppError::BadArgument {
                    name: "output",
                    value: String::new(),
                    expected: Expected::OutputFile,
                })?;
                let bytes = kfq_app::meetings::minutes_docx(&db, &operator, id, today).await?;
                return std::fs::write(&path, bytes).map_err(|e| AppError::Output {
                    path: path.display().to_string(),
                    why: e.to_string(),
                });
            }
            let list = kfq_app::meetings::list(&db, &operator, region.as_deref()).await?;
            let table = render::meetings_table(&list, lang);
            emit(
                &serde_json::json!({ "total": list.len(), "items": list }),
                vec![(lang.pick("调度会", "Meetings").into(), table)],
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Monthly {
            month,
            region,
            deadline_day,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            if let Some(day) = deadline_day {
                let day = kfq_app::monthly::set_deadline_day(&db, &operator, day).await?;
                println!(
                    "{}{day}",
                    lang.pick("月报报送截止日：次月 ", "returns are due on day ")
                );
            }
            let today = kfq_app::reports::today();
            let month = kfq_app::monthly::month_named("--month", month.as_deref(), today)?;
            let overview =
                kfq_app::monthly::overview(&db, &operator, region.as_deref(), month, today).await?;
            let table = render::monthly_table(&overview, lang);
            emit(
                &serde_json::to_value(&overview).unwrap_or_default(),
                vec![(lang.pick("月报", "Monthly").into(), table)],
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Audit {
            command,
            since,
            user,
            until,
            action,
            object,
            limit,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let operator = Actor::operator(actor(), lang);
            if let Some(AuditCommand::Prune) = command {
                let months = kfq_app::policy::Policy::load(&db)
                    .await?
                    .audit_retention_months;
                let removed =
                    kfq_app::audit::prune(&db, &operator, months, chrono::Utc::now()).await?;
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!("已删除 {months} 个月以前的审计记录 {removed} 条。"),
                        Lang::En =>
                            format!("Removed {removed} audit entries older than {months} months."),
                    }
                );
                return Ok(());
            }
            if let Some(AuditCommand::Verify) = command {
                return match kfq_app::audit::verify(&db, &operator).await? {
                    kfq_core::audit::ChainCheck::Whole { entries, unchained } => {
                        println!(
                            "{}",
                            match lang {
                                Lang::Zh => format!(
                                    "审计链完整：{entries} 条记录逐条核验无误（链前未签 {unchained} 条）。"
                                ),
                                Lang::En => format!(
                                    "The audit chain is whole: {entries} entries verified ({unchained} from before the chain)."
                                ),
                            }
                        );
                        Ok(())
                    }
                    kfq_core::audit::ChainCheck::BrokenAt { id, entries_before } => {
                        Err(AppError::AuditChainBroken { id, entries_before })
                    }
                };
            }
            let query =
                kfq_app::audit::query(since.as_deref(), until.as_deref(), user, action, object)?;
            let entries = kfq_app::audit::list(&db, &operator, &query, limit).await?;
            let table = render::audit_table(&entries, lang);
            emit(
                &serde_json::json!({ "entries": entries }),
                vec![(lang.pick("审计", "Audit").into(), table)],
                None,
                format,
                output.as_deref(),
                lang,
            )
        }
        Command::Dismiss {
            rule,
            projects,
            reason,
        } => {
            let db = open(&args.database).await?;
            let finding = kfq_app::checks::dismiss(
                &db,
                &Actor::operator(actor(), lang),
                &rule,
                &projects,
                &reason,
            )
            .await?;
            println!(
                "{}{}",
                lang.pick("已标记为不是问题：", "set aside: "),
                finding.evidence
            );
            Ok(())
        }
        Command::Template { output } => {
            kfq_app::export::write_template(&output)?;
            println!("{}", output.display());
            Ok(())
        }
        Command::Export {
            region,
            format,
            output,
        } => {
            let db = open(&args.database).await?;
            let format = match format {
                ExportFormatArg::Xlsx => ExportFormat::Xlsx,
                ExportFormatArg::Csv => ExportFormat::Csv,
                ExportFormatArg::Json => ExportFormat::Json,
                ExportFormatArg::Oc4ids => {
                    let operator = Actor::operator(actor(), lang);
                    let today = kfq_app::reports::today();
                    let package =
                        kfq_app::oc4ids::package(&db, &operator, region.as_deref(), today).await?;
                    let count = package["projects"].as_array().map_or(0, Vec::len);
                    let text = serde_json::to_string_pretty(&package).unwrap_or_default();
                    std::fs::write(&output, text).map_err(|e| AppError::Output {
                        path: output.display().to_string(),
                        why: e.to_string(),
                    })?;
                    eprintln!(
                        "{}",
                        match lang {
                            Lang::Zh =>
                                format!("已导出 {count} 个项目（OC4IDS）到 {}", output.display()),
                            Lang::En => format!(
                                "Exported {count} projects (OC4IDS) to {}",
                                output.display()
                            ),
                        }
                    );
                    return Ok(());
                }
            };
            let rows = kfq_app::export::export(
                &db,
                &Actor::operator(actor(), lang),
                region.as_deref(),
                format,
                &output,
            )
            .await?;
            eprintln!(
                "{}",
                match lang {
                    Lang::Zh => format!("已导出 {rows} 行到 {}", output.display()),
                    Lang::En => format!("Exported {rows} rows to {}", output.display()),
                }
            );
            Ok(())
        }
        Command::Report { report } => report_command(&args.database, report, lang).await,
    }
}

async fn user_command(database: &str, command: UserCommand, lang: Lang) -> Result<(), AppError> {
    let (username, role, region, name, password_stdin) = match command {
        UserCommand::Add {
            username,
            role,
            region,
            name,
            password_stdin,
        } => (username, role, region, name, password_stdin),
        UserCommand::ResetTotp { username } => {
            let db = open(database).await?;
            kfq_app::users::reset_totp(&db, &Actor::operator(actor(), lang), &username).await?;
            println!(
                "{}{username}",
                lang.pick("已解除动态口令：", "second factor removed: ")
            );
            return Ok(());
        }
    };
    let db = open(database).await?;
    let role = kfq_core::access::Role::parse(&role).ok_or(AppError::BadArgument {
        name: "role",
        value: role.clone(),
        expected: Expected::Role,
    })?;
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| AppError::Output {
                path: "stdin".into(),
                why: e.to_string(),
            })?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        (kfq_app::users::generate_password()?, true)
    };
    let new = kfq_app::users::NewUser {
        username,
        display_name: name,
        role,
        region,
        password: password.clone(),
        must_change_password: generated,
    };
    let user = kfq_app::users::add_user(&db, &Actor::operator(actor(), lang), new).await?;
    match lang {
        Lang::Zh => println!(
            "已创建用户 {}（{}，{}）",
            user.username,
            user.role.label(lang),
            user.scope.name()
        ),
        Lang::En => println!(
            "Created user {} ({}, {})",
            user.username,
            user.role.label(lang),
            user.scope.name()
        ),
    }
    if generated {
        println!(
            "{}{password}",
            lang.pick("初始密码：", "Initial password: ")
        );
    }
    Ok(())
}

/// Writes a bulletin to `output` (DOCX or PDF by its extension), naming any font substituted.
async fn write_bulletin(
    db: &Db,
    operator: &Actor,
    kind: kfq_app::bulletins::Kind,
    period: &str,
    region: &str,
    output: &std::path::Path,
    lang: Lang,
) -> Result<(), AppError> {
    let format = kfq_app::bulletins::Format::of(output).ok_or_else(|| AppError::BadArgument {
        name: "output",
        value: output.display().to_string(),
        expected: Expected::DocumentFile,
    })?;
    let bulletin = kfq_app::bulletins::build(db, operator, kind, period, Some(region)).await?;
    let written = kfq_app::bulletins::render(&bulletin, format).await?;
    for (official, used) in &written.substitutes {
        eprintln!(
            "{}",
            lang.pick(
                &format!("字体替代：{official} → {used}（本机未安装 {official}）"),
                &format!("font substituted: {official} → {used} ({official} is not installed)"),
            )
        );
    }
    std::fs::write(output, &written.bytes).map_err(|e| AppError::Output {
        path: output.display().to_string(),
        why: e.to_string(),
    })?;
    eprintln!("{}: {}", bulletin.title, output.display());
    Ok(())
}

async fn report_command(database: &str, report: ReportCommand, lang: Lang) -> Result<(), AppError> {
    use kfq_app::bulletins::Kind;
    let db = open(database).await?;
    let operator = Actor::operator(actor(), lang);
    match report {
        ReportCommand::Bulletin {
            kind,
            period,
            region,
            output,
        } => {
            let kind = match kind {
                BulletinKind::Round => Kind::Round,
                BulletinKind::Monthly => Kind::Monthly,
                BulletinKind::Quarterly => Kind::Quarterly,
            };
            write_bulletin(&db, &operator, kind, &period, &region, &output, lang).await
        }
        ReportCommand::Monthly {
            month,
            region,
            output,
        } => {
            write_bulletin(
                &db,
                &operator,
                Kind::Monthly,
                &month,
                &region,
                &output,
                lang,
            )
            .await
        }
        ReportCommand::Quarterly {
            quarter,
            region,
            output,
        } => {
            let kind = Kind::Quarterly;
            write_bulletin(&db, &operator, kind, &quarter, &region, &output, lang).await
        }
        ReportCommand::Round {
            round,
            region,
            format,
            output,
            reported_on,
        } => {
            let (db, frozen) =
                kfq_app::frozen::view(&db, &operator, Some(&region), reported_on.as_deref())
                    .await?;
            let round = parse_round(&round)?;
            let summary =
                kfq_app::reports::round_summary(&db, &operator, round, Some(&region)).await?;
            let table = render::round_summary_table(&summary, lang);
            let mut sheets = vec![(lang.pick("汇总", "Summary").into(), table)];
            let scope = (&db, &operator, region.as_str());
            lineage(&mut sheets, scope, (round, round), None, format, lang).await?;
            emit(&summary, sheets, frozen, format, output.as_deref(), lang)
        }
        ReportCommand::Funnel {
            region,
            from,
            to,
            as_of,
            format,
            output,
            reported_on,
        } => {
            let (db, frozen) =
                kfq_app::frozen::view(&db, &operator, Some(&region), reported_on.as_deref())
                    .await?;
            let as_of = kfq_app::reports::as_of_or_today("as-of", as_of.as_deref())?;
            let funnel = kfq_app::reports::funnel(
                &db,
                &operator,
                Some(&region),
                parse_round(&from)?,
                parse_round(&to)?,
                as_of,
                &FunnelRules::default(),
            )
            .await?;
            let table = render::funnel_table(&funnel, lang);
            let mut sheets = vec![(lang.pick("转化", "Funnel").into(), table)];
            let scope = (&db, &operator, region.as_str());
            let rounds = (funnel.from, funnel.to);
            lineage(&mut sheets, scope, rounds, Some(funnel.as_of), format, lang).await?;
            emit(&funnel, sheets, frozen, format, output.as_deref(), lang)
        }
        ReportCommand::Stuck {
            region,
            as_of,
            min_days,
            format,
            output,
            reported_on,
        } => {
            let (db, frozen) =
                kfq_app::frozen::view(&db, &operator, Some(&region), reported_on.as_deref())
                    .await?;
            let as_of = kfq_app::reports::as_of_or_today("as-of", as_of.as_deref())?;
            let thresholds =
                min_days.map_or_else(StuckThresholds::default, StuckThresholds::uniform);
            let report =
                kfq_app::reports::stuck(&db, &operator, Some(&region), as_of, &thresholds).await?;
            let tables = render::stuck_tables(&report, lang);
            emit(&report, tables, frozen, format, output.as_deref(), lang)
        }
    }
}

type Frozen = kfq_app::frozen::Frozen;

/// A workbook carries the projects behind its figures on a sheet of their own.
async fn lineage(
    sheets: &mut Vec<(String, ReportTable)>,
    (db, actor, region): (&Db, &Actor, &str),
    rounds: (kfq_core::round::RoundId, kfq_core::round::RoundId),
    as_of: Option<chrono::NaiveDate>,
    format: ReportFormat,
    lang: Lang,
) -> Result<(), AppError> {
    // Only a workbook carries the list; a table or JSON does not read it.
    if matches!(format, ReportFormat::Xlsx) {
        let lines = kfq_app::reports::entry_lines(db, actor, Some(region), rounds, as_of).await?;
        sheets.push((
            lang.pick("项目清单", "Projects").into(),
            render::lineage_table(&lines, lang),
        ));
    }
    Ok(())
}

/// Writes a report as JSON, a terminal table or a workbook, to the file or standard output.
fn emit<T: Serialize>(
    value: &T,
    mut tables: Vec<(String, ReportTable)>,
    frozen: Option<Frozen>,
    format: ReportFormat,
    output: Option<&Path>,
    lang: Lang,
) -> Result<(), AppError> {
    let failed = |e: serde_json::Error| AppError::Output {
        path: "-".into(),
        why: e.to_string(),
    };
    let json = kfq_app::frozen::annotate(value, frozen.as_ref());
    if let Some((moment, changes)) = &frozen {
        tables.push((
            lang.pick("变化", "Changes").into(),
            render::changes_table(moment, changes, lang),
        ));
    }
    let text = match format {
        ReportFormat::Json => serde_json::to_string_pretty(&json).map_err(failed)?,
        ReportFormat::Table => tables
            .iter()
            .map(|(_, t)| t.to_text())
            .collect::<Vec<_>>()
            .join("\n"),
        ReportFormat::Xlsx => {
            let path = output.ok_or(AppError::BadArgument {
                name: "output",
                value: String::new(),
                expected: Expected::OutputFile,
            })?;
            return render::write_xlsx(path, &tables);
        }
    };
    match output {
        Some(path) => std::fs::write(path, text + "\n").map_err(|e| AppError::Output {
            path: path.display().to_string(),
            why: e.to_string(),
        }),
        None => {
            println!("{text}");
            Ok(())
        }
    }
}

/// Writes a key file that only its owner may read, refusing to overwrite one.
fn write_key(path: &std::path::Path, key: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{key}")?;
    file.sync_all()
}
