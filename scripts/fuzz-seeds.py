#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets (fuzz/fuzz_targets/) at run time.

Usage: python3 scripts/fuzz-seeds.py OUT_DIR [SIGNATUR_BINARY]

Seeds come from the shared real data ($SIGNATUR_DATA, default ../shared/data: mail, MeMo,
OS2KLE) and the repository's own fixtures; nothing from the shared data is copied into the
repository, and under CI=true a missing data folder is an error. The model target's seeds
are small real models that the `signatur` binary trains on the demo corpus (skipped when no
binary is given). Each target gets OUT_DIR/NAME/.
Files above 64 KiB are left out: libFuzzer's inputs stay small, and so fast.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("SIGNATUR_DATA", ROOT.parent / "shared" / "data"))
FIX = ROOT / "tests" / "fixtures"
MAX = 64 * 1024


def files(folder, pattern="*", limit=None):
    """Regular files below `folder` matching `pattern`, in name order, at most `limit`."""
    folder = Path(folder)
    if not folder.is_dir():
        print(f"fuzz-seeds: {folder} is missing, skipped", file=sys.stderr)
        return []
    found = sorted(p for p in folder.rglob(pattern) if p.is_file() and p.stat().st_size <= MAX)
    return found[:limit] if limit else found


class Corpus:
    def __init__(self, out, name):
        self.dir = Path(out) / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def add(self, data):
        if not data or len(data) > MAX:
            return
        name = hashlib.sha1(data).hexdigest()
        (self.dir / name).write_bytes(data)
        self.count += 1


def mail():
    """Real mail of every kind: MIME test suites, SpamAssassin, 20 Newsgroups, fixtures."""
    out = []
    out += files(DATA / "mime" / "mail-parser-eml", "*.eml")
    out += files(DATA / "mime" / "cpython", "*.txt")
    out += files(DATA / "mime" / "mimekit" / "UnitTests" / "TestData" / "messages", limit=40)
    for sub in ["easy-ham-1", "hard-ham-1", "spam-1"]:
        out += files(DATA / "spamassassin" / sub, limit=25)
    out += files(DATA / "20news" / "train" / "sci.med", limit=10)
    out += files(FIX / "ingest", "*.eml")
    out += files(ROOT / "demo" / "corpus" / "mail", limit=20)
    return [p.read_bytes() for p in out]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if not DATA.is_dir() and os.environ.get("CI") == "true":
        sys.exit(f"fuzz-seeds: shared data {DATA} is missing under CI=true "
                 "(set SIGNATUR_DATA to the data folder)")
    out = Path(sys.argv[1])
    binary = sys.argv[2] if len(sys.argv) > 2 else None
    mails = mail()
    counts = {}

    c = Corpus(out, "message_from_bytes")
    for m in mails:
        c.add(m)
    counts[c.dir.name] = c.count

    c = Corpus(out, "mailbox")
    for p in files(DATA / "mime" / "mimekit" / "UnitTests" / "TestData" / "mbox"):
        c.add(b"\x00" + p.read_bytes())
    for i in range(0, min(len(mails), 60), 3):
        c.add(b"\x01" + b"\x00".join(mails[i : i + 3]))
        c.add(b"\x02" + mails[i])
    counts[c.dir.name] = c.count

    c = Corpus(out, "memo")
    for p in files(DATA / "memo", "*.xml") + files(FIX / "memo", "*.xml"):
        c.add(p.read_bytes())
    for p in files(ROOT / "demo" / "corpus" / "digitalpost", limit=10):
        c.add(p.read_bytes())
    counts[c.dir.name] = c.count

    c = Corpus(out, "attachment")
    kinds = {".pdf": 0, ".docx": 1, ".odt": 2, ".xlsx": 3, ".ods": 4, ".rtf": 5}
    for p in files(FIX / "attachments"):
        if p.suffix in kinds:
            c.add(bytes([kinds[p.suffix]]) + p.read_bytes())
    for m in mails[:10]:
        c.add(b"\x07" + m)
    for p in files(DATA / "mime" / "mimekit" / "UnitTests" / "TestData" / "messages", "*.html"):
        c.add(b"\x08" + p.read_bytes())
    c.add(b"\x08<html><body><p>K\xe6re kommune, se vedh\xe6ftede.</p></body></html>")
    counts[c.dir.name] = c.count

    c = Corpus(out, "taxonomy")
    os2kle = DATA / "os2kle" / "OS2KLE.txt"
    if os2kle.is_file():
        lines = os2kle.read_bytes().splitlines(keepends=True)
        for start in range(0, len(lines), len(lines) // 12):
            c.add(b"\x00" + b"".join(lines[start : start + 25]))
    for p in files(FIX / "kle", "*.json"):
        c.add(b"\x01" + p.read_bytes())
    for p in files(FIX / "kle", "*.xml"):
        c.add(b"\x02" + p.read_bytes())
    counts[c.dir.name] = c.count

    c = Corpus(out, "rules")
    for p in files(FIX / "rules", "*.toml"):
        c.add(p.read_bytes())
    # Rules on the Digital Post fixtures the target applies them to (tests/fixtures/memo).
    c.add(
        b'[[rule]]\nname = "kle"\nmemo_kle = ["02.34", "27"]\nset = { kle = "02.34.02" }\n'
        b'[[rule]]\nname = "case"\nmemo_case_id = "02.34.02-G01-118-24"\nset = { unit = "Byg" }\n'
        b'[[rule]]\nname = "id"\nmemo_sender_id = "13748136"\nmemo_sender_id_type = ["CVR", "cpr"]\n'
        b'subject = "tegninger"\nset = { unit = "Byg" }\n'
    )
    counts[c.dir.name] = c.count

    c = Corpus(out, "refs_redact")
    council = DATA / "danish" / "council-decision-signaturprojekt.txt"
    if council.is_file():
        text = council.read_bytes()
        for i in range(0, len(text), 2048):
            c.add(text[i : i + 2048])
    for m in mails[:20]:
        c.add(m)
    c.add(
        "Sagsnr. 27.24.00-G01-5-19, cpr 010203-1234, CVR 13748136, tlf. 12 34 56 78, "
        "reg. 1234 konto 0012345678, IBAN DK5000400440116243, anna@example.dk".encode()
    )
    counts[c.dir.name] = c.count

    c = Corpus(out, "c_abi")
    # Programs for the interpreter in fuzz_targets/c_abi.rs: an op byte, then its arguments;
    # a text is a length byte (< 250) and that many bytes.
    def text(b):
        return bytes([len(b)]) + b

    for m in mails[:15]:
        m = m[:249]
        c.add(b"\x00\x01" + text(m) + b"\x05\x07\x00\x00\x07\x01\x01\x08" + text(m) + b"\x00\x40\x01")
    for m in mails[15:25]:
        body = m[:200]
        labels = b"\x01" + text(b"unit") + text(b"Teknik og Vej")
        c.add(b"\x01\x01" + text(body) + b"\x0c" + labels + b"\x00\x0c" + labels + b"\x00")
    builder = (
        b"\x03" + text(b"Byggetilladelse") + b"\x00"
        + b"\x03" + text(b"Hej, jeg vil bygge en carport.") + b"\x01"
        + b"\x03" + text(b"anna@example.dk") + b"\x05" + text(b"Anna")
        + b"\x03" + text(b"2024-05-01T10:00:00Z") + b"\x03"
        + b"\x03" + text(b"a.rtf") + b"\x09" + text(b"application/rtf") + text(b"{\\rtf1 Hej}")
        + b"\x04\x06\x00" + text(b"unit") + b"\x00\x00\x00\x3f\x07\x00\x00\x09\x10"
    )
    c.add(builder)
    c.add(b"\x0b\x00\x00\x0b\x01\x02\x0a\x07\x00\x00\x00\x09\x00\x01\x0e\x04ONNX\x0f")
    # A letter citing an SBSYS case number, classified with a case directory whose callback
    # answers from the program: found (reference, unit, KLE, facet), then failed with a
    # reason, then an answer with an unknown field, invalid UTF-8 and an oversized title.
    letter = (
        b"\x03" + text(b"Sagsnr. 23.15.25-G01-23-24") + b"\x00"
        + b"\x03" + text(b"Hej, her er de manglende tegninger.") + b"\x01"
        + b"\x04"
    )
    found = (
        b"\x00\x00\x04"
        + b"\x00" + text(b"23.15.25-G01-23-24") + b"\x01" + text(b"Teknik og Vej")
        + b"\x02" + text(b"23.15.25") + b"\x03" + text(b"G01")
    )
    failed = b"\x00\x02\x01\x05" + text(b"directory offline")
    broken = b"\x00\x00\x03\x07\x09\x00\x00\x00" + text(b"x") + b"\x01" + text(b"\xff\xfe") + b"\x04\xfc"
    for script in (found, failed, broken):
        c.add(letter + b"\x06\x03" + script + b"\x00\x01" + b"\x07\x00\x00\x07\x01\x00")
    counts[c.dir.name] = c.count

    c = Corpus(out, "model")
    if binary:
        manifest = ROOT / "demo" / "corpus" / "manifest.csv"
        with tempfile.TemporaryDirectory() as tmp:
            runs = [
                ["train", "--data", str(manifest), "--hash-bits", "8", "--epochs", "2"],
                ["train", "--data", str(manifest), "--hash-bits", "8", "--hidden", "4",
                 "--loss", "softmax", "--epochs", "2"],
            ]
            if os2kle.is_file():
                kle = Path(tmp) / "kle.txt"
                kle.write_bytes(b"".join(os2kle.read_bytes().splitlines(keepends=True)[:30]))
                # A keyword (cold-start) model: a model file of another shape.
                runs.append(["train", "--taxonomy", f"os2kle:{kle}", "--hash-bits", "8"])
            for i, args in enumerate(runs):
                model = Path(tmp) / f"m{i}.onnx"
                subprocess.run([binary] + args + ["--out", str(model)], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                c.add(model.read_bytes())
    counts[c.dir.name] = c.count

    for name, n in counts.items():
        print(f"fuzz-seeds: {name}: {n} seeds", file=sys.stderr)


if __name__ == "__main__":
    main()
