"""Procedure candidates from decrees, circulars and provincial regulations.

A regulation defines a procedure in an article (or a chapter) rather than in a portal-style
record: "Điều 5. Thủ tục cấp giấy phép ...", "Hồ sơ gồm/bao gồm: a) ... b) ...", "Trong thời
hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ ...". We use the structure tree
(Chương/Điều nodes from ingest) and emit one candidate per procedure article, or one per
chapter titled "Trình tự, thủ tục ..." whose articles are not procedures by themselves. The
article/chapter is the provenance (``node_id``). Candidates are marked
``extra["candidate"] = True``: a reviewer confirms them.
"""

from __future__ import annotations

import re
from typing import Any

from tthc_pipeline.procedures.builder import build_procedure
from tthc_pipeline.procedures.docrecord import ensure_structure, iter_nodes
from tthc_pipeline.procedures.model import Procedure, Provenance, SourceRef, TextSpan, document_identity
from tthc_pipeline.text.normalize import canon
from tthc_pipeline.text.truecase import sentence_case

_PROC_TITLE = re.compile(r"^(?:trình\s+tự,?\s*)?thủ\s+tục\s+(?!hành\s+chính\b)(?P<name>.+)$|^trình\s+tự,?\s*thủ\s+tục\s+(?P<name2>.+)$")
_DOSSIER_INTRO = re.compile(r"hồ\s+sơ(?:\s+[^\n:;.]{0,80}?)?\s+(?:gồm|bao\s+gồm)(?:\s+có)?(?:\s+các\s+giấy\s+tờ\s+sau)?\s*:")
_TIME_SIGNAL = re.compile(r"(?:trong\s+thời\s+hạn|không\s+quá|thời\s+hạn\s+giải\s+quyết)[^.\n]{0,40}?\d+\s*(?:\([^)]*\)\s*)?(?:ngày|giờ|tháng)")
_DOC_TITLE_PROC = re.compile(r"trình\s+tự,?\s*thủ\s+tục\s+(?P<name>[^\n]+)")


def _nodes(rec: dict[str, Any]) -> list[dict[str, Any]]:
    st = rec.get("structure") or []
    return [st] if isinstance(st, dict) else list(st)


def _doc_procedure_name(rec: dict[str, Any], low: str | None = None) -> str | None:
    """The procedure named by the document's title ("… trình tự, thủ tục giải quyết …"),
    in sentence case with the document's own proper nouns (``low``: canon of its text)."""
    title = (rec.get("metadata") or {}).get("title") or ""
    if not title:
        m = re.search(r"(?im)^\s*v[ềe]\s+việc\s+[^\n]+", rec.get("text", "")[:4000])
        title = m.group(0) if m else ""
    m = _DOC_TITLE_PROC.search(canon(title))
    if not m:
        return None
    return sentence_case(title[m.start("name") : m.end("name")], rec.get("text", ""), low)


def _is_procedure_article(title_low: str, body_low: str) -> str | None:
    m = _PROC_TITLE.match(title_low.strip())
    if m:
        return "title"
    if _DOSSIER_INTRO.search(body_low) and _TIME_SIGNAL.search(body_low):
        return "body"
    return None


# a general chapter's article on the procedure's subjects or conditions: "Điều 3. Phạm vi đối
# tượng", "Điều 2. Nguyên tắc, điều kiện miễn, giảm" (Gia Lai QĐ 31/2011)
_GENERAL_TITLES = (("subjects", re.compile(r"đối\s+tượng")), ("requirements", re.compile(r"điều\s+kiện")))


def _general_articles(nodes: list[dict[str, Any]], regions: list[tuple[str, str, int, int, str]]) -> dict[str, dict[str, Any]]:
    """The articles outside the procedure's own chapter that a regulation defining one procedure
    in a chapter ("Chương III. Trình tự, thủ tục …") gives to its subjects and its conditions
    (the first of each, in the same part of the document), keyed by component. Why: such a
    regulation sets them once in a general chapter before the one on the steps, and a reviewer
    reads them as the procedure's own (rules on residence, papers or units read the conditions).
    Not for several procedures, nor for a procedure read out of one article of a decree (a
    penalty decree's "điều kiện" article is not that procedure's condition)."""
    (_, node_id, s, e, _), = regions
    part = node_id.rpartition("/")[0]  # the regulation the chapter belongs to ("phu-luc"), not the decision's own articles
    found: dict[str, dict[str, Any]] = {}
    for art in iter_nodes(nodes, "dieu"):
        if s <= art["start"] < e or art["start"] <= s < art["end"]:
            continue
        if part and not (art.get("id") or "").startswith(part + "/"):
            continue
        title = canon(art.get("title") or "")
        for key, rx in _GENERAL_TITLES:
            if key not in found and rx.search(title):
                found[key] = art
    return found


_ITEM_LINE = re.compile(r"^\s*(?:[-–+•*]|[a-zđ]\))\s*\S")


def _list_end(text: str, start: int, end: int) -> int:
    """End of the bulleted/lettered list that follows a 'hồ sơ gồm:' intro."""
    pos = start
    seen_item = False
    for m in re.finditer(r"[^\n]*\n?", text[start:end]):
        line = m.group(0)
        if not line:
            break
        if not line.strip():
            pos = start + m.end()
            continue
        if _ITEM_LINE.match(line):
            seen_item = True
            pos = start + m.end()
            continue
        if not seen_item and start + m.start() == start:
            pos = start + m.end()  # rest of the intro line
            continue
        break
    return pos


def extract_regulation(rec: dict[str, Any]) -> list[Procedure]:
    rec = ensure_structure(rec)
    text = rec.get("text", "")
    low = canon(text)
    nodes = _nodes(rec)
    doc, sha = rec.get("source"), rec.get("sha256")
    md = rec.get("metadata") or {}
    identity = document_identity(md.get("number"), md.get("issuer"), md.get("issued"))
    regions: list[tuple[str, str, int, int, str]] = []  # (name, node_id, start, end, how)
    claimed: list[tuple[int, int]] = []
    for ch in iter_nodes(nodes, "chuong"):
        tl = canon(ch.get("title") or ch.get("label") or "")
        if "trình tự" in tl and "thủ tục" in tl:
            arts = list(iter_nodes(ch.get("children") or [], "dieu"))
            if any(_PROC_TITLE.match(canon(a.get("title") or "").strip()) for a in arts):
                continue  # articles name the procedures themselves
            s, e = ch["start"], ch["end"]
            if not _DOSSIER_INTRO.search(low, s, e) and not _TIME_SIGNAL.search(low, s, e):
                continue
            name = _doc_procedure_name(rec, low) or sentence_case(re.sub(r"(?i)^.*?trình tự,?\s*thủ tục\s*", "", ch.get("title") or ""), text, low)
            regions.append((name, ch.get("id") or "chuong", s, e, "chapter"))
            claimed.append((s, e))
    for art in iter_nodes(nodes, "dieu"):
        s, e = art["start"], art["end"]
        if any(a <= s < b for a, b in claimed):
            continue
        title = art.get("title") or ""
        how = _is_procedure_article(canon(title), low[s:e])
        if not how:
            continue
        m = _PROC_TITLE.match(canon(title).strip())
        if m:
            g = "name" if m.group("name") else "name2"
            name = sentence_case(title.strip()[m.start(g) : m.end(g)], text, low)
        else:
            name = _doc_procedure_name(rec, low) or sentence_case(title, text, low) or f"Thủ tục tại {art.get('label')}"
        regions.append((name, art.get("id") or "dieu", s, e, how))
    general = _general_articles(nodes, regions) if len(regions) == 1 and regions[0][4] == "chapter" else {}
    procs = []
    for name, node_id, s, e, how in regions:
        body = text[s:e]

        def span(a: int, b: int, key: str) -> TextSpan:
            return TextSpan(text[a:b].strip(), Provenance(document=doc, sha256=sha, node_id=node_id, start=a, end=b))

        comps = {"name": TextSpan(name, Provenance(document=doc, sha256=sha, node_id=node_id, start=s, end=min(e, s + 200))),
                 "steps": span(s, e, "steps"), "time_limit": span(s, e, "time_limit")}
        dm = _DOSSIER_INTRO.search(low, s, e)
        if dm:
            comps["dossier"] = span(dm.start(), _list_end(text, dm.end(), e), "dossier")
        for key, art in general.items():  # the regulation's own articles on who and on what conditions
            comps[key] = TextSpan(text[art["start"] : art["end"]].strip(),
                                  Provenance(document=doc, sha256=sha, node_id=art.get("id") or "dieu", start=art["start"], end=art["end"]))
        extra = {"candidate": True, "how": how, "node_label": node_id}
        p = build_procedure(
            name=name, code=None, components=comps,
            source=SourceRef(kind="regulation", document=doc, sha256=sha, record_key=node_id),
            extra=extra, document=identity,
        )
        if p.dossier_sets is None:
            from tthc_pipeline.procedures.components import dossier_sets

            p.dossier_sets = dossier_sets(body)
        p.steps = []  # an article is not a numbered step list; the raw text stays in components
        procs.append(p)
    return procs
