#!/usr/bin/env python3
"""Prototype of the Danish KLE cold-start ranker (issue #17): a research record.

Run (a venv with numpy, scipy and PyStemmer, the same Snowball Danish stemmer as the Rust
crate rust-stemmers):

    python3 -m venv /tmp/kle-venv && /tmp/kle-venv/bin/pip install numpy scipy PyStemmer
    /tmp/kle-venv/bin/python scripts/kle_ranker_proto.py            # every variant
    /tmp/kle-venv/bin/python scripts/kle_ranker_proto.py --chosen   # the chosen design only

Reads OS2KLE from $SIGNATUR_DATA/os2kle/OS2KLE.txt (default ../shared/data), the demo corpus
from demo/corpus and the council decision from $SIGNATUR_DATA/danish/.

What it models is what the Rust keyword graph can express (see docs/kle-ranker.md):
- the featuriser's features of one text field: stemmed word unigrams (stop words left out),
  bigrams of neighbouring non-stop words, character 4- and 5-grams of words of five or more
  characters (weight 0.4), value = weight x (1 + ln count);
- in the graph: x * idf, L2-normalised (xn);
- a score per label that is linear in xn: s_l = sum_f xn_f * W[f, l], where each feature
  points to at most K labels (the sparse prior table, K <= 64);
- labels are the emner plus, in the hierarchical design, the grupper and hovedgrupper; an
  emne's score adds its gruppe's and hovedgruppe's (three Gathers in the graph);
- p(emne) = softmax(s / T); p(gruppe), p(hovedgruppe) are sums over their emner.

Features are strings here, not hashed buckets (2^18 buckets; the collision rate is checked
separately with --hash).
"""

import argparse
import email
import email.policy
import math
import os
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
import base64
import zlib
from collections import defaultdict

import numpy as np
import scipy.sparse as sp
import Stemmer

DATA = os.environ.get("SIGNATUR_DATA", "../shared/data")
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# Snowball stop words, as src/text/stopwords.rs (Danish + English).
DANISH_STOP = set("""ad af alle alt anden at blev blive bliver da de dem den denne der deres
det dette dig din disse dog du efter eller en end er et for fra ham han hans har havde have
hende hendes her hos hun hvad hvis hvor i ikke ind jeg jer jo kunne man mange med meget men
mig min mine mit mod ned noget nogle nu når og også om op os over på selv sig sin sine sit
skal skulle som sådan thi til ud under var vi vil ville vor være været""".split())
ENGLISH_STOP = set("""a about above after again against all am an and any are as at be
because been before being below between both but by can cannot could did do does doing down
during each few for from further had has have having he her here hers herself him himself
his how i if in into is it its itself me more most my myself no nor not of off on once only
or other ought our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under until up
very was we were what when where which while who whom why with would you your yours yourself
yourselves""".split())
STOP = DANISH_STOP | ENGLISH_STOP

STEMMER = Stemmer.Stemmer("danish")
WORD = re.compile(r"\w+(?:[.'’:]\w+)*")


def units(weight):
    """OS2KLE weight in units of an ordinary keyword (5), logarithmic above (keyword.rs)."""
    w = weight / 5.0
    return w if w <= 1.0 else 1.0 + math.log(w)


# ---------------------------------------------------------------- the taxonomy


class Emne:
    __slots__ = ("code", "title", "keywords", "gruppe", "hoved")

    def __init__(self, code, title, keywords):
        self.code = code
        self.title = title
        self.keywords = keywords  # [(text, weight)]
        self.gruppe = code[:5]
        self.hoved = code[:2]


def load_os2kle(path):
    emner = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            m = re.match(r"KLENummer='([^']*)':KLETitel='(.*?)':Keywords\[Weight\]=(.*)$", line)
            code, title, rest = m.group(1), m.group(2).strip(), m.group(3)
            kws = []
            for item in rest.split(";"):
                item = item.strip()
                if not item:
                    continue
                mm = re.match(r"(.*)\[(\d+)\]$", item)
                text = mm.group(1).replace("\u00ad", "").strip()
                if text:
                    kws.append((text, int(mm.group(2))))
            emner.append(Emne(code, title, kws))
    return emner


GENERAL = re.compile(r"\s*(?:-\s*)?i almindelighed\s*$", re.I)


def strip_general(title):
    """`Tandpleje i almindelighed` -> `Tandpleje` (KLE's name for the gruppe's own emne)."""
    return GENERAL.sub("", title)


def is_general(code):
    return code.endswith(".00")


# ---------------------------------------------------------------- the featuriser


def normalize(text):
    return unicodedata.normalize("NFKC", text).lower()


def number_token(tok):
    digits = sum(c.isdigit() for c in tok)
    if re.fullmatch(r"\d\d\.\d\d\.\d\d", tok):
        return tok
    if digits <= 4:
        return tok
    return "#n%d" % min(max(digits, 5), 6)


class Featurizer:
    """The Rust featuriser's text features for one field (body), as strings."""

    def __init__(self, char=(4, 5), char_weight=0.4, min_len=5, bigrams=True):
        self.char = char
        self.char_weight = char_weight
        self.min_len = min_len
        self.bigrams = bigrams
        self.cache = {}

    def occurrences(self, text):
        text = normalize(text)
        occ = []
        prev = None
        for tok in WORD.findall(text):
            if tok[0].isdigit() and not any(c.isalpha() for c in tok):
                h = "u:" + number_token(tok)
            else:
                if tok in STOP:
                    continue
                if self.char and len(tok) >= self.min_len:
                    w = "<" + tok + ">"
                    for n in range(self.char[0], self.char[1] + 1):
                        for i in range(len(w) - n + 1):
                            occ.append(("c:" + w[i:i + n], self.char_weight))
                stem = self.cache.get(tok)
                if stem is None:
                    stem = self.cache[tok] = STEMMER.stemWord(tok)
                h = "u:" + stem
            occ.append((h, 1.0))
            if self.bigrams and prev is not None:
                occ.append(("b:" + prev + " " + h[2:], 1.0))
            prev = h[2:]
        return occ

    def features(self, text):
        """feature -> value (mean weight x (1 + ln count)), as src/features/featurize.rs."""
        acc = defaultdict(lambda: [0.0, 0])
        for f, w in self.occurrences(text):
            a = acc[f]
            a[0] += w
            a[1] += 1
        return {f: s / n * (1.0 + math.log(n)) for f, (s, n) in acc.items()}


# ---------------------------------------------------------------- the ranker


class Vocab:
    def __init__(self):
        self.index = {}

    def id(self, f, grow=True):
        i = self.index.get(f)
        if i is None and grow:
            i = self.index[f] = len(self.index)
        return i

    def __len__(self):
        return len(self.index)


def rows_to_csr(rows, vocab, grow):
    data, ind, ptr = [], [], [0]
    for row in rows:
        for f, v in row.items():
            i = vocab.id(f, grow)
            if i is not None:
                ind.append(i)
                data.append(v)
        ptr.append(len(ind))
    return sp.csr_matrix((data, ind, ptr), shape=(len(rows), len(vocab)))


def add_into(acc, feats, scale):
    for f, v in feats.items():
        acc[f] += scale * v


def l2_rows(m, power=1.0):
    m = m.tocsr().astype(np.float64)
    n = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    n[n == 0] = 1.0
    n = n ** power
    return sp.diags(1.0 / n) @ m


def topk_per_feature(w, k, mode="top"):
    """Keeps, per feature (row of w: features x labels), at most k entries: the sparse
    prior table holds at most K (label, weight) pairs per hash bucket. `mode` "top" keeps
    the k largest (which favours labels with small documents), "drop" leaves a feature
    with more than k labels out altogether (as src/model/keyword.rs does)."""
    w = w.tocsr()
    if k is None:
        return w
    if mode == "drop":
        nz = np.diff(w.indptr)
        keep = sp.diags((nz <= k).astype(np.float64))
        return (keep @ w).tocsr()
    data, ind, ptr = [], [], [0]
    for r in range(w.shape[0]):
        a, b = w.indptr[r], w.indptr[r + 1]
        d, i = w.data[a:b], w.indices[a:b]
        if len(d) > k:
            keep = np.argpartition(-d, k - 1)[:k]
            d, i = d[keep], i[keep]
        data.extend(d)
        ind.extend(i)
        ptr.append(len(ind))
    return sp.csr_matrix((data, ind, ptr), shape=w.shape)


DEFAULTS = dict(
    # which text goes into an emne's document
    kw_weighting="units",   # "units": units(weight); "flat": every keyword 1
    kw_norm=True,           # each keyword's feature vector L2-normalised before summing
    sublinear=True,         # document tf -> 1 + ln tf
    binary=False,           # document tf -> 1 where present (the baseline's sets)
    binary_weight=0.0,      # with binary: present -> (max units of its keywords) ** this
    doc_norm=1.0,           # profiles divided by their L2 norm to this power (1: cosine)
    title_share=1.0,        # an emne's own title (when the protocol keeps it), in keywords
    # IDF over emner documents: ln((N + 1) / (df + 1)) + 1, to the power idf_pow
    idf_pow=1.0,
    # hierarchy: s_e = E_e + a G_g(e) + b H_h(e)
    gruppe=0.5,
    hoved=0.5,
    group_title_share=2.0,  # a gruppe's title (its NN.NN.00 title), in keywords
    char_weight=0.4,
    bigrams=True,
    k=64,                   # per-feature entries in the prior table (None: unbounded)
    trunc="top",            # how a feature with more than k labels is cut: "top", "drop"
    temperature=0.05,
)


class Ranker:
    """The ranker built from a taxonomy. `drop_titles`: codes whose titles are left out."""

    def __init__(self, emner, drop_titles=frozenset(), **opts):
        self.o = dict(DEFAULTS, **opts)
        o = self.o
        self.emner = emner
        self.codes = [e.code for e in emner]
        self.grupper = sorted({e.gruppe for e in emner})
        self.hoveder = sorted({e.hoved for e in emner})
        gi = {g: i for i, g in enumerate(self.grupper)}
        hi = {h: i for i, h in enumerate(self.hoveder)}
        self.e_g = np.array([gi[e.gruppe] for e in emner])
        self.e_h = np.array([hi[e.hoved] for e in emner])
        self.fz = Featurizer(char_weight=o["char_weight"], bigrams=o["bigrams"])

        def vec(text):
            f = self.fz.features(text)
            if o["kw_norm"] and f:
                n = math.sqrt(sum(v * v for v in f.values()))
                f = {k: v / n for k, v in f.items()}
            return f

        # Documents: an emne's keywords (and its title unless dropped); a gruppe's title is
        # the title of its NN.NN.00 emne without "i almindelighed", a hovedgruppe's that of
        # NN.00.00.
        docs = []
        gtitle = {}
        self.maxunits = maxunits = []
        for e in emner:
            d = defaultdict(float)
            mu = defaultdict(float)
            for text, w in e.keywords:
                if w <= 0:
                    continue
                u = units(w) if o["kw_weighting"] == "units" else 1.0
                v = vec(text)
                add_into(d, v, u)
                for f in v:
                    mu[f] = max(mu[f], units(w))
            maxunits.append(mu)
            if e.code not in drop_titles and o["title_share"] > 0:
                add_into(d, vec(strip_general(e.title)), o["title_share"])
            if is_general(e.code):
                g = e.code[:5]
                if e.code[3:5] == "00":
                    gtitle.setdefault(e.hoved, strip_general(e.title))
                gtitle[g] = strip_general(e.title)
            docs.append(d)
        if o["binary"]:
            p = o["binary_weight"]
            docs = [{f: max(mu.get(f, 1.0), 1.0) ** p for f in d} for d, mu in zip(docs, maxunits)]
        elif o["sublinear"]:
            docs = [{f: (1 + math.log(v)) if v > 1 else v for f, v in d.items()} for d in docs]
        self.vocab = Vocab()
        D = rows_to_csr(docs, self.vocab, True)  # emner x features
        n = D.shape[0]
        df = np.asarray((D > 0).sum(axis=0)).ravel()
        self.idf = (np.log((n + 1) / (df + 1)) + 1.0) ** o["idf_pow"]
        # Gruppe and hovedgruppe documents: the sum of their emner's, plus their titles.
        G = sp.csr_matrix((np.ones(n), (self.e_g, np.arange(n))), shape=(len(self.grupper), n)) @ D
        H = sp.csr_matrix((np.ones(n), (self.e_h, np.arange(n))), shape=(len(self.hoveder), n)) @ D
        gt = [{} for _ in self.grupper]
        ht = [{} for _ in self.hoveder]
        for code, t in gtitle.items():
            if len(code) == 5:
                gt[gi[code]] = vec(t)
            else:
                ht[hi[code]] = vec(t)
        share = o["group_title_share"]
        G = G + share * rows_to_csr(gt, self.vocab, True)[:, :D.shape[1]]
        H = H + share * rows_to_csr(ht, self.vocab, True)[:, :D.shape[1]]
        idf = sp.diags(self.idf)
        # Profiles: tf-idf, L2-normalised per label; tables features x labels.
        a = o["doc_norm"]
        self.WE = topk_per_feature((l2_rows(D @ idf, a)).T, o["k"], o["trunc"])
        self.WG = topk_per_feature((l2_rows(G @ idf, a)).T, o["k"], o["trunc"])
        self.WH = topk_per_feature((l2_rows(H @ idf, a)).T, o["k"], o["trunc"])

    def query(self, texts):
        Q = rows_to_csr([self.fz.features(t) for t in texts], self.vocab, False)
        return l2_rows(Q @ sp.diags(self.idf))

    def scores(self, texts):
        Q = self.query(texts)
        s = (Q @ self.WE).toarray()
        if self.o["gruppe"]:
            s += self.o["gruppe"] * (Q @ self.WG).toarray()[:, self.e_g]
        if self.o["hoved"]:
            s += self.o["hoved"] * (Q @ self.WH).toarray()[:, self.e_h]
        return s

    def probs(self, texts, temperature=None):
        """Per level: (emne, gruppe, hovedgruppe) probability matrices."""
        t = temperature or self.o["temperature"]
        s = self.scores(texts) / t
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        return levels(p, self.e_g, self.e_h, len(self.grupper), len(self.hoveder))

    def tiers(self, ks=(4, 16, 64, 192)):
        """Bytes of a tiered table: each feature row (one table over emner, grupper and
        hovedgrupper as labels) goes to the smallest tier whose K holds it; a tier stores
        rows x K (f32 weight + u16 label) and a [2^18] i32 slot table per tier."""
        w = sp.hstack([self.WE, self.WG, self.WH]).tocsr()
        nz = np.diff(w.indptr)
        out, lo = [], 0
        total = 0
        for k in ks:
            rows = int(((nz > lo) & (nz <= k)).sum())
            out.append((k, rows))
            total += rows * k * 6 + (1 << 18) * 4
            lo = k
        return out, total, int(nz.sum()) * 6

    def table_size(self):
        """Rows x K entries as the prior table stores them (6 bytes an entry: f32 weight +
        two u8 label bytes), plus 4 bytes per bucket of kw_slot (2^18)."""
        rows = set()
        entries = 0
        for w in (self.WE, self.WG, self.WH):
            w = w.tocsr()
            nz = np.diff(w.indptr)
            rows |= set(np.nonzero(nz)[0].tolist())
            entries += int(nz.sum())
        return len(rows), entries


def levels(p, e_g, e_h, ng, nh):
    n = p.shape[1]
    mg = sp.csr_matrix((np.ones(n), (np.arange(n), e_g)), shape=(n, ng))
    mh = sp.csr_matrix((np.ones(n), (np.arange(n), e_h)), shape=(n, nh))
    return p, np.asarray(p @ mg), np.asarray(p @ mh)


# ---------------------------------------------------------------- the baseline


def idf_baseline_scores(emner, drop_titles, texts):
    """The "30-line stemmed IDF ranker" of the issue, as I read it: an emne's stems are
    those of its keywords (and kept titles); a text scores each emne by the summed IDF of
    the stems they share."""
    fz = Featurizer(char=None, bigrams=False)
    sets = []
    for e in emner:
        s = set()
        for t, w in e.keywords:
            s |= {f for f in fz.features(t)}
        if e.code not in drop_titles:
            s |= {f for f in fz.features(strip_general(e.title))}
        sets.append(s)
    df = defaultdict(int)
    for s in sets:
        for f in s:
            df[f] += 1
    n = len(emner)
    inv = defaultdict(list)
    for j, s in enumerate(sets):
        for f in s:
            inv[f].append(j)
    out = np.zeros((len(texts), n))
    for i, t in enumerate(texts):
        for f in set(fz.features(t)):
            if f in df:
                out[i, inv[f]] += math.log(n / df[f])
    return out


# ---------------------------------------------------------------- evaluation


def title_protocol(emner, strict=False):
    """The test titles (every emne but NN.NN.00) and the codes whose titles are dropped.

    `strict`: also leave out each test emne's keywords that are its title (26 % of the test
    emner have their title as a keyword; with it the task is partly a lookup)."""
    test = [i for i, e in enumerate(emner) if not is_general(e.code)]
    if strict:
        for i in test:
            e = emner[i]
            t = normalize(e.title)
            e.keywords = [(k, w) for k, w in e.keywords if normalize(k) != t]
    return test, frozenset(emner[i].code for i in test)


def metrics(p_e, p_g, p_h, idx, truth_e, e_g, e_h, threshold=0.9):
    """Top-1 per level, hovedgruppe top-3, and the abstaining figures: the finest level
    whose top probability reaches `threshold`."""
    te = truth_e[idx]
    tg, th = e_g[te], e_h[te]
    pe, pg, ph = p_e[idx], p_g[idx], p_h[idx]
    be, bg, bh = pe.argmax(1), pg.argmax(1), ph.argmax(1)
    top3 = np.argsort(-ph, axis=1)[:, :3]
    r = dict(
        emne=float(np.mean(be == te)),
        gruppe=float(np.mean(bg == tg)),
        hoved=float(np.mean(bh == th)),
        hoved3=float(np.mean((top3 == th[:, None]).any(1))),
    )
    conf = np.zeros(len(idx), bool)
    right = np.zeros(len(idx), bool)
    lvl = np.full(len(idx), -1)
    for level, (pp, b, t) in enumerate(((pe, be, te), (pg, bg, tg), (ph, bh, th))):
        top = pp.max(1)
        new = (~conf) & (top >= threshold)
        right[new] = (b == t)[new]
        lvl[new] = level
        conf |= new
    r["covered"] = float(conf.mean())
    r["precision"] = float(right[conf].mean()) if conf.any() else float("nan")
    r["levels"] = [int((lvl == k).sum()) for k in range(3)]
    return r


def ece(p, truth, bins=10):
    """Expected calibration error of the top probability."""
    top = p.max(1)
    ok = p.argmax(1) == truth
    e = 0.0
    for lo in np.linspace(0, 1, bins, endpoint=False):
        m = (top >= lo) & (top < lo + 1.0 / bins)
        if m.any():
            e += m.mean() * abs(top[m].mean() - ok[m].mean())
    return e


def nll(p, truth):
    return float(-np.mean(np.log(np.maximum(p[np.arange(len(truth)), truth], 1e-12))))


def fmt(r):
    return "emne %.3f  gruppe %.3f  hoved %.3f  top3 %.3f  | conf %.3f prec %.3f %s" % (
        r["emne"], r["gruppe"], r["hoved"], r["hoved3"], r["covered"], r["precision"], r["levels"])


def split(test, seed=17):
    """Dev (choose hyper-parameters) and held-out halves of the title protocol."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(test))
    half = len(test) // 2
    return np.array(sorted(np.array(test)[perm[:half]])), np.array(sorted(np.array(test)[perm[half:]]))


def fit_temperature(r, texts, truth_e, idx):
    """The temperature that minimises the emne-level NLL on `idx`."""
    s = r.scores([texts[i] for i in idx])
    best = None
    for t in np.exp(np.linspace(np.log(0.01), np.log(5.0), 80)):
        z = s / t
        z -= z.max(1, keepdims=True)
        lp = z - np.log(np.exp(z).sum(1, keepdims=True))
        v = -lp[np.arange(len(idx)), truth_e[idx]].mean()
        if best is None or v < best[0]:
            best = (v, t)
    return best[1]


# ---------------------------------------------------------------- the other texts


def demo_corpus():
    """(text, kle) of the demo corpus: subject and body of the mails, label and main
    document of the Digital Post messages; case numbers (`[06.01.20-G01-…]`) removed, as
    they name the emne."""
    out = []
    root = os.path.join(REPO, "demo", "corpus")
    with open(os.path.join(root, "manifest.csv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            path, _unit, kle, _facet = line.rstrip("\n").split(",")
            full = os.path.join(root, path)
            if path.endswith(".eml"):
                with open(full, "rb") as fh:
                    m = email.message_from_binary_file(fh, policy=email.policy.default)
                parts = [str(m["subject"] or "")]
                for part in m.walk():
                    if part.get_content_type() == "text/plain" and not part.is_attachment():
                        parts.append(part.get_content())
                text = "\n".join(parts)
                # Only the new text: cut at the quoted history.
                text = re.split(r"-----Oprindelig meddelelse-----|\n>", text)[0]
            else:
                tree = ET.parse(full)
                texts = []
                for el in tree.iter():
                    tag = el.tag.split("}")[-1]
                    if tag == "label" and el.text:
                        texts.append(el.text)
                    if tag == "content" and el.text:
                        try:
                            texts.append(base64.b64decode(el.text).decode("utf-8", "ignore"))
                        except Exception:
                            pass
                text = "\n".join(texts)
            text = re.sub(r"\d\d\.\d\d\.\d\d(-\w+)*", " ", text)
            out.append((text, kle))
    return out


def report_demo(r, emner, t):
    demo = demo_corpus()
    code_i = {c: i for i, c in enumerate(r.codes)}
    keep = [(x, k) for x, k in demo if k in code_i]
    truth = np.array([code_i[k] for _, k in keep])
    pe, pg, ph = r.probs([x for x, _ in keep], t)
    m = metrics(pe, pg, ph, np.arange(len(keep)), truth, r.e_g, r.e_h)
    return len(keep), m


def council(r, t, n=5):
    path = os.path.join(DATA, "danish", "council-decision-signaturprojekt.txt")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    pe, pg, ph = r.probs([text], t)
    out = []
    for level, (p, names) in enumerate(((pe, r.codes), (pg, r.grupper), (ph, r.hoveder))):
        best = np.argsort(-p[0])[:n]
        out.append(", ".join("%s %.2f" % (names[b], p[0, b]) for b in best))
    return out


# ---------------------------------------------------------------- main


# The variants as they were tried (docs/kle-ranker.md has their figures). Each names what
# it changes against the default (DEFAULTS: weighted cosine, gruppe 0.5, hovedgruppe 0.5).
B = dict(binary=True, gruppe=0, hoved=0, doc_norm=0.5)
C = dict(binary=True, gruppe=0.1, hoved=0.05, doc_norm=0.3, char_weight=0.2, k=64)
VARIANTS = [
    ("A0 flat cosine, emne only", dict(gruppe=0, hoved=0, kw_weighting="flat", kw_norm=False, sublinear=False)),
    ("A1 + units weights", dict(gruppe=0, hoved=0, kw_norm=False, sublinear=False)),
    ("A2 + keyword L2 norm", dict(gruppe=0, hoved=0, sublinear=False)),
    ("A3 + sublinear doc tf", dict(gruppe=0, hoved=0)),
    ("A4 + gruppe 0.5 hoved 0.5", dict()),
    ("A5 doc norm^0.75", dict(doc_norm=0.75)),
    ("A6 no doc norm", dict(gruppe=0, hoved=0, doc_norm=0.0)),
    ("B0 binary, no doc norm", dict(B, doc_norm=0.0)),
    ("B1 binary, doc norm^0.5", dict(B)),
    ("B2 B1 doc norm^0.3", dict(B, doc_norm=0.3)),
    ("B3 B1 idf^1.5", dict(B, idf_pow=1.5)),
    ("B4 B1 char weight 0.2", dict(B, char_weight=0.2)),
    ("B5 B1 char weight 0.8", dict(B, char_weight=0.8)),
    ("B6 B1 no bigrams", dict(B, bigrams=False)),
    ("B7 B1 gruppe 0.1 hoved 0.1", dict(B, gruppe=0.1, hoved=0.1)),
    ("B8 B1 gruppe 0.25 hoved 0.25", dict(B, gruppe=0.25, hoved=0.25)),
    ("B9 B1 K unbounded", dict(B, k=None)),
    ("B10 B1 K 32", dict(B, k=32)),
    ("C0 binary doc^0.3 char 0.2 g 0.1 h 0.05 K 64", dict(C)),
    ("C1 C0 K unbounded", dict(C, k=None)),
    ("C2 C0 K 64 drop", dict(C, trunc="drop")),
    ("C3 C0 K 32 drop", dict(C, k=32, trunc="drop")),
    ("C4 C0 K 16 drop", dict(C, k=16, trunc="drop")),
    ("C5 C0 keyword weights^0.25 (chosen)", dict(C, binary_weight=0.25)),
    ("C6 C0 doc norm^0.2", dict(C, doc_norm=0.2)),
    ("C7 C0 no group titles", dict(C, group_title_share=0.0)),
    ("C8 C0 no hierarchy", dict(C, gruppe=0, hoved=0)),
]
CHOSEN = dict(C, binary_weight=0.25)  # C5: chosen on the demo corpus, see the doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chosen", action="store_true", help="only the chosen design")
    ap.add_argument("--variants", default="", help="comma-separated variant numbers")
    ap.add_argument("--demo", action="store_true", help="also the demo corpus and council text")
    ap.add_argument("--strict", action="store_true", help="also leave out keywords equal to the title")
    args = ap.parse_args()
    emner = load_os2kle(os.path.join(DATA, "os2kle", "OS2KLE.txt"))
    test, drop = title_protocol(emner, args.strict)
    dev, held = split(test)
    texts = [e.title for e in emner]
    truth_e = np.arange(len(emner))
    print("emner %d, test titles %d (dev %d, held-out %d)" % (len(emner), len(test), len(dev), len(held)))

    # The baseline: the 30-line stemmed IDF ranker.
    r0 = Ranker(emner, drop, gruppe=0, hoved=0)  # for e_g / e_h only
    s = idf_baseline_scores(emner, drop, [texts[i] for i in range(len(emner))])
    s = s / 0.5
    s -= s.max(1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(1, keepdims=True)
    pe, pg, ph = levels(p, r0.e_g, r0.e_h, len(r0.grupper), len(r0.hoveder))
    print("%-28s all %s" % ("stemmed IDF baseline", fmt(metrics(pe, pg, ph, np.array(test), truth_e, r0.e_g, r0.e_h))))

    chosen = [("chosen", CHOSEN)] if args.chosen else VARIANTS
    if args.variants:
        chosen = [VARIANTS[int(i)] for i in args.variants.split(",")]
    for name, opts in chosen:
        r = Ranker(emner, drop, **opts)
        t = fit_temperature(r, texts, truth_e, dev)
        pe, pg, ph = r.probs(texts, t)
        md = metrics(pe, pg, ph, dev, truth_e, r.e_g, r.e_h)
        mh = metrics(pe, pg, ph, held, truth_e, r.e_g, r.e_h)
        ma = metrics(pe, pg, ph, np.array(test), truth_e, r.e_g, r.e_h)
        print("%-28s T %.3f" % (name, t))
        print("    dev  %s" % fmt(md))
        print("    held %s" % fmt(mh))
        print("    all  %s" % fmt(ma))
        if args.chosen or args.demo:
            idx = np.array(test)
            for lvl, (pp, tr) in enumerate(((pe, truth_e), (pg, r.e_g), (ph, r.e_h))):
                print("    ECE level %d: held %.3f all %.3f" % (
                    lvl, ece(pp[held], tr[held]), ece(pp[idx], tr[idx])))
            rows, entries = r.table_size()
            print("    table rows %d, entries %d" % (rows, entries))
            tiers, total, csr = r.tiers()
            print("    tiers (K, rows) %s: %.1f MB; as CSR entries %.1f MB" % (tiers, total / 1e6, csr / 1e6))
            # The deployed model: every title and keyword in.
            full = Ranker(load_os2kle(os.path.join(DATA, "os2kle", "OS2KLE.txt")), frozenset(), **opts)
            n, m = report_demo(full, emner, t)
            print("    demo corpus (%d msgs, all titles in): %s" % (n, fmt(m)))
            for line in council(full, t):
                print("    council: " + line)


if __name__ == "__main__":
    main()
