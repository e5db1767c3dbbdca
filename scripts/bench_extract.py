"""Throughput of `tthc extract` on the real portal records, and regex vs spaCy span ruler.

Usage: python scripts/bench_extract.py [--realdata ../shared/realdata] [--min-procs 2000]

(a) procedures/s on one core from text: the portal-json records are read and their component
    texts cleaned once (that cost is in (b)); the texts are then turned into Procedure objects
    again and again (>= --min-procs), all parsers and the spaCy catalogue tagging included.
(b) the whole portal-json folder end to end: read each JSON file → Procedure objects, timed
    cold (first call in the process: spaCy pipeline build included) and warm.
(c) the same component texts scanned for durations, money and document numbers by the regex
    path (patterns.py) and by the spaCy span ruler (annotate.py), and for the dossier-paper
    catalogue by one regex alternation and by the ruler; span counts and agreement are shown.
Single process; run it on an idle machine, timings on 2 shared cores vary by about ±30%.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tthc_pipeline.procedures import annotate as A  # noqa: E402
from tthc_pipeline.procedures.patterns import DOC_NUMBER_RE, DURATION_RE, MONEY_RE, load_terms  # noqa: E402
from tthc_pipeline.procedures.records import canonical_fields, procedure_from_row, read_records  # noqa: E402
from tthc_pipeline.text.normalize import canon, normalize_for_match  # noqa: E402

COMPONENT_FIELDS = ("steps", "channels", "dossier", "time_limit", "fees", "legal_basis", "requirements", "result")


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def bench_text(rows: list[dict], min_procs: int) -> tuple[int, float]:
    n, t0 = 0, time.perf_counter()
    while n < min_procs:
        for i, row in enumerate(rows):
            procedure_from_row(row, "bench", "0" * 64, i)
            n += 1
    return n, time.perf_counter() - t0


def bench_files(files: list[Path]) -> tuple[int, float]:
    n, t0 = 0, time.perf_counter()
    for f in files:
        n += len(read_records(f))
    return n, time.perf_counter() - t0


def regex_spans(texts: list[str]) -> list[set]:
    out = []
    for t in texts:
        low = canon(t)
        spans = {("DURATION", m.start(), m.end("unit")) for m in DURATION_RE.finditer(low)}
        spans |= {("MONEY", m.start(), m.end("cur")) for m in MONEY_RE.finditer(low)}
        spans |= {("LEGAL_REF", m.start(), m.end()) for m in DOC_NUMBER_RE.finditer(t)}
        out.append(spans)
    return out


def catalogue_regex() -> re.Pattern[str]:
    data = load_terms("dossier_papers")
    phrases = {normalize_for_match(p) for ps in data["catalogue"].values() for p in ps}
    alt = "|".join(sorted((re.escape(p).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True))
    return re.compile(rf"(?<![\wà-ỹđ])(?:{alt})(?![\wà-ỹđ])")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--realdata", default=str(ROOT.parent / "shared" / "realdata"))
    ap.add_argument("--min-procs", type=int, default=2000)
    args = ap.parse_args()
    files = sorted((Path(args.realdata) / "portal-json").rglob("*.json"))
    if not files:
        sys.exit(f"no portal-json records under {args.realdata}")

    (n_cold, t_cold) = bench_files(files)  # first: includes building the spaCy pipeline
    (n_warm, t_warm) = bench_files(files)
    rows = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    fields = [canonical_fields(row) for row in rows]  # the component texts, cleaned once
    n_text, t_text = bench_text(fields, args.min_procs)

    texts = [f[k] for f in fields for k in COMPONENT_FIELDS if f.get(k)]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    rx, t_rx = _timed(regex_spans, texts)
    labels = ("DURATION", "MONEY", "LEGAL_REF")
    A.get_nlp(tuple(sorted(labels)))
    sp, t_sp = _timed(A.annotate_many, texts, labels)
    sp_sets = [{(s.label, s.start, s.end) for s in spans if s.label != "LEGAL_REF" or "/" in s.text} for spans in sp]
    # the ruler's LEGAL_REF includes the type words ("Nghị định số ..."); compare on the number token
    sp_sets = [{(lab, a, b) if lab != "LEGAL_REF" else (lab, b - len(t[a:b].split()[-1]), b) for lab, a, b in s}
               for s, t in zip(sp_sets, texts)]
    same = sum(len(a & b) for a, b in zip(rx, sp_sets))
    only_rx = sum(len(a - b) for a, b in zip(rx, sp_sets))
    only_sp = sum(len(b - a) for a, b in zip(rx, sp_sets))

    cat_re = catalogue_regex()
    cat_rx, t_cat_rx = _timed(lambda: [{(m.start(), m.end()) for m in cat_re.finditer(canon(t))} for t in texts])
    A.get_nlp(A.PAPER_LABELS)
    cat_sp, t_cat_sp = _timed(A.annotate_many, texts, A.PAPER_LABELS)
    cat_sp_sets = [{(s.start, s.end) for s in spans if s.label == "DOSSIER_PAPER"} for spans in cat_sp]
    cat_same = sum(len(a & b) for a, b in zip(cat_rx, cat_sp_sets))

    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 shared cores)")
    print(f"{'measure':<58}{'value':>14}  target")
    print(f"{'(a) text → Procedure, 1 process: procedures':<58}{n_text:>14}")
    print(f"{'(a) procedures/s (incl. spaCy catalogue tagging)':<58}{n_text / t_text:>14.0f}  >= 200/s")
    print(f"{'(b) portal-json files → Procedure, cold (s)':<58}{t_cold:>14.2f}  < 5 s  ({n_cold} procedures)")
    print(f"{'(b) portal-json files → Procedure, warm (s)':<58}{t_warm:>14.2f}  < 5 s  ({n_warm} procedures)")
    print(f"{'(c) component texts scanned: count / MB':<58}{len(texts):>8} / {mb:.2f}")
    print(f"{'(c) regex DURATION+MONEY+doc numbers (s)':<58}{t_rx:>14.3f}")
    print(f"{'(c) spaCy span_ruler same labels (s)':<58}{t_sp:>14.3f}  ({t_sp / t_rx:.1f}x regex)")
    print(f"{'(c) spans: same / regex only / ruler only':<58}{same:>6} / {only_rx} / {only_sp}")
    print(f"{'(c) regex dossier-paper catalogue (s)':<58}{t_cat_rx:>14.3f}")
    print(f"{'(c) spaCy span_ruler dossier-paper catalogue (s)':<58}{t_cat_sp:>14.3f}  ({t_cat_sp / t_cat_rx:.1f}x regex)")
    print(f"{'(c) catalogue spans: same / regex / ruler':<58}{cat_same:>6} / {sum(map(len, cat_rx))} / {sum(map(len, cat_sp_sets))}")


if __name__ == "__main__":
    main()
