//! The demo's 赋权事项 and 一件事一次办: every zone holds powers delegated by the province, its
//! city and (for a county's zone) its county, most taken up within months; 吕梁市's zones hold
//! by the end of 2023 what was published (seeds 004): 省级 58 项、市级 3846 项、县级 1033 项,
//! 开发区承接 3567 项. Every zone runs a few bundled services; 晋城经开区 29 by the end of 2024
//! (seeds 003).

use chrono::{Datelike, Days, NaiveDate};
use kfq_core::delegation::{DelegatedPower, GrantLevel, ServiceBundle};
use kfq_core::rng::Rng;
use kfq_core::zone::Zone;
use kfq_store::Db;

use crate::AppError;

/// 吕梁市's zones at the end of 2023: powers granted by the province, the city and the county,
/// and those taken up (seeds 004: 58 / 3846 / 1033, 3567 taken up).
const LVLIANG_2023: &[(&str, [usize; 3], usize)] = &[
    ("吕梁经济技术开发区", [14, 820, 0], 700),
    ("孝义经济开发区", [12, 790, 280], 790),
    ("汾阳杏花村经济开发区", [11, 760, 260], 720),
    ("兴县经济技术开发区", [11, 740, 253], 690),
    ("文水经济开发区", [10, 736, 240], 667),
];
/// 晋城经开区's bundled services in use by the end of 2024 (seeds 003: 29 项“一件事一次办”).
const JINCHENG: (&str, usize, i32) = ("晋城经济技术开发区", 29, 2024);

const DEPARTMENTS: &[&str] = &[
    "发展改革",
    "自然资源",
    "住房城乡建设",
    "生态环境",
    "交通运输",
    "水利",
    "应急管理",
    "市场监管",
    "商务",
    "人力资源社会保障",
    "卫生健康",
    "文化旅游",
    "农业农村",
    "林草",
    "税务",
    "消防救援",
];
const KINDS: &[&str] = &[
    "行政许可",
    "行政确认",
    "行政检查",
    "行政处罚",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
];
/// Powers zones commonly take up first, by their catalogue names.
const NAMED: &[&str] = &[
    "企业投资项目备案",
    "企业投资项目核准",
    "建设用地规划许可证核发",
    "建设工程规划许可证核发",
    "建筑工程施工许可证核发",
    "建设项目环境影响评价文件审批",
    "固定资产投资项目节能审查",
    "建设工程消防设计审查",
    "建设工程消防验收",
    "人防工程防空地下室易地建设审批",
    "城市建筑垃圾处置核准",
    "临时占用城市道路审批",
    "排污许可证核发",
    "取水许可",
    "生产建设项目水土保持方案审批",
];
const BUNDLES: &[(&str, &[&str])] = &[
    (
        "开办企业一件事",
        &["营业执照", "公章刻制", "发票申领", "社保登记"],
    ),
    (
        "企业变更一件事",
        &["营业执照变更", "税务信息变更", "社保信息变更"],
    ),
    ("企业注销一件事", &["清税证明", "营业执照注销", "社保注销"]),
    (
        "项目开工一件事",
        &["施工图审查", "质量安全监督", "施工许可"],
    ),
    (
        "竣工验收一件事",
        &["规划核实", "消防验收", "人防验收", "竣工验收备案"],
    ),
    (
        "水电气暖报装一件事",
        &["用水报装", "用电报装", "用气报装", "供暖报装"],
    ),
    (
        "不动产登记一件事",
        &["不动产登记", "契税缴纳", "水电气过户"],
    ),
    ("员工招聘一件事", &["招聘信息发布", "就业登记", "社保参保"]),
    ("企业上市一件事", &["合规证明", "信用报告", "上市辅导备案"]),
    ("惠企政策兑现一件事", &["政策申报", "审核认定", "资金拨付"]),
    ("项目立项一件事", &["项目备案", "节能审查", "环评审批"]),
    (
        "用地审批一件事",
        &["用地预审", "建设用地规划许可", "土地出让"],
    ),
    ("工程规划一件事", &["建设工程规划许可", "规划设计方案审查"]),
    ("排污许可一件事", &["排污许可", "环评审批"]),
    ("取水许可一件事", &["取水许可", "水资源论证"]),
    ("招投标一件事", &["招标备案", "开标评标", "中标公示"]),
    ("融资贷款一件事", &["融资需求登记", "信用查询", "贷款发放"]),
    ("人才引进一件事", &["人才认定", "落户办理", "住房补贴"]),
    (
        "科技型企业认定一件事",
        &["科技型中小企业评价", "高新技术企业认定"],
    ),
    ("外资企业设立一件事", &["外资备案", "营业执照", "外汇登记"]),
    (
        "进出口经营一件事",
        &["对外贸易经营者备案", "海关注册", "电子口岸入网"],
    ),
    ("危化品经营一件事", &["危险化学品经营许可", "安全评价备案"]),
    ("特种设备使用一件事", &["特种设备使用登记", "作业人员证"]),
    ("食品经营一件事", &["食品经营许可", "健康证明"]),
    ("户外广告设置一件事", &["户外广告设置许可", "城市道路占用"]),
    ("建筑垃圾处置一件事", &["建筑垃圾处置核准", "运输车辆备案"]),
    ("职工退休一件事", &["退休审批", "养老金核定", "医保转移"]),
    ("企业信用修复一件事", &["信用修复申请", "行政处罚信息修复"]),
    (
        "项目投产一件事",
        &["试生产备案", "安全设施验收", "环保验收"],
    ),
    ("园区入驻一件事", &["入驻协议", "厂房租赁备案", "企业登记"]),
    ("跨境电商一件事", &["跨境电商备案", "海关注册", "外汇登记"]),
];

fn day(year: i32, rng: &mut Rng) -> NaiveDate {
    NaiveDate::from_yo_opt(year, rng.range(1, 360) as u32).unwrap_or(NaiveDate::MIN)
}

/// The catalogue name of a zone's n-th power of a level.
fn power_name(level: GrantLevel, n: usize) -> String {
    if level == GrantLevel::Province {
        if let Some(name) = NAMED.get(n) {
            return name.to_string();
        }
    }
    let department = DEPARTMENTS[n % DEPARTMENTS.len()];
    let kind = KINDS[(n / DEPARTMENTS.len()) % KINDS.len()];
    format!("{department}领域{kind}事项（第{}项）", n + 1)
}

fn level_mark(level: GrantLevel) -> &'static str {
    match level {
        GrantLevel::Province => "S",
        GrantLevel::City => "C",
        GrantLevel::County => "X",
    }
}

/// A zone's powers: as published for 吕梁's zones (all granted in 2021–2023, the published
/// number taken up by the end of 2023, the rest after or not yet), a few dozen elsewhere.
fn powers_of(zone: &Zone, today: NaiveDate) -> Vec<DelegatedPower> {
    let mut rng = Rng::new(0x6675_7175 ^ zone.id as u64);
    let published = LVLIANG_2023.iter().find(|(n, _, _)| *n == zone.name);
    let counts = match published {
        Some((_, counts, _)) => *counts,
        None => [
            rng.range(3, 8) as usize,
            rng.range(20, 60) as usize,
            if zone.level == kfq_core::zone::ZoneLevel::National {
                0
            } else {
                rng.range(5, 25) as usize
            },
        ],
    };
    let end_2023 = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap_or(today);
    let mut taken_by_2023 = published.map_or(0, |(_, _, taken)| *taken);
    let mut list = Vec::new();
    let levels = [GrantLevel::Province, GrantLevel::City, GrantLevel::County];
    for (level, count) in levels.into_iter().zip(counts) {
        for n in 0..count {
            let mut p = DelegatedPower::new(zone.id, level, &power_name(level, n));
            p.code = format!("{}-{}-{:04}", zone.city.value(), level_mark(level), n + 1);
            let granted = day(2021 + rng.range(0, 2) as i32, &mut rng);
            p.granted_on = Some(granted);
            let soon = granted.checked_add_days(Days::new(rng.range(10, 120) as u64));
            let taken = if published.is_none() {
                soon.filter(|_| rng.chance(85))
            } else if taken_by_2023 > 0 {
                taken_by_2023 -= 1;
                soon.map(|d| d.min(end_2023))
            } else if rng.chance(40) {
                Some(day(2024 + rng.range(0, 1) as i32, &mut rng))
            } else {
                None
            };
            p.taken_up_on = taken.filter(|d| *d <= today);
            list.push(p);
        }
    }
    list
}

/// A zone's bundled services: 晋城经开区's as published, three to eight elsewhere, launched
/// from 2022 on.
fn bundles_of(zone: &Zone, today: NaiveDate) -> Vec<ServiceBundle> {
    let mut rng = Rng::new(0x6275_6e64 ^ zone.id as u64);
    let (count, by) = if zone.name == JINCHENG.0 {
        (JINCHENG.1, JINCHENG.2)
    } else {
        (rng.range(3, 8) as usize, today.year())
    };
    BUNDLES
        .iter()
        .take(count)
        .map(|(name, procedures)| {
            let mut b = ServiceBundle::new(zone.id, name);
            b.procedures = procedures.iter().map(|p| p.to_string()).collect();
            let year = rng.range(2022, i64::from(by.min(today.year()))) as i32;
            b.launched_on = Some(day(year, &mut rng).min(today));
            b
        })
        .collect()
}

/// Adds every zone's delegated powers and bundled services, in one transaction.
pub async fn seed(db: &Db, today: NaiveDate) -> Result<(), AppError> {
    let zones = kfq_store::zones(db).await?;
    let powers: Vec<DelegatedPower> = zones.iter().flat_map(|z| powers_of(z, today)).collect();
    let bundles: Vec<ServiceBundle> = zones.iter().flat_map(|z| bundles_of(z, today)).collect();
    let mut tx = db.begin().await?;
    kfq_store::insert_powers(&mut tx, &powers).await?;
    kfq_store::insert_bundles(&mut tx, &bundles).await?;
    tx.commit().await?;
    Ok(())
}
