//! Weight rows stored in lanes of eight floats, for the sparse sums and updates that
//! online learning does per message.
//!
//! # Why
//!
//! A message touches a few hundred rows of a `[dim, width]` table at random (one per
//! hashed feature). Summed with a loop whose length is only known at run time, the
//! partial sums go through memory on every row; with the row length a compile-time
//! number of eight-float lanes they stay in registers and the loop vectorises. On 20
//! Newsgroups rows (20 labels, about 700 features per post) that was five to ten times
//! faster, measured with a throwaway micro-benchmark. So each row is padded to whole lanes
//! and the hot loops are generic over the lane count, up to 8 lanes (64 floats); wider
//! rows take a plain loop.

/// Floats per lane.
pub(crate) const LANE: usize = 8;

/// Eight floats, aligned to 32 bytes: with rows of whole lanes, a row of up to 16 floats
/// sits in one 64-byte cache line and one of up to 24 in two, wherever it starts (an
/// unaligned 24-float row spans three lines half the time).
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, align(32))]
pub(crate) struct Lane(pub [f32; LANE]);

/// A `[rows, width]` matrix, each row padded with zeros to whole lanes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    width: usize,
    lanes: usize,
    data: Vec<Lane>,
}

impl Table {
    /// From a row-major `[rows, width]` matrix.
    pub(crate) fn from_rows(flat: &[f32], width: usize) -> Table {
        let lanes = width.div_ceil(LANE).max(1);
        let rows = flat.len().checked_div(width).unwrap_or(0);
        let mut data = vec![Lane([0.0; LANE]); rows * lanes];
        for (r, row) in flat.chunks_exact(width.max(1)).enumerate() {
            for (lane, part) in data[r * lanes..(r + 1) * lanes]
                .iter_mut()
                .zip(row.chunks(LANE))
            {
                lane.0[..part.len()].copy_from_slice(part);
            }
        }
        Table { width, lanes, data }
    }

    /// Back to a row-major `[rows, width]` matrix.
    pub(crate) fn to_rows(&self) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.rows() * self.width);
        for lanes in self.data.chunks_exact(self.lanes) {
            out.extend(lanes.iter().flat_map(|l| l.0).take(self.width));
        }
        out
    }

    /// The number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.data.len().checked_div(self.lanes).unwrap_or(0)
    }

    /// The row length.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// A copy of row `r` without its padding (explanations; the hot loops below do not
    /// copy).
    pub(crate) fn row(&self, r: usize) -> Option<Vec<f32>> {
        let lanes = self.data.get(r * self.lanes..(r + 1) * self.lanes)?;
        Some(lanes.iter().flat_map(|l| l.0).take(self.width).collect())
    }

    /// Every value set to `v` (tests).
    #[cfg(test)]
    pub(crate) fn fill(&mut self, v: f32) {
        let width = self.width;
        for lanes in self.data.chunks_exact_mut(self.lanes) {
            for (i, lane) in lanes.iter_mut().enumerate() {
                for (j, a) in lane.0.iter_mut().enumerate() {
                    if i * LANE + j < width {
                        *a = v;
                    }
                }
            }
        }
    }

    /// `out[j] += Σ_i xs[i] × row(ids[i])[j]`. Ids past the end are skipped (the caller
    /// checked them against the model).
    pub(crate) fn gather_sum(&self, ids: &[u32], xs: &[f32], out: &mut [f32]) {
        match self.lanes {
            1 => self.gather_fast::<1>(ids, xs, out),
            2 => self.gather_fast::<2>(ids, xs, out),
            3 => self.gather_fast::<3>(ids, xs, out),
            4 => self.gather_fast::<4>(ids, xs, out),
            5 => self.gather_fast::<5>(ids, xs, out),
            6 => self.gather_fast::<6>(ids, xs, out),
            7 => self.gather_fast::<7>(ids, xs, out),
            8 => self.gather_fast::<8>(ids, xs, out),
            k => {
                let mut acc = vec![0.0f32; k * LANE];
                for (&id, &x) in ids.iter().zip(xs) {
                    let Some(row) = self.data.get(id as usize * k..(id as usize + 1) * k) else {
                        continue;
                    };
                    for (a, r) in acc.chunks_exact_mut(LANE).zip(row) {
                        for (a, r) in a.iter_mut().zip(&r.0) {
                            *a += x * r;
                        }
                    }
                }
                for (o, a) in out.iter_mut().zip(&acc) {
                    *o += a;
                }
            }
        }
    }

    fn gather_fast<const K: usize>(&self, ids: &[u32], xs: &[f32], out: &mut [f32]) {
        let mut acc = [[0.0f32; LANE]; K];
        for (&id, &x) in ids.iter().zip(xs) {
            let at = id as usize * K;
            let Some(row) = self.data.get(at..at + K) else {
                continue;
            };
            for (a, r) in acc.iter_mut().zip(row) {
                // Lane by lane through a local copy: the form the compiler vectorises.
                let mut t = *a;
                for (t, r) in t.iter_mut().zip(&r.0) {
                    *t += x * r;
                }
                *a = t;
            }
        }
        for (o, a) in out.iter_mut().zip(acc.iter().flatten()) {
            *o += a;
        }
    }

    /// `row(ids[i])[j] -= xs[i] × g[j]` for every `i`.
    pub(crate) fn scatter_sub(&mut self, ids: &[u32], xs: &[f32], g: &[f32]) {
        match self.lanes {
            1 => self.scatter_fast::<1>(ids, xs, g),
            2 => self.scatter_fast::<2>(ids, xs, g),
            3 => self.scatter_fast::<3>(ids, xs, g),
            4 => self.scatter_fast::<4>(ids, xs, g),
            5 => self.scatter_fast::<5>(ids, xs, g),
            6 => self.scatter_fast::<6>(ids, xs, g),
            7 => self.scatter_fast::<7>(ids, xs, g),
            8 => self.scatter_fast::<8>(ids, xs, g),
            k => {
                let mut gl = vec![0.0f32; k * LANE];
                gl.iter_mut().zip(g).for_each(|(d, s)| *d = *s);
                for (&id, &x) in ids.iter().zip(xs) {
                    let at = id as usize * k;
                    let Some(row) = self.data.get_mut(at..at + k) else {
                        continue;
                    };
                    for (r, gv) in row.iter_mut().zip(gl.chunks_exact(LANE)) {
                        for (w, gv) in r.0.iter_mut().zip(gv) {
                            *w -= x * gv;
                        }
                    }
                }
            }
        }
    }

    fn scatter_fast<const K: usize>(&mut self, ids: &[u32], xs: &[f32], g: &[f32]) {
        let mut gl = [[0.0f32; LANE]; K];
        for (d, s) in gl.iter_mut().flatten().zip(g) {
            *d = *s;
        }
        // A squared-hinge step moves few labels: lanes whose gradient is zero are left
        // alone, which often saves a cache line per row.
        let live: [bool; K] = std::array::from_fn(|l| gl[l].iter().any(|v| *v != 0.0));
        for (&id, &x) in ids.iter().zip(xs) {
            let at = id as usize * K;
            let Some(row) = self.data.get_mut(at..at + K) else {
                continue;
            };
            // Padding lanes get `0 - x × 0`: they stay zero.
            for ((r, gv), &on) in row.iter_mut().zip(&gl).zip(&live) {
                if on {
                    let mut t = r.0;
                    for (t, gv) in t.iter_mut().zip(gv) {
                        *t -= x * gv;
                    }
                    r.0 = t;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_and_updates_match_plain_loops_for_every_width() {
        for width in [1usize, 3, 8, 9, 20, 64, 65, 130] {
            let rows = 17;
            let flat: Vec<f32> = (0..rows * width)
                .map(|i| ((i * 7919) % 23) as f32 * 0.1 - 1.0)
                .collect();
            let mut t = Table::from_rows(&flat, width);
            assert_eq!(t.to_rows(), flat);
            assert_eq!(t.rows(), rows);
            let ids = [0u32, 3, 16, 99];
            let xs = [0.5f32, -2.0, 0.25, 9.0];
            let mut got = vec![1.0f32; width];
            t.gather_sum(&ids, &xs, &mut got);
            let mut want = vec![1.0f32; width];
            for (&id, &x) in ids.iter().zip(&xs).take(3) {
                for (j, w) in want.iter_mut().enumerate() {
                    *w += x * flat[id as usize * width + j];
                }
            }
            // The lanes sum the products before adding them to `out`: rounding may differ.
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-4, "width {width}: {got:?} vs {want:?}");
            }
            let g: Vec<f32> = (0..width).map(|j| j as f32 * 0.5).collect();
            t.scatter_sub(&ids, &xs, &g);
            let mut flat2 = flat.clone();
            for (&id, &x) in ids.iter().zip(&xs).take(3) {
                for (j, gv) in g.iter().enumerate() {
                    flat2[id as usize * width + j] -= x * gv;
                }
            }
            assert_eq!(t.to_rows(), flat2, "width {width}");
            // The padding stayed zero.
            for lanes in t.data.chunks_exact(t.lanes) {
                let flat: Vec<f32> = lanes.iter().flat_map(|l| l.0).collect();
                assert!(flat[width..].iter().all(|v| *v == 0.0));
            }
        }
    }
}
