//! The layers of the model code, checked from the source: `model` (what a model is and how
//! it runs), `train` (how one is made) and `eval` (how one is judged).
//!
//! - Dependencies run one way: `eval` → `train` → `model`. A file of `model` names nothing
//!   of `train` or `eval`, and a file of `train` nothing of `eval`.
//! - No file of the three imports another that imports it back, by any path (an import
//!   cycle), apart from a module folder's `mod.rs` and the files inside that folder.
//!
//! It reads the `crate::` and `super::` paths of every `.rs` file (comments left out),
//! resolves each to the file that defines it (following `pub use` re-exports of a folder's
//! `mod.rs`), and looks for cycles in that graph. No cargo plugin needed, so it runs with
//! the other tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LAYERS: [&str; 3] = ["model", "train", "eval"];

/// A module path (`["model", "onnx", "read"]`) and the file that holds it.
#[derive(Debug, Clone)]
struct Module {
    path: Vec<String>,
    file: PathBuf,
    /// A folder module (`mod.rs`).
    folder: bool,
}

fn modules(src: &Path) -> Vec<Module> {
    fn walk(dir: &Path, prefix: &[String], out: &mut Vec<Module>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                let mut sub = prefix.to_vec();
                sub.push(name);
                walk(&p, &sub, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let (path, folder) = if name == "mod" {
                    (prefix.to_vec(), true)
                } else {
                    let mut v = prefix.to_vec();
                    v.push(name);
                    (v, false)
                };
                out.push(Module {
                    path,
                    file: p,
                    folder,
                });
            }
        }
    }
    let mut out = Vec::new();
    for layer in LAYERS {
        walk(&src.join(layer), &[layer.to_string()], &mut out);
    }
    out
}

/// The code of a file without comments (so that doc links do not count as imports).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Expands `use` trees (`a::{b, c::{d, e}}`) and finds inline paths; every path starts with
/// `crate` or `super`. Returns `(path, inside_inline_module)` pairs.
fn paths(code: &str) -> Vec<(Vec<String>, bool)> {
    let mut out = Vec::new();
    let inline_from = code.find("mod tests {").unwrap_or(usize::MAX);
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let at_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let starts = ["crate::", "super::"].iter().find(|p| rest.starts_with(*p));
        if let (true, Some(_)) = (at_word, starts) {
            // Take the longest run of path characters, braces included (a `use` tree).
            let mut depth = 0i32;
            let mut end = i;
            for (j, c) in rest.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth > 0 => depth -= 1,
                    '}' => break,
                    c if c.is_alphanumeric() || c == '_' || c == ':' || c == '*' => {}
                    ',' | ' ' | '\n' | '\t' if depth > 0 => {}
                    _ if depth > 0 => {}
                    _ => break,
                }
                end = i + j + c.len_utf8();
            }
            let tree: String = code[i..end]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            for p in expand(&tree) {
                let segs: Vec<String> = p
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                out.push((segs, i > inline_from));
            }
            i = end.max(i + 1);
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// `a::{b,c::{d,e}}` → `a::b`, `a::c::d`, `a::c::e` (`self` and `*` keep the prefix).
fn expand(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        return vec![tree
            .trim_end_matches("::*")
            .trim_end_matches("::self")
            .to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (j, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..j]);
                start = j + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| {
            expand(p).into_iter().map(move |s| {
                if s == "self" || s == "*" {
                    prefix.trim_end_matches("::").to_string()
                } else {
                    format!("{prefix}{s}")
                }
            })
        })
        .collect()
}

struct Tree {
    modules: Vec<Module>,
    /// Per folder module: a re-exported name and the path it comes from.
    reexports: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>,
}

impl Tree {
    fn read(src: &Path) -> Tree {
        let modules = modules(src);
        let mut reexports = BTreeMap::new();
        for m in modules.iter().filter(|m| m.folder) {
            let text = code(&std::fs::read_to_string(&m.file).unwrap());
            let mut names = BTreeMap::new();
            for stmt in text.split(';') {
                let stmt = stmt.trim();
                let Some(tree) = ["pub use ", "pub(crate) use "]
                    .iter()
                    .find_map(|p| stmt.strip_prefix(*p))
                else {
                    continue;
                };
                let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
                for p in expand(&tree) {
                    let mut segs: Vec<String> = p.split("::").map(str::to_string).collect();
                    let name = segs.last().cloned().unwrap_or_default();
                    if segs.first().is_some_and(|s| s == "crate") {
                        segs.remove(0);
                    } else {
                        // Relative to the folder module.
                        let mut full = m.path.clone();
                        full.extend(segs);
                        segs = full;
                    }
                    names.insert(name, segs);
                }
            }
            reexports.insert(m.path.clone(), names);
        }
        Tree { modules, reexports }
    }

    fn find(&self, path: &[String]) -> Option<usize> {
        self.modules.iter().position(|m| m.path == path)
    }

    /// The file a path (after `crate::`) names, following re-exports; `None` outside the
    /// three layers.
    fn resolve(&self, path: &[String], depth: usize) -> Option<usize> {
        if !LAYERS.contains(&path.first()?.as_str()) || depth > 8 {
            return None;
        }
        let mut n = path.len();
        while n > 0 && self.find(&path[..n]).is_none() {
            n -= 1;
        }
        let m = self.find(&path[..n])?;
        if let (true, Some(item)) = (self.modules[m].folder, path.get(n)) {
            if let Some(src) = self.reexports.get(&path[..n]).and_then(|r| r.get(item)) {
                return self.resolve(src, depth + 1).or(Some(m));
            }
        }
        Some(m)
    }

    /// For each file, the files it names.
    fn edges(&self) -> Vec<BTreeSet<usize>> {
        self.modules
            .iter()
            .map(|m| {
                let text = code(&std::fs::read_to_string(&m.file).unwrap());
                let mut to = BTreeSet::new();
                for (p, inline) in paths(&text) {
                    let full: Vec<String> = if p.first().is_some_and(|s| s == "crate") {
                        p[1..].to_vec()
                    } else {
                        // `super::` from a file module is its parent; from the file's inline
                        // `mod tests`, the file itself.
                        let mut base = m.path.clone();
                        let mut rest = &p[..];
                        let mut first = true;
                        while rest.first().is_some_and(|s| s == "super") {
                            if !(first && inline) {
                                base.pop();
                            }
                            first = false;
                            rest = &rest[1..];
                        }
                        base.extend(rest.iter().cloned());
                        base
                    };
                    if let Some(t) = self.resolve(&full, 0) {
                        to.insert(t);
                    }
                }
                to
            })
            .collect()
    }

    /// Whether `a` and `b` are a folder's `mod.rs` and a file inside that folder.
    fn parent_child(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.modules[a], &self.modules[b]);
        (a.folder && b.path.starts_with(&a.path)) || (b.folder && a.path.starts_with(&b.path))
    }
}

/// A cycle in `edges` (skipping the pairs `skip` allows), as a list of nodes.
fn find_cycle(
    edges: &[BTreeSet<usize>],
    skip: &dyn Fn(usize, usize) -> bool,
) -> Option<Vec<usize>> {
    // 0: unseen, 1: on the stack, 2: done.
    fn visit(
        n: usize,
        edges: &[BTreeSet<usize>],
        skip: &dyn Fn(usize, usize) -> bool,
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[n] = 1;
        stack.push(n);
        for &t in &edges[n] {
            if t == n || skip(n, t) {
                continue;
            }
            if state[t] == 1 {
                let at = stack.iter().position(|&s| s == t).unwrap_or(0);
                let mut cycle = stack[at..].to_vec();
                cycle.push(t);
                return Some(cycle);
            }
            if state[t] == 0 {
                if let Some(c) = visit(t, edges, skip, state, stack) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        state[n] = 2;
        None
    }
    let mut state = vec![0u8; edges.len()];
    for n in 0..edges.len() {
        if state[n] == 0 {
            if let Some(c) = visit(n, edges, skip, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn tree() -> Tree {
    Tree::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

fn name(t: &Tree, m: usize) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let f = &t.modules[m].file;
    f.strip_prefix(root).unwrap_or(f).display().to_string()
}

#[test]
fn layers_depend_one_way() {
    let t = tree();
    let edges = t.edges();
    let rank = |m: usize| {
        LAYERS
            .iter()
            .position(|l| *l == t.modules[m].path[0])
            .unwrap()
    };
    let mut wrong = Vec::new();
    for (from, to) in edges.iter().enumerate() {
        for &to in to {
            if rank(to) > rank(from) {
                wrong.push(format!("{} imports {}", name(&t, from), name(&t, to)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "model must not import train or eval, train must not import eval:\n{}",
        wrong.join("\n")
    );
    // The reader sees every layer and resolves what the layers really import.
    for layer in LAYERS {
        assert!(t.modules.iter().any(|m| m.path[0] == layer), "no {layer}/");
    }
    let classifier = t.find(&["model".into(), "classifier".into()]).unwrap();
    let metrics = t.find(&["eval".into(), "metrics".into()]).unwrap();
    assert!(
        edges[metrics].contains(&classifier),
        "eval/metrics.rs runs a Classifier: the reader lost that import"
    );
}

#[test]
fn no_import_cycles_between_files() {
    let t = tree();
    let edges = t.edges();
    if let Some(cycle) = find_cycle(&edges, &|a, b| t.parent_child(a, b)) {
        let names: Vec<String> = cycle.iter().map(|&m| name(&t, m)).collect();
        panic!("import cycle: {}", names.join(" → "));
    }
}

#[test]
fn the_reader_finds_cycles_and_expands_use_trees() {
    let edges = vec![
        BTreeSet::from([1]),
        BTreeSet::from([2]),
        BTreeSet::from([0]),
        BTreeSet::new(),
    ];
    assert_eq!(find_cycle(&edges, &|_, _| false), Some(vec![0, 1, 2, 0]));
    assert_eq!(find_cycle(&edges, &|a, b| (a, b) == (2, 0)), None);
    let found: Vec<Vec<String>> =
        paths("use crate::model::{live::{Live, Normalised}, rng::Rng};\nfn f() { super::x::y(); }")
            .into_iter()
            .map(|(p, _)| p)
            .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        found,
        vec![
            s(&["crate", "model", "live", "Live"]),
            s(&["crate", "model", "live", "Normalised"]),
            s(&["crate", "model", "rng", "Rng"]),
            s(&["super", "x", "y"]),
        ]
    );
}
