//! Training and evaluation data: where messages and their labels come from.
//!
//! Two layouts are read:
//!
//! * a **directory with one sub-directory per label** holding raw messages: one head named
//!   `label`;
//! * a **manifest**, CSV (`.csv`) or JSON Lines (`.jsonl`), with a path to each raw message
//!   (relative to the manifest) and one column or key per head: what an export from an
//!   ESDH system looks like. The path column is `path` (or `file`); every other column is a
//!   head, and an empty cell or a missing key means the message has no label for it.
//!
//! Messages are read as RFC 5322 mail, MeMo XML when they look like it, or, with
//! [`TextMode::PlainText`], as plain text bodies.
//!
//! Part of `eval`: uses `crate::train` and `crate::model`, which must not import it.

use std::path::{Path, PathBuf};

use crate::features::Featurizer;
use crate::message::Message;
use crate::train::{Example, HeadSpec, Prepared};
use crate::{Error, ErrorKind, Result};

/// How message files are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextMode {
    /// RFC 5322 / MIME (or MeMo XML, recognised by its root element).
    #[default]
    Mail,
    /// Each file is the plain-text body of a message.
    PlainText,
}

/// One labelled message file.
#[derive(Debug, Clone)]
pub struct Item {
    /// The file.
    pub path: PathBuf,
    /// Label index per head (into [`Dataset::heads`]), `None` where missing.
    pub labels: Vec<Option<u32>>,
}

/// A labelled data set.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The heads and their labels (sorted by name, so indices are stable).
    pub heads: Vec<HeadSpec>,
    /// The messages, sorted by path.
    pub items: Vec<Item>,
}

impl Dataset {
    /// Reads a data set from a directory of label folders or a manifest file.
    pub fn load(path: impl AsRef<Path>) -> Result<Dataset> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|e| Error::from(e).context(path.display()))?;
        if meta.is_dir() {
            return load_dir(path);
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let rows = match ext.as_str() {
            "csv" => read_csv(path)?,
            "jsonl" | "ndjson" | "json" => read_jsonl(path)?,
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "{}: expected a directory, a .csv or a .jsonl manifest",
                        path.display()
                    ),
                ))
            }
        };
        from_rows(path, rows)
    }

    /// The index of the head named `name`.
    pub fn head_index(&self, name: &str) -> Option<usize> {
        self.heads.iter().position(|h| h.name == name)
    }
}

/// Reads one message file.
pub fn read_message(path: &Path, mode: TextMode) -> Result<Message> {
    let bytes = std::fs::read(path).map_err(|e| Error::from(e).context(path.display()))?;
    match mode {
        TextMode::PlainText => {
            let text = String::from_utf8_lossy(&bytes);
            Ok(Message::from_text(&text))
        }
        TextMode::Mail if crate::ingest::memo::looks_like_memo(&bytes) => {
            Message::from_memo(&bytes).map_err(|e| e.context(path.display()))
        }
        TextMode::Mail => Message::from_bytes(&bytes).map_err(|e| e.context(path.display())),
    }
}

fn load_dir(root: &Path) -> Result<Dataset> {
    let mut labels: Vec<String> = Vec::new();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(root)
        .map_err(|e| Error::from(e).context(root.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let label = e.file_name().to_string_lossy().into_owned();
        let before = files.len();
        collect_files(&e.path(), &label, &mut files, 0)?;
        if files.len() > before {
            labels.push(label);
        }
    }
    if files.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{}: no label folders with messages in them", root.display()),
        ));
    }
    files.sort();
    let items = files
        .into_iter()
        .map(|(path, label)| {
            let idx = labels.binary_search(&label).map(|i| i as u32).ok();
            Item {
                path,
                labels: vec![idx],
            }
        })
        .collect();
    Ok(Dataset {
        heads: vec![HeadSpec {
            name: "label".into(),
            labels,
        }],
        items,
    })
}

fn collect_files(
    dir: &Path,
    label: &str,
    out: &mut Vec<(PathBuf, String)>,
    depth: usize,
) -> Result<()> {
    if depth > 16 {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{}: directories nested too deep", dir.display()),
        ));
    }
    for e in std::fs::read_dir(dir).map_err(|e| Error::from(e).context(dir.display()))? {
        let e = e.map_err(|e| Error::from(e).context(dir.display()))?;
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let ft = e
            .file_type()
            .map_err(|e| Error::from(e).context(dir.display()))?;
        if ft.is_dir() {
            collect_files(&e.path(), label, out, depth + 1)?;
        } else if ft.is_file() {
            out.push((e.path(), label.to_string()));
        }
    }
    Ok(())
}

/// A manifest row: line number, path as written, and (head, label) pairs.
type Row = (usize, String, Vec<(String, Option<String>)>);

fn read_csv(path: &Path) -> Result<Vec<Row>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| Error::new(ErrorKind::Io, format!("{}: {e}", path.display())))?;
    let headers = rdr
        .headers()
        .map_err(|e| {
            Error::new(
                ErrorKind::Parse,
                format!("{}: header line: {e}", path.display()),
            )
        })?
        .clone();
    let path_col = headers
        .iter()
        .position(|h| h == "path" || h == "file")
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Parse,
                format!("{}: no `path` column in the header line", path.display()),
            )
        })?;
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| {
            Error::new(
                ErrorKind::Parse,
                format!("{}: line {line}: {e}", path.display()),
            )
        })?;
        let file = rec.get(path_col).unwrap_or("").to_string();
        let labels = headers
            .iter()
            .enumerate()
            .filter(|&(c, _)| c != path_col)
            .map(|(c, h)| {
                let v = rec.get(c).unwrap_or("").trim();
                (h.to_string(), (!v.is_empty()).then(|| v.to_string()))
            })
            .collect();
        rows.push((line, file, labels));
    }
    Ok(rows)
}

fn read_jsonl(path: &Path) -> Result<Vec<Row>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).context(path.display()))?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |m: String| {
            Error::new(
                ErrorKind::Parse,
                format!("{}: line {line_no}: {m}", path.display()),
            )
        };
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let obj = v
            .as_object()
            .ok_or_else(|| bad("not a JSON object".into()))?;
        let file = obj
            .get("path")
            .or_else(|| obj.get("file"))
            .and_then(|p| p.as_str())
            .ok_or_else(|| bad("no \"path\" string".into()))?
            .to_string();
        let mut labels = Vec::new();
        for (k, v) in obj {
            if k == "path" || k == "file" {
                continue;
            }
            let label = match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) if s.trim().is_empty() => None,
                serde_json::Value::String(s) => Some(s.trim().to_string()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => return Err(bad(format!("label of head {k:?} is not a string"))),
            };
            labels.push((k.clone(), label));
        }
        rows.push((line_no, file, labels));
    }
    Ok(rows)
}

fn from_rows(manifest: &Path, rows: Vec<Row>) -> Result<Dataset> {
    let base = manifest.parent().unwrap_or(Path::new("."));
    let mut head_names: Vec<String> = rows
        .iter()
        .flat_map(|r| r.2.iter().map(|(h, _)| h.clone()))
        .collect();
    head_names.sort();
    head_names.dedup();
    let mut heads: Vec<HeadSpec> = head_names
        .iter()
        .map(|name| {
            let mut labels: Vec<String> = rows
                .iter()
                .flat_map(|r| {
                    r.2.iter()
                        .filter(|(h, _)| h == name)
                        .filter_map(|(_, l)| l.clone())
                })
                .collect();
            labels.sort();
            labels.dedup();
            HeadSpec {
                name: name.clone(),
                labels,
            }
        })
        .collect();
    heads.retain(|h| !h.labels.is_empty());
    if heads.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{}: no head has any label", manifest.display()),
        ));
    }
    let mut items = Vec::with_capacity(rows.len());
    for (line, file, labels) in rows {
        if file.is_empty() {
            return Err(Error::new(
                ErrorKind::Parse,
                format!("{}: line {line}: empty path", manifest.display()),
            ));
        }
        let idx = heads
            .iter()
            .map(|h| {
                labels
                    .iter()
                    .find(|(name, _)| *name == h.name)
                    .and_then(|(_, l)| l.as_ref())
                    .and_then(|l| h.labels.binary_search(l).ok().map(|i| i as u32))
            })
            .collect();
        items.push(Item {
            path: base.join(file),
            labels: idx,
        });
    }
    items.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Dataset { heads, items })
}

/// A progress callback: `(done, total)`.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Reads and featurises every message of `dataset` on `threads` threads.
pub fn prepare(
    dataset: &Dataset,
    featurizer: &Featurizer,
    mode: TextMode,
    threads: usize,
    progress: Option<Progress<'_>>,
) -> Prepared {
    let n = dataset.items.len();
    let threads = threads.clamp(1, 64);
    let chunk = n.div_ceil(threads).max(1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let parts: Vec<Vec<(usize, Result<Example>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = dataset
            .items
            .chunks(chunk)
            .enumerate()
            .map(|(c, items)| {
                let done = &done;
                s.spawn(move || {
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            // A panic (a bug) fails this file, visibly, not the chunk: a
                            // worker that panicked gave nothing, and its files were missing
                            // from the data set without being counted as skipped.
                            let read = || {
                                read_message(&item.path, mode).map(|m| Example {
                                    x: featurizer.featurize(&m),
                                    labels: item.labels.clone(),
                                })
                            };
                            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
                                .unwrap_or_else(|_| {
                                    Err(Error::new(
                                        ErrorKind::Parse,
                                        "reading or featurising it panicked (a bug in \
                                         libsignatur; please report it)",
                                    ))
                                });
                            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                            if let Some(p) = progress {
                                p(d, n);
                            }
                            (c * chunk + i, r)
                        })
                        .collect()
                })
            })
            .collect();
        // Each worker catches its files' panics; one that panicked anyway (in `progress`)
        // fails all its files.
        handles
            .into_iter()
            .enumerate()
            .map(|(c, h)| {
                h.join().unwrap_or_else(|_| {
                    let start = c * chunk;
                    (start..(start + chunk).min(n))
                        .map(|i| {
                            let e = Error::new(ErrorKind::Parse, "its worker panicked");
                            (i, Err(e))
                        })
                        .collect()
                })
            })
            .collect()
    });
    let mut out = Prepared {
        examples: Vec::with_capacity(n),
        item_index: Vec::with_capacity(n),
        failures: Vec::new(),
    };
    for (i, r) in parts.into_iter().flatten() {
        match r {
            Ok(ex) => {
                out.examples.push(ex);
                out.item_index.push(i);
            }
            Err(e) => out.failures.push((dataset.items[i].path.clone(), e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_manifest_with_missing_labels() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.csv");
        std::fs::write(
            &m,
            "path,unit,kle\na.eml,Byg,02.00.00\nb.eml,Social,\n\"c,d.eml\",Byg,32.18.04\n",
        )
        .unwrap();
        let d = Dataset::load(&m).unwrap();
        assert_eq!(d.heads.len(), 2);
        assert_eq!(d.heads[0].name, "kle");
        assert_eq!(d.heads[0].labels, ["02.00.00", "32.18.04"]);
        assert_eq!(d.items[1].labels, vec![None, Some(1)]);
        assert!(d.items[2].path.ends_with("c,d.eml"));
    }

    #[test]
    fn jsonl_manifest_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.jsonl");
        std::fs::write(
            &m,
            "{\"path\":\"a.eml\",\"unit\":\"Byg\"}\n{\"unit\":\"Byg\"}\n",
        )
        .unwrap();
        let e = Dataset::load(&m).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[test]
    fn directory_of_label_folders() {
        let dir = tempfile::tempdir().unwrap();
        for (label, file) in [("byg", "1.eml"), ("byg", "2.eml"), ("skole", "3.eml")] {
            std::fs::create_dir_all(dir.path().join(label)).unwrap();
            std::fs::write(dir.path().join(label).join(file), "Subject: x\n\nhej\n").unwrap();
        }
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        let d = Dataset::load(dir.path()).unwrap();
        assert_eq!(d.heads[0].labels, ["byg", "skole"]);
        assert_eq!(d.items.len(), 3);
        assert_eq!(d.items[2].labels, vec![Some(1)]);
    }

    #[test]
    fn a_worker_that_panics_fails_its_files_instead_of_dropping_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("byg")).unwrap();
        for i in 0..8 {
            let file = dir.path().join("byg").join(format!("{i}.eml"));
            std::fs::write(file, "Subject: x\n\nhej\n").unwrap();
        }
        let d = Dataset::load(dir.path()).unwrap();
        let f = Featurizer::new(&crate::features::FeatureConfig::default()).unwrap();
        // The progress callback is the host's code: make it panic in one worker.
        let progress = |done: usize, _: usize| {
            if done == 3 {
                panic!("the host's progress callback");
            }
        };
        let p = prepare(&d, &f, TextMode::Mail, 2, Some(&progress));
        assert_eq!(p.examples.len() + p.failures.len(), 8);
        assert!(!p.failures.is_empty());
        let every = prepare(&d, &f, TextMode::Mail, 2, None);
        assert_eq!((every.examples.len(), every.failures.len()), (8, 0));
    }

    #[test]
    fn empty_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Dataset::load(dir.path()).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
}
