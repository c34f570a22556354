//! 招商线索 — an investment lead before it is signed: where it came from, the investor and the
//! chain it would join, what it might bring, who works it and how far it has come (接洽 → 考察 →
//! 洽谈 → 签约, or 放弃). Signing turns a lead into a project and keeps the link; a zone's
//! conversion is counted from its leads (“对接项目 184 个，签约 13 个”).

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;
use crate::money::Amount;
use crate::rates::Ratio;

/// 线索来源 — how the lead reached the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadSource {
    /// 联络站 — the zone's liaison offices in other regions.
    LiaisonOffice,
    /// 推介会 — promotion events.
    Promotion,
    /// 以商招商 — introduced by an investor already in the zone.
    Referral,
    /// 外出招商 — the zone's own trips.
    Outbound,
    /// 其他
    Other,
}

/// 跟进状态 — how far the lead has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    /// 接洽 — first contact.
    Contact,
    /// 考察 — the investor has come to see, or been seen.
    Inspection,
    /// 洽谈 — terms under negotiation.
    Negotiation,
    /// 签约 — signed: the lead is a project now.
    Signed,
    /// 放弃 — given up, with why.
    Dropped,
}

/// 跟进方式 — what kind of contact a line of the log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// 电话联系
    Call,
    /// 登门拜访 — the zone went to the investor.
    Visit,
    /// 来区考察 — the investor came to the zone.
    Inspection,
    /// 洽谈会商
    Talks,
    /// 其他
    Other,
}

coded!(LeadSource {
    LiaisonOffice => "liaison_office", "联络站", "liaison office";
    Promotion => "promotion", "推介会", "promotion event";
    Referral => "referral", "以商招商", "investor referral";
    Outbound => "outbound", "外出招商", "outbound trip";
    Other => "other", "其他", "other";
});

coded!(LeadStatus {
    Contact => "contact", "接洽", "contact";
    Inspection => "inspection", "考察", "inspection";
    Negotiation => "negotiation", "洽谈", "negotiation";
    Signed => "signed", "签约", "signed";
    Dropped => "dropped", "放弃", "dropped";
});

coded!(VisitKind {
    Call => "call", "电话联系", "call";
    Visit => "visit", "登门拜访", "visit";
    Inspection => "inspection", "来区考察", "inspection visit";
    Talks => "talks", "洽谈会商", "talks";
    Other => "other", "其他", "other";
});

impl LeadStatus {
    /// Still being worked on.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            LeadStatus::Contact | LeadStatus::Inspection | LeadStatus::Negotiation
        )
    }
}

/// A lead (招商线索) of a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    pub id: i64,
    pub zone_id: i64,
    /// 线索名称 — the project the investor has in mind.
    pub name: String,
    pub source: LeadSource,
    /// 产业链 — empty when on none.
    pub chain: String,
    /// 投资方
    pub investor: String,
    /// 意向投资额 — what the investor means to invest (the 签约额 once signed).
    pub expected_investment: Option<Amount>,
    /// 对接人 — who speaks for the investor, with how to reach them.
    pub contact: String,
    /// 跟进人 — who in the zone works the lead (a username or a name).
    pub owner: String,
    pub status: LeadStatus,
    /// 首次接洽 — the day the zone first spoke with the investor.
    pub registered_on: NaiveDate,
    /// 签约日期
    pub signed_on: Option<NaiveDate>,
    /// 放弃日期
    pub dropped_on: Option<NaiveDate>,
    /// 放弃原因
    pub reason: String,
    /// The project signing made of it.
    pub project_id: Option<i64>,
    /// The attraction activity (招商活动) that produced it, if any.
    pub activity_id: Option<i64>,
    /// Raised on every change: a save from an older version is refused.
    pub version: i64,
}

/// What a lead's change got wrong, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadFault {
    /// 线索名称 is empty.
    NoName,
    /// 投资方 is empty.
    NoInvestor,
    /// First contact in the future, or before 1949.
    RegisteredWhen,
    /// Given up without saying why.
    NoReason,
    /// Set to 签约 by hand: a lead is signed by converting it into a project.
    SignByConverting,
    /// A signed lead is a project now: its status stays.
    AlreadySigned,
    /// Signed before the first contact, or in the future.
    SignedWhen,
    /// Dropped before the first contact, or in the future.
    DroppedWhen,
    /// The amount a lead was signed for is its project's: it stays.
    AmountSigned,
    /// A dropped lead is taken up again before it is signed.
    DroppedFirst,
}

impl LeadFault {
    pub fn field(self) -> &'static str {
        match self {
            LeadFault::NoName => "name",
            LeadFault::NoInvestor => "investor",
            LeadFault::RegisteredWhen => "registered_on",
            LeadFault::NoReason => "reason",
            LeadFault::SignByConverting | LeadFault::AlreadySigned | LeadFault::DroppedFirst => {
                "status"
            }
            LeadFault::SignedWhen => "signed_on",
            LeadFault::DroppedWhen => "dropped_on",
            LeadFault::AmountSigned => "expected_investment_wan",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            LeadFault::NoName => lang.pick("请填写线索名称", "give the lead a name"),
            LeadFault::NoInvestor => lang.pick("请填写投资方", "name the investor"),
            LeadFault::RegisteredWhen => lang.pick(
                "首次接洽日期须在 1949 年之后且不晚于今天",
                "the first contact must be after 1949 and not in the future",
            ),
            LeadFault::NoReason => lang.pick("放弃线索须写明原因", "say why the lead is dropped"),
            LeadFault::SignByConverting => lang.pick(
                "签约须通过“签约转项目”办理",
                "a lead is signed by converting it into a project",
            ),
            LeadFault::AlreadySigned => lang.pick(
                "线索已签约转为项目，状态不能再改",
                "the lead is signed and a project now: its status stays",
            ),
            LeadFault::SignedWhen => lang.pick(
                "签约日期不能早于首次接洽，也不能晚于今天",
                "signed neither before the first contact nor in the future",
            ),
            LeadFault::DroppedWhen => lang.pick(
                "放弃日期不能早于首次接洽，也不能晚于今天",
                "dropped neither before the first contact nor in the future",
            ),
            LeadFault::AmountSigned => lang.pick(
                "已签约线索的签约额即项目总投资，不能在线索上修改",
                "a signed lead's amount is its project's total investment: change it there",
            ),
            LeadFault::DroppedFirst => lang.pick(
                "线索已放弃，须先恢复跟进再签约",
                "the lead was dropped: take it up again before signing",
            ),
        }
    }
}

impl Lead {
    /// A new lead of a zone, first contacted on `registered_on`.
    pub fn new(zone_id: i64, name: &str, investor: &str, registered_on: NaiveDate) -> Lead {
        Lead {
            id: 0,
            zone_id,
            name: name.trim().to_string(),
            source: LeadSource::Other,
            chain: String::new(),
            investor: investor.trim().to_string(),
            expected_investment: None,
            contact: String::new(),
            owner: String::new(),
            status: LeadStatus::Contact,
            registered_on,
            signed_on: None,
            dropped_on: None,
            reason: String::new(),
            project_id: None,
            activity_id: None,
            version: 1,
        }
    }

    /// The day it was signed or dropped.
    pub fn closed_on(&self) -> Option<NaiveDate> {
        match self.status {
            LeadStatus::Signed => self.signed_on,
            LeadStatus::Dropped => self.dropped_on,
            _ => None,
        }
    }

    /// Worked on at some time in `from..=to` (对接): first contacted by its end and not closed
    /// before its start.
    pub fn worked_in(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.registered_on <= to && self.closed_on().is_none_or(|c| c >= from)
    }

    /// Signed in `from..=to`.
    pub fn signed_in(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.status == LeadStatus::Signed && self.signed_on.is_some_and(|d| from <= d && d <= to)
    }

    /// Checks a lead changed on `today` from the one stored (`before`; None for a new lead):
    /// trims its texts, dates its dropping (a reopened lead loses the date and reason), and
    /// refuses signing by hand or changing a signed lead's status.
    pub fn settle(
        mut self,
        before: Option<&Lead>,
        today: NaiveDate,
    ) -> Result<Lead, Vec<LeadFault>> {
        for text in [
            &mut self.name,
            &mut self.chain,
            &mut self.investor,
            &mut self.contact,
            &mut self.owner,
            &mut self.reason,
        ] {
            *text = text.trim().to_string();
        }
        let mut faults = Vec::new();
        let was = before.map(|b| b.status);
        match (was, self.status) {
            (Some(LeadStatus::Signed), LeadStatus::Signed) => {}
            (Some(LeadStatus::Signed), _) => faults.push(LeadFault::AlreadySigned),
            (_, LeadStatus::Signed) => faults.push(LeadFault::SignByConverting),
            (_, LeadStatus::Dropped) => {
                self.dropped_on = Some(self.dropped_on.unwrap_or(today));
                if self.reason.is_empty() {
                    faults.push(LeadFault::NoReason);
                }
            }
            _ => {
                self.dropped_on = None;
                self.reason.clear();
            }
        }
        if self.name.is_empty() {
            faults.push(LeadFault::NoName);
        }
        if self.investor.is_empty() {
            faults.push(LeadFault::NoInvestor);
        }
        if !crate::meeting::plausible_day(self.registered_on) || self.registered_on > today {
            faults.push(LeadFault::RegisteredWhen);
        }
        let outside = |d: Option<NaiveDate>| d.is_some_and(|d| d < self.registered_on || d > today);
        if outside(self.signed_on) {
            faults.push(LeadFault::SignedWhen);
        }
        if outside(self.dropped_on) {
            faults.push(LeadFault::DroppedWhen);
        }
        if before.is_some_and(|b| {
            b.status == LeadStatus::Signed && b.expected_investment != self.expected_investment
        }) {
            faults.push(LeadFault::AmountSigned);
        }
        if faults.is_empty() {
            Ok(self)
        } else {
            Err(faults)
        }
    }

    /// The lead as signed on `on` (checked against `today`) into the project `project_id`, for
    /// `amount`: only an open lead is signed, not before its first contact nor in the future.
    pub fn sign(
        self,
        project_id: i64,
        on: NaiveDate,
        amount: Amount,
        today: NaiveDate,
    ) -> Result<Lead, LeadFault> {
        match self.status {
            LeadStatus::Signed => return Err(LeadFault::AlreadySigned),
            LeadStatus::Dropped => return Err(LeadFault::DroppedFirst),
            _ => {}
        }
        if on < self.registered_on || on > today {
            return Err(LeadFault::SignedWhen);
        }
        Ok(Lead {
            status: LeadStatus::Signed,
            signed_on: Some(on),
            dropped_on: None,
            reason: String::new(),
            project_id: Some(project_id),
            expected_investment: Some(amount),
            ..self
        })
    }
}

/// 对接与签约 — a zone's (or region's) leads over a period: how many were worked on, how many
/// signed and for how much, how many dropped, and the share signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Conversion {
    /// 对接 — worked on in the period.
    pub leads: usize,
    /// 签约 — signed in the period.
    pub signed: usize,
    /// 签约额 — what the signed leads were signed for.
    pub signed_investment: Amount,
    /// 放弃 — dropped in the period.
    pub dropped: usize,
    /// Still open at the end of the period.
    pub open: usize,
    /// 签约率 = 签约 ÷ 对接 (by count).
    pub rate: Ratio,
}

/// The conversion of `leads` over `from..=to`.
pub fn conversion<'a>(
    leads: impl IntoIterator<Item = &'a Lead>,
    from: NaiveDate,
    to: NaiveDate,
) -> Conversion {
    let mut c = Conversion {
        leads: 0,
        signed: 0,
        signed_investment: Amount::ZERO,
        dropped: 0,
        open: 0,
        rate: Ratio::new(0, 0),
    };
    for lead in leads.into_iter().filter(|l| l.worked_in(from, to)) {
        c.leads += 1;
        if lead.signed_in(from, to) {
            c.signed += 1;
            c.signed_investment += lead.expected_investment.unwrap_or(Amount::ZERO);
        }
        if lead.status == LeadStatus::Dropped && lead.dropped_on.is_some_and(|d| d <= to) {
            c.dropped += 1;
        }
        if lead.closed_on().is_none_or(|d| d > to) {
            c.open += 1;
        }
    }
    c.rate = Ratio::new(c.signed as i64, c.leads as i64);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn lead(registered: &str) -> Lead {
        Lead::new(1, "年产 10 万吨电池材料", "某新能源公司", d(registered))
    }

    #[test]
    fn dropping_needs_a_reason_and_is_dated_and_reopening_clears_both() {
        let today = d("2024-06-10");
        let open = lead("2024-03-01");
        let mut dropped = open.clone();
        dropped.status = LeadStatus::Dropped;
        assert_eq!(
            dropped.clone().settle(Some(&open), today),
            Err(vec![LeadFault::NoReason])
        );
        dropped.reason = " 投资方战略调整 ".into();
        let dropped = dropped.settle(Some(&open), today).unwrap();
        assert_eq!(dropped.dropped_on, Some(today));
        assert_eq!(dropped.reason, "投资方战略调整");
        let mut reopened = dropped.clone();
        reopened.status = LeadStatus::Negotiation;
        let reopened = reopened.settle(Some(&dropped), today).unwrap();
        assert_eq!((reopened.dropped_on, reopened.reason.as_str()), (None, ""));
    }

    #[test]
    fn a_lead_is_signed_only_by_converting_it_and_then_keeps_its_status() {
        let today = d("2024-06-10");
        let open = lead("2024-03-01");
        let mut by_hand = open.clone();
        by_hand.status = LeadStatus::Signed;
        assert_eq!(
            by_hand.settle(Some(&open), today),
            Err(vec![LeadFault::SignByConverting])
        );
        assert_eq!(
            open.clone()
                .sign(7, d("2024-02-01"), Amount::from_wan(1), today),
            Err(LeadFault::SignedWhen),
            "not before the first contact"
        );
        let signed = open
            .clone()
            .sign(7, today, Amount::from_wan(50_000), today)
            .unwrap();
        assert_eq!(signed.project_id, Some(7));
        assert_eq!(
            signed.clone().sign(8, today, Amount::ZERO, today),
            Err(LeadFault::AlreadySigned)
        );
        let mut renamed = signed.clone();
        renamed.contact = "张经理 13800000000".into();
        assert!(renamed.settle(Some(&signed), today).is_ok());
        let mut more = signed.clone();
        more.expected_investment = Some(Amount::from_wan(60_000));
        assert_eq!(
            more.settle(Some(&signed), today),
            Err(vec![LeadFault::AmountSigned])
        );
        let mut undone = signed.clone();
        undone.status = LeadStatus::Contact;
        assert_eq!(
            undone.settle(Some(&signed), today),
            Err(vec![LeadFault::AlreadySigned])
        );
    }

    #[test]
    fn names_and_dates_are_checked() {
        let today = d("2024-06-10");
        let mut blank = Lead::new(1, " ", "", d("2024-07-01"));
        blank.status = LeadStatus::Contact;
        assert_eq!(
            blank.settle(None, today),
            Err(vec![
                LeadFault::NoName,
                LeadFault::NoInvestor,
                LeadFault::RegisteredWhen
            ])
        );
        let mut early = lead("2024-03-01");
        early.status = LeadStatus::Dropped;
        early.reason = "不符合产业定位".into();
        early.dropped_on = Some(d("2024-02-01"));
        assert_eq!(early.settle(None, today), Err(vec![LeadFault::DroppedWhen]));
    }

    #[test]
    fn a_year_counts_the_leads_worked_on_and_those_signed_in_it() {
        let (from, to) = (d("2024-01-01"), d("2024-12-31"));
        let carried = lead("2023-10-01");
        let today = d("2025-06-01");
        let signed = lead("2024-02-01")
            .sign(1, d("2024-09-01"), Amount::from_wan(120_000), today)
            .unwrap();
        let signed_before = lead("2023-02-01")
            .sign(2, d("2023-12-01"), Amount::from_wan(9), today)
            .unwrap();
        let mut dropped = lead("2024-04-01");
        dropped.status = LeadStatus::Dropped;
        dropped.dropped_on = Some(d("2024-05-01"));
        let next_year = lead("2025-01-02");
        let all = [carried, signed, signed_before, dropped, next_year];
        let c = conversion(&all, from, to);
        assert_eq!((c.leads, c.signed, c.dropped, c.open), (3, 1, 1, 1));
        assert_eq!(c.signed_investment, Amount::from_wan(120_000));
        assert_eq!(c.rate.percent(), "33.33%");
        assert_eq!(conversion(&all, d("2025-01-01"), d("2025-12-31")).leads, 2);
    }

    #[test]
    fn codes_and_chinese_names_read_back() {
        for s in LeadSource::ALL {
            assert_eq!(LeadSource::parse(s.label(Lang::Zh)), Some(*s));
        }
        for s in LeadStatus::ALL {
            assert_eq!(LeadStatus::parse(s.code()), Some(*s));
        }
        assert_eq!(VisitKind::parse("来区考察"), Some(VisitKind::Inspection));
        assert!(LeadStatus::Negotiation.is_open() && !LeadStatus::Dropped.is_open());
    }
}
