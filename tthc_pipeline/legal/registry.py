"""Registry of legal documents and their relations, and the status of a document at a date.

Why a registry: a TTHC that cites NĐ 61/2018 is only stale if we know NĐ 118/2025 replaced it
from 01/7/2025 (rules R13/R14). Facts live in human-editable YAML, one file per family
(corpus/registry/*.yaml); facts learned from newly ingested regulations live in
corpus/learned/*.yaml. On a conflict the hand-written fact wins, and the learned one is kept
(``Entry.overridden``) with its source so a reviewer can see both.

Relations are declared once, on either side; the loader derives the inverse
(``replaces`` ↔ ``replaced_by``…) and ``lint()`` reports duplicates, conflicts and targets
missing from the registry. Confidence marks follow TTHC-DOMAIN.md: V verified, S secondary,
U unverified (kept, never silently promoted).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import yaml

from tthc_pipeline.legal.amendments import sorted_clauses
from tthc_pipeline.legal.citations import Citation, canonical_number, type_from_symbol
from tthc_pipeline.legal.dates import parse_date
from tthc_pipeline.text.normalize import normalize_for_match

INVERSE = {
    "replaces": "replaced_by",
    "replaced_by": "replaces",
    "amends": "amended_by",
    "amended_by": "amends",
    "repeals": "repealed_by",
    "repealed_by": "repeals",
    "expires": "expired_by",
    "expired_by": "expires",
}
# Vietnamese names of relation types, for every user-facing message (CLI, lint).
RELATION_NAMES_VI = {
    "replaces": "thay thế", "replaced_by": "bị thay thế bởi",
    "amends": "sửa đổi, bổ sung", "amended_by": "được sửa đổi, bổ sung bởi",
    "repeals": "bãi bỏ", "repealed_by": "bị bãi bỏ bởi",
    "expires": "làm hết hiệu lực", "expired_by": "hết hiệu lực do",
}
# Relation seen from the affected document → status code it causes.
_TERMINAL = {"replaced_by": "replaced", "repealed_by": "repealed", "expired_by": "expired"}
_AFFECTING = {*_TERMINAL, "amended_by"}  # the relations a document's status is read from
CONFIDENCES = ("V", "S", "U")
_RANK = {"V": 2, "S": 1, "U": 0}


def _effect_start(entry: Any) -> date | None:
    """For a document whose effective date is not known (None when it is, or nothing is
    known): the first date its own declared relations take effect (a replacement from 01/3
    says it was in effect then), else its issue date."""
    if entry.effective:
        return None
    dated = [date.fromisoformat(r.date) for r in entry.relations
             if not r.derived and r.date and r.type in ("replaces", "repeals", "amends", "expires")]
    if dated:
        return min(dated)
    return date.fromisoformat(entry.issued) if entry.issued else None


def weakest(*marks: str) -> str:
    """The least certain of confidence marks V > S > U (an unknown mark counts as U)."""
    return min(marks, key=lambda c: _RANK.get(c, 0)) if marks else "U"

STATUS_LABELS_VI = {
    "in_force": "Còn hiệu lực",
    "amended": "Còn hiệu lực (đã được sửa đổi, bổ sung)",
    "partly_repealed": "Hết hiệu lực một phần",
    "replaced": "Hết hiệu lực (đã bị thay thế)",
    "repealed": "Hết hiệu lực (đã bị bãi bỏ)",
    "expired": "Hết hiệu lực",
    "not_yet_in_force": "Chưa có hiệu lực",
    "unknown": "Chưa xác định (không có trong danh mục văn bản)",
}


@dataclass
class Relation:
    type: str
    target: str
    date: str | None = None
    articles: list[dict[str, str]] = field(default_factory=list)
    source: str | None = None
    confidence: str = "U"
    origin: str = "hand"  # hand | learned
    derived: bool = False  # built by the loader from the other side's declaration
    # ``articles`` names every clause the relation touches (read from the whole amending
    # text by a person): only then may a cited clause be said to lie outside them. A list
    # copied from a summary, or learned (the reader may miss what it could not read), is not
    articles_complete: bool = False
    # a partial repeal whose clauses are not known (``repeals`` with ``articles`` is partial
    # too): TT 24/2023 says TT 58/2020 was "bãi bỏ một phần" by TT 65/2022, without the clauses
    partial: bool = False

    def key(self) -> tuple[str, str]:
        return self.type, self.target


@dataclass
class Entry:
    id: str
    type: str | None = None
    title: str | None = None
    name: str | None = None  # short name of a law: "Cư trú"
    aliases: list[str] = field(default_factory=list)
    year: int | None = None
    issuer: str | None = None
    issued: str | None = None
    effective: str | None = None
    relations: list[Relation] = field(default_factory=list)
    source: str | None = None
    confidence: str = "U"
    notes: str | None = None
    origin: str = "hand"
    path: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    overridden: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Status:
    code: str
    since: date | None
    by: list[str]
    label_vi: str
    confidence: str = "U"
    date_uncertain: bool = False
    # per document that has amended or partly repealed this one by the date (``by`` and, for
    # a partly repealed one, its amendments too), per "amended" / "repealed", the clauses its
    # relation names, as far as the registry knows them: [] for none recorded. A list may be
    # incomplete (a learned one misses what the reader could not read), so it tells a
    # reviewer where to look, never that a clause was left alone.
    touched: dict[str, dict[str, list[dict[str, str]]]] = field(default_factory=dict)
    # every list in ``touched`` names all the clauses of its relation (``articles_complete``)
    touched_complete: bool = False
    # per document in ``touched``, the weakest mark of its relations (a partly repealed
    # document's amendments have marks of their own, which its status's mark, the repeal's,
    # does not show)
    touched_confidence: dict[str, str] = field(default_factory=dict)
    # relations that would change the status but have no date the registry knows (neither
    # their own nor the other document's effective or issue date): left out of the status,
    # listed so that a reviewer sees them (`tthc corpus status`: "quan hệ chưa rõ ngày, chưa
    # xét: được sửa đổi, bổ sung bởi 56/2023/NĐ-CP")
    undated: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["since"] = self.since.isoformat() if self.since else None
        return d

    def amended_besides(self) -> list[str]:
        """The documents in force that amended this one besides those its status is "by": a
        partly repealed document's amendments (NĐ 63/2010: partly repealed by NĐ 48/2013,
        amended by NĐ 92/2017 too), in the order they took effect."""
        return [doc for doc, kinds in self.touched.items() if "amended" in kinds and doc not in self.by]


@dataclass
class LintIssue:
    level: str  # error | warning
    code: str
    entry_id: str | None
    message_vi: str
    message_en: str
    path: str | None = None


def _flag(relation: dict[str, Any], key: str) -> bool:
    """A yes/no field of a relation: YAML true/false only ("false" in quotes is a typo that
    ``bool()`` would read as true)."""
    value = relation.get(key, False)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, not {value!r}")
    return value


def _iso(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    # Strict on the form (a YAML typo must be reported), shared parser for the value.
    got = parse_date(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}", text) else None
    if got is None:
        raise ValueError(f"bad date {value!r}")
    return got


def _canonical_id(raw: str) -> str:
    """Numbers are canonicalised ("154/2024/ND-CP" → "154/2024/NĐ-CP"); slugs are kept."""
    return canonical_number(raw) if "/" in str(raw) else str(raw).strip()


def _entry_from_dict(d: dict[str, Any], origin: str, path: str) -> Entry:
    eid = _canonical_id(d["id"])
    relations = []
    for r in d.get("relations") or []:
        relations.append(
            Relation(
                type=str(r["type"]), target=_canonical_id(r["target"]), date=_iso(r.get("date")),
                articles=[{k: str(v) for k, v in a.items()} for a in r.get("articles") or []],
                source=r.get("source"), confidence=str(r.get("confidence") or d.get("confidence") or "U"),
                origin=origin, articles_complete=_flag(r, "articles_complete"), partial=_flag(r, "partial"),
            )
        )
    symbol = eid.split("/")[-1] if "/" in eid else None
    year = d.get("year")
    if year is None and re.match(r"^[\d.]+/(\d{4})/", eid):
        year = int(eid.split("/")[1])
    return Entry(
        id=eid, type=d.get("type") or type_from_symbol(symbol), title=d.get("title"), name=d.get("name"),
        aliases=list(d.get("aliases") or []), year=year, issuer=d.get("issuer"), issued=_iso(d.get("issued")),
        effective=_iso(d.get("effective")), relations=relations, source=d.get("source"),
        confidence=str(d.get("confidence") or "U"), notes=d.get("notes"), origin=origin, path=path,
        provenance=dict(d.get("provenance") or {}),
    )


def entry_to_yaml_dict(entry: Entry) -> dict[str, Any]:
    """The YAML form of an entry (declared relations only), as the loader reads it back."""
    out: dict[str, Any] = {"id": entry.id}
    for key in ("type", "title", "name", "aliases", "year", "issuer", "issued", "effective"):
        value = getattr(entry, key)
        if value not in (None, [], ""):
            out[key] = value
    out["relations"] = [
        {k: v for k, v in {"type": r.type, "target": r.target, "date": r.date, "articles": r.articles or None,
                            "articles_complete": r.articles_complete or None, "partial": r.partial or None,
                            "source": r.source, "confidence": r.confidence}.items() if v is not None}
        for r in entry.relations if not r.derived
    ]
    for key in ("source", "confidence", "notes"):
        if getattr(entry, key) is not None:
            out[key] = getattr(entry, key)
    return out


class Registry:
    """All known documents by canonical id, with derived inverse relations."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.issues: list[LintIssue] = []
        self.sources: list[Path] = []
        # Documents under the corpus that could not be ingested (load_with_documents).
        self.learn_failures: list[Any] = []

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, dir_or_dirs: str | Path | Iterable[str | Path]) -> "Registry":
        """Load YAML from a corpus dir (its registry/ and learned/), registry dirs or files."""
        paths = [dir_or_dirs] if isinstance(dir_or_dirs, (str, Path)) else list(dir_or_dirs)
        hand: list[Path] = []
        learned: list[Path] = []
        for p in map(Path, paths):
            if p.is_file():
                (learned if p.parent.name == "learned" else hand).append(p)
                continue
            if (p / "registry").is_dir() or (p / "learned").is_dir():
                hand += sorted((p / "registry").glob("*.yaml"))
                learned += sorted((p / "learned").glob("*.yaml"))
            else:
                (learned if p.name == "learned" else hand).extend(sorted(p.glob("*.yaml")))
        reg = cls()
        for path in hand + learned:
            reg._read_file(path, "learned" if path in learned else "hand")
        reg._derive_inverses()
        return reg

    @classmethod
    def load_with_documents(cls, corpus_dir: str | Path, ingest: Any = None) -> "Registry":
        """Load a corpus, first learning every regulation file not yet in corpus/learned/.

        A PDF/DOCX/DOC dropped anywhere under the corpus dir (corpus/documents/ by convention)
        is ingested once; the learned YAML records its sha256 so later loads skip it.
        """
        from tthc_pipeline.legal.relations import learn_documents

        report = learn_documents(Path(corpus_dir), ingest=ingest)
        reg = cls.load(corpus_dir)
        reg.learn_failures = report.failed
        return reg

    def _read_file(self, path: Path, origin: str) -> None:
        self.sources.append(path)
        try:
            data = yaml.safe_load(path.read_text("utf-8")) or {}
        except yaml.YAMLError as exc:
            self._issue("error", "bad_yaml", None, f"Tệp YAML lỗi cú pháp: {exc}", f"YAML syntax error: {exc}", path)
            return
        if isinstance(data, dict) and data.get("origin") == "learned":
            origin = "learned"
        items = data.get("entries") if isinstance(data, dict) and "entries" in data else [data]
        for raw in items or []:
            if not isinstance(raw, dict) or "id" not in raw:
                self._issue("error", "no_id", None, "Mục không có trường id.", "Entry without an id.", path)
                continue
            try:
                entry = _entry_from_dict(raw, origin, str(path))
            except (ValueError, KeyError) as exc:
                self._issue("error", "bad_entry", str(raw.get("id")), f"Mục không hợp lệ: {exc}", f"Invalid entry: {exc}", path)
                continue
            self._validate(entry, path)
            self._add(entry, path)

    def _validate(self, entry: Entry, path: Path) -> None:
        if entry.confidence not in CONFIDENCES:
            self._issue("error", "bad_confidence", entry.id, f"Độ tin cậy '{entry.confidence}' không hợp lệ (V/S/U).",
                        f"Invalid confidence '{entry.confidence}' (V/S/U).", path)
        for r in entry.relations:
            if r.type not in INVERSE:
                self._issue("error", "bad_relation", entry.id, f"Loại quan hệ không hợp lệ: {r.type}.",
                            f"Unknown relation type: {r.type}.", path)
            if r.target == entry.id:
                self._issue("error", "self_relation", entry.id, "Văn bản có quan hệ với chính nó.",
                            "Document related to itself.", path)
            if r.partial and r.type not in ("repeals", "repealed_by"):
                self._issue("warning", "bad_flag", entry.id,
                            f"'partial' chỉ dùng cho quan hệ bãi bỏ, không cho {r.type} {r.target}.",
                            f"'partial' applies to repeals only, not to {r.type} {r.target}.", path)
            if r.articles_complete and not r.articles:
                self._issue("warning", "bad_flag", entry.id,
                            f"'articles_complete' mà không có danh sách điều, khoản ({r.type} {r.target}).",
                            f"'articles_complete' without a list of articles ({r.type} {r.target}).", path)

    def _add(self, entry: Entry, path: Path) -> None:
        existing = self.entries.get(entry.id)
        if existing is None:
            self.entries[entry.id] = entry
            return
        if entry.origin == "hand" and existing.origin == "hand":
            self._issue("error", "duplicate_id", entry.id,
                        f"Mã văn bản {entry.id} được khai báo hai lần ({existing.path} và {path}); giữ bản đầu.",
                        f"Document id {entry.id} declared twice ({existing.path} and {path}); keeping the first.", path)
            return
        hand, learned = (existing, entry) if existing.origin == "hand" else (entry, existing)
        self.entries[entry.id] = self._merge(hand, learned)

    def _merge(self, hand: Entry, learned: Entry) -> Entry:
        """Hand-written wins; learned facts fill gaps, and conflicting ones are kept aside."""
        for key in ("type", "title", "name", "issuer", "issued", "effective", "year"):
            h, l_ = getattr(hand, key), getattr(learned, key)
            if h is None and l_ is not None:
                setattr(hand, key, l_)
            elif l_ is not None and h != l_:
                hand.overridden.append({"field": key, "value": l_, "source": learned.source or learned.path})
        known = {r.key(): r for r in hand.relations}
        for r in learned.relations:
            mine = known.get(r.key())
            if mine is None:
                hand.relations.append(r)
            elif r.date and mine.date and r.date != mine.date:
                hand.overridden.append({"relation": r.type, "target": r.target, "date": r.date,
                                        "source": r.source or learned.path})
                self._issue("warning", "learned_conflict", hand.id,
                            f"Dữ liệu học được ({RELATION_NAMES_VI.get(r.type, r.type)} {r.target} ngày {r.date}) khác dữ liệu nhập tay (ngày {mine.date}); dùng dữ liệu nhập tay.",
                            f"Learned fact ({r.type} {r.target} on {r.date}) differs from the hand-written one ({mine.date}); hand-written wins.",
                            learned.path)
        hand.provenance = hand.provenance or learned.provenance
        return hand

    def _derive_inverses(self) -> None:
        reported: set[frozenset[str]] = set()
        for entry in list(self.entries.values()):
            for r in list(entry.relations):
                if r.derived or r.type not in INVERSE:
                    continue
                target = self.entries.get(r.target)
                if target is None:
                    if r.origin != "learned":
                        self._issue("warning", "dangling_target", entry.id,
                                    f"{entry.id} {RELATION_NAMES_VI.get(r.type, r.type)} {r.target}, nhưng {r.target} chưa có trong danh mục.",
                                    f"{entry.id} {r.type} {r.target}, but {r.target} is not in the registry.", entry.path)
                    # A stub, so that the status of the target is known: a new regulation
                    # often ends documents that nobody has entered in the registry yet.
                    target = self.entries[r.target] = Entry(
                        id=r.target, confidence=r.confidence, origin="derived",
                        notes=f"Chỉ biết qua quan hệ của {entry.id}. / Known only from {entry.id}'s relation.",
                    )
                inverse = INVERSE[r.type]
                mirror = next((x for x in target.relations if x.type == inverse and x.target == entry.id), None)
                if mirror is None:
                    target.relations.append(Relation(inverse, entry.id, r.date, list(r.articles), r.source,
                                                     r.confidence, r.origin, derived=True,
                                                     articles_complete=r.articles_complete, partial=r.partial))
                elif r.date and mirror.date and r.date != mirror.date and not mirror.derived:
                    pair = frozenset({entry.id, target.id, r.type, inverse})
                    if pair in reported:
                        continue
                    reported.add(pair)
                    self._issue("error", "relation_conflict", entry.id,
                                f"Ngày không khớp: {entry.id} {RELATION_NAMES_VI.get(r.type, r.type)} {r.target} ({r.date}) và "
                                f"{target.id} {RELATION_NAMES_VI.get(inverse, inverse)} {entry.id} ({mirror.date}).",
                                f"Dates disagree: {entry.id} {r.type} {r.target} ({r.date}) vs {target.id} {inverse} {entry.id} ({mirror.date}).",
                                entry.path)
                elif mirror.date is None and r.date:
                    mirror.date = r.date
                if mirror is not None:
                    # both sides declared it: what either side knows holds (a partial repeal
                    # declared on one side only must not read as a whole repeal)
                    mirror.partial = mirror.partial or r.partial
                    if r.articles and not mirror.articles:
                        mirror.articles, mirror.articles_complete = list(r.articles), r.articles_complete
                    elif r.articles == mirror.articles:
                        mirror.articles_complete = mirror.articles_complete or r.articles_complete

    def _issue(self, level: str, code: str, eid: str | None, vi: str, en: str, path: Any = None) -> None:
        self.issues.append(LintIssue(level, code, eid, vi, en, str(path) if path else None))

    def lint(self) -> list[LintIssue]:
        """Problems found while loading: duplicate ids, dangling targets, conflicts, bad values."""
        return list(self.issues)

    # ------------------------------------------------------------------ queries

    def get(self, doc_id: str) -> Entry | None:
        return self.entries.get(_canonical_id(doc_id))

    def __contains__(self, doc_id: str) -> bool:
        return self.get(doc_id) is not None

    def __len__(self) -> int:
        return len(self.entries)

    def _event_date(self, r: Relation) -> tuple[date | None, bool]:
        """When a relation takes effect: its own date, else the other document's effective date."""
        if r.date:
            return date.fromisoformat(r.date), False
        other = self.entries.get(r.target)
        if other and other.effective:
            return date.fromisoformat(other.effective), False
        if other and other.issued:
            return date.fromisoformat(other.issued), True  # lower bound only
        return None, True

    def status(self, doc_id: str, as_of: date) -> Status:
        """Legal status of a document on ``as_of``, with the documents that caused it, and
        the relations left out of it for want of a date (``Status.undated``)."""
        entry = self.get(doc_id)
        if entry is None:
            return Status("unknown", None, [], STATUS_LABELS_VI["unknown"], "U")
        status = self._dated_status(entry, as_of)
        status.undated = [{"type": r.type, "target": r.target} for r in entry.relations
                          if r.type in _AFFECTING and self._event_date(r)[0] is None]
        return status

    def _dated_status(self, entry: Any, as_of: date) -> Status:
        if entry.effective and as_of < date.fromisoformat(entry.effective):
            return Status("not_yet_in_force", date.fromisoformat(entry.effective), [],
                          STATUS_LABELS_VI["not_yet_in_force"], entry.confidence)
        start = _effect_start(entry)
        if start is not None and as_of < start:
            # not in effect yet: when its effective date is not known, a document takes effect
            # on the first date its own relations take effect, else on or after its issue date
            # (the lower bound; the date is shown as uncertain)
            return Status("not_yet_in_force", start, [], STATUS_LABELS_VI["not_yet_in_force"], entry.confidence,
                          date_uncertain=True)
        terminal: list[tuple[date, str, Relation, bool]] = []
        partial: list[tuple[date, Relation, bool]] = []
        amended: list[tuple[date, Relation, bool]] = []
        for r in entry.relations:
            when, uncertain = self._event_date(r)
            if when is None or when > as_of:
                continue
            if r.type in _TERMINAL and not (r.type == "repealed_by" and (r.articles or r.partial)):
                terminal.append((when, _TERMINAL[r.type], r, uncertain))
            elif r.type == "repealed_by":
                partial.append((when, r, uncertain))
            elif r.type == "amended_by":
                amended.append((when, r, uncertain))
        if terminal:
            terminal.sort(key=lambda t: t[0])
            when, code, _, uncertain = terminal[0]
            hits = [t for t in terminal if t[0] == when]
            # the date is only a lower bound when no relation of that day has a known date: one
            # that has establishes it
            return self._status(code, when, [t[2] for t in hits], all(t[3] for t in hits))
        # every amendment and partial repeal in force, with the clauses it names: a partly
        # repealed document may also have been amended, elsewhere or in the same clauses
        touched: dict[str, dict[str, list[dict[str, str]]]] = {}
        for _, r, _ in partial + amended:
            touched.setdefault(r.target, {}).setdefault("repealed" if r.type == "repealed_by" else "amended", []).extend(r.articles)
        touched = {doc: {kind: sorted_clauses(arts) for kind, arts in kinds.items()} for doc, kinds in touched.items()}
        complete = all(r.articles and r.articles_complete for _, r, _ in partial + amended)
        marks: dict[str, str] = {}
        for _, r, _ in partial + amended:
            marks[r.target] = weakest(marks.get(r.target, "V"), r.confidence)
        if partial:
            return self._status("partly_repealed", max(p[0] for p in partial), [p[1] for p in partial],
                                any(p[2] for p in partial), touched, complete, marks)
        if amended:
            return self._status("amended", max(a[0] for a in amended), [a[1] for a in amended],
                                any(a[2] for a in amended), touched, complete, marks)
        if start is not None:
            # in force at the earliest from that date, as far as the registry knows (a flat
            # "Còn hiệu lực" hid that the date is not known)
            return Status("in_force", start, [], STATUS_LABELS_VI["in_force"], entry.confidence, date_uncertain=True)
        return Status("in_force", date.fromisoformat(entry.effective) if entry.effective else None, [],
                      STATUS_LABELS_VI["in_force"], entry.confidence)

    def _status(self, code: str, since: date, rels: list[Relation], uncertain: bool,
                touched: dict[str, dict[str, list[dict[str, str]]]] | None = None, complete: bool = False,
                marks: dict[str, str] | None = None) -> Status:
        return Status(code, since, [r.target for r in rels], STATUS_LABELS_VI[code],
                      weakest(*(r.confidence for r in rels)), uncertain, touched or {}, complete, marks or {})

    def successors(self, doc_id: str) -> list[str]:
        """Documents that replaced, repealed or ended ``doc_id`` (for "cập nhật căn cứ")."""
        entry = self.get(doc_id)
        return [r.target for r in entry.relations
                if r.type in _TERMINAL and not (r.type == "repealed_by" and (r.articles or r.partial))] if entry else []

    def resolve(self, citation: Citation) -> str | None:
        """Registry id for a citation: its number, or a named law looked up by name (+ year)."""
        if citation.number:
            return citation.number
        if citation.is_self_reference or not citation.name:
            return None
        wanted = normalize_for_match(citation.name)
        candidates = []
        for e in self.entries.values():
            if citation.doc_type and e.type and e.type != citation.doc_type:
                continue
            names = [n for n in [e.name, *e.aliases] if n]
            if any(normalize_for_match(n) == wanted for n in names):
                candidates.append(e)
        if citation.year is not None:
            candidates = [e for e in candidates if citation.year in {e.year, _year(e.issued), _year(e.effective)}]
        return candidates[0].id if len(candidates) == 1 else None


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso else None
