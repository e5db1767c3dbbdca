"""Learn a registry entry (number, dates, relations) from a newly ingested regulation.

Why scan the text ourselves: the ingest metadata may carry only raw strings, and the facts
that matter for staleness sit in the closing articles ("Nghị định này có hiệu lực thi hành
từ ngày…", "Nghị định số 62/2021/NĐ-CP … hết hiệu lực kể từ ngày Nghị định này có hiệu
lực", "Thông tư này thay thế…", "bãi bỏ Điều 3… Thông tư số…"). Keywords are found on
``fold()`` text so OCR slips in diacritics ("thị hành", "kế từ", "hiệu lục") still match;
numbers come from the citation extractor, which reads the original text.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from tthc_pipeline.legal.citations import Citation, _parse_articles, canonical_number, find_citations, type_from_symbol
from tthc_pipeline.legal.registry import Entry, Relation, entry_to_yaml_dict
from tthc_pipeline.text.normalize import canon, clean, fold

_TYPES_FOLD = r"(?:nghi dinh|thong tu lien tich|thong tu|bo luat|luat|quyet dinh|nghi quyet|phap lenh|chi thi)"
_DATE_FOLD = r"(?P<d>\d{1,2})\s*(?:thang\s*(?P<m1>\d{1,2})\s*[.,]?\s*nam\s*|/\s*(?P<m2>\d{1,2})\s*/\s*)(?P<y>\d{4})"
_EFFECTIVE = re.compile(
    rf"{_TYPES_FOLD}\s+nay\s+co\s+hieu\s+l\w{{2,3}}(?:\s+thi\s+hanh)?\s*,?\s*(?:ke\s+)?tu\s+ngay\s+"
    rf"(?:{_DATE_FOLD}|(?P<sign>ky))"
)
_EXPIRES = re.compile(r"het\s+hieu\s+l\w{2,3}")
_EXPIRY_DATE = re.compile(rf"het\s+hieu\s+l\w{{2,3}}[^.;]{{0,40}}?tu\s+ngay\s+{_DATE_FOLD}")
_REPLACES = re.compile(rf"{_TYPES_FOLD}\s+nay\s+thay\s+the")
_REPEALS = re.compile(rf"{_TYPES_FOLD}\s+nay\s+bai\s+bo|^\s*(?:\d+\.\s*)?bai\s+bo\b")
_AMENDED_BEFORE = re.compile(r"sua\s+doi\s*,?\s*(?:bo\s+sung\s+)?(?:mot\s+so\s+dieu\s+)?(?:cua\s+)?(?:cac\s+)?$")
_CLAUSE_SPLIT = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ0-9])|\n(?=\s*(?:\d+\.\s|[a-zđ]\)\s|Điều\s+\d))")
_HEADER_NUMBER = re.compile(r"S[ốô]\s*:\s*(?P<num>[^\n|]{3,40})")
_HEADER_DATE = re.compile(r"ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*[.,]?\s*năm\s*(?P<y>\d{4})")
_TOUCHED = re.compile(
    r"^\s*(?:\d+\.\s*)?(?:sua\s+doi\s*,\s*bo\s+sung|sua\s+doi|bo\s+sung|bai\s+bo|thay\s+the)\s+"
    r"(?:mot\s+so\s+(?:diem|khoan|dieu)(?:\s*,\s*(?:diem|khoan))?\s+(?:cua\s+)?)?"
    r"(?P<chain>(?:(?:diem|khoan|dieu)\s+[0-9a-z]+[\s,]*(?:va\s+)?)+)",
    re.MULTILINE,
)

LEARNED_CONFIDENCE = "S"  # machine-read from the official text: needs a human check to be V


def _iso(d: str, m: str, y: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _parse_date(value: Any) -> str | None:
    if not value:
        return None
    text = str(value)
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    m = re.search(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", text)
    if m:
        return _iso(m[1], m[2], m[3])
    m = _HEADER_DATE.search(clean(text))
    return _iso(m["d"], m["m"], m["y"]) if m else None


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CLAUSE_SPLIT.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _outside_parentheses(text: str, start: int, pos: int) -> bool:
    depth = 0
    for ch in text[start:pos]:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
    return depth == 0


def own_number(record: dict[str, Any], text: str) -> str | None:
    """The document's own number: metadata first, else the "Số: …" line of the header."""
    meta = record.get("metadata") or {}
    if meta.get("number"):
        return canonical_number(str(meta["number"]))
    head = text[:1500]
    m = _HEADER_NUMBER.search(head)
    if m:
        found = find_citations(m.group("num"))
        if found and found[0].number:
            return found[0].number
    return None


def effective_from_text(text: str, issued: str | None) -> str | None:
    """Date of the "(Nghị định) này có hiệu lực (thi hành) (kể) từ ngày …" clause."""
    folded = fold(text)
    for m in _EFFECTIVE.finditer(folded):
        if m.group("sign"):
            return issued
        got = _iso(m["d"], m["m1"] or m["m2"], m["y"])
        if got:
            return got
    return None


def _relations_from_text(text: str, own_id: str | None, effective: str | None, source: str) -> list[Relation]:
    folded = fold(text)
    cites = [c for c in find_citations(text) if not c.is_self_reference and c.canonical_id and c.canonical_id != own_id]
    found: list[Relation] = []

    def add(kind: str, c: Citation, when: str | None, articles: list[dict[str, str]] | None = None) -> None:
        found.append(Relation(kind, c.canonical_id, when, articles or [], source, LEARNED_CONFIDENCE, "learned"))

    for start, end in _clauses(text):
        clause = folded[start:end]
        inside = [c for c in cites if start <= c.start < end and _outside_parentheses(text, start, c.start)]
        if not inside:
            continue
        exp = _EXPIRES.search(clause)
        if exp:
            explicit = _EXPIRY_DATE.search(clause)
            when = _iso(explicit["d"], explicit["m1"] or explicit["m2"], explicit["y"]) if explicit else effective
            for c in inside:
                if c.start < start + exp.start():
                    add("expires", c, when, c.articles)
            continue
        rep = _REPLACES.search(clause)
        if rep:
            for c in inside:
                if c.start > start + rep.start():
                    add("replaces", c, effective)
            continue
        rpl = _REPEALS.search(clause)
        if rpl:
            for c in inside:
                if c.start > start + rpl.start():
                    add("repeals", c, effective, c.articles)
            continue
    return found


def _amended_targets(text: str, title: str | None, own_id: str | None, effective: str | None, source: str) -> list[Relation]:
    """"sửa đổi, bổ sung (một số điều của) Nghị định số X" in the title or opening → amends X."""
    out: list[Relation] = []
    head = clean(title or "") + "\n" + text[:3000]
    folded = fold(head)
    for c in find_citations(head):
        if c.is_self_reference or not c.canonical_id or c.canonical_id == own_id:
            continue
        before = folded[max(0, c.start - 80):c.start]
        if _AMENDED_BEFORE.search(before) and all(r.target != c.canonical_id for r in out):
            out.append(Relation("amends", c.canonical_id, effective, [], source, LEARNED_CONFIDENCE, "learned"))
    if len(out) == 1:
        touched: list[dict[str, str]] = []
        ctext = canon(text)
        for m in _TOUCHED.finditer(fold(text)):
            touched += _parse_articles(ctext[m.start("chain"):m.end("chain")])
        out[0].articles = [dict(t) for t in {tuple(sorted(a.items())) for a in touched}]
        out[0].articles.sort(key=lambda a: (int(re.sub(r"\D", "", a.get("dieu", "0")) or 0), a.get("khoan", ""), a.get("diem", "")))
    return out


def _metadata_relations(meta: dict[str, Any], effective: str | None, source: str) -> list[Relation]:
    eff = meta.get("effective") or {}
    if not isinstance(eff, dict):
        return []
    out = []
    for key, kind in (("replaces", "replaces"), ("expires", "expires"), ("repeals", "repeals")):
        values = eff.get(key) or []
        for raw in [values] if isinstance(values, str) else values:
            for c in find_citations(str(raw)):
                if c.canonical_id and not c.is_self_reference:
                    out.append(Relation(kind, c.canonical_id, effective, c.articles, source, LEARNED_CONFIDENCE, "learned"))
    return out


def relations_from_ingest(record: dict[str, Any]) -> Entry:
    """Registry entry (origin "learned") for one ingest output record."""
    meta = record.get("metadata") or {}
    text = clean(record.get("text") or "")
    source = str(record.get("source") or record.get("path") or "ingest")
    own = own_number(record, text)
    issued = _parse_date(meta.get("issued"))
    if issued is None:
        m = _HEADER_DATE.search(text[:1500])
        issued = _iso(m["d"], m["m"], m["y"]) if m else None
    eff_meta = meta.get("effective") if isinstance(meta.get("effective"), dict) else {}
    effective = _parse_date(eff_meta.get("date")) or effective_from_text(text, issued)
    relations: list[Relation] = []
    seen: set[tuple[str, str]] = set()
    for r in _metadata_relations(meta, effective, source) + _relations_from_text(text, own, effective, source) + \
            _amended_targets(text, meta.get("title"), own, effective, source):
        if r.key() not in seen:
            seen.add(r.key())
            relations.append(r)
    doc_type = meta.get("doc_type") or type_from_symbol(own.split("/")[-1] if own else None)
    sha = record.get("sha256")
    return Entry(
        id=own or f"doc-{(sha or hashlib.sha256(text.encode()).hexdigest())[:12]}",
        type=doc_type, title=meta.get("title"), issuer=meta.get("issuer"), issued=issued, effective=effective,
        relations=relations, source=source, confidence=LEARNED_CONFIDENCE,
        notes="Tự động trích xuất từ văn bản; cần người rà soát xác nhận. / Machine-extracted; needs human review.",
        origin="learned",
        provenance={"source": source, "sha256": sha, "learned_at": datetime.now(timezone.utc).isoformat(timespec="seconds")},
    )


# --------------------------------------------------------------------------- corpus files

DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc"}
_SKIP_DIRS = {"registry", "learned", "samples"}  # samples/ holds test inputs, not regulations


def learned_filename(entry_id: str) -> str:
    safe = re.sub(r"[^0-9A-Za-z.]+", "-", entry_id.replace("Đ", "D").replace("đ", "d")).strip("-")
    return f"{safe or 'document'}.yaml"


def write_learned(entry: Entry, learned_dir: Path) -> Path:
    """Write corpus/learned/<id>.yaml atomically (temp file + os.replace)."""
    learned_dir.mkdir(parents=True, exist_ok=True)
    data = {"origin": "learned", "provenance": entry.provenance, **entry_to_yaml_dict(entry)}
    target = learned_dir / learned_filename(entry.id)
    fd, tmp = tempfile.mkstemp(dir=learned_dir, prefix=".tmp-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yaml.safe_dump(data, fh, allow_unicode=True, sort_keys=False, width=120)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target


def record_from_file(path: Path, ingest: Callable[[Path], dict[str, Any]] | None = None) -> dict[str, Any]:
    """An ingest record for ``path``: a ready ingest JSON is used as is, else ``ingest(path)``."""
    if path.suffix.lower() == ".json":
        import json

        data = json.loads(path.read_text("utf-8"))
        if isinstance(data, dict) and "sha256" in data and "text" in data:
            return data
    if ingest is None:
        from tthc_pipeline.ingest.runner import ingest_file

        ingest = ingest_file
    return ingest(path)


def learned_hashes(learned_dir: Path) -> set[str]:
    hashes = set()
    for p in learned_dir.glob("*.yaml"):
        try:
            data = yaml.safe_load(p.read_text("utf-8")) or {}
        except yaml.YAMLError:
            continue
        sha = (data.get("provenance") or {}).get("sha256") if isinstance(data, dict) else None
        if sha:
            hashes.add(sha)
    return hashes


def corpus_documents(corpus_dir: Path) -> Iterable[Path]:
    for p in sorted(corpus_dir.rglob("*")):
        if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and not _SKIP_DIRS & set(p.relative_to(corpus_dir).parts):
            yield p


def learn_documents(corpus_dir: Path, ingest: Callable[[Path], dict[str, Any]] | None = None) -> list[Path]:
    """Ingest and learn every regulation under ``corpus_dir`` whose sha256 is not yet learned."""
    learned_dir = corpus_dir / "learned"
    known = learned_hashes(learned_dir)
    written = []
    for path in corpus_documents(corpus_dir):
        from tthc_pipeline.ingest.runner import sha256_file

        sha = sha256_file(path)
        if sha in known:
            continue
        record = record_from_file(path, ingest)
        if record.get("error") or not record.get("text"):
            continue
        record.setdefault("sha256", sha)
        entry = relations_from_ingest(record)
        written.append(write_learned(entry, learned_dir))
        known.add(sha)
    return written
