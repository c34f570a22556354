//! 招商活动 — what a zone does to find investors: its liaison offices in other regions (联络站,
//! open from the day they are set up until closed), the promotion events it holds (推介会、行业
//! 峰会、项目路演、产业对接), and its leaders' attraction trips (外出招商: who went, whom they
//! met). Leads name the activity that produced them; a zone's figures per period are counted
//! here (“13 个联络站”, “招商活动 17 场次”, “外出招商 47 次”).

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;
use crate::lead::{Lead, LeadStatus};

/// 活动类别
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// 联络站 — an office in another region, open until closed.
    LiaisonOffice,
    /// 招商活动 — a promotion event: 推介会、行业峰会、项目路演、产业对接.
    Event,
    /// 外出招商 — a trip to meet investors.
    Trip,
}

coded!(ActivityKind {
    LiaisonOffice => "liaison_office", "联络站", "liaison office";
    Event => "event", "招商活动", "promotion event";
    Trip => "trip", "外出招商", "attraction trip";
});

/// An attraction activity of a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: i64,
    pub zone_id: i64,
    pub kind: ActivityKind,
    /// 名称 — “长三角（上海）双招双引联络站”, “新能源产业推介会”, “赴苏州新材料企业考察”.
    pub name: String,
    /// 地点 — the region or city where it is or was.
    pub place: String,
    /// 开始日期 — set up, held, or set out.
    pub started_on: NaiveDate,
    /// 结束日期 — a liaison office closed, the last day of an event or trip.
    pub ended_on: Option<NaiveDate>,
    /// 带队领导 / 负责人
    pub leader: String,
    /// 参加人员
    pub people: String,
    /// 对接企业 — whom they met.
    pub met: String,
    pub note: String,
    pub version: i64,
}

/// What an activity's change got wrong, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityFault {
    NoName,
    /// A start before 1949 or after 2100.
    StartedWhen,
    /// Ended before it started.
    EndedBeforeStart,
    /// An end before 1949 or after 2100.
    EndedWhen,
}

impl ActivityFault {
    pub fn field(self) -> &'static str {
        match self {
            ActivityFault::NoName => "name",
            ActivityFault::StartedWhen => "started_on",
            ActivityFault::EndedBeforeStart | ActivityFault::EndedWhen => "ended_on",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            ActivityFault::NoName => lang.pick("请填写活动名称", "give the activity a name"),
            ActivityFault::StartedWhen => lang.pick(
                "开始日期须在 1949 年至 2100 年之间",
                "the start must lie between 1949 and 2100",
            ),
            ActivityFault::EndedBeforeStart => {
                lang.pick("结束日期不能早于开始日期", "it cannot end before it starts")
            }
            ActivityFault::EndedWhen => lang.pick(
                "结束日期须在 1949 年至 2100 年之间",
                "the end must lie between 1949 and 2100",
            ),
        }
    }
}

impl Activity {
    pub fn new(zone_id: i64, kind: ActivityKind, name: &str, started_on: NaiveDate) -> Activity {
        Activity {
            id: 0,
            zone_id,
            kind,
            name: name.trim().to_string(),
            place: String::new(),
            started_on,
            ended_on: None,
            leader: String::new(),
            people: String::new(),
            met: String::new(),
            note: String::new(),
            version: 1,
        }
    }

    /// Trims its texts and checks its dates.
    pub fn settle(mut self) -> Result<Activity, Vec<ActivityFault>> {
        for text in [
            &mut self.name,
            &mut self.place,
            &mut self.leader,
            &mut self.people,
            &mut self.met,
            &mut self.note,
        ] {
            *text = text.trim().to_string();
        }
        let mut faults = Vec::new();
        if self.name.is_empty() {
            faults.push(ActivityFault::NoName);
        }
        if !crate::meeting::plausible_day(self.started_on) {
            faults.push(ActivityFault::StartedWhen);
        }
        if self
            .ended_on
            .is_some_and(|e| !crate::meeting::plausible_day(e))
        {
            faults.push(ActivityFault::EndedWhen);
        } else if self.ended_on.is_some_and(|e| e < self.started_on) {
            faults.push(ActivityFault::EndedBeforeStart);
        }
        if faults.is_empty() {
            Ok(self)
        } else {
            Err(faults)
        }
    }

    /// Counted in `from..=to`: a liaison office open at some time in it, an event or trip that
    /// started in it.
    pub fn counts_in(&self, from: NaiveDate, to: NaiveDate) -> bool {
        match self.kind {
            ActivityKind::LiaisonOffice => {
                self.started_on <= to && self.ended_on.is_none_or(|e| e >= from)
            }
            ActivityKind::Event | ActivityKind::Trip => {
                from <= self.started_on && self.started_on <= to
            }
        }
    }
}

/// A zone's (or region's) attraction work over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ActivityFigures {
    /// 联络站 open at some time in the period.
    pub liaison_offices: usize,
    /// 招商活动 held in it.
    pub events: usize,
    /// 外出招商 trips set out in it.
    pub trips: usize,
    /// Leads first contacted in the period that name one of the activities.
    pub leads: usize,
    /// Of the leads naming one of the activities, those signed in the period.
    pub signed: usize,
}

/// The figures of `activities` over `from..=to`, with the leads naming them.
pub fn figures<'a>(
    activities: impl IntoIterator<Item = &'a Activity>,
    leads: impl IntoIterator<Item = &'a Lead>,
    from: NaiveDate,
    to: NaiveDate,
) -> ActivityFigures {
    let mut f = ActivityFigures::default();
    let mut ids = std::collections::HashSet::new();
    for a in activities {
        ids.insert(a.id);
        if !a.counts_in(from, to) {
            continue;
        }
        match a.kind {
            ActivityKind::LiaisonOffice => f.liaison_offices += 1,
            ActivityKind::Event => f.events += 1,
            ActivityKind::Trip => f.trips += 1,
        }
    }
    for lead in leads {
        if !lead.activity_id.is_some_and(|a| ids.contains(&a)) {
            continue;
        }
        if from <= lead.registered_on && lead.registered_on <= to {
            f.leads += 1;
        }
        if lead.status == LeadStatus::Signed && lead.signed_in(from, to) {
            f.signed += 1;
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_office_counts_while_open_and_an_event_or_trip_when_it_starts() {
        let (from, to) = (d("2023-01-01"), d("2023-12-31"));
        let mut office = Activity::new(
            1,
            ActivityKind::LiaisonOffice,
            "长三角联络站",
            d("2021-05-01"),
        );
        assert!(office.counts_in(from, to));
        office.ended_on = Some(d("2022-12-31"));
        assert!(!office.counts_in(from, to), "closed before the year");
        let trip = Activity::new(1, ActivityKind::Trip, "赴苏州考察", d("2022-12-30"));
        assert!(!trip.counts_in(from, to), "set out the year before");
        let event = Activity::new(1, ActivityKind::Event, "新能源推介会", d("2023-06-18"));
        assert!(event.counts_in(from, to));
    }

    #[test]
    fn names_and_dates_are_checked() {
        let mut a = Activity::new(1, ActivityKind::Trip, "  ", d("2023-06-01"));
        a.ended_on = Some(d("2023-05-30"));
        assert_eq!(
            a.settle(),
            Err(vec![ActivityFault::NoName, ActivityFault::EndedBeforeStart])
        );
        let old = Activity::new(1, ActivityKind::Event, "x", d("1900-01-01"));
        assert_eq!(old.settle(), Err(vec![ActivityFault::StartedWhen]));
    }

    #[test]
    fn a_period_counts_activities_by_kind_and_the_leads_they_produced() {
        let (from, to) = (d("2023-01-01"), d("2023-12-31"));
        let mut trip = Activity::new(1, ActivityKind::Trip, "赴深圳", d("2023-03-01"));
        trip.id = 7;
        let mut office = Activity::new(
            1,
            ActivityKind::LiaisonOffice,
            "京津冀联络站",
            d("2022-01-01"),
        );
        office.id = 8;
        let found = Lead {
            activity_id: Some(7),
            ..Lead::new(1, "储能项目", "某公司", d("2023-03-02"))
        };
        let signed = Lead {
            activity_id: Some(8),
            ..Lead::new(1, "电池项目", "某公司", d("2022-11-01"))
        }
        .sign(
            3,
            d("2023-05-01"),
            crate::Amount::from_wan(1),
            d("2024-01-01"),
        )
        .unwrap();
        let elsewhere = Lead::new(1, "其他", "某公司", d("2023-04-01"));
        let f = figures([&trip, &office], [&found, &signed, &elsewhere], from, to);
        assert_eq!(
            (f.liaison_offices, f.events, f.trips, f.leads, f.signed),
            (1, 0, 1, 1, 1)
        );
    }
}
