"""Learn a registry entry (number, dates, relations) from a newly ingested regulation.

The closing-article facts (effective date, what the document replaces, repeals or ends, and
an end date given to one document) are read by ONE implementation: ``ingest.metadata``
(``record["metadata"]["effective"]``; ``extract_metadata(text)`` when a record lacks it).
This module only adds what metadata does not read: "sửa đổi, bổ sung một số điều của …"
amendments with the articles they touch (``legal.amendments``), and the registry entry
around them.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from tthc_pipeline.legal.amendments import AmendingArticle, Touched, amending_articles, clauses_touched
from tthc_pipeline.legal.citations import canonical_number, find_citations, number_key, type_from_symbol
from tthc_pipeline.legal.dates import iso_date, parse_date
from tthc_pipeline.legal.registry import Entry, Relation, entry_to_yaml_dict
from tthc_pipeline.text.normalize import canon, clean, fold

_AMENDED_BEFORE = re.compile(r"sua\s+doi\s*,?\s*(?:bo\s+sung\s+)?(?:mot\s+so\s+dieu\s+)?(?:cua\s+)?(?:cac\s+)?$")
_HEADER_NUMBER = re.compile(r"S[ốô]\s*:\s*(?P<num>[^\n|]{3,40})")
_HEADER_DATE = re.compile(r"ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*[.,]?\s*năm\s*(?P<y>\d{4})")
# "kể từ ngày ký / thông qua": in force on the issue date ("sau 45 ngày kể từ …" is not).
_FROM_ISSUE = re.compile(r"^(?:ke\s*)?tu\s*ngay\s*(?:ky|thong\s*qua)")
# id of a learned document whose number could not be read (a stamp over "Số: …" in a scan):
# its citations cannot be matched until a reviewer writes the number in its learned file
UNNUMBERED_PREFIX = "doc-"

LEARNED_CONFIDENCE = "S"  # machine-read from the official text: needs a human check to be V


def own_number(meta: dict[str, Any], text: str, issued: str | None = None) -> str | None:
    """The document's own number: metadata first, else the "Số: …" line of the header, else
    (a stamp over the header of a scan) the number its appendices are issued with."""
    if meta.get("number"):
        return canonical_number(str(meta["number"]))
    m = _HEADER_NUMBER.search(text[:1500])
    if m:
        found = find_citations(m.group("num"))
        if found and found[0].number:
            return found[0].number
    return _number_of_appendices(text, issued, meta.get("doc_type"))


# "(Biểu mẫu …) ban hành kèm theo Thông tư số 66/2023/TT-BCA": how forms and appendices name
# the document they belong to
_WITH = re.compile(r"kem\s+theo\s*$")


def _number_of_appendices(text: str, issued: str | None, doc_type: str | None) -> str | None:
    """The number that at least two "ban hành kèm theo <type> số …" phrases give, of the
    document's own year (and type, when known): forms of an older document that this one
    replaces carry that document's year ("… kèm theo Thông tư số 56/2021/TT-BCA")."""
    if not issued:
        return None
    counts: dict[str, int] = {}
    folded = fold(text)
    for c in find_citations(text):
        if (c.number and c.number.split("/")[1:2] == [issued[:4]] and not c.is_self_reference
                and (not doc_type or c.doc_type == doc_type) and _WITH.search(folded, max(0, c.start - 20), c.start)):
            counts[c.number] = counts.get(c.number, 0) + 1
    best = max(counts.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[1] >= 2 else None


def metadata_for(record: dict[str, Any], text: str) -> dict[str, Any]:
    """The record's metadata, completed by ``extract_metadata(text)`` when it lacks the
    effective clause as metadata writes it (a hand-built record, an old ingest JSON)."""
    meta = record.get("metadata") or {}
    eff = meta.get("effective")
    if isinstance(eff, dict) and isinstance(eff.get("numbers"), dict):
        return meta
    if eff is None and "effective" in meta and "provenance" in meta:
        return meta  # metadata ran and found no effective clause: nothing to redo
    from tthc_pipeline.ingest.metadata import extract_metadata  # ingest imports legal: import late

    merged = extract_metadata(text)
    merged.update({k: v for k, v in meta.items() if k != "effective" and v not in (None, "", [], {})})
    return merged


# "sau 10 ngày, kể từ ngày ký": that many days after the signature (10/11 → 20/11)
_DAYS_AFTER_ISSUE = re.compile(r"sau\s*(\d{1,3})\s*ngay\s*,?\s*(?:ke\s*)?tu\s*ngay\s*(?:ky|thong\s*qua)")


def _effective_date(eff: dict[str, Any], issued: str | None) -> str | None:
    when = parse_date(eff.get("date"))
    if when is None and eff.get("relative") and issued:
        relative = fold(str(eff["relative"])).lower()
        days = _DAYS_AFTER_ISSUE.search(relative)
        if days:
            return (date.fromisoformat(issued) + timedelta(days=int(days.group(1)))).isoformat()
        if _FROM_ISSUE.search(relative):
            return issued
    return when


def _metadata_relations(eff: dict[str, Any], own_id: str | None, effective: str | None, source: str) -> list[Relation]:
    """Relations from metadata's replaces/expires/repeals; each raw item names one document
    (its first citation, as metadata's ``numbers`` does), with the articles cited before it."""
    expiry_dates = {number_key(k): v for k, v in (eff.get("expiry_dates") or {}).items()}
    out = []
    for kind in ("replaces", "expires", "repeals"):
        values = eff.get(kind) or []
        for raw in [values] if isinstance(values, str) else values:
            for c in find_citations(str(raw)):
                if c.canonical_id and not c.is_self_reference and c.canonical_id != own_id:
                    when = parse_date(expiry_dates.get(number_key(c.number or ""))) if kind == "expires" else None
                    out.append(Relation(kind, c.canonical_id, when or effective, c.articles, source,
                                        LEARNED_CONFIDENCE, "learned"))
                    break
    return out


def _amended_targets(text: str, title: str | None, own_id: str | None, effective: str | None, source: str) -> list[Relation]:
    """What the regulation amends, with the clauses (``legal.amendments``): "sửa đổi, bổ sung
    (một số điều của) Nghị định số X" in the title or opening, and any article "Điều N. Sửa
    đổi, bổ sung … Nghị định số Y". A title naming one document lends it the items outside
    the articles that name their own; "Bãi bỏ" items become a partial ``repeals``."""
    targets: list[str] = []
    head = clean(title or "") + "\n" + text[:3000]
    folded = fold(head)
    for c in find_citations(head):
        if c.is_self_reference or not c.canonical_id or c.canonical_id == own_id:
            continue
        line_start = folded.rfind("\n", 0, c.start) + 1
        if folded.startswith("can cu", line_start):
            continue  # "Căn cứ Quyết định … sửa đổi, bổ sung … Quyết định số X": not this one's target
        if _AMENDED_BEFORE.search(folded[max(0, c.start - 80):c.start]) and c.canonical_id not in targets:
            targets.append(c.canonical_id)
    folded_text, ctext = fold(text), canon(text)  # read by the article and the title passes
    by_target = {a.target: a for a in amending_articles(text, own_id, folded_text, ctext)}
    # the opening may reach into the articles: a document with an amending article of its own
    # is theirs; the title's one document gets the items outside the articles naming theirs
    title_only = [t for t in targets if t not in by_target or not by_target[t].amends]
    if len(title_only) == 1:
        spans = sorted(span for a in by_target.values() for span in a.spans)
        bounds = [0] + [x for span in spans for x in span] + [len(text)]
        touched = clauses_touched(text, list(zip(bounds[::2], bounds[1::2])), title_only[0], folded_text, ctext)
        got = by_target.setdefault(title_only[0], AmendingArticle(title_only[0], Touched(), []))
        got.touched.add(touched)
        got.amends = True
    out: list[Relation] = []
    for target in dict.fromkeys(targets + list(by_target)):
        a = by_target.get(target) or AmendingArticle(target, Touched(), [])
        if a.amends:
            out.append(Relation("amends", target, effective, a.touched.amended, source, LEARNED_CONFIDENCE, "learned"))
        if a.touched.repealed or a.whole or a.partial:
            # repealed in part with its clauses unread: a partial repeal all the same
            out.append(Relation("repeals", target, effective, [] if a.whole else a.touched.repealed, source,
                                LEARNED_CONFIDENCE, "learned",
                                partial=not a.whole and not a.touched.repealed))
    return out


def relations_from_ingest(record: dict[str, Any]) -> Entry:
    """Registry entry (origin "learned") for one ingest output record."""
    text = clean(record.get("text") or "")
    meta = metadata_for(record, text)
    source = str(record.get("source") or record.get("path") or "ingest")
    issued = parse_date(meta.get("issued"))
    if issued is None:
        m = _HEADER_DATE.search(text[:1500])
        issued = iso_date(m["d"], m["m"], m["y"]) if m else None
    own = own_number(meta, text, issued)
    eff = meta.get("effective") if isinstance(meta.get("effective"), dict) else {}
    effective = _effective_date(eff, issued)
    relations: list[Relation] = []
    seen: set[tuple[str, str]] = set()
    for r in _metadata_relations(eff, own, effective, source) + _amended_targets(text, meta.get("title"), own, effective, source):
        if r.key() not in seen:
            seen.add(r.key())
            relations.append(r)
    doc_type = meta.get("doc_type") or type_from_symbol(own.split("/")[-1] if own else None)
    sha = record.get("sha256")
    return Entry(
        id=own or f"{UNNUMBERED_PREFIX}{(sha or hashlib.sha256(text.encode()).hexdigest())[:12]}",
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


@dataclass
class LearnFailure:
    """A document under the corpus that could not be ingested, with the reason in both languages."""

    path: Path
    message_vi: str
    message_en: str


@dataclass
class LearnReport:
    written: list[Path] = field(default_factory=list)
    failed: list[LearnFailure] = field(default_factory=list)


def ingest_failure(path: Path, record: dict[str, Any]) -> LearnFailure | None:
    """Why ``record`` cannot be learned (ingest error or no text), else None."""
    err = record.get("error")
    if not err and record.get("text"):
        return None
    if isinstance(err, dict):
        vi = err.get("message_vi") or err.get("code") or "lỗi không rõ"
        en = err.get("message_en") or err.get("code") or "unknown error"
    elif err:
        vi = en = str(err)
    else:
        vi, en = "không có nội dung văn bản", "no text"
    return LearnFailure(path, f"không đọc được văn bản ({vi})", f"could not read the document ({en})")


def learn_documents(corpus_dir: Path, ingest: Callable[[Path], dict[str, Any]] | None = None) -> LearnReport:
    """Ingest and learn every regulation under ``corpus_dir`` whose sha256 is not yet learned.

    Documents that fail to ingest are returned in ``failed`` (and retried on the next load),
    so the CLI can tell the reviewer instead of silently leaving them out.
    """
    from tthc_pipeline.ingest.runner import sha256_file

    learned_dir = corpus_dir / "learned"
    known = learned_hashes(learned_dir)
    report = LearnReport()
    for path in corpus_documents(corpus_dir):
        sha = sha256_file(path)
        if sha in known:
            continue
        record = record_from_file(path, ingest)
        failure = ingest_failure(path, record)
        if failure:
            report.failed.append(failure)
            continue
        record.setdefault("sha256", sha)
        entry = relations_from_ingest(record)
        report.written.append(write_learned(entry, learned_dir))
        known.add(sha)
    return report
