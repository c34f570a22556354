//! The figures the demo must reproduce: `shared/domain/published-figures.md`.
//!
//! Published cells are exact; the unpublished cells of 2024年第四次 are filled so that the
//! province totals come out as published (187/567亿, 181/350.6亿, 170/418.7亿), with 晋中 and
//! 运城 signing 48 between them and 大同's three batches adding up to just over 78亿.

use kfq_core::round::BatchKind::{self, Produce, Sign, Start};

/// One city's batch in one round, with what is known of it. Amounts in 万元.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    pub round: (i32, u8),
    pub city: u32,
    pub batch: BatchKind,
    pub count: usize,
    pub wan: i64,
    /// 战新: how many, and their amount when published.
    pub strategic: Option<(usize, Option<i64>)>,
    /// 产业类: how many, and their expected annual output when published.
    pub industrial: Option<(usize, Option<i64>)>,
    /// How many entries of at least 1 亿元 (吕梁: “亿元以上 14 个”).
    pub above_one_yi: Option<usize>,
}

const fn cell(round: (i32, u8), city: u32, batch: BatchKind, count: usize, wan: i64) -> Cell {
    Cell {
        round,
        city,
        batch,
        count,
        wan,
        strategic: None,
        industrial: None,
        above_one_yi: None,
    }
}

const R4: (i32, u8) = (2024, 4);
const R1: (i32, u8) = (2024, 1);

/// 2024年第四次 for every city, and 2024年第一次 for 忻州 and 吕梁.
pub const CELLS: &[Cell] = &[
    // 太原: 14 signed published; the rest filled.
    cell(R4, 140100, Sign, 14, 400_000),
    cell(R4, 140100, Start, 20, 350_000),
    cell(R4, 140100, Produce, 21, 700_000),
    // 大同: 17/20/16 published, 53 projects over 78亿 in all.
    cell(R4, 140200, Sign, 17, 300_000),
    cell(R4, 140200, Start, 20, 280_000),
    cell(R4, 140200, Produce, 16, 210_000),
    // 阳泉: all published.
    cell(R4, 140300, Sign, 14, 625_000),
    cell(R4, 140300, Start, 10, 537_000),
    cell(R4, 140300, Produce, 6, 119_000),
    // 长治: counts published.
    cell(R4, 140400, Sign, 18, 450_000),
    cell(R4, 140400, Start, 17, 300_000),
    cell(R4, 140400, Produce, 18, 600_000),
    // 晋城: all published; 8 industrial projects in production expect 14.69亿 a year.
    cell(R4, 140500, Sign, 13, 217_200),
    cell(R4, 140500, Start, 16, 178_700),
    Cell {
        industrial: Some((8, Some(146_900))),
        ..cell(R4, 140500, Produce, 14, 181_600)
    },
    // 朔州: counts published.
    cell(R4, 140600, Sign, 9, 180_000),
    cell(R4, 140600, Start, 11, 140_000),
    cell(R4, 140600, Produce, 12, 350_000),
    // 晋中, 运城: not reported; they fill the province totals.
    cell(R4, 140700, Sign, 24, 460_000),
    cell(R4, 140700, Start, 18, 300_000),
    cell(R4, 140700, Produce, 20, 520_000),
    cell(R4, 140800, Sign, 24, 467_700),
    cell(R4, 140800, Start, 18, 301_500),
    cell(R4, 140800, Produce, 20, 519_900),
    // 忻州: all published, with the 战新 subsets.
    Cell {
        strategic: Some((10, Some(227_600))),
        ..cell(R4, 140900, Sign, 16, 271_600)
    },
    Cell {
        strategic: Some((9, Some(259_100))),
        ..cell(R4, 140900, Start, 15, 292_200)
    },
    Cell {
        strategic: Some((8, Some(89_400))),
        ..cell(R4, 140900, Produce, 13, 124_100)
    },
    // 临汾: all published.
    cell(R4, 141000, Sign, 26, 1_796_000),
    cell(R4, 141000, Start, 23, 551_000),
    cell(R4, 141000, Produce, 19, 765_000),
    // 吕梁: all published; 14 of the 36 at 1亿 or more, 19 战新.
    Cell {
        strategic: Some((7, None)),
        above_one_yi: Some(8),
        ..cell(R4, 141100, Sign, 12, 502_500)
    },
    Cell {
        strategic: Some((7, None)),
        above_one_yi: Some(5),
        ..cell(R4, 141100, Start, 13, 275_600)
    },
    Cell {
        strategic: Some((5, None)),
        above_one_yi: Some(1),
        ..cell(R4, 141100, Produce, 11, 97_400)
    },
    // 2024年第一次 (2024-02-23).
    cell(R1, 140900, Sign, 27, 385_800),
    cell(R1, 140900, Start, 23, 458_400),
    cell(R1, 140900, Produce, 15, 197_400),
    Cell {
        industrial: Some((7, Some(538_900))),
        ..cell(R1, 141100, Sign, 10, 206_400)
    },
    Cell {
        industrial: Some((10, Some(68_800))),
        ..cell(R1, 141100, Start, 17, 152_000)
    },
    Cell {
        industrial: Some((12, Some(511_400))),
        ..cell(R1, 141100, Produce, 16, 282_300)
    },
];

/// 吕梁's six rounds of 2022–2023 as reported at the end of 2023 (seeds 004): the entries of
/// each batch, per round, and how they stood on 2023-12-31.
pub mod lvliang {
    /// The six rounds: two in 2022, four in 2023.
    pub const ROUNDS: [(i32, u8); 6] = [
        (2022, 1),
        (2022, 2),
        (2023, 1),
        (2023, 2),
        (2023, 3),
        (2023, 4),
    ];
    pub const AS_OF: (i32, u32, u32) = (2023, 12, 31);

    /// 签约一批: 120 entries, 354.97亿; 108 started by then, their signed amount 319.23亿.
    pub const SIGN_PER_ROUND: [usize; 6] = [18, 20, 22, 22, 22, 16];
    pub const SIGN_NOT_STARTED_PER_ROUND: [usize; 6] = [1, 1, 1, 2, 3, 4];
    pub const SIGN_STARTED_WAN: i64 = 3_192_300;
    pub const SIGN_NOT_STARTED_WAN: i64 = 357_400;

    /// 开工一批: 123 entries, 376.91亿; 94 producing, having completed 162.54亿 (43.13%).
    /// 376.906亿 and 162.544亿 round to the published figures and give the published rate.
    pub const START_PER_ROUND: [usize; 6] = [20, 20, 21, 21, 21, 20];
    pub const START_PRODUCING_PER_ROUND: [usize; 6] = [20, 20, 21, 19, 12, 2];
    pub const START_PRODUCING_WAN: i64 = 2_900_000;
    pub const START_OTHER_WAN: i64 = 869_060;
    pub const START_COMPLETED_WAN: i64 = 1_625_440;

    /// 投产一批: 112 entries, 263.25亿; its 61 industrial projects all reached their target.
    pub const PRODUCE_PER_ROUND: [usize; 6] = [18, 18, 19, 19, 19, 19];
    pub const PRODUCE_INDUSTRIAL_PER_ROUND: [usize; 6] = [10, 10, 10, 10, 10, 11];
    pub const PRODUCE_INDUSTRIAL_WAN: i64 = 1_600_000;
    pub const PRODUCE_OTHER_WAN: i64 = 1_032_500;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(batch: BatchKind) -> (usize, i64) {
        CELLS
            .iter()
            .filter(|c| c.round == R4 && c.batch == batch)
            .fold((0, 0), |(n, w), c| (n + c.count, w + c.wan))
    }

    #[test]
    fn the_cells_of_2024_4_add_up_to_the_published_province_totals() {
        assert_eq!(total(Sign), (187, 5_670_000));
        assert_eq!(total(Start), (181, 3_506_000));
        assert_eq!(total(Produce), (170, 4_187_000));
        let datong: i64 = CELLS
            .iter()
            .filter(|c| c.round == R4 && c.city == 140200)
            .map(|c| c.wan)
            .sum();
        assert!(datong > 780_000);
    }

    #[test]
    fn the_lvliang_cohorts_match_the_published_counts() {
        use lvliang::*;
        assert_eq!(SIGN_PER_ROUND.iter().sum::<usize>(), 120);
        assert_eq!(SIGN_NOT_STARTED_PER_ROUND.iter().sum::<usize>(), 12);
        assert_eq!(START_PER_ROUND.iter().sum::<usize>(), 123);
        assert_eq!(START_PRODUCING_PER_ROUND.iter().sum::<usize>(), 94);
        assert_eq!(PRODUCE_PER_ROUND.iter().sum::<usize>(), 112);
        assert_eq!(PRODUCE_INDUSTRIAL_PER_ROUND.iter().sum::<usize>(), 61);
        assert_eq!(SIGN_STARTED_WAN + SIGN_NOT_STARTED_WAN, 3_549_700);
        assert_eq!(START_PRODUCING_WAN + START_OTHER_WAN, 3_769_060);
        assert_eq!(PRODUCE_INDUSTRIAL_WAN + PRODUCE_OTHER_WAN, 2_632_500);
    }
}
