//! The one module that speaks tract: builds an optimised plan from a model's graph (the one
//! the exporter writes for the parameters read from the file) and runs it. Everything
//! outside sees plain slices and `Vec`s.
//!
//! Part of `model`: must not import `crate::train` or `crate::eval`. From `crate::ffi` it
//! uses only `vector_state` and `pages`, leaves that hold the `unsafe` this module needs
//! (the crate keeps every `unsafe` in `ffi`).
//!
//! # Where a run's time goes (tract 0.23.9, read from its source)
//!
//! The graph gathers one table row per feature (`Gather`), multiplies the normalised
//! values into them (`MatMul` of `[N,1,L]` by `[N,L,C]`), adds the bias and takes a softmax
//! per head. What tract does for that on every `run`, besides the arithmetic:
//!
//! - `SimplePlan::run` builds a fresh `SimpleState` (tract-core `src/plan.rs:455`, state at
//!   `:515`): one `Option<Box<dyn OpState>>` per node, then the symbols `N` and `L` are
//!   resolved from the inputs (`:595`). Small next to the rest; reusing a state measured the
//!   same (issue #18).
//! - `Gather` allocates its output uninitialised and copies each gathered row with
//!   `clone_from_slice` (`src/ops/array/gather.rs:44`, `:80-86`): `L × C` floats written,
//!   no prefetch of the next row. So the rows are prefetched before the run
//!   ([`Runtime::prefetch_rows`], called by `Classifier` before it normalises the values).
//!   Issue #18, stop 29, three alternating pairs on a 20 Newsgroups model: a tract run
//!   74–82 → 71–75 µs per post, a whole classification 137–145 → 135–143 µs. Small, and
//!   on a machine where the table's misses cost more than on the one that measured no
//!   gain at stop 25. The float16 table is widened to float32 once at load
//!   ([`crate::model::onnx`]'s `widen_gathered_tables`), so there is no `Cast` per run, but
//!   the copy is float32.
//! - The `MatMul` becomes `EinSumMatMul` → `OptMatMul` with *both* operands packed per run,
//!   since neither is a constant (`src/ops/einsum/einsum_matmul.rs:927-964` wires
//!   `pack_a`/`pack_b` as `OptMatMulPack`). The in-place `StridedKMajor` input that skips
//!   the copy is only chosen for the ARM SME kernel (`:919-925`), never on x86.
//! - Each pack allocates a fresh aligned `Blob` and, when the panel is partial, zeroes it
//!   (tract-linalg `src/frame/pack.rs:254-265`), then copies the gathered rows into
//!   panels: a second `L × C` float32 copy of what `Gather` just wrote.
//! - Kernel choice: `N` is a batch axis and the matmul's `n` is the unit axis the
//!   `Unsqueeze` adds, so the query has `n = 1` and `strategize` returns the platform's
//!   pick (`src/ops/einsum/kernel_selection.rs:67-90`) without reaching the `VecVsMat`
//!   grouping below it.
//! - `ReduceSum` over a middle axis takes the generic ndarray path (`src/ops/nn/reduce.rs:161`
//!   — fast paths are for the last axis or the leading axes only), which is why `Mul` +
//!   `ReduceSum` at `[N,L,C]` does not beat the `MatMul`.
//!
//! - callgrind attributes 143 K of the 390 K instructions of a 20 Newsgroups run to that
//!   zeroing (`fill(0u8)`, core's `slice/specialize.rs`: about one per byte) and 83 K to
//!   `pack_t` (examples/probe.rs, mode `classify`, 100 posts).
//!
//! Tried at load, with the file unchanged, and dropped (instructions per tract run, same
//! probe, 0.39 M before):
//! - `MatMul(rowsᵀ, aᵀ)ᵀ`, to make the label axis the kernel's `m`: 0.39 M, the same plan
//!   (tract normalises both to one `EinSum`).
//! - `ReduceSum(Mul(rows, aᵀ))` over the leading axis after moving `N` aside (the
//!   fast path above): 0.52 M; the broadcasting `Mul` alone is 0.26 M and the moves 0.10 M.
//! - The same with the fixed shapes of [`FIXED_LENGTHS`] (issue #18, stop 34), where no
//!   move is needed: `Transpose` of the normalised values to `[1, L, 1]`, `Mul` with the
//!   rows and `ReduceSum` over axes 0 and 1, which takes the column-sum fast path of
//!   `src/ops/nn/reduce.rs:161-205`. Timed rather than counted: the probabilities were
//!   the same to 1e-6, but a classified 20 Newsgroups post took 97 µs instead of 91–95 µs
//!   (three alternating runs, probe mode `classify`). The `Mul` becomes an
//!   `OptBinByScalar` (`src/ops/binary.rs:391-407`), whose `eval` calls its kernel once
//!   per gathered row of 20 floats (`:748-757`), each call borrowing a thread-local
//!   scratch buffer (tract-linalg `src/frame/element_wise_helper.rs:18`): perf put 9 % of
//!   the whole decision in that per-row overhead and the column sum.
//! - The table's rows padded with zeros from 20 to 32 floats, and the products sliced back
//!   to 20 (issue #18, stop 43), so that the label axis fills both 16-row panels and the
//!   pack zeroes nothing: perf had put 12 % of a tract run in that zeroing
//!   (`src/frame/pack.rs:254-265` above). `cargo bench --bench classify`, two alternating
//!   pairs: a parsed message 11.7–11.8 → 10.5–10.7 K/s, a routed decision 7.6–8.0 →
//!   7.2–7.3 K/s. The gather then copies 128 bytes a row instead of 80.
//!
//! So per message tract touches the gathered rows three times (gather write, pack read
//! and write, kernel read) where the in-process scorer ([`crate::model::lanes`]) reads
//! them once with prefetch.
//!
//! Two things changed that picture (issue #18, stop 31):
//!
//! - **The kernel is chosen blind.** On Intel with AVX-512 (this project's machine), fewer
//!   than 128 labels go to a cost model (tract-linalg `src/x86_64/mmm.rs:572-583`) that,
//!   with `L` symbolic and so no `k`, returns its default kernel `avx512_mmm_f32_64x3`
//!   (`src/frame/mmm/cost_model.rs:68-71`). For a model with 20 labels that means a 64-row
//!   panel, two thirds zeros. A single message now runs through a plan made for its feature
//!   count padded up to one of [`FIXED_LENGTHS`], where tract sees the whole shape and
//!   picks `avx512_mmm_f32_16x1`. (On AMD with AVX-512 tract picks a 16-row kernel for
//!   under 31 labels anyway, and on AVX2-only machines `fma_mmm_f32_64x1` either way; there
//!   the fixed plans spared the normalisation's generic broadcasting, which tract no longer
//!   runs since stop 41 (below), so on those machines they may no longer pay: not measured,
//!   as this project has no AVX2-only machine.)
//! - **The kernels leave the vector registers dirty.** tract's x86-64 assembly returns
//!   without `vzeroupper`, and on this Xeon all SSE-encoded code after it, tract's own
//!   packing in the next run included, ran slower until something cleared them.
//!   [`Runtime::run`] clears them after each run ([`crate::ffi::vector_state`]).
//!
//! And one that is not tract's (issue #18, stop 35): tract allocates the float32 table when
//! it reads the model, in 4 KB pages, and a message's rows are scattered over all of it,
//! so nearly every row was a TLB miss too. [`Runtime::new`] has the kernel back the table
//! with huge pages once the plan is built (see [`HUGE_PAGE_ROWS`] and
//! [`crate::ffi::pages`]).
//!
//! And the normalisation (issue #18, stop 41). The file's graph applies the IDF vector and
//! the L2 norm itself: a second `Gather` (of IDF entries, its ids collected through
//! ndarray's iterator again, `src/ops/array/gather.rs:62-65`) and six element-wise ops, each
//! with a tensor of its own per run. A per-node probe of the fixed-length plans put them at
//! about 10 µs of a 57 µs run on 20 Newsgroups posts, the IDF gather 5.5 µs of it. Loading
//! now gives tract the graph without them (`onnx::feed_normalised`: its input is `xn`) and
//! `Classifier` normalises in one pass, reading the IDF entries while the table rows it
//! prefetched arrive: tract's part of a classification (`Classifier::probabilities`, 1,029
//! posts) went from 47–48 to 37–42 µs. The file keeps the whole graph.
//!
//! And a low-rank model (issue #18, stop 43: `kle_stress`'s 2,390 labels, hidden width
//! 64). perf puts 17 % of its classification in packing the gathered rows for the hidden
//! layer's matmul, more than the gather's own copy (11 %). tract picks
//! `fma_mmm_f32_64x1` for that matmul (`m = 64`, `n = 1`: Intel's cost model, tract-linalg
//! `src/x86_64/mmm.rs:573-582`), whose panel of 64 floats is 256 bytes, and
//! `PackedFormat::pack_t` copies a panel whole only when it is 16 to 128 bytes wide
//! (`src/frame/pack.rs:425-431`); any other width goes one float at a time through its
//! generic writer (`:433`). Tried at load, with the file unchanged, and dropped (a
//! temporary loop classifying every fifth 20 Newsgroups post for 15 s; classifications
//! per second, against the code before in the same session):
//! - the hidden layer as two halves of 32 (a `Reshape` of the rows and an `Einsum`). In
//!   the symbolic plan perf showed the same `fma_mmm_f32_64x1` and per-float pack, and it
//!   ran at 5,677–5,793 against 6,172–6,339. With `N` and `L` fixed (plans as for
//!   [`FIXED_LENGTHS`]) the halves stay and get `avx512_mmm_f32_16x1` and the whole-panel
//!   copy, but the output layer (`m = 2,390`, `n = 1`) then gets `avx512_mmm_f32_128x1`
//!   (`mmm.rs:582`), which perf put at 18 % of the time: 5,815–5,936 against 6,108–6,404
//!   (fixed plans without the halves: 5,388–5,637);
//! - only `L` fixed, so that the output layer keeps `N` and its kernels: the optimised
//!   plan shows tract folded the halves back into one `m = 64` matmul, 4,441–4,628 (without
//!   the halves 4,654–4,715) against 5,410–5,731. Cutting the graph after the hidden layer
//!   into two plans, the first with `N` and `L` fixed, did not keep them either;
//! - the table as two tables of 32 columns, each gathered and multiplied: the halves stay,
//!   but tract then splits the output layer into two matmuls of `k = 32` as well, and
//!   the probe did not prefetch the two tables' rows: 4,536–4,718 against 5,680–5,758;
//! - no prefetch for rows of 64 floats ([`Runtime::prefetch_rows`]): `kle_stress` in four
//!   alternating pairs, −5.6 % to +13.4 %, no clear direction.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, OnceLock};

use tract_onnx::pb;
use tract_onnx::prelude::*;

use crate::ffi::pages::{back_with_huge_pages, HugePages};
use crate::model::lanes::prefetch_flat_row;
use crate::{Error, ErrorKind, Result};

/// How many ids' rows [`Runtime::prefetch_rows`] asks for, repeats included:
/// 2,048 rows of 20 labels are 160 KB of values (up to 384 KB of cache lines, since an
/// 80-byte row can straddle three), inside a core's L2 cache.
const PREFETCH_ROWS: usize = 2048;

/// The widest table row (in floats) for which [`Runtime::new`] asks for the table to be
/// backed by huge pages ([`back_with_huge_pages`]).
///
/// A message's rows are scattered over the whole table, so with 4 KB pages nearly every
/// row is a TLB miss as well as a cache miss. For a row of one or two cache lines the page
/// walk is a large part of its cost: on a 20 Newsgroups model (rows of 20 floats, a 21 MB
/// table) a routed decision got 1.4–12 % faster and an explained one 0.4–8.5 % (issue #18,
/// stop 35, `cargo bench --bench classify`, three alternating pairs). A low-rank model's rows are 64 floats, four lines
/// that share one walk: `kle_stress`'s 67 MB embedding gave no measurable gain (−2 % to +6
/// %), while making the huge pages took 0.2 s more at load.
const HUGE_PAGE_ROWS: usize = 32;

/// An optimised, runnable plan. `Send + Sync`: one per model, shared by all threads.
pub(crate) struct Runtime {
    plan: Arc<TypedRunnableModel>,
    /// The float32 table the plan's `Gather` reads rows from (weights, or a low-rank
    /// model's embedding), as tract holds it: see [`Runtime::gathered_table`].
    table: Option<Arc<Tensor>>,
    /// Labels per head, in output order, to check output shapes.
    head_sizes: Vec<usize>,
    /// Whether the table is backed by huge pages ([`back_with_huge_pages`]).
    #[cfg_attr(not(test), allow(dead_code))]
    huge_pages: HugePages,
    /// The decluttered graph with symbolic `N` and `L`, from which [`Runtime::fixed`]'s
    /// plans are made. Its constants (the table) are the plans' constants: shared, not
    /// copied.
    typed: TypedModel,
    /// Plans for one message of exactly [`FIXED_LENGTHS`]`[i]` features, each made on first
    /// use (`None` inside: tract could not make it, so the symbolic plan runs). Empty unless
    /// [`Runtime::new`] was asked for them ([`Shapes::PerLength`]): see [`FIXED_LENGTHS`].
    fixed: Box<[OnceLock<Option<Arc<TypedRunnableModel>>>]>,
}

/// Which plans a [`Runtime`] makes besides the one with `N` and `L` symbolic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shapes {
    /// That plan only (a low-rank model, or one with a prior: see [`FIXED_LENGTHS`]).
    Symbolic,
    /// Also a plan per length class for a single message (a linear model without a prior).
    PerLength,
}

/// The feature counts that a single message of a linear model without a prior is padded up
/// to, each with a plan of its own: `2^(k/4)` for `k` = 20…52 rounded up to a multiple of
/// 8, so 32 to 8,192 features, and from 32 features on at most a quarter more rows
/// (`fixed_lengths_follow_the_rule` checks the table). A longer message runs through the
/// symbolic plan.
///
/// Why: with `L` symbolic, tract does not know the matmul's `k` when it picks a kernel, and
/// on Intel with AVX-512 it then takes its default, `avx512_mmm_f32_64x3` (see the module
/// documentation). That kernel packs the gathered rows into a 64-row panel, zeroed and
/// copied on every run for a model with 20 labels. With `L` (and `N = 1`) fixed, tract
/// sees for example `m:20 k:728 n:1` and picks `avx512_mmm_f32_16x1`, whose pack fills two
/// 16-row panels (the normalisation's `Mul`s, when tract still ran them, became tract's
/// by-scalar and unicast kernels too). Padding adds rows of id 0 with value 0: the same
/// cached row each time. The end-to-end figures are in issue #18 and the CHANGELOG
/// (`cargo bench --bench classify`, `--bench ffi`).
///
/// A low-rank model keeps the symbolic plan: its gathered rows have the hidden width (64
/// by default), which fills the default kernel's panel, and `kle_stress` measured fixed
/// plans slower (5,569 → 4,855 classifications/s with every plan made at load, one run
/// each, from a temporary build). So does a model with a keyword or ranker prior, whose
/// time goes to the prior's scatters: `cargo bench --bench kle -- text_to_decision`, two
/// alternating pairs, ranker 858–870 → 857–867 texts/s, keyword 1,005–1,013 → 975–979.
pub(crate) const FIXED_LENGTHS: [usize; 33] = [
    32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 184, 216, 256, 312, 368, 432, 512, 616, 728, 864,
    1024, 1224, 1456, 1728, 2048, 2440, 2904, 3448, 4096, 4872, 5800, 6896, 8192,
];

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("head_sizes", &self.head_sizes)
            .finish_non_exhaustive()
    }
}

fn model_error(e: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::InvalidModel,
        format!("tract could not build a plan from the graph: {e:#}"),
    )
}

/// What tract 0.23 takes for granted in a graph, checked so a damaged file is refused with
/// a message that says what is wrong:
///
/// - every graph output is the name of a graph input, an initializer or a node's output
///   (tract indexes a map with it: `tract-onnx/src/model.rs:187`, a panic, found by the
///   `model` fuzz target);
/// - every node input is such a name too (tract would make an unknown one a new graph
///   input, and the error would then be about the inputs);
/// - no node holds a subgraph (`If`, `Loop`, `Scan`): libsignatur never writes one, and
///   tract resolves names across subgraphs with the same unchecked indexing.
pub(crate) fn check_graph(proto: &pb::ModelProto) -> Result<()> {
    let invalid = |msg: String| Error::new(ErrorKind::InvalidModel, msg);
    let Some(graph) = proto.graph.as_ref() else {
        return Err(invalid("the model file has no graph".into()));
    };
    let mut defined: std::collections::HashSet<&str> = graph
        .input
        .iter()
        .map(|i| i.name.as_str())
        .chain(graph.initializer.iter().map(|t| t.name.as_str()))
        .collect();
    for node in &graph.node {
        if let Some(a) = node
            .attribute
            .iter()
            .find(|a| a.g.is_some() || !a.graphs.is_empty())
        {
            return Err(invalid(format!(
                "node {:?} ({}) holds a subgraph in attribute {:?}",
                node.name, node.op_type, a.name
            )));
        }
        defined.extend(node.output.iter().map(String::as_str));
    }
    for node in &graph.node {
        if let Some(input) = node
            .input
            .iter()
            .find(|i| !i.is_empty() && !defined.contains(i.as_str()))
        {
            return Err(invalid(format!(
                "node {:?} reads {input:?}, which nothing in the graph defines",
                node.name
            )));
        }
    }
    if let Some(out) = graph
        .output
        .iter()
        .find(|o| !defined.contains(o.name.as_str()))
    {
        return Err(invalid(format!(
            "graph output {:?} is not defined by any input, initializer or node",
            out.name
        )));
    }
    Ok(())
}

/// The constant named `name` that a `Gather` of `model` reads from, if it is float32 and
/// of rank `rank`.
fn gathered_const(model: &TypedModel, name: &str, rank: usize) -> Option<Arc<Tensor>> {
    use tract_onnx::tract_core::ops::array::Gather;
    use tract_onnx::tract_core::ops::konst::Const;
    // tract renames an initializer's node when it folds it (`weights.0`).
    let named = |n: &str| {
        n.strip_prefix(name)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    };
    let node = model.nodes().iter().find(|n| named(&n.name))?;
    let gathered = model
        .nodes()
        .iter()
        .filter(|n| n.op_is::<Gather>())
        .any(|n| n.inputs.first().map(|o| o.node) == Some(node.id));
    let table = node.op_as::<Const>()?.val();
    (gathered && table.datum_type() == f32::datum_type() && table.rank() == rank)
        .then(|| table.clone())
}

/// Runs `f`, or gives `None` if it panicked. tract's state is not touched again after a
/// panic: a failed build is dropped, and a run's state is made fresh per run.
fn without_panic<T>(f: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|payload| {
            // Dropping a panic payload can itself panic; keep that inside too.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
        })
        .ok()
}

impl Runtime {
    /// Builds the plan once; checks that inputs and outputs are what the featuriser and the
    /// decision expect, so a mismatch fails at load time and not per message.
    ///
    /// tract runs behind a panic boundary: a graph tract cannot digest is an
    /// [`ErrorKind::InvalidModel`], never a panic in the host. (The file's own graph is
    /// checked by [`check_graph`] in `Classifier::from_bytes`; the graph given here is the
    /// one the exporter writes.)
    ///
    /// `table_name` names the initializer whose rows the graph gathers per feature
    /// (`weights` or `embed`), found again in the optimised plan for
    /// [`Runtime::gathered_table`]. `shapes` says whether single messages get plans of their
    /// own length.
    pub(crate) fn new(
        proto: &pb::ModelProto,
        head_sizes: Vec<usize>,
        table_name: &str,
        shapes: Shapes,
    ) -> Result<Runtime> {
        without_panic(|| Runtime::build(proto, head_sizes, table_name, shapes)).unwrap_or_else(
            || {
                Err(Error::new(
                    ErrorKind::InvalidModel,
                    "tract could not build a plan from the graph (it panicked)",
                ))
            },
        )
    }

    fn build(
        proto: &pb::ModelProto,
        head_sizes: Vec<usize>,
        table_name: &str,
        shapes: Shapes,
    ) -> Result<Runtime> {
        let model = tract_onnx::onnx()
            .model_for_proto_model(proto)
            .map_err(model_error)?;
        let ins: Vec<String> = model
            .input_outlets()
            .map_err(model_error)?
            .iter()
            .map(|o| model.node(o.node).name.clone())
            .collect();
        // `xn` when the graph was prepared with `onnx::feed_normalised`.
        if ins != ["ids", "tf"] && ins != ["ids", "xn"] {
            return Err(Error::new(
                ErrorKind::InvalidModel,
                format!(
                    "graph inputs are {ins:?}, expected [\"ids\", \"tf\"] or [\"ids\", \"xn\"]"
                ),
            ));
        }
        let outs = model.output_outlets().map_err(model_error)?.len();
        if outs != head_sizes.len() {
            return Err(Error::new(
                ErrorKind::InvalidModel,
                format!("graph has {outs} outputs for {} heads", head_sizes.len()),
            ));
        }
        let typed = model
            .into_typed()
            .and_then(|m| m.into_decluttered())
            .map_err(model_error)?;
        let plan = typed
            .clone()
            .into_optimized()
            .map_err(model_error)?
            .into_runnable()
            .map_err(model_error)?;
        let table = gathered_const(plan.model(), table_name, 2);
        // Narrow rows are gathered from all over the table: see `HUGE_PAGE_ROWS`.
        let huge_pages = table
            .as_ref()
            .filter(|t| t.shape().get(1).is_some_and(|&w| w <= HUGE_PAGE_ROWS))
            .and_then(|t| t.as_plain_ram()?.as_slice::<f32>().ok())
            .map_or(HugePages::NotAsked, |flat| {
                back_with_huge_pages(bytemuck::cast_slice(flat))
            });
        Ok(Runtime {
            plan,
            table,
            head_sizes,
            huge_pages,
            fixed: match shapes {
                Shapes::PerLength => FIXED_LENGTHS.iter().map(|_| OnceLock::new()).collect(),
                Shapes::Symbolic => Box::default(),
            },
            typed,
        })
    }

    /// The plan for one message of `FIXED_LENGTHS[i]` features, made on first use (about
    /// 0.3 ms for the 20 Newsgroups model), or `None` when there is none for this model.
    /// Made lazily so that loading stays as fast as it was and only the lengths a host
    /// meets cost anything; a host that wants no first-use pause can classify one message
    /// of each length class after loading.
    fn fixed_plan(&self, i: usize) -> Option<&Arc<TypedRunnableModel>> {
        let len = i64::try_from(*FIXED_LENGTHS.get(i)?).ok()?;
        let cell = self.fixed.get(i)?;
        cell.get_or_init(|| {
            without_panic(|| {
                // `get`, not `sym`: a graph without these symbols gets no plan, rather than
                // a "fixed" plan that substituted nothing.
                let symbols = &self.typed.symbols;
                let subs = HashMap::from([
                    (symbols.get("N")?, TDim::Val(1)),
                    (symbols.get("L")?, TDim::Val(len)),
                ]);
                self.typed
                    .set_symbols(&subs)
                    .and_then(|m| m.into_optimized())
                    .and_then(|m| m.into_runnable())
                    .ok()
            })
            .flatten()
        })
        .as_ref()
    }

    /// The float32 table named by the `table_name` given to [`Runtime::new`] that the
    /// plan gathers rows from, read in place. An explanation reads the rows of the
    /// message's features again right after the run: from tract's own copy they are still
    /// in cache, where the same rows of the parameters' copy are not.
    pub(crate) fn gathered_table(&self) -> Option<&[f32]> {
        self.table.as_ref()?.as_plain_ram()?.as_slice::<f32>().ok()
    }

    /// Asks the processor to bring in the table rows that the plan's `Gather` is about to
    /// copy, all at once. tract copies one row after another (`gather.rs:80-86`), each
    /// copy waiting on its own cache misses; issued together, the misses overlap. A hint:
    /// the run reads the same values either way.
    ///
    /// At most [`PREFETCH_ROWS`] rows: a longer message's later rows would push its first
    /// ones out of the cache before the gather reads them.
    ///
    /// Called by the host before it prepares the run's inputs (normalising the values
    /// reads the IDF entries), so that those reads and these misses overlap.
    pub(crate) fn prefetch_rows(&self, ids: &[u32]) {
        let (Some(&width), Some(flat)) = (
            self.table.as_ref().and_then(|t| t.shape().get(1)),
            self.gathered_table(),
        ) else {
            return;
        };
        for id in ids.iter().take(PREFETCH_ROWS) {
            prefetch_flat_row(flat, width, Some(id));
        }
    }

    /// The plan made for one message of `l` features and the length to pad it to, if
    /// there is one (see [`FIXED_LENGTHS`]); `None` for a batch, a longer message, a runtime
    /// with [`Shapes::Symbolic`] or a length tract could not make a plan for.
    fn plan_for(&self, n: usize, l: usize) -> Option<(&Arc<TypedRunnableModel>, usize)> {
        if n != 1 {
            return None;
        }
        let i = FIXED_LENGTHS.partition_point(|&len| len < l);
        Some((self.fixed_plan(i)?, FIXED_LENGTHS[i]))
    }

    /// What asking for huge pages for the table did, for tests.
    #[cfg(test)]
    pub(crate) fn huge_pages(&self) -> HugePages {
        self.huge_pages
    }

    /// The lengths whose plan has been made, for tests.
    #[cfg(test)]
    pub(crate) fn fixed_lengths_made(&self) -> Vec<usize> {
        FIXED_LENGTHS
            .iter()
            .zip(self.fixed.iter())
            .filter(|(_, cell)| cell.get().is_some_and(Option::is_some))
            .map(|(&len, _)| len)
            .collect()
    }

    /// Whether at least one fixed-length plan has been made and every one made gathers
    /// from the symbolic plan's table itself, not from a copy (what
    /// explanations read after a run: [`Runtime::gathered_table`]), for tests.
    #[cfg(test)]
    pub(crate) fn fixed_plans_share_the_constants(&self) -> bool {
        let same = |a: Option<Arc<Tensor>>, b: &Option<Arc<Tensor>>| match (a, b) {
            (Some(a), Some(b)) => Arc::ptr_eq(&a, b),
            _ => false,
        };
        let made: Vec<_> = self
            .fixed
            .iter()
            .filter_map(|c| c.get()?.as_ref())
            .collect();
        !made.is_empty()
            && made
                .iter()
                .all(|plan| same(gathered_const(plan.model(), "weights", 2), &self.table))
    }

    /// Whether every fixed-length plan made so far takes inputs of exactly `[1, len]`, for
    /// tests: a plan whose symbols were not substituted would still give the right
    /// probabilities.
    #[cfg(test)]
    pub(crate) fn fixed_plans_are_fixed(&self) -> bool {
        FIXED_LENGTHS
            .iter()
            .zip(self.fixed.iter())
            .all(|(&len, cell)| {
                let Some(Some(plan)) = cell.get() else {
                    return true;
                };
                (0..2).all(|input| {
                    plan.model()
                        .input_fact(input)
                        .ok()
                        .and_then(|f| f.shape.as_concrete().map(<[usize]>::to_vec))
                        == Some(vec![1, len])
                })
            })
    }

    /// Runs a batch of `n` rows of `l` features (`ids` and `tf` are `n × l`, row-major,
    /// padded with id 0 and value 0). `tf` holds what the graph's second input takes: the
    /// term frequencies (`tf`), or the normalised values (`xn`) for a graph prepared with
    /// `onnx::feed_normalised`. Returns per head the `n × labels` probabilities.
    ///
    /// With [`Shapes::PerLength`], one row of at most 8,192 features runs through the plan
    /// for its length class ([`FIXED_LENGTHS`]), padded the same way; a batch runs through
    /// the symbolic plan.
    pub(crate) fn run(
        &self,
        mut ids: Vec<i64>,
        mut tf: Vec<f32>,
        n: usize,
        mut l: usize,
    ) -> Result<Vec<Vec<f32>>> {
        let infer = |e: TractError| Error::new(ErrorKind::Inference, format!("{e:#}"));
        if ids.len() != n * l || tf.len() != n * l {
            return Err(Error::new(
                ErrorKind::Inference,
                format!(
                    "{} ids and {} values for {n} × {l} features",
                    ids.len(),
                    tf.len()
                ),
            ));
        }
        let plan = match self.plan_for(n, l) {
            Some((fixed, len)) => {
                // Padding as in a batch: id 0 with value 0 adds nothing.
                ids.resize(len, 0);
                tf.resize(len, 0.0);
                l = len;
                fixed
            }
            None => &self.plan,
        };
        let ids = Tensor::from_shape(&[n, l], &ids).map_err(infer)?;
        let tf = Tensor::from_shape(&[n, l], &tf).map_err(infer)?;
        // Behind a panic boundary like the build: the graph is the one libsignatur writes,
        // so a panic here is a bug, and it must not take the host down.
        let outputs = without_panic(|| plan.run(tvec!(ids.into(), tf.into())));
        // tract's kernels leave the vector registers' upper halves dirty, which slows the
        // SSE-encoded code after them (tract's own packing in the next run included), also
        // after a failed run.
        crate::ffi::vector_state::clear_upper_halves();
        let outputs = outputs
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Inference,
                    "tract failed while running the model (it panicked)",
                )
            })?
            .map_err(infer)?;
        let mut result = Vec::with_capacity(outputs.len());
        for (out, &size) in outputs.iter().zip(&self.head_sizes) {
            let view = out.to_plain_array_view::<f32>().map_err(infer)?;
            if view.shape() != [n, size] {
                return Err(Error::new(
                    ErrorKind::Inference,
                    format!("output shape {:?}, expected [{n}, {size}]", view.shape()),
                ));
            }
            // One copy of the whole output when tract's is contiguous (it is: softmax
            // writes a fresh tensor), rather than an element-wise walk of the view.
            result.push(match view.as_slice() {
                Some(flat) => flat.to_vec(),
                None => view.iter().copied().collect(),
            });
        }
        Ok(result)
    }
}
