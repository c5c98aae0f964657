//! The `k` largest of a head's probabilities (or a KLE level's sums), for a decision's
//! ranked labels. Must not import `crate::train` or `crate::eval`.

/// Above this `k`, [`top_k`] selects with `select_nth_unstable_by` instead of one pass: the
/// pass inserts into a sorted list of `k`, which costs up to `k` moves per insert.
const ONE_PASS_MAX_K: usize = 16;

/// The indices of the `k` largest values of `p`, largest first; equal values in index
/// order. Values compare by `f32::total_cmp`, so the order is total: a NaN with the sign
/// bit clear sorts above every number, one with it set (what x86 arithmetic makes) below.
///
/// A decision asks for three of a KLE head's 2,390 probabilities. Sorting or selecting a
/// list of every index costs an allocation and many comparisons per label; one pass that
/// keeps the best `k` so far compares most labels once, with the `k`-th best, and stops
/// there. Same result as sorting every index by `(value descending, index ascending)`
/// and taking the first `k` (tested against that).
pub(crate) fn top_k(p: &[f32], k: usize) -> Vec<usize> {
    let k = k.min(p.len());
    let before = |a: usize, b: usize| p[a].total_cmp(&p[b]).then(b.cmp(&a)).is_gt();
    if k > ONE_PASS_MAX_K {
        let mut order: Vec<usize> = (0..p.len()).collect();
        let by_value = |a: &usize, b: &usize| p[*b].total_cmp(&p[*a]).then(a.cmp(b));
        if order.len() > k {
            order.select_nth_unstable_by(k - 1, by_value);
            order.truncate(k);
        }
        order.sort_by(by_value);
        return order;
    }
    let mut best: Vec<usize> = Vec::with_capacity(k + 1);
    if k == 0 {
        return best;
    }
    for i in 0..p.len() {
        if best.len() == k {
            // Later indices lose ties, so only a strictly larger value gets in.
            if p[i].total_cmp(&p[best[k - 1]]).is_le() {
                continue;
            }
            best.pop();
        }
        let at = best.partition_point(|&b| before(b, i));
        best.insert(at, i);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every index sorted by value, largest first, ties by index: what [`top_k`] must
    /// return the first `k` of.
    fn sorted_reference(p: &[f32], k: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..p.len()).collect();
        order.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
        order.truncate(k);
        order
    }

    #[test]
    fn top_k_is_the_head_of_the_full_sort() {
        let mut rng = crate::model::rng::Rng::new(7);
        for case in 0..3000 {
            let n = case % 60;
            // Few distinct values, so that ties are common; NaNs of both signs and both
            // infinities now and then.
            let p: Vec<f32> = (0..n)
                .map(|_| match rng.below(40) {
                    0 => f32::NAN,
                    1 => f32::INFINITY,
                    2 => -0.0,
                    3 => -f32::NAN,
                    4 => f32::NEG_INFINITY,
                    r => (r % 7) as f32 / 7.0,
                })
                .collect();
            for k in [0, 1, 2, 3, 5, 16, 17, 40, 100] {
                assert_eq!(top_k(&p, k), sorted_reference(&p, k), "{p:?} k={k}");
            }
        }
    }

    #[test]
    fn top_k_of_many_labels() {
        let mut rng = crate::model::rng::Rng::new(11);
        let p: Vec<f32> = (0..2390).map(|_| rng.below(1000) as f32 / 1e4).collect();
        for k in [1, 3, 10, 16, 17, 2390, 5000] {
            assert_eq!(top_k(&p, k), sorted_reference(&p, k));
        }
    }
}
