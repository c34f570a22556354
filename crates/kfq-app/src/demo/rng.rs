//! A small deterministic random source (SplitMix64), so the demo is the same on every machine
//! and with every version of every library.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// True with `percent` per cent chance.
    pub fn chance(&mut self, percent: i64) -> bool {
        self.range(1, 100) <= percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as i64 - 1) as usize]
    }

    /// A log-normal weight around 1000 (spread like project sizes are).
    pub fn weight(&mut self) -> u64 {
        let u1 = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let u2 = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let normal = (-2.0 * u1.max(1e-12).ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        ((0.8 * normal).exp() * 1000.0).round().max(1.0) as u64
    }

    /// Shuffles in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.range(0, i as i64) as usize;
            items.swap(i, j);
        }
    }
}

/// Splits `total` into `n` whole parts of at least `min`, sized by log-normal weights; the parts
/// add up to `total` exactly.
pub fn split(rng: &mut Rng, total: i64, n: usize, min: i64) -> Vec<i64> {
    let weights: Vec<u64> = (0..n).map(|_| rng.weight()).collect();
    split_by(total, &weights, min)
}

/// Splits `total` into `n` parts of similar size (±30%), as a project's months are.
pub fn split_even(rng: &mut Rng, total: i64, n: usize) -> Vec<i64> {
    let weights: Vec<u64> = (0..n).map(|_| rng.range(70, 130) as u64).collect();
    split_by(total, &weights, 0)
}

fn split_by(total: i64, weights: &[u64], min: i64) -> Vec<i64> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let min = min.min(total / n as i64);
    let rest = total - min * n as i64;
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    let mut parts: Vec<i64> = weights
        .iter()
        .map(|&w| min + (u128::from(w) * rest as u128 / sum) as i64)
        .collect();
    let short = total - parts.iter().sum::<i64>();
    if let Some(largest) = (0..n).max_by_key(|&i| weights[i]) {
        parts[largest] += short;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_add_up_exactly_and_respect_the_minimum() {
        let mut rng = Rng::new(7);
        for (total, n) in [(3_192_300, 108), (357_400, 12), (10, 3), (0, 2)] {
            let parts = split(&mut rng, total, n, 500);
            assert_eq!(parts.len(), n);
            assert_eq!(parts.iter().sum::<i64>(), total);
            assert!(parts.iter().all(|&p| p >= (500i64).min(total / n as i64)));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(42);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(42);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
    }
}
