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
//!
//! A table is far larger than the caches (20 MB or more per copy), so nearly every row is a
//! cache miss, and the loops wait on memory, not on arithmetic. The processor only looks a
//! few rows ahead on its own; the loops therefore prefetch the row [`AHEAD`] features
//! ahead, which keeps many misses in flight. In a micro-benchmark of 640 random rows of 20
//! labels out of 2^18, that made a sum 2.3 and an update 2.5 times faster (8 rows ahead:
//! 1.9 and 2; 32: no better than 16). On the learning curve (`examples/learning_curve.rs`)
//! online learning went from about 3,500 to 6,000 corrections per second, and huge pages
//! for the tables (see [`Store`]) took it to about 8,300.
//!
//! Part of `model`: must not import `crate::train` or `crate::eval`.

use crate::prefetch::prefetch;

/// Floats per lane.
pub(crate) const LANE: usize = 8;

/// How many features ahead the loops prefetch a row (training's loops too).
pub(crate) const AHEAD: usize = 16;

/// Prefetches every cache line of row `id` (if any) of a plain row-major `[_, width]` table
/// (training's tables, which are as large and as randomly read as these).
#[inline(always)]
pub(crate) fn prefetch_flat_row(table: &[f32], width: usize, id: Option<&u32>) {
    let Some(row) = id.and_then(|&id| table.get(id as usize * width..(id as usize + 1) * width))
    else {
        return;
    };
    for v in row.iter().step_by(16) {
        prefetch(v);
    }
    if let Some(last) = row.last() {
        prefetch(last);
    }
}

/// Eight floats. A table keeps its lanes in a memory mapping of its own, which starts on a
/// page boundary (see [`Store`]), so every lane is aligned to 32 bytes: with rows of whole
/// lanes, a row of up to 16 floats sits in one 64-byte cache line and one of up to 24 in
/// two, wherever it starts (an unaligned 24-float row spans three lines half the time).
pub(crate) type Lane = [f32; LANE];

/// The lanes of a table, in an anonymous memory mapping of their own: it starts on a page
/// boundary (the alignment [`Lane`] relies on), and on Linux a table of 2 MB or more is
/// marked for transparent huge pages. A message's rows are scattered over tens of
/// megabytes, so with 4 KB pages nearly every row also misses the TLB; with the huge pages
/// (which the kernel gives when they are enabled, in its default `madvise` mode too),
/// online learning on 20 Newsgroups went from about 6,000 to 8,300 corrections per second
/// (`examples/learning_curve.rs`). Where there is no mapping (an empty table, or the
/// mapping failed) the lanes live in a `Vec`, which only guarantees the alignment of an
/// `f32`: the table works the same, only slower.
enum Store {
    Mapped(memmap2::MmapMut),
    Heap(Vec<Lane>),
}

impl Store {
    /// `n` lanes of zeros.
    fn zeroed(n: usize) -> Store {
        let bytes = n.saturating_mul(std::mem::size_of::<Lane>());
        if n > 0 {
            if let Ok(map) = memmap2::MmapMut::map_anon(bytes) {
                // Before the first write, so that the pages can be faulted in as huge ones;
                // a table smaller than one huge page would not get any.
                #[cfg(target_os = "linux")]
                if bytes >= 2 << 20 {
                    let _ = map.advise(memmap2::Advice::HugePage);
                }
                let store = Store::Mapped(map);
                // A mapping is page-aligned and `bytes` a whole number of lanes, so the
                // cast cannot fail; checked once here so `lanes` need not.
                if store.lanes().len() == n {
                    return store;
                }
            }
        }
        Store::Heap(vec![[0.0; LANE]; n])
    }

    fn lanes(&self) -> &[Lane] {
        match self {
            // `zeroed` checked that the cast works; a mapping never moves or changes size.
            Store::Mapped(map) => bytemuck::try_cast_slice(&map[..]).unwrap_or_default(),
            Store::Heap(v) => v,
        }
    }

    fn lanes_mut(&mut self) -> &mut [Lane] {
        match self {
            Store::Mapped(map) => bytemuck::try_cast_slice_mut(&mut map[..]).unwrap_or_default(),
            Store::Heap(v) => v,
        }
    }
}

impl Clone for Store {
    fn clone(&self) -> Store {
        let src = self.lanes();
        let mut store = Store::zeroed(src.len());
        store.lanes_mut().copy_from_slice(src);
        store
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        self.lanes() == other.lanes()
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Store::Mapped(_) => "mapped",
            Store::Heap(_) => "heap",
        };
        write!(f, "Store({} lanes, {kind})", self.lanes().len())
    }
}

/// Prefetches every line of row `id` (if any) of a table of `k`-lane rows: two lanes share
/// a line, and the first and the last lane may each have one to themselves.
#[inline(always)]
fn prefetch_row(data: &[Lane], id: Option<&u32>, k: usize) {
    if let Some(&id) = id {
        let at = id as usize * k;
        for l in (0..k)
            .step_by(2)
            .chain(std::iter::once(k.saturating_sub(1)))
        {
            if let Some(lane) = data.get(at + l) {
                prefetch(lane);
            }
        }
    }
}

/// A `[rows, width]` matrix, each row padded with zeros to whole lanes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    width: usize,
    lanes: usize,
    data: Store,
}

impl Table {
    /// From a row-major `[rows, width]` matrix.
    pub(crate) fn from_rows(flat: &[f32], width: usize) -> Table {
        let lanes = width.div_ceil(LANE).max(1);
        let rows = flat.len().checked_div(width).unwrap_or(0);
        let mut data = Store::zeroed(rows * lanes);
        for (row, out) in flat
            .chunks_exact(width.max(1))
            .zip(data.lanes_mut().chunks_exact_mut(lanes))
        {
            for (lane, part) in out.iter_mut().zip(row.chunks(LANE)) {
                lane[..part.len()].copy_from_slice(part);
            }
        }
        Table { width, lanes, data }
    }

    /// Back to a row-major `[rows, width]` matrix.
    pub(crate) fn to_rows(&self) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.rows() * self.width);
        for lanes in self.data.lanes().chunks_exact(self.lanes) {
            out.extend(lanes.iter().flatten().copied().take(self.width));
        }
        out
    }

    /// The number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.data.lanes().len().checked_div(self.lanes).unwrap_or(0)
    }

    /// The row length.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// A copy of row `r` without its padding (explanations; the hot loops below do not
    /// copy).
    pub(crate) fn row(&self, r: usize) -> Option<Vec<f32>> {
        let lanes = self
            .data
            .lanes()
            .get(r * self.lanes..(r + 1) * self.lanes)?;
        Some(lanes.iter().flatten().copied().take(self.width).collect())
    }

    /// Every value set to `v` (tests).
    #[cfg(test)]
    pub(crate) fn fill(&mut self, v: f32) {
        let width = self.width;
        for lanes in self.data.lanes_mut().chunks_exact_mut(self.lanes) {
            for (i, lane) in lanes.iter_mut().enumerate() {
                for (j, a) in lane.iter_mut().enumerate() {
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
                let data = self.data.lanes();
                let mut acc = vec![0.0f32; k * LANE];
                for (i, (&id, &x)) in ids.iter().zip(xs).enumerate() {
                    prefetch_row(data, ids.get(i + AHEAD), k);
                    let Some(row) = data.get(id as usize * k..(id as usize + 1) * k) else {
                        continue;
                    };
                    for (a, r) in acc.chunks_exact_mut(LANE).zip(row) {
                        for (a, r) in a.iter_mut().zip(r) {
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
        let data = self.data.lanes();
        let mut acc = [[0.0f32; LANE]; K];
        for (i, (&id, &x)) in ids.iter().zip(xs).enumerate() {
            prefetch_row(data, ids.get(i + AHEAD), K);
            let at = id as usize * K;
            let Some(row) = data.get(at..at + K) else {
                continue;
            };
            for (a, r) in acc.iter_mut().zip(row) {
                // Lane by lane through a local copy: the form the compiler vectorises.
                let mut t = *a;
                for (t, r) in t.iter_mut().zip(r) {
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
                let data = self.data.lanes_mut();
                for (i, (&id, &x)) in ids.iter().zip(xs).enumerate() {
                    prefetch_row(data, ids.get(i + AHEAD), k);
                    let at = id as usize * k;
                    let Some(row) = data.get_mut(at..at + k) else {
                        continue;
                    };
                    for (r, gv) in row.iter_mut().zip(gl.chunks_exact(LANE)) {
                        for (w, gv) in r.iter_mut().zip(gv) {
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
        let data = self.data.lanes_mut();
        for (i, (&id, &x)) in ids.iter().zip(xs).enumerate() {
            if let Some(&next) = ids.get(i + AHEAD) {
                let at = next as usize * K;
                for (l, &on) in live.iter().enumerate() {
                    if let (true, Some(lane)) = (on, data.get(at + l)) {
                        prefetch(lane);
                    }
                }
            }
            let at = id as usize * K;
            let Some(row) = data.get_mut(at..at + K) else {
                continue;
            };
            // Padding lanes get `0 - x × 0`: they stay zero.
            for ((r, gv), &on) in row.iter_mut().zip(&gl).zip(&live) {
                if on {
                    let mut t = *r;
                    for (t, gv) in t.iter_mut().zip(gv) {
                        *t -= x * gv;
                    }
                    *r = t;
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
            // More ids than `AHEAD`, so that the prefetching runs; some repeated, some past
            // the end (skipped).
            let ids: Vec<u32> = (0..50u32)
                .map(|i| match i % 10 {
                    7 => 99,
                    9 => u32::MAX,
                    _ => (i * 5) % rows as u32,
                })
                .collect();
            let xs: Vec<f32> = (0..50).map(|i| (i % 7) as f32 * 0.25 - 0.75).collect();
            let inside = || ids.iter().zip(&xs).filter(|(&id, _)| (id as usize) < rows);
            let mut got = vec![1.0f32; width];
            t.gather_sum(&ids, &xs, &mut got);
            let mut want = vec![1.0f32; width];
            for (&id, &x) in inside() {
                for (j, w) in want.iter_mut().enumerate() {
                    *w += x * flat[id as usize * width + j];
                }
            }
            // The lanes sum the products before adding them to `out`: rounding may differ.
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (g - w).abs() < 1e-4 * (1.0 + w.abs()),
                    "width {width}: {got:?} vs {want:?}"
                );
            }
            let g: Vec<f32> = (0..width).map(|j| j as f32 * 0.5).collect();
            t.scatter_sub(&ids, &xs, &g);
            let mut flat2 = flat.clone();
            for (&id, &x) in inside() {
                for (j, gv) in g.iter().enumerate() {
                    flat2[id as usize * width + j] -= x * gv;
                }
            }
            assert_eq!(t.to_rows(), flat2, "width {width}");
            // The padding stayed zero.
            for lanes in t.data.lanes().chunks_exact(t.lanes) {
                let flat: Vec<f32> = lanes.iter().flatten().copied().collect();
                assert!(flat[width..].iter().all(|v| *v == 0.0));
            }
        }
    }

    #[test]
    fn a_mapped_table_computes_what_a_heap_one_does() {
        // 30,000 rows of 20 labels (3 lanes) are 2.9 MB: mapped, and on Linux marked for
        // huge pages.
        let (rows, width) = (30_000usize, 20usize);
        let flat: Vec<f32> = (0..rows * width)
            .map(|i| ((i * 7919) % 101) as f32 * 0.01 - 0.5)
            .collect();
        let mut big = Table::from_rows(&flat, width);
        // Where there is no anonymous mapping (wasm), the table falls back to the heap.
        #[cfg(any(unix, windows))]
        assert!(matches!(big.data, Store::Mapped(_)), "{:?}", big.data);
        assert_eq!(big.to_rows(), flat);
        let ids = [0u32, 17, 29_999, 12_345, 30_000];
        let xs = [0.5f32, -2.0, 0.25, 1.5, 9.0];
        let mut small = Table {
            width,
            lanes: big.lanes,
            data: Store::Heap(big.data.lanes().to_vec()),
        };
        assert_eq!(small, big);
        let (mut a, mut b) = (vec![0.0f32; width], vec![0.0f32; width]);
        big.gather_sum(&ids, &xs, &mut a);
        small.gather_sum(&ids, &xs, &mut b);
        assert_eq!(a, b);
        let g: Vec<f32> = (0..width).map(|j| j as f32 * 0.25 - 1.0).collect();
        big.scatter_sub(&ids, &xs, &g);
        small.scatter_sub(&ids, &xs, &g);
        assert_eq!(big.to_rows(), small.to_rows());
        assert_ne!(big.to_rows(), flat);
        let copy = big.clone();
        assert_eq!(copy, big);
        #[cfg(any(unix, windows))]
        assert_eq!(format!("{:?}", copy.data), "Store(90000 lanes, mapped)");
    }
}
