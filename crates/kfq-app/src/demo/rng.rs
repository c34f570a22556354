//! The demo's random source (SplitMix64, from `kfq_core::rng`) and how it splits totals.

pub use kfq_core::rng::Rng;

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
