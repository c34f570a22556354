//! Every parser a user's text goes through, fed many generated inputs: none panics, and what
//! one accepts it gives back as text that parses to the same value. The inputs come from a
//! fixed-seed generator (SplitMix64), so a failure reproduces; the counts are printed
//! (`cargo test -p kfq-core --test parsers -- --nocapture`).

use kfq_core::duplicates::{enterprise_key, name_key, name_similarity};
use kfq_core::enterprise::CreditCode;
use kfq_core::money::{Amount, MoneyUnit};
use kfq_core::project::{LandArea, ProjectCode};
use kfq_core::region::RegionCode;
use kfq_core::round::RoundId;
use kfq_core::Lang;

const INPUTS: usize = 20_000;

/// The generator of inputs: the core's SplitMix64, with the draws these tests need.
struct Gen(kfq_core::rng::Rng);

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen(kfq_core::rng::Rng::new(seed))
    }

    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A text of up to `max` characters drawn from `alphabet`.
    fn text(&mut self, alphabet: &[char], max: usize) -> String {
        let len = self.below(max + 1);
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

#[test]
fn amounts_parse_without_panicking_and_print_back_to_themselves() {
    let mut g = Gen::new(1);
    let alphabet = chars("0123456789012345678901234567890123456789.,-+ e万亿元 ０１２");
    let mut accepted = 0;
    for _ in 0..INPUTS {
        let text = g.text(&alphabet, 24);
        for unit in [MoneyUnit::Yuan, MoneyUnit::Wan, MoneyUnit::Yi] {
            if let Ok(a) = Amount::parse(&text, unit) {
                accepted += 1;
                assert_eq!(Amount::parse_wan(&a.wan_string()), Ok(a), "{text:?}");
                assert_eq!(
                    Amount::parse(&a.yuan().to_string(), MoneyUnit::Yuan),
                    Ok(a),
                    "{text:?}"
                );
            }
        }
    }
    eprintln!("amounts: {} inputs, {accepted} accepted", INPUTS * 3);
    assert!(accepted > 1000, "the generator reaches valid amounts too");
}

#[test]
fn rounds_regions_codes_and_areas_parse_without_panicking_and_round_trip() {
    let mut g = Gen::new(2);
    let round_chars = chars("0123456789--年第一二三四五六次 ");
    let digits = chars("0123456789");
    let code_chars = chars("0123456789-ABCxyz_/ 项目");
    let area_chars = chars("0123456789.-, 亩");
    let (mut rounds, mut regions, mut areas) = (0, 0, 0);
    for _ in 0..INPUTS {
        // Shaped like a round half the time (2024-4, 2024年第四次), noise otherwise.
        let seqs = ["一", "二", "三", "四", "五", "十"];
        let text = match g.below(4) {
            0 => format!("{}-{}", 1990 + g.below(120), g.below(7)),
            1 => format!("{}年第{}次", 1990 + g.below(120), seqs[g.below(seqs.len())]),
            _ => g.text(&round_chars, 12),
        };
        if let Ok(r) = RoundId::parse(&text) {
            rounds += 1;
            assert_eq!(RoundId::parse(&r.to_string()), Ok(r), "{text:?}");
            assert_eq!(RoundId::parse(&r.label(Lang::Zh)), Ok(r), "{text:?}");
        }
        let text = match g.below(2) {
            0 => format!("{}{:02}00", 11 + g.below(55), g.below(35)),
            _ => g.text(&digits, 7),
        };
        if let Ok(c) = RegionCode::parse(&text) {
            regions += 1;
            assert_eq!(c.to_string(), text.trim());
        }
        let _ = ProjectCode::parse(&g.text(&code_chars, 30));
        let text = g.text(&area_chars, 12);
        if let Some(a) = LandArea::parse(&text) {
            areas += 1;
            assert_eq!(LandArea::parse(&a.to_string()), Some(a), "{text:?}");
        }
    }
    eprintln!(
        "rounds, regions, project codes, areas: {} inputs; accepted {rounds} rounds, {regions} regions, {areas} areas",
        INPUTS * 4
    );
    assert!(rounds > 0 && regions > 0 && areas > 0);
}

#[test]
fn a_credit_code_check_character_catches_every_single_character_change() {
    let mut g = Gen::new(3);
    let alphabet = chars("0123456789ABCDEFGHJKLMNPQRTUWXY");
    let mut checked = 0;
    for _ in 0..INPUTS / 10 {
        let body: String = (0..17).map(|_| alphabet[g.below(alphabet.len())]).collect();
        let Ok(code) = CreditCode::complete(&body) else {
            continue;
        };
        let text = code.to_string();
        assert_eq!(
            CreditCode::parse(&text).map(|c| c.to_string()),
            Ok(text.clone())
        );
        // Change one character to another valid one: the check character no longer fits.
        let mut altered: Vec<char> = text.chars().collect();
        let at = g.below(17);
        let other = alphabet[(alphabet.iter().position(|c| *c == altered[at]).unwrap_or(0)
            + 1
            + g.below(alphabet.len() - 1))
            % alphabet.len()];
        altered[at] = other;
        let altered: String = altered.into_iter().collect();
        assert!(CreditCode::parse(&altered).is_err(), "{text} → {altered}");
        checked += 1;
    }
    let mut g = Gen::new(4);
    let noise = chars("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ abc-统一");
    for _ in 0..INPUTS {
        let _ = CreditCode::parse(&g.text(&noise, 20));
    }
    eprintln!("credit codes: {checked} valid codes altered and caught, {INPUTS} noise inputs");
    assert!(checked > 1000);
}

#[test]
fn names_compare_without_panicking_symmetrically_and_each_to_itself_fully() {
    let mut g = Gen::new(5);
    let alphabet = chars("年产万吨高端铝合金项目一二三四五六七八九十百千期第（）()0123456789２０MWmw风电生产建设工程基地华晟有限公司山西吕梁 ");
    for _ in 0..INPUTS {
        let (a, b) = (g.text(&alphabet, 24), g.text(&alphabet, 24));
        let (ka, kb) = (name_key(&a), name_key(&b));
        let (ab, ba) = (name_similarity(&ka, &kb), name_similarity(&kb, &ka));
        assert_eq!(ab, ba, "{a:?} {b:?}");
        assert!((0..=1000).contains(&ab));
        if !ka.core.is_empty() {
            assert_eq!(name_similarity(&ka, &ka), 1000, "{a:?}");
        }
        let _ = enterprise_key(&a);
    }
    eprintln!("names: {} pairs compared", INPUTS);
}

#[test]
fn months_parse_without_panicking_and_print_back_to_themselves() {
    use kfq_core::monthly::Month;
    let mut g = Gen::new(5);
    let alphabet = chars("0123456789-/.年月 张三其他２");
    let mut accepted = 0;
    for _ in 0..INPUTS {
        let text = if g.below(2) == 0 {
            let year = 1890 + g.below(330);
            let month = g.below(14);
            let sep = ["-", "/", ".", "年", ""][g.below(5)];
            let tail = ["", "月", " "][g.below(3)];
            if sep.is_empty() {
                format!("{year}{month:02}{tail}")
            } else {
                format!("{year}{sep}{month}{tail}")
            }
        } else {
            g.text(&alphabet, 10)
        };
        if let Ok(month) = Month::parse(&text) {
            accepted += 1;
            let printed = format!("{}-{:02}", month.year, month.month);
            assert_eq!(Month::parse(&printed), Ok(month), "{text:?}");
        }
    }
    // Two Chinese characters are six bytes, like 202403: not a month, and no panic.
    assert!(Month::parse("张三").is_err());
    eprintln!("months: {INPUTS} inputs, {accepted} accepted");
}
