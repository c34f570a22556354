//! Query strings, generated: every parameter of the project list (and of the audit search)
//! given good values, near misses and junk, thousands of times. None panics; a query is either
//! answered or refused naming a parameter it was given, with the value. Fixed seed.

use std::collections::HashMap;

use kfq_core::Lang;

use crate::helpers::name;

/// The generator of inputs: the core's SplitMix64.
struct Gen(kfq_core::rng::Rng);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

const KEYS: &[&str] = &[
    "city",
    "zone",
    "stage",
    "chain",
    "strategic",
    "category",
    "min_wan",
    "max_wan",
    "q",
    "round",
    "batch",
    "milestone",
    "stuck",
    "reported",
    "sort",
    "page",
    "per_page",
    "region",
    "as_of",
    "unknown",
];
const VALUES: &[&str] = &[
    "",
    " ",
    "141100",
    "140100",
    "999999",
    "吕梁经济技术开发区",
    "中北高新区",
    "signed",
    "producing",
    "started",
    "bogus",
    "true",
    "false",
    "是",
    "maybe",
    "产业类",
    "其他",
    "0",
    "1",
    "-1",
    "500",
    "501",
    "1000001",
    "12.5",
    "1e9",
    "99999999999999999999999",
    "万",
    "2024-1",
    "2022-1..2024-4",
    "2024-9",
    "2024-4..2022-1",
    "sign",
    "start",
    "produce",
    "started_on",
    "signed_not_landed",
    "2025-03",
    "2025-13",
    "2024-02-30",
    "-amount",
    "name",
    "zone",
    "stage",
    "code",
    "-nothing",
    "<script>",
    "' OR 1=1 --",
    "%00",
    "𠀀",
    "\u{0}",
];

#[tokio::test]
async fn generated_list_queries_are_answered_or_refused_naming_what_they_were_given() {
    for t in crate::helpers::both().await {
        let db = &t.db;
        let dir = tempfile::tempdir().unwrap();
        let zones = dir.path().join("开发区.csv");
        std::fs::write(
            &zones,
            "开发区名称,所属市,级别\n吕梁经济技术开发区,141100,省级\n中北高新区,140100,省级\n",
        )
        .unwrap();
        let projects = dir.path().join("项目.csv");
        std::fs::write(&projects, "项目编号,项目名称,所属开发区,项目类别,总投资（万元）,签约日期\nLL-1,氢能项目,吕梁经济技术开发区,产业类,50000,2024-01-10\nTY-1,半导体项目,中北高新区,产业类,80000,2024-01-05\n").unwrap();
        kfq_app::import::import_files(db, &[zones, projects], "clerk", Lang::Zh)
            .await
            .unwrap();
        let province = kfq_app::Actor {
            role: kfq_core::access::Role::Province,
            ..kfq_app::Actor::operator("fuzz", Lang::Zh)
        };
        let mut g = Gen(kfq_core::rng::Rng::new(7));
        let (mut answered, mut refused) = (0, 0);
        let tries = if name(&t) == "sqlite" { 3000 } else { 600 };
        for _ in 0..tries {
            let params: HashMap<String, String> = (0..1 + g.next() % 4)
                .map(|_| (g.pick(KEYS).to_string(), g.pick(VALUES).to_string()))
                .collect();
            let result = match kfq_app::projects::ProjectQuery::from_params(&params) {
                Ok(query) => kfq_app::projects::list(db, &province, &query).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(_) => answered += 1,
                Err(kfq_app::AppError::BadArgument { name, value, .. }) => {
                    refused += 1;
                    assert!(
                        params.contains_key(name),
                        "{name} was not given: {params:?}"
                    );
                    assert_eq!(params[name].trim(), value.trim(), "{params:?}");
                }
                Err(kfq_app::AppError::UnknownRegion(region)) => {
                    refused += 1;
                    assert!(params.values().any(|v| v.trim() == region), "{params:?}");
                }
                Err(kfq_app::AppError::UnknownRound(round)) => {
                    refused += 1;
                    assert!(
                        params.values().any(|v| v.contains(round.as_str())),
                        "{params:?}"
                    );
                }
                Err(other) => panic!("{params:?}: {other:?}"),
            }
        }
        // The audit search takes the same kind of text.
        for _ in 0..tries {
            let text = |g: &mut Gen| Some(g.pick(VALUES)).filter(|_| g.next().is_multiple_of(2));
            let (since, until) = (text(&mut g), text(&mut g));
            let other = |g: &mut Gen| text(g).map(str::to_string);
            match kfq_app::audit::query(since, until, other(&mut g), other(&mut g), other(&mut g)) {
                Ok(query) => {
                    kfq_app::audit::list(db, &province, &query, 50)
                        .await
                        .unwrap();
                    answered += 1;
                }
                Err(kfq_app::AppError::BadArgument { name, .. }) => {
                    // A date that is none, or a NUL character (which no database keeps).
                    assert!(
                        matches!(name, "since" | "until" | "user" | "action" | "object"),
                        "{name}"
                    );
                    refused += 1;
                }
                Err(other) => panic!("{since:?} {until:?}: {other:?}"),
            }
        }
        eprintln!(
            "{}: {} generated queries, {answered} answered, {refused} refused naming the parameter",
            name(&t),
            2 * tries
        );
    }
}
