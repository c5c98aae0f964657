"""Peer baselines on the same folds as `signatur eval --folds K`.

Runs TF-IDF + LinearSVC, TF-IDF + ComplementNB and fastText on the folds that libsignatur
wrote with `--folds-out`, and prints them side by side with libsignatur's own figures.

Every peer sees the same input as libsignatur: the raw message file (headers and body).
Confidence for coverage at the target precision: LinearSVC's top decision margin,
ComplementNB's and fastText's top probability. Predict rates are measured on one core
(vectorise + predict over each test fold), in the same run.

Usage: python run.py --data DIR --folds FOLDS.tsv [--signatur EVAL.json] [--target 0.95]
"""
import argparse
import json
import os
import random
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.naive_bayes import ComplementNB  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402


def coverage_at_precision(conf, correct, target):
    order = np.argsort(-np.asarray(conf), kind="stable")
    c = np.asarray(correct)[order]
    conf_sorted = np.asarray(conf)[order]
    best = 0
    hits = 0
    for i in range(len(c)):
        hits += c[i]
        if i + 1 < len(c) and conf_sorted[i + 1] == conf_sorted[i]:
            continue
        if hits / (i + 1) >= target:
            best = i + 1
    return best / max(len(c), 1)


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace")


def sklearn_peer(name, make_vec, make_clf, conf_fn, folds, docs, labels, target):
    preds, confs, truths, rate_n, rate_t = [], [], [], 0, 0.0
    fold_acc = []
    for k in sorted(set(folds)):
        tr = [i for i, f in enumerate(folds) if f != k]
        te = [i for i, f in enumerate(folds) if f == k]
        vec = make_vec()
        xtr = vec.fit_transform([docs[i] for i in tr])
        clf = make_clf()
        clf.fit(xtr, [labels[i] for i in tr])
        t0 = time.perf_counter()
        xte = vec.transform([docs[i] for i in te])
        p = clf.predict(xte)
        c = conf_fn(clf, xte)
        rate_t += time.perf_counter() - t0
        rate_n += len(te)
        ok = [p[j] == labels[i] for j, i in enumerate(te)]
        fold_acc.append(float(np.mean(ok)))
        preds += list(p)
        confs += list(c)
        truths += [labels[i] for i in te]
    correct = [a == b for a, b in zip(preds, truths)]
    return {
        "peer": name,
        "accuracy": float(np.mean(correct)),
        "fold_accuracy": fold_acc,
        "coverage_at_precision": coverage_at_precision(confs, correct, target),
        "predict_per_s": rate_n / rate_t,
    }


def fasttext_peer(folds, docs, labels, target, seed):
    import fasttext

    def clean(s):
        return " ".join(s.lower().split())

    preds, confs, truths, rate_n, rate_t = [], [], [], 0, 0.0
    fold_acc = []
    rng = random.Random(seed)
    for k in sorted(set(folds)):
        tr = [i for i, f in enumerate(folds) if f != k]
        te = [i for i, f in enumerate(folds) if f == k]
        # fastText reads its file in order: label-sorted input ruins it, so shuffle.
        rng.shuffle(tr)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
            for i in tr:
                f.write(f"__label__{labels[i]} {clean(docs[i])}\n")
            path = f.name
        model = fasttext.train_supervised(path, epoch=25, lr=0.5, wordNgrams=2, dim=100, minCount=1, thread=2, seed=seed, verbose=0)
        os.unlink(path)
        texts = [clean(docs[i]) for i in te]
        t0 = time.perf_counter()
        out = [model.predict(t, k=1) for t in texts]
        rate_t += time.perf_counter() - t0
        rate_n += len(te)
        p = [o[0][0][len("__label__"):] for o in out]
        c = [float(o[1][0]) for o in out]
        fold_acc.append(float(np.mean([p[j] == labels[i] for j, i in enumerate(te)])))
        preds += p
        confs += c
        truths += [labels[i] for i in te]
    correct = [a == b for a, b in zip(preds, truths)]
    return {
        "peer": "fastText",
        "accuracy": float(np.mean(correct)),
        "fold_accuracy": fold_acc,
        "coverage_at_precision": coverage_at_precision(confs, correct, target),
        "predict_per_s": rate_n / rate_t,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--folds", required=True, help="path<TAB>fold lines from signatur eval --folds-out")
    ap.add_argument("--signatur", help="signatur eval --folds K --json output")
    ap.add_argument("--target", type=float, default=0.95)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()

    paths, folds = [], []
    with open(args.folds, encoding="utf-8") as f:
        for line in f:
            p, k = line.rstrip("\n").rsplit("\t", 1)
            paths.append(p)
            folds.append(int(k))
    root = os.path.abspath(args.data)
    labels = [os.path.relpath(os.path.abspath(p), root).split(os.sep)[0] for p in paths]
    docs = [read(p) for p in paths]

    results = []
    results.append(sklearn_peer(
        "TF-IDF + LinearSVC",
        lambda: TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2),
        lambda: LinearSVC(C=1.0),
        lambda clf, x: clf.decision_function(x).max(axis=1),
        folds, docs, labels, args.target))
    results.append(sklearn_peer(
        "TF-IDF + ComplementNB",
        lambda: TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2),
        lambda: ComplementNB(alpha=0.3),
        lambda clf, x: clf.predict_proba(x).max(axis=1),
        folds, docs, labels, args.target))
    results.append(fasttext_peer(folds, docs, labels, args.target, args.seed))

    if args.signatur:
        with open(args.signatur, encoding="utf-8") as f:
            s = json.load(f)
        h = s["heads"][0]
        results.insert(0, {
            "peer": "libsignatur",
            "accuracy": h["accuracy"],
            "fold_accuracy": s.get("fold_accuracy", []),
            "coverage_at_precision": h["coverage_at_precision"],
            "predict_per_s": None,
        })

    print(f"{len(docs)} messages, {len(set(folds))} folds, coverage at precision {args.target}")
    print(f"{'':24} {'accuracy':>9} {'cov@prec':>9} {'predict/s':>10}")
    for r in results:
        rate = f"{r['predict_per_s']:.0f}" if r["predict_per_s"] else "(bench)"
        print(f"{r['peer']:24} {r['accuracy']:9.4f} {r['coverage_at_precision']:9.4f} {rate:>10}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
