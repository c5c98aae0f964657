//! Forward evaluation: train on older mail, test on newer. Cross-validation within one
//! period flatters a model, because every fold comes from the same weeks as its training
//! data; what a municipality lives with is next month's mail, with new senders and a new
//! mix of labels.
//!
//! Two splits, each trained and tested through the real ONNX file and tract:
//! - [`train_and_test`]: train on one data set, test on another (a later export);
//! - [`latest_holdout`] + [`evaluate_holdout`]: one data set, the newest share held out.
//!
//! Part of `eval`: uses `crate::train` and `crate::model`, which must not import it.

use std::cmp::Ordering;
use std::path::Path;

use crate::eval::dataset::{read_message, Dataset, TextMode};
use crate::eval::metrics::{evaluate, EvalReport, Split};
use crate::features::FeatureConfig;
use crate::model::Classifier;
use crate::train::{train_prepared, Prepared, TrainOptions};
use crate::{Error, ErrorKind, Result};

/// Trains on `train` (with `train_set`'s heads and labels) and tests on `test`, a later
/// data set. True labels of the test set are matched to the model's by name; a label the
/// training data did not have counts as an error, as it would in use.
pub fn train_and_test(
    train_set: &Dataset,
    train: &Prepared,
    test_set: &Dataset,
    test: &Prepared,
    features: &FeatureConfig,
    opts: &TrainOptions,
) -> Result<EvalReport> {
    let (model, _) = train_prepared(train, &train_set.heads, features, opts)?;
    let clf = Classifier::from_model(&model)?;
    let mut report = evaluate(&clf, test_set, test, opts.target_precision)?;
    report.split = Some(Split {
        kind: "test_set".into(),
        fraction: None,
        order: None,
        train_messages: train.examples.len() as u64,
        test_messages: test.examples.len() as u64,
    });
    Ok(report)
}

/// Which prepared examples are trained on and which are tested, oldest first in each.
#[derive(Debug, Clone, PartialEq)]
pub struct Holdout {
    /// Indices into `Prepared::examples` to train on.
    pub train: Vec<usize>,
    /// Indices into `Prepared::examples` to test on: the newest.
    pub test: Vec<usize>,
    /// `date` or `file_name` (see [`Split::order`]).
    pub order: String,
    /// The share held out.
    pub fraction: f64,
}

/// Parses a holdout spec such as `latest:0.2` into the share held out.
pub fn parse_holdout(spec: &str) -> Result<f64> {
    let bad = || {
        Error::new(
            ErrorKind::InvalidInput,
            format!("holdout {spec:?}: expected latest:F with 0 < F < 1, e.g. latest:0.2"),
        )
    };
    let f: f64 = spec
        .strip_prefix("latest:")
        .ok_or_else(bad)?
        .trim()
        .parse()
        .map_err(|_| bad())?;
    if f > 0.0 && f < 1.0 {
        Ok(f)
    } else {
        Err(bad())
    }
}

/// Holds out the newest `fraction` of `prepared`'s examples.
///
/// When every message has a readable date ([`crate::Message::timestamp`]: a `Date` header
/// that is a valid date with a time zone), the order is by date over the whole set: the
/// newest messages, whatever their labels, are tested (the mix of labels may differ from
/// training, as it does in use). Otherwise, since a missing date cannot be placed among
/// dated messages, the messages of each label (of the first head: for a directory of label
/// folders, each folder) are ordered by path, comparing runs of digits as numbers
/// (newsgroup article numbers, exported sequence numbers and year folders grow with time),
/// and the newest `fraction` of each label is tested. Ties keep data-set order.
pub fn latest_holdout(
    dataset: &Dataset,
    prepared: &Prepared,
    mode: TextMode,
    fraction: f64,
) -> Result<Holdout> {
    if !(fraction > 0.0 && fraction < 1.0) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("a holdout share must be between 0 and 1, not {fraction}"),
        ));
    }
    let paths: Vec<&Path> = prepared
        .item_index
        .iter()
        .map(|&i| dataset.items[i].path.as_path())
        .collect();
    if paths.len() != prepared.examples.len() || paths.len() < 2 {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "a holdout needs at least two messages that were read from the data set",
        ));
    }
    let dates: Vec<Option<i64>> = paths
        .iter()
        .map(|p| read_message(p, mode).ok().and_then(|m| m.timestamp))
        .collect();
    let n = paths.len();
    let held = |len: usize| ((len as f64 * fraction).round() as usize).clamp(1, len - 1);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    let order = if dates.iter().all(Option::is_some) {
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by_key(|&i| dates[i]);
        let cut = n - held(n);
        train.extend_from_slice(&idx[..cut]);
        test.extend_from_slice(&idx[cut..]);
        "date"
    } else {
        // Group by label (for a directory of label folders, the folder), then order each
        // by its whole path: files in subfolders of a label folder (`byg/2023/…`,
        // `byg/2024/…`) are ordered by folder, then name, not by name alone.
        let mut groups: std::collections::BTreeMap<Option<u32>, Vec<usize>> = Default::default();
        for (i, &item) in prepared.item_index.iter().enumerate() {
            let label = dataset.items[item].labels.first().copied().flatten();
            groups.entry(label).or_default().push(i);
        }
        for (_, mut idx) in groups {
            idx.sort_by(|&a, &b| natural_cmp(path_text(paths[a]), path_text(paths[b])));
            if idx.len() < 2 {
                train.extend(idx);
                continue;
            }
            let cut = idx.len() - held(idx.len());
            train.extend_from_slice(&idx[..cut]);
            test.extend_from_slice(&idx[cut..]);
        }
        "file_name"
    };
    Ok(Holdout {
        train,
        test,
        order: order.into(),
        fraction,
    })
}

/// Trains on `holdout.train` and tests on `holdout.test`.
pub fn evaluate_holdout(
    dataset: &Dataset,
    prepared: &Prepared,
    holdout: &Holdout,
    features: &FeatureConfig,
    opts: &TrainOptions,
) -> Result<EvalReport> {
    let part = |idx: &[usize]| Prepared {
        examples: idx.iter().map(|&i| prepared.examples[i].clone()).collect(),
        item_index: idx.iter().map(|&i| prepared.item_index[i]).collect(),
        failures: Vec::new(),
    };
    let (train, test) = (part(&holdout.train), part(&holdout.test));
    let (model, _) = train_prepared(&train, &dataset.heads, features, opts)?;
    let clf = Classifier::from_model(&model)?;
    let mut report = evaluate(&clf, dataset, &test, opts.target_precision)?;
    report.skipped = prepared.failures.len() as u64;
    report.split = Some(Split {
        kind: "latest".into(),
        fraction: Some(holdout.fraction),
        order: Some(holdout.order.clone()),
        train_messages: train.examples.len() as u64,
        test_messages: test.examples.len() as u64,
    });
    Ok(report)
}

/// A path as text for [`natural_cmp`] (a path that is not UTF-8 compares as empty).
fn path_text(p: &Path) -> &str {
    p.to_str().unwrap_or("")
}

/// Compares names with runs of ASCII digits taken as numbers (`9` before `10`), the rest
/// byte by byte.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let si = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            // Without leading zeros, a longer run is a larger number.
            let x = trim_zeros(&a[si..i]);
            let y = trim_zeros(&b[sj..j]);
            let o = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
            if o != Ordering::Equal {
                return o;
            }
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let k = d.iter().take_while(|&&c| c == b'0').count();
    &d[k.min(d.len().saturating_sub(1))..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_as_numbers() {
        let mut v = vec!["10", "9", "100", "2", "1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["1", "2", "9", "10", "100"]);
        let mut v = vec!["a10", "a2", "a1b", "b"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["a1b", "a2", "a10", "b"]);
        assert_eq!(natural_cmp("0049960", "51060"), Ordering::Less);
    }

    #[test]
    fn files_without_dates_are_ordered_by_path_within_their_label() {
        use crate::eval::{prepare, Dataset};
        use crate::features::{FeatureConfig, Featurizer};
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "Subject: x\n\nhej\n").unwrap();
        };
        for year in [2023, 2024] {
            for i in 1..=10 {
                write(&format!("byg/{year}/{i}.eml"));
            }
        }
        for i in 1..=10 {
            write(&format!("skole/{i}.eml"));
        }
        let d = Dataset::load(dir.path()).unwrap();
        let f = Featurizer::new(&FeatureConfig::default()).unwrap();
        let p = prepare(&d, &f, TextMode::Mail, 1, None);
        let h = latest_holdout(&d, &p, TextMode::Mail, 0.2).unwrap();
        assert_eq!(h.order, "file_name");
        let mut tested: Vec<String> = h
            .test
            .iter()
            .map(|&i| {
                let path = &d.items[p.item_index[i]].path;
                let rel = path.strip_prefix(dir.path()).unwrap();
                rel.to_string_lossy().replace('\\', "/")
            })
            .collect();
        tested.sort();
        // The newest fifth of each label: byg's last four of 2024, skole's last two.
        assert_eq!(
            tested,
            [
                "byg/2024/10.eml",
                "byg/2024/7.eml",
                "byg/2024/8.eml",
                "byg/2024/9.eml",
                "skole/10.eml",
                "skole/9.eml"
            ]
        );
    }

    #[test]
    fn holdout_specs() {
        assert_eq!(parse_holdout("latest:0.2").unwrap(), 0.2);
        for bad in ["latest:0", "latest:1", "latest:x", "oldest:0.2", "0.2"] {
            assert!(parse_holdout(bad).is_err(), "{bad}");
        }
    }
}
