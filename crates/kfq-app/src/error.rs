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
    #[error("not allowed")]
    Forbidden,
    /// 三员分立: the work belongs to another administrator (the role named).
    #[error("the duty of {0:?}")]
    Duty(kfq_core::access::Role),
    /// Administrators' accounts are managed only by the operator on the server.
    #[error("administrator account: {0}")]
    AdministratorAccount(String),
    /// Nobody changes their own role or disables themselves.
    #[error("own account")]
    OwnAccount,
    /// The account is disabled.
    #[error("account disabled")]
    Disabled,
    /// The password was right; the code of the second factor is needed too.
    #[error("second factor needed")]
    TotpNeeded,
    /// The configuration requires a second factor of the user's role: set it up first.
    #[error("must set up a second factor")]
    MustEnrolTotp,
    #[error("wrong username or password")]
    BadCredentials,
    #[error("not signed in")]
    SignedOut,
    #[error("password too weak")]
    WeakPassword { min_length: usize, min_kinds: usize },
    #[error("user exists: {0}")]
    UserExists(String),
    #[error("no such user: {0}")]
    UnknownUser(String),
    /// The audit trail's hash chain does not hold from this entry on.
    #[error("audit chain broken at {id}")]
    AuditChainBroken { id: i64, entries_before: usize },
    /// Too many failed sign-ins: the username is locked for a while.
    #[error("locked out")]
    LockedOut { minutes: i64 },
    /// The user signed in with an initial password and must choose their own first.
    #[error("must change password")]
    MustChangePassword,
    #[error("internal error")]
    Internal,
    #[error("round exists: {0}")]
    RoundExists(String),
    #[error("round locked: {0}")]
    RoundLocked(String),
    #[error("cannot enrol: {0}")]
    CannotEnrol(String),
    #[error("not found")]
    NotFound,
    /// Fields to correct; nothing was saved.
    #[error("invalid fields")]
    Invalid(Vec<crate::projects::FieldError>),
    /// Someone else saved first; nothing was saved.
    #[error("conflict")]
    Conflict(Box<crate::projects::Conflict>),
    /// The finding was set aside already.
    #[error("already dismissed")]
    AlreadyDismissed(Box<crate::checks::Dismissal>),
    #[error("unknown round: {0}")]
    UnknownRound(String),
    /// `kfq bench` found answers that differ from plain SQL's (how many figures).
    #[error("{0} answers differ from SQL")]
    BenchDisagrees(usize),
    #[error("bad argument {name}: {value}")]
    BadArgument {
        name: &'static str,
        value: String,
        expected: Expected,
    },
    #[error("cannot write {path}: {why}")]
    Output { path: String, why: String },
    /// The month's return does not allow this now (frozen, locked, not submitted…).
    #[error(transparent)]
    Return(#[from] kfq_core::monthly_return::ReturnFault),
    /// The meeting does not allow this now (its minutes are final, …).
    #[error("meeting: {0:?}")]
    Meeting(kfq_core::meeting::MeetingFault),
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
            (AppError::Return(fault), _) => fault.message(lang),
            (AppError::Meeting(fault), _) => fault.message(lang).into(),
            (AppError::Forbidden, _) => lang
                .pick("您的角色无权进行此操作。", "your role does not allow this.")
                .into(),
            (AppError::Duty(role), Lang::Zh) => format!(
                "三员分立：此操作由{}负责，您的角色不能进行。",
                role.label(lang)
            ),
            (AppError::Duty(role), Lang::En) => format!(
                "separation of duties (三员分立): this is the {}'s work, not your role's.",
                role.label(lang)
            ),
            (AppError::AdministratorAccount(u), Lang::Zh) => format!(
                "“{u}”是管理员账号，只能由服务器上的操作员用 kfq user 命令管理。"
            ),
            (AppError::AdministratorAccount(u), Lang::En) => format!(
                "'{u}' is an administrator's account: only the operator on the server manages it, with kfq user."
            ),
            (AppError::OwnAccount, _) => lang
                .pick(
                    "不能更改自己账号的角色或状态。",
                    "you cannot change your own account's role or state.",
                )
                .into(),
            (AppError::TotpNeeded, _) => lang
                .pick(
                    "请输入动态口令（身份验证器应用中的六位数字）。",
                    "enter the code of your second factor (six digits from your authenticator app).",
                )
                .into(),
            (AppError::MustEnrolTotp, _) => lang
                .pick(
                    "您的角色须使用动态口令登录：请先绑定（POST /api/v1/me/totp，或登录后在页面上绑定）。",
                    "your role signs in with a second factor: set it up first (POST /api/v1/me/totp, or on the page after signing in).",
                )
                .into(),
            (AppError::Disabled, _) => lang
                .pick(
                    "该账号已停用，请联系系统管理员。",
                    "this account is disabled; ask the system administrator.",
                )
                .into(),
            (AppError::AuditChainBroken { id, entries_before }, Lang::Zh) => format!(
                "审计链断裂：第 {id} 号记录（或其前一条）被改动、插入或删除；此前 {entries_before} 条核验无误。"
            ),
            (AppError::AuditChainBroken { id, entries_before }, Lang::En) => format!(
                "the audit chain is broken at entry {id}: it (or the one before) was altered, inserted or removed; the {entries_before} entries before it verify."
            ),
            (AppError::LockedOut { minutes }, Lang::Zh) => format!(
                "登录失败次数过多，该账号已锁定，请 {minutes} 分钟后再试（已记入审计日志）。"
            ),
            (AppError::LockedOut { minutes }, Lang::En) => format!(
                "too many failed sign-ins: the account is locked; try again in {minutes} minutes (recorded in the audit log)."
            ),
            (AppError::MustChangePassword, _) => lang
                .pick(
                    "请先修改初始密码（POST /api/v1/me/password，或登录后在页面上修改）。",
                    "change your initial password first (POST /api/v1/me/password, or on the page after signing in).",
                )
                .into(),
            (AppError::BadCredentials, _) => lang
                .pick("用户名或密码错误。", "wrong username or password.")
                .into(),
            (AppError::SignedOut, _) => lang
                .pick("请先登录。", "please sign in first.")
                .into(),
            (AppError::WeakPassword { min_length, min_kinds }, Lang::Zh) => format!(
                "密码至少 {min_length} 位，须含大写字母、小写字母、数字、符号中的至少{}类，且不能与用户名相同。",
                ["零", "一", "两", "三", "四"].get(*min_kinds).copied().unwrap_or("四")
            ),
            (AppError::WeakPassword { min_length, min_kinds }, Lang::En) => format!(
                "a password needs at least {min_length} characters of at least {min_kinds} kinds (capitals, small letters, digits, symbols) and must differ from the username."
            ),
            (AppError::UserExists(u), Lang::Zh) => format!("用户名“{u}”已存在。"),
            (AppError::UserExists(u), Lang::En) => format!("the username '{u}' is taken."),
            (AppError::UnknownUser(u), Lang::Zh) => format!("没有用户“{u}”。"),
            (AppError::UnknownUser(u), Lang::En) => format!("no user '{u}'."),
            (AppError::RoundExists(r), Lang::Zh) => format!("活动 {r} 已存在。"),
            (AppError::RoundExists(r), Lang::En) => format!("the round {r} exists already."),
            (AppError::RoundLocked(r), Lang::Zh) => format!("活动 {r} 已锁定，批次数据不能再改。"),
            (AppError::RoundLocked(r), Lang::En) => format!("the round {r} is locked; its batches cannot change."),
            (AppError::CannotEnrol(why), Lang::Zh) => format!("不能列入：{why}"),
            (AppError::CannotEnrol(why), Lang::En) => format!("cannot enrol: {why}"),
            (AppError::Internal, _) => lang.pick("内部错误，请稍后再试。", "internal error; please retry.").into(),
            (AppError::Invalid(errors), _) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("\n"),
            (AppError::Conflict(c), Lang::Zh) => format!(
                "项目“{}”已被他人修改（现为第 {} 版），您的修改未保存。请查看变化后重新编辑。",
                c.current.name, c.current.version
            ),
            (AppError::Conflict(c), Lang::En) => format!(
                "“{}” was changed by someone else (now version {}); your change was not saved. Review the changes and edit again.",
                c.current.name, c.current.version
            ),
            (AppError::NotFound, _) => lang.pick("没有找到。", "not found.").into(),
            (AppError::AlreadyDismissed(d), Lang::Zh) => format!(
                "这条检查结果已由 {} 于 {} 标记为不是问题：{}",
                d.by,
                d.at.format("%Y-%m-%d %H:%M"),
                d.reason
            ),
            (AppError::AlreadyDismissed(d), Lang::En) => format!(
                "this finding was set aside by {} on {}: {}",
                d.by,
                d.at.format("%Y-%m-%d %H:%M"),
                d.reason
            ),
            (AppError::UnknownRound(r), Lang::Zh) => format!("没有这次“三个一批”活动：{r}"),
            (AppError::UnknownRound(r), Lang::En) => format!("no such round: {r}"),
            (AppError::BenchDisagrees(n), Lang::Zh) => {
                format!("有 {n} 个数字与直接查询 SQL 的结果不一致（见上）")
            }
            (AppError::BenchDisagrees(n), Lang::En) => {
                format!("{n} figures differ from the plain SQL answers (listed above)")
            }
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
            (AppError::Store(StoreError::File { path, problem }), _) => {
                let path = path.display();
                match (problem, lang) {
                    (kfq_store::FileProblem::Exists, Lang::Zh) => {
                        format!("{path} 已存在：备份从不覆盖文件，请换一个文件名。")
                    }
                    (kfq_store::FileProblem::Exists, Lang::En) => {
                        format!("{path} exists: a backup never overwrites a file; choose another name.")
                    }
                    (kfq_store::FileProblem::Occupied, Lang::Zh) => format!(
                        "{path} 处已有数据库：请恢复到一个新位置（设置 KFQ_DATABASE_URL），再让 kfq 使用它。"
                    ),
                    (kfq_store::FileProblem::Occupied, Lang::En) => format!(
                        "a database is at {path} already: restore to a new location (KFQ_DATABASE_URL), then point kfq at it."
                    ),
                    (kfq_store::FileProblem::Damaged(why), Lang::Zh) => {
                        format!("{path} 已损坏，未恢复：{why}")
                    }
                    (kfq_store::FileProblem::Damaged(why), Lang::En) => {
                        format!("{path} is damaged and was not restored: {why}")
                    }
                    (kfq_store::FileProblem::BadKey, Lang::Zh) => format!(
                        "{path}：密钥文件应为 32 位十六进制数字（128 位 SM4 密钥）"
                    ),
                    (kfq_store::FileProblem::BadKey, Lang::En) => format!(
                        "{path}: a key file holds 32 hexadecimal digits (a 128-bit SM4 key)"
                    ),
                    (kfq_store::FileProblem::WrongKeyOrAltered, Lang::Zh) => format!(
                        "{path}：密钥不对，或备份文件已被改动或不完整；未恢复任何数据"
                    ),
                    (kfq_store::FileProblem::WrongKeyOrAltered, Lang::En) => format!(
                        "{path}: the key does not open it, or the backup was altered or cut short; nothing was restored"
                    ),
                    (kfq_store::FileProblem::NeedsKey, Lang::Zh) => format!(
                        "{path}：备份已用 SM4 加密，请用 --key-file 给出密钥文件"
                    ),
                    (kfq_store::FileProblem::NeedsKey, Lang::En) => format!(
                        "{path}: the backup is sealed with SM4; give its key with --key-file"
                    ),
                    (kfq_store::FileProblem::Io(why), Lang::Zh) => format!("{path}：{why}"),
                    (kfq_store::FileProblem::Io(why), Lang::En) => format!("{path}: {why}"),
                }
            }
            (AppError::Store(StoreError::Unsupported(what)), Lang::Zh) => {
                format!("当前数据库不支持此操作：{what}")
            }
            (AppError::Store(StoreError::DiskFull(_)), _) => lang
                .pick(
                    "磁盘已满：本次写入未完成，已保存的数据未受影响。请腾出空间后重试。",
                    "the disk is full: this write was not made and nothing stored was affected. Free some space and try again.",
                )
                .into(),
            (AppError::Store(StoreError::Unavailable(_)), _) => lang
                .pick(
                    "数据库暂时无法连接，请稍后再试（已保存的数据不受影响）。",
                    "the database cannot be reached just now; try again shortly (nothing stored is affected).",
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
    /// A bulletin's file: .docx or .pdf.
    DocumentFile,
    /// round, monthly or quarterly.
    BulletinKind,
    /// national, province or a number of projects.
    Scale,
    /// A database without projects.
    EmptyDatabase,
    Username,
    Amount,
    Number(u32),
    Flag,
    Category,
    Sort,
    Version,
    Batch,
    Milestone,
    Stuck,
    Month,
    Role,
    RegionForRole(kfq_core::access::Role),
    /// One of the check rules' names.
    Rule,
    /// Why a finding is set aside.
    Reason,
    /// A finding reported now (rule and projects).
    Finding,
    /// A date or a locked round, for figures as reported then.
    ReportedOn,
    /// A round that is locked.
    LockedRound,
    /// A rule of the security policy.
    PolicyKey,
    /// A whole number within these bounds.
    Between(i64, i64),
    /// A text (a JSON string).
    Text,
    BlockerStatus,
    BlockerCategory,
    BlockerLevel,
    /// A field of a blocker.
    BlockerField,
    /// A project's id in the caller's scope.
    Project,
    /// A blocker still open, at a level the caller works at or below, not at the province.
    EscalateFrom,
    /// A zone, a city or a province to hold a meeting for.
    MeetingRegion,
    /// One of an assignment's duties.
    AssignmentField,
    /// Names of procedures: not empty, at most 50 characters, none repeated.
    ProcedureNames,
    /// A field of a procedure.
    ProcedureField,
    /// An account that may hold the duty (named) in the project's zone, not this one.
    Holder(String, String),
    /// The blocker belongs to the agenda item's project.
    ItemBlocker,
    /// A code of the authenticator app, now.
    TotpCode,
    /// Text without NUL characters.
    NoNul,
    /// A second factor being set up.
    TotpSetup,
    /// What to change about an account: a role with its region, or `disabled`.
    AccountChange,
    /// A day of the month the monthly returns are due.
    DeadlineDay,
    /// The figures of a monthly return: a list of project_id, invested_wan and progress.
    Figures,
    /// 跟进状态 of a lead.
    LeadStatus,
    /// 线索来源 of a lead.
    LeadSource,
    /// 跟进方式 of a line of a lead's log.
    VisitKind,
    /// A field of a lead.
    LeadField,
    /// A field of a line of a lead's log.
    VisitField,
    /// 活动类别 of an attraction activity.
    ActivityKind,
    /// A field of an attraction activity.
    ActivityField,
    /// The id of an attraction activity of the lead's own zone.
    ActivityOfZone,
    /// 赋权层级 of a delegated power.
    GrantLevel,
    /// A field of a delegated power.
    PowerField,
    /// A field of a bundled service.
    BundleField,
    /// A field of a standard parcel.
    ParcelField,
    /// A field of a commitment.
    CommitmentField,
    /// 核查结果 of a commitment.
    CommitmentResult,
    /// A non-negative number with at most two decimals (亩, 容积率).
    Area,
    /// A field of a registration (入库入统).
    RegistrationField,
    /// 入库状态
    RegistrationStatus,
    /// A field of the registration rule.
    RegistrationRule,
    /// A field of a chemical park review's finding.
    FindingField,
    /// A year, as 2025.
    Year,
    /// Points with at most one decimal.
    Score,
    /// A checklist: aspects with items (code, text, max in tenths, veto) and thresholds.
    Checklist,
    /// A scheme of assessment: classes with weighted indicators, the cap, the indicators entered.
    Scheme,
    /// A field of a target.
    TargetField,
    /// A field of a figure entered.
    EnteredField,
    /// A number with at most four decimals.
    Figure,
    /// What a column holds: HEADER=FIELD.
    Mapping,
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
            (Expected::Amount, _) => lang
                .pick("应为非负的万元金额", "give a non-negative amount in 万元")
                .into(),
            (Expected::Number(max), Lang::Zh) => format!("应为 1 到 {max} 之间的整数"),
            (Expected::Number(max), Lang::En) => format!("give a whole number from 1 to {max}"),
            (Expected::Flag, _) => lang.pick("应为 true 或 false", "give true or false").into(),
            (Expected::Category, _) => lang
                .pick(
                    "应为 产业类、基础设施类 或 社会民生类",
                    "give 产业类, 基础设施类 or 社会民生类 (industrial, infrastructure, social)",
                )
                .into(),
            (Expected::Sort, _) => lang
                .pick(
                    "可按 code、name、amount、zone、stage 排序，前加 - 为倒序",
                    "sort by code, name, amount, zone or stage; prefix - to reverse",
                )
                .into(),
            (Expected::Batch, _) => lang
                .pick(
                    "批次应为 sign、start、produce（签约、开工、投产）",
                    "a batch is sign, start or produce",
                )
                .into(),
            (Expected::Milestone, _) => lang
                .pick(
                    "应为 signed_on、landed_on、started_on、producing_on 或 reached_on",
                    "give signed_on, landed_on, started_on, producing_on or reached_on",
                )
                .into(),
            (Expected::Stuck, _) => lang
                .pick(
                    "应为 signed_not_landed、landed_not_started 或 producing_not_reached",
                    "give signed_not_landed, landed_not_started or producing_not_reached",
                )
                .into(),
            (Expected::Month, _) => lang
                .pick("应写作 2025-03", "write a month as 2025-03")
                .into(),
            (Expected::ReportedOn, _) => lang
                .pick(
                    "应为日期（2025-01-15，当天结束时的数据）或已锁定的活动（2024-4，锁定时的数据）",
                    "give a date (2025-01-15, the figures at the end of that day) or a locked round (2024-4, the figures when it was locked)",
                )
                .into(),
            (Expected::LockedRound, _) => lang
                .pick(
                    "该活动尚未锁定，没有上报口径；请给出日期",
                    "that round is not locked, so it has no reported figures; give a date",
                )
                .into(),
            (Expected::Text, _) => lang.pick("应为文本", "give a text").into(),
            (Expected::BlockerStatus, _) => lang
                .pick(
                    "状态应为 open、in_progress、resolved、cannot_resolve（未解决、推进中、已解决、无法解决）",
                    "a status is open, in_progress, resolved or cannot_resolve",
                )
                .into(),
            (Expected::BlockerCategory, _) => lang
                .pick(
                    "类别应为 用地、资金、审批手续、水电气热、施工、其他（land、funding、approval、utilities、construction、other）",
                    "a category is land, funding, approval, utilities, construction or other",
                )
                .into(),
            (Expected::BlockerLevel, _) => lang
                .pick("层级应为 zone、city、province", "a level is zone, city or province")
                .into(),
            (Expected::BlockerField, _) => lang
                .pick(
                    "堵点没有这一项（description、category、status、owner_unit、owner、due_on、resolved_on、resolution、note）",
                    "not a field of a blocker (description, category, status, owner_unit, owner, due_on, resolved_on, resolution, note)",
                )
                .into(),
            (Expected::Project, _) => lang
                .pick("请给出项目的 id（project_id）", "give the project's id (project_id)")
                .into(),
            (Expected::ProcedureNames, _) => lang
                .pick(
                    "事项名称不能为空、不超过50字、不能重复，且不含 / ? # % 等字符",
                    "procedure names are not empty, at most 50 characters, none repeated, without / ? # %",
                )
                .into(),
            (Expected::ProcedureField, _) => lang
                .pick(
                    "审批事项没有这一项（agent、accepted_on、submitted_on、approved_on、commitment、note）",
                    "not a field of a procedure (agent, accepted_on, submitted_on, approved_on, commitment, note)",
                )
                .into(),
            (Expected::LeadStatus, _) => lang
                .pick(
                    "跟进状态应为 接洽、考察、洽谈、放弃 之一（contact、inspection、negotiation、dropped；签约须“签约转项目”）",
                    "one of contact, inspection, negotiation, dropped (a lead is signed by converting it)",
                )
                .into(),
            (Expected::LeadSource, _) => lang
                .pick(
                    "线索来源应为 联络站、推介会、以商招商、外出招商、其他 之一（liaison_office、promotion、referral、outbound、other）",
                    "one of liaison_office, promotion, referral, outbound, other",
                )
                .into(),
            (Expected::VisitKind, _) => lang
                .pick(
                    "跟进方式应为 电话联系、登门拜访、来区考察、洽谈会商、其他 之一（call、visit、inspection、talks、other）",
                    "one of call, visit, inspection, talks, other",
                )
                .into(),
            (Expected::LeadField, _) => lang
                .pick(
                    "招商线索没有这一项（zone、name、source、chain、investor、expected_investment_wan、contact、owner、status、registered_on、dropped_on、reason、activity_id）",
                    "not a field of a lead (zone, name, source, chain, investor, expected_investment_wan, contact, owner, status, registered_on, dropped_on, reason, activity_id)",
                )
                .into(),
            (Expected::VisitField, _) => lang
                .pick(
                    "跟进记录没有这一项（visited_on、kind、people、note）",
                    "not a field of a log line (visited_on, kind, people, note)",
                )
                .into(),
            (Expected::ActivityKind, _) => lang
                .pick(
                    "活动类别应为 联络站、招商活动、外出招商 之一（liaison_office、event、trip）",
                    "one of liaison_office, event, trip",
                )
                .into(),
            (Expected::ActivityField, _) => lang
                .pick(
                    "招商活动没有这一项（zone、kind、name、place、started_on、ended_on、leader、people、met、note）",
                    "not a field of an activity (zone, kind, name, place, started_on, ended_on, leader, people, met, note)",
                )
                .into(),
            (Expected::GrantLevel, _) => lang
                .pick(
                    "赋权层级应为 省级、市级、县级 之一（province、city、county）",
                    "one of province, city, county",
                )
                .into(),
            (Expected::PowerField, _) => lang
                .pick(
                    "赋权事项没有这一项（zone、level、name、code、granted_on、taken_up_on、note）",
                    "not a field of a delegated power (zone, level, name, code, granted_on, taken_up_on, note)",
                )
                .into(),
            (Expected::BundleField, _) => lang
                .pick(
                    "一件事一次办没有这一项（zone、name、procedures、launched_on、note）",
                    "not a field of a bundled service (zone, name, procedures, launched_on, note)",
                )
                .into(),
            (Expected::ParcelField, _) => lang
                .pick(
                    "标准地没有这一项（zone、code、location、area_mu、intensity_wan、output_wan、tax_wan、plot_ratio、project、allocated_on、note）",
                    "not a field of a standard parcel (zone, code, location, area_mu, intensity_wan, output_wan, tax_wan, plot_ratio, project, allocated_on, note)",
                )
                .into(),
            (Expected::CommitmentField, _) => lang
                .pick(
                    "承诺制没有这一项（zone、project、item、content、filed_on、due_on、verified_on、result、note）",
                    "not a field of a commitment (zone, project, item, content, filed_on, due_on, verified_on, result, note)",
                )
                .into(),
            (Expected::CommitmentResult, _) => lang
                .pick(
                    "核查结果应为 待核查、已履诺、未履诺 之一（pending、kept、broken）",
                    "one of pending, kept, broken",
                )
                .into(),
            (Expected::Area, _) => lang
                .pick(
                    "应为不超过两位小数的非负数，如 12.5",
                    "a non-negative number with at most two decimals, like 12.5",
                )
                .into(),
            (Expected::RegistrationField, _) => lang
                .pick(
                    "入库入统没有这一项（zone、project、status、applied_on、registered_on、stats_code、note）",
                    "not a field of a registration (zone, project, status, applied_on, registered_on, stats_code, note)",
                )
                .into(),
            (Expected::RegistrationStatus, _) => lang
                .pick(
                    "入库状态应为 未申报、已申报、已入库、未通过 之一（not_applied、applied、registered、rejected）",
                    "one of not_applied, applied, registered, rejected",
                )
                .into(),
            (Expected::RegistrationRule, _) => lang
                .pick(
                    "入库规则只有 threshold_wan（计划总投资下限，万元）和 needs_start（是否须已开工）",
                    "the rule has threshold_wan (the least planned total, 万元) and needs_start (started works required)",
                )
                .into(),
            (Expected::FindingField, _) => lang
                .pick(
                    "安全复核没有这一项（zone、year、item、score、problem、evidence、owner、due_on、rectified_on、note）",
                    "not a field of a review's finding (zone, year, item, score, problem, evidence, owner, due_on, rectified_on, note)",
                )
                .into(),
            (Expected::Year, _) => lang.pick("应为年份，如 2025", "a year, like 2025").into(),
            (Expected::Score, _) => lang
                .pick(
                    "得分应为不超过一位小数的非负数，如 2.5",
                    "a score of at most one decimal, like 2.5",
                )
                .into(),
            (Expected::Checklist, _) => lang
                .pick(
                    "复核清单应为 {\"aspects\":[{\"code\",\"name\",\"items\":[{\"code\",\"text\",\"max\"（十分之一分）,\"veto\"}]}],\"thresholds\":{\"d\",\"c\",\"b\"}}",
                    "a checklist is {\"aspects\":[{\"code\",\"name\",\"items\":[{\"code\",\"text\",\"max\" (tenths),\"veto\"}]}],\"thresholds\":{\"d\",\"c\",\"b\"}}",
                )
                .into(),
            (Expected::Scheme, _) => lang
                .pick(
                    "考核办法应为 {\"classes\":[{\"name\",\"levels\",\"kinds\",\"indicators\":[{\"indicator\",\"weight\"}]}],\"cap_percent\",\"entered\":[{\"code\",\"name\",\"unit\"}]}",
                    "a scheme is {\"classes\":[{\"name\",\"levels\",\"kinds\",\"indicators\":[{\"indicator\",\"weight\"}]}],\"cap_percent\",\"entered\":[{\"code\",\"name\",\"unit\"}]}",
                )
                .into(),
            (Expected::TargetField, _) => lang
                .pick(
                    "目标任务没有这一项（zone、year、indicator、value、note）",
                    "not a field of a target (zone, year, indicator, value, note)",
                )
                .into(),
            (Expected::EnteredField, _) => lang
                .pick(
                    "指标月报没有这一项（zone、month、indicator、value、note）",
                    "not a field of a figure entered (zone, month, indicator, value, note)",
                )
                .into(),
            (Expected::Figure, _) => lang
                .pick(
                    "应为数字（最多四位小数），如 63 或 89.93",
                    "a number with at most four decimals, like 63 or 89.93",
                )
                .into(),
                        (Expected::Mapping, _) => {
                let fields: Vec<&str> = kfq_ledger::Table::Projects
                    .columns()
                    .iter()
                    .map(|c| c.key)
                    .collect();
                format!(
                    "{}{}",
                    lang.pick(
                        "应写作 表头=字段，如 计划投资=total_investment_wan；表头= 表示不导入该列。字段：",
                        "write HEADER=FIELD, like 计划投资=total_investment_wan; HEADER= sets the column aside. Fields: ",
                    ),
                    fields.join(", ")
                )
            }
            (Expected::ActivityOfZone, _) => lang
                .pick(
                    "请给出本开发区一项招商活动的 id（activity_id）",
                    "give the id of an attraction activity of the lead's zone (activity_id)",
                )
                .into(),
            (Expected::AssignmentField, _) => lang
                .pick(
                    "包联责任没有这一项（leader、a_role、b_role、agent）",
                    "not a duty of an assignment (leader, a_role, b_role, agent)",
                )
                .into(),
            (Expected::Holder(duty, user), Lang::Zh) => format!(
                "“{user}”不能担任本项目的{duty}：须为本开发区范围内、角色相符且未停用的账号"
            ),
            (Expected::Holder(duty, user), Lang::En) => format!(
                "'{user}' cannot be this project's {duty}: it must be an active account of a fitting role whose region holds the project"
            ),
            (Expected::MeetingRegion, _) => lang
                .pick(
                    "调度会须属于一个开发区、一个地市或一个省",
                    "a meeting belongs to a zone, a city or a province",
                )
                .into(),
            (Expected::ItemBlocker, _) => lang
                .pick(
                    "只能更新本议题所涉项目的堵点",
                    "only a blocker of this item's project",
                )
                .into(),
            (Expected::EscalateFrom, _) => lang
                .pick(
                    "只能上报仍未解决、且在本级或下级的堵点；省级已是最高一级",
                    "only an open blocker at your level or below can go up; the province is the top",
                )
                .into(),
            (Expected::NoNul, _) => lang
                .pick("不能含有 NUL 字符", "must not contain a NUL character")
                .into(),
            (Expected::TotpCode, _) => lang
                .pick(
                    "动态口令不对：应为身份验证器应用当前显示的六位数字",
                    "not the code: give the six digits your authenticator app shows now",
                )
                .into(),
            (Expected::TotpSetup, _) => lang
                .pick(
                    "尚未开始绑定动态口令：请先 POST /api/v1/me/totp",
                    "no second factor is being set up: POST /api/v1/me/totp first",
                )
                .into(),
            (Expected::Figures, _) => lang
                .pick(
                    "应为 figures 列表，每项含 project_id（数字）、invested_wan（万元）与 progress（形象进度）",
                    "a list figures, each with project_id (a number), invested_wan (万元) and progress",
                )
                .into(),
            (Expected::DeadlineDay, _) => lang
                .pick(
                    "应为 1 至 28 之间的整数（次月几日前报送）",
                    "must be a whole number from 1 to 28 (the day of the next month returns are due)",
                )
                .into(),
            (Expected::AccountChange, _) => lang
                .pick(
                    "请给出 role 与 region（授权），或 disabled（停用/启用）",
                    "give role and region (to grant), or disabled (to disable or enable)",
                )
                .into(),
            (Expected::PolicyKey, _) => lang
                .pick(
                    "安全策略中没有这一项（lockout_attempts、lockout_minutes、idle_minutes、session_hours、password_min_length、password_min_kinds、totp_required、audit_retention_months）",
                    "not a rule of the policy (lockout_attempts, lockout_minutes, idle_minutes, session_hours, password_min_length, password_min_kinds, totp_required, audit_retention_months)",
                )
                .into(),
            (Expected::Between(min, max), Lang::Zh) => format!("应为 {min} 到 {max} 之间的整数"),
            (Expected::Between(min, max), Lang::En) => {
                format!("give a whole number from {min} to {max}")
            }
            (Expected::Rule, _) => format!(
                "{}{}",
                lang.pick("应为以下规则之一：", "give one of the rules: "),
                kfq_core::checks::RULES.join(", ")
            ),
            (Expected::Reason, _) => lang
                .pick(
                    "请写明不是问题的理由（记入审计日志）",
                    "say why it is not a problem (kept in the audit log)",
                )
                .into(),
            (Expected::Finding, _) => lang
                .pick(
                    "当前检查结果中没有这条（规则与项目编号须与检查结果一致）",
                    "no such finding is reported now (rule and project codes must match one)",
                )
                .into(),
            (Expected::Role, _) => lang
                .pick(
                    "角色应为 province、city、zone、department、agent、leader、sysadmin、secadmin、auditadmin 或 pending",
                    "a role is province, city, zone, department, agent, leader, sysadmin, secadmin, auditadmin or pending",
                )
                .into(),
            (Expected::Version, _) => lang
                .pick(
                    "请在 If-Match 或 version 字段中给出所编辑的版本号",
                    "send the version you edited in If-Match or a version field",
                )
                .into(),
            (Expected::Username, _) => lang
                .pick(
                    "用户名为 2—32 位字母、数字或 _ . -",
                    "a username is 2 to 32 letters, digits, _ . or -",
                )
                .into(),
            (Expected::RegionForRole(role), Lang::Zh) => format!(
                "{}用户的范围应为{}",
                role.label(lang),
                role_scope_hint(*role, lang)
            ),
            (Expected::RegionForRole(role), Lang::En) => format!(
                "a {} user's region must be {}",
                role.label(lang),
                role_scope_hint(*role, lang)
            ),
            (Expected::OutputFile, _) => lang
                .pick(
                    "xlsx 格式须用 -o 指定输出文件",
                    "--format xlsx needs -o FILE.xlsx",
                )
                .into(),
            (Expected::Scale, _) => lang
                .pick(
                    "须为 national（全国）、province（一个省）或项目个数",
                    "national, province or a number of projects",
                )
                .into(),
            (Expected::EmptyDatabase, _) => lang
                .pick(
                    "须为没有项目的空数据库（合成数据不与真实数据混在一起）",
                    "an empty database (synthetic data is never mixed with real data)",
                )
                .into(),
            (Expected::BulletinKind, _) => lang
                .pick(
                    "须为 round（“三个一批”通报）、monthly（月度统计报告）或 quarterly（季度通报）",
                    "one of round, monthly or quarterly",
                )
                .into(),
            (Expected::DocumentFile, _) => lang
                .pick(
                    "须为 .docx 或 .pdf 文件",
                    "a file ending in .docx or .pdf",
                )
                .into(),
        }
    }
}

fn role_scope_hint(role: kfq_core::access::Role, lang: Lang) -> &'static str {
    use kfq_core::access::Role;
    match role {
        Role::Province => lang.pick("省（如 140000）", "a province (e.g. 140000)"),
        Role::City => lang.pick("地级市（如 140100）", "a city (e.g. 140100)"),
        Role::Zone | Role::Department => lang.pick("开发区名称", "a zone's name"),
        Role::Agent => lang.pick("开发区名称或地级市", "a zone's name or a city"),
        Role::Leader => lang.pick("省、市或开发区", "a province, a city or a zone"),
        Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin | Role::Pending => {
            lang.pick("省（如 140000）", "a province (e.g. 140000)")
        }
        Role::Operator => lang.pick("（不可授予）", "(never granted)"),
    }
}
