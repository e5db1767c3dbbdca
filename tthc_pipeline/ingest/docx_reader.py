"""DOCX backend: body text, tables, Word auto-numbering and legacy-font repair.

Why not just ``paragraph.text``: Vietnamese legal documents number their articles, clauses
and points ("Điều 5.", "1.", "a)") with Word *automatic numbering*, which is not in the
text at all; it lives in numbering.xml and is drawn by Word. We rebuild those labels from
``w:numPr`` (on the paragraph or inherited through its style's basedOn chain), keeping
counters per abstract list like Word does, so the structure parser downstream sees them.

What is read, in body order: paragraphs (with hyperlinks, fields, tracked insertions,
content controls), tables (one entry per grid column: a merged cell's text once, in its
first column, "" in the other columns of a ``gridSpan`` and in a ``vMerge`` continuation),
nested tables (flattened into their cell's text, one line per row, cells joined by " | "),
and text boxes (``w:txbxContent``, as blocks right
after the paragraph that anchors them; for ``mc:AlternateContent`` only the first branch,
so a text box is not read twice). We walk the XML ourselves rather than
``Document.iter_inner_content()`` because that skips block-level content controls
(``w:sdt``) and text boxes; the order is the same.

Deliberately skipped: headers and footers (page furniture such as "Trang 3/10" or the
issuing agency repeated on every page would pollute the body text and its offsets),
footnotes, comments, deleted text, hidden (``w:vanish``) runs and field instructions.

Legacy fonts: a run whose effective font (run → character style → paragraph style →
document defaults) is TCVN3 (``.VnTime``) or VNI (``VNI-Times``) is decoded with
:mod:`tthc_pipeline.text.legacy`; ``…H`` TCVN3 fonts are upper-cased. Runs with a Unicode
font, or no font at all, are never converted on the strength of the font, unlike viparse
(TOOLING-NOTES §4). Only when a paragraph carries no legacy font at all but its content
reads as TCVN3/VNI is it converted, with a ``legacy_encoding_guessed`` warning.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.styles import BabelFish
from lxml import etree

from tthc_pipeline.ingest.models import Block, Extracted, IngestError, Page, Warning_
from tthc_pipeline.text import legacy

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = "{%s}" % W_NS
MC = "{%s}" % MC_NS


def _attr(elem, name: str) -> str | None:
    return None if elem is None else elem.get(W + name)


def _grid_count(elem, default: int = 0) -> int:
    """The grid columns a ``gridSpan``/``gridBefore``/``gridAfter`` element counts (``default``
    without one; a value that is not a small positive number reads as ``default``)."""
    value = _attr(elem, "val") if elem is not None else None
    return int(value) if value and value.isdigit() and 0 < int(value) <= 64 else default


def _on(elem) -> bool:
    """A w:ST_OnOff toggle element (w:vanish, w:caps): present and not switched off."""
    return elem is not None and _attr(elem, "val") not in ("0", "false", "off")


# ============================================================================================
# Styles: names, numbering and fonts through the basedOn chain
# ============================================================================================
@dataclass
class _Style:
    name: str
    based_on: str | None
    num_id: str | None = None
    ilvl: int | None = None
    outline_lvl: int | None = None
    rfonts: object = None  # the style's w:rPr/w:rFonts element


class _Styles:
    def __init__(self, styles_elem):
        self.by_id: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self.default_rfonts = None
        if styles_elem is None:
            return
        self.default_rfonts = styles_elem.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        for s in styles_elem.iter(W + "style"):
            sid = _attr(s, "styleId")
            if sid is None:
                continue
            name = _attr(s.find(W + "name"), "val") or sid
            num_pr = s.find(f"{W}pPr/{W}numPr")
            outline = _attr(s.find(f"{W}pPr/{W}outlineLvl"), "val")
            ilvl = _attr(num_pr.find(W + "ilvl"), "val") if num_pr is not None else None
            self.by_id[sid] = _Style(
                name=BabelFish.internal2ui(name),
                based_on=_attr(s.find(W + "basedOn"), "val"),
                num_id=_attr(num_pr.find(W + "numId"), "val") if num_pr is not None else None,
                ilvl=int(ilvl) if ilvl and ilvl.isdigit() else None,
                outline_lvl=int(outline) if outline and outline.isdigit() else None,
                rfonts=s.find(f"{W}rPr/{W}rFonts"),
            )
            if _attr(s, "type") == "paragraph" and _attr(s, "default") in ("1", "true"):
                self.default_paragraph = sid

    def chain(self, style_id: str | None):
        """The style and its basedOn ancestors (cycle-safe)."""
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style_id, style
            style_id = style.based_on

    def name(self, style_id: str | None) -> str | None:
        style = self.by_id.get(style_id or "")
        return style.name if style else None

    def num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        for _, style in self.chain(style_id):
            if style.num_id is not None:
                return style.num_id, style.ilvl
        return None, None

    def outline_lvl(self, style_id: str | None) -> int | None:
        for _, style in self.chain(style_id):
            if style.outline_lvl is not None:
                return style.outline_lvl
        return None


def _font_slot(rfonts, slot: str) -> tuple[bool, str | None]:
    """(decided, font name) for one w:rFonts slot; a theme font decides as 'not legacy'."""
    if rfonts is None:
        return False, None
    if rfonts.get(W + slot + "Theme") is not None:
        return True, None
    name = rfonts.get(W + slot)
    return (name is not None), name


# ============================================================================================
# Numbering: numbering.xml levels, overrides and Word-like counters
# ============================================================================================
@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # w:lvlRestart; 0 = never restart
    suffix: str = "tab"
    is_legal: bool = False
    style_id: str | None = None  # w:pStyle: the paragraph style bound to this level
    rfonts: object = None


def _parse_level(lvl) -> _Level:
    start = _attr(lvl.find(W + "start"), "val")
    restart = _attr(lvl.find(W + "lvlRestart"), "val")
    return _Level(
        fmt=_attr(lvl.find(W + "numFmt"), "val") or "decimal",
        text=_attr(lvl.find(W + "lvlText"), "val") or "",
        start=int(start) if start and start.lstrip("-").isdigit() else 1,
        restart=int(restart) if restart and restart.isdigit() else None,
        suffix=_attr(lvl.find(W + "suff"), "val") or "tab",
        is_legal=_on(lvl.find(W + "isLgl")),
        style_id=_attr(lvl.find(W + "pStyle"), "val"),
        rfonts=lvl.find(f"{W}rPr/{W}rFonts"),
    )


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa, bb, ..."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = []
    for value, sym in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """Render counter ``n`` in a w:numFmt; unknown formats fall back to decimal."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


_SYMBOL_FONTS = ("symbol", "wingdings", "webdings", "zapf")


def _bullet_text(level: _Level) -> str:
    """A bullet's lvlText is usually a private-use glyph of Symbol/Wingdings: show '•'."""
    text = level.text
    font = (level.rfonts.get(W + "ascii") or "") if level.rfonts is not None else ""
    if not text or any(0xE000 <= ord(c) <= 0xF8FF for c in text):
        return "•"
    if font.lower().startswith(_SYMBOL_FONTS):
        return "•"
    return text


class _Numbering:
    def __init__(self, numbering_elem, styles: _Styles):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNum with numStyleLink → style id
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.styles = styles
        self.counters: dict[str, list[int | None]] = {}
        self.started_nums: set[str] = set()
        if numbering_elem is None:
            return
        for absn in numbering_elem.findall(W + "abstractNum"):
            aid = _attr(absn, "abstractNumId")
            self.abstract[aid] = {
                int(_attr(lvl, "ilvl") or 0): _parse_level(lvl) for lvl in absn.findall(W + "lvl")
            }
            link = _attr(absn.find(W + "numStyleLink"), "val")
            if link:
                self.style_link[aid] = link
        for num in numbering_elem.findall(W + "num"):
            nid = _attr(num, "numId")
            aid = _attr(num.find(W + "abstractNumId"), "val")
            starts: dict[int, int] = {}
            levels: dict[int, _Level] = {}
            for ov in num.findall(W + "lvlOverride"):
                ilvl = int(_attr(ov, "ilvl") or 0)
                so = _attr(ov.find(W + "startOverride"), "val")
                if so and so.lstrip("-").isdigit():
                    starts[ilvl] = int(so)
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    levels[ilvl] = _parse_level(lvl)
            self.nums[nid] = (aid, starts, levels)

    def _abstract_id(self, num_id: str) -> str | None:
        aid = self.nums[num_id][0]
        # numStyleLink: the real definition hangs off the numbering style's own numPr
        link = self.style_link.get(aid)
        if link:
            linked_num, _ = self.styles.num_pr(link)
            if linked_num in self.nums and linked_num != num_id:
                aid = self.nums[linked_num][0]
        return aid

    def _levels(self, num_id: str) -> dict[int, _Level]:
        levels = dict(self.abstract.get(self._abstract_id(num_id), {}))
        levels.update(self.nums[num_id][2])
        return levels

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        for ilvl, level in self._levels(num_id).items():
            if style_id and level.style_id == style_id:
                return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, _Level] | None:
        """Advance the list counter for (num_id, ilvl) and return the rendered label."""
        if num_id not in self.nums:
            return None
        levels = self._levels(num_id)
        level = levels.get(ilvl)
        if level is None:
            return None
        aid = self._abstract_id(num_id) or num_id
        counters = self.counters.setdefault(aid, [None] * 10)
        starts = self.nums[num_id][1]
        if num_id not in self.started_nums:
            # a w:num with startOverride restarts the shared list where it is first used
            self.started_nums.add(num_id)
            for lvl_index, start in starts.items():
                if lvl_index < len(counters):
                    counters[lvl_index] = start - 1
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, len(counters)):
            restart = levels[deeper].restart if deeper in levels else None
            # w:lvlRestart r: restart only when a level numbered r or less (1-based) is used
            if restart is None or (restart != 0 and ilvl + 1 <= restart):
                counters[deeper] = None
        if level.fmt == "bullet":
            label = _bullet_text(level)
        else:

            def render(m: re.Match) -> str:
                k = int(m.group(1)) - 1
                lvl_k = levels.get(k, _Level())
                value = counters[k] if counters[k] is not None else lvl_k.start
                return format_number(value, "decimal" if level.is_legal else lvl_k.fmt)

            label = re.sub(r"%([1-9])", render, level.text)
        return label, level


# ============================================================================================
# The reader
# ============================================================================================
_INLINE_CONTAINERS = {
    W + t for t in ("hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple", "dir", "bdo")
}
_SYMBOLS = {"F0B7": "•", "F0A7": "▪", "F06F": "□", "F0A8": "□", "F0FE": "☑", "F078": "☒"}
_HEADING_NAMES = ("heading", "title", "subtitle")


def _first_branch(alternate):
    """mc:AlternateContent: read the first mc:Choice (or the Fallback), never both."""
    branch = alternate.find(MC + "Choice")
    return branch if branch is not None else alternate.find(MC + "Fallback")


@dataclass
class _Segment:
    text: str
    encoding: str | None
    uppercase: bool


@dataclass
class _Context:
    styles: _Styles
    numbering: _Numbering
    guessed_paragraphs: int = 0
    legacy_runs: dict[str, int] = field(default_factory=lambda: {"tcvn3": 0, "vni": 0})
    numbered_paragraphs: int = 0
    # legacy-font paragraphs: how their content judged (see legacy.judge_font_text)
    font_evidence: dict[str, int] = field(default_factory=lambda: {"legacy": 0, "unicode": 0, "tie": 0})
    tie_policy: str = "legacy"  # what a "tie" paragraph becomes
    paragraphs: int = 0
    tables: int = 0
    text_boxes: int = 0


class _Reader:
    def __init__(self, ctx: _Context):
        self.ctx = ctx

    # ---------------------------------------------------------------- fonts
    def _legacy_font(self, rpr, para_style: str | None) -> tuple[str | None, bool]:
        """(encoding, uppercase) from the run's effective hAnsi (else ascii) font.

        TCVN3/VNI codes are Latin-1 characters, which Word draws with the hAnsi font.
        """
        sources = [rpr.find(W + "rFonts") if rpr is not None else None]
        char_style = _attr(rpr.find(W + "rStyle"), "val") if rpr is not None else None
        sources += [s.rfonts for _, s in self.ctx.styles.chain(char_style)]
        sources += [s.rfonts for _, s in self.ctx.styles.chain(para_style)]
        sources.append(self.ctx.styles.default_rfonts)
        for slot in ("hAnsi", "ascii"):
            for rfonts in sources:
                decided, name = _font_slot(rfonts, slot)
                if decided:
                    enc = legacy.encoding_for_font(name)
                    return enc, legacy.is_uppercase_font(name)
        return None, False

    # ---------------------------------------------------------------- inline content
    def _inline(self, elem, para_style, segments: list[_Segment], boxes: list) -> None:
        for child in elem:
            tag = child.tag
            if tag == W + "r":
                self._run(child, para_style, segments, boxes)
            elif tag in _INLINE_CONTAINERS:
                self._inline(child, para_style, segments, boxes)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self._inline(content, para_style, segments, boxes)
            elif tag == MC + "AlternateContent":
                branch = _first_branch(child)
                if branch is not None:
                    self._inline(branch, para_style, segments, boxes)

    def _run(self, run, para_style, segments: list[_Segment], boxes: list) -> None:
        rpr = run.find(W + "rPr")
        if rpr is not None and _on(rpr.find(W + "vanish")):
            return
        parts: list[str] = []
        for child in run:
            tag = child.tag
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag in (W + "tab", W + "ptab"):
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("\u2011")
            elif tag == W + "sym":
                parts.append(_SYMBOLS.get((_attr(child, "char") or "").upper(), ""))
            elif tag in (W + "drawing", W + "pict", MC + "AlternateContent"):
                self._collect_boxes(child, boxes)
        text = "".join(parts)
        if text:
            encoding, upper = self._legacy_font(rpr, para_style)
            segments.append(_Segment(text, encoding, upper))

    def _collect_boxes(self, elem, boxes: list) -> None:
        """Top-level w:txbxContent under a drawing, one branch of AlternateContent only."""
        if elem.tag == MC + "AlternateContent":
            branch = _first_branch(elem)
            if branch is not None:
                for child in branch:
                    self._collect_boxes(child, boxes)
            return
        if elem.tag == W + "txbxContent":
            boxes.append(elem)
            return
        for child in elem:
            self._collect_boxes(child, boxes)

    # ---------------------------------------------------------------- paragraphs
    def paragraph(self, p) -> tuple[Block | None, list]:
        """Read one w:p: (block or None when empty, text boxes anchored in it)."""
        ctx = self.ctx
        ppr = p.find(W + "pPr")
        style_id = _attr(ppr.find(W + "pStyle"), "val") if ppr is not None else None
        style_id = style_id or ctx.styles.default_paragraph
        segments: list[_Segment] = []
        boxes: list = []
        self._inline(p, style_id, segments, boxes)

        self._check_font_signal(segments)
        guessed = None
        if segments and not any(s.encoding for s in segments):
            raw = "".join(s.text for s in segments)
            detected = legacy.detect_encoding(raw)
            if detected != "unicode":
                guessed = detected
                for s in segments:
                    s.encoding = detected
                ctx.guessed_paragraphs += 1
        text = self._join(segments)

        label = self._label(ppr, style_id, segments, guessed)
        if label:
            ctx.numbered_paragraphs += 1
        if not text.strip():
            return None, boxes
        ctx.paragraphs += 1
        style_name = ctx.styles.name(style_id)
        outline = _attr(ppr.find(W + "outlineLvl"), "val") if ppr is not None else None
        if outline is None:
            outline = ctx.styles.outline_lvl(style_id)
        is_heading = (style_name or "").lower().startswith(_HEADING_NAMES) or (
            outline is not None and str(outline).isdigit() and int(outline) < 9
        )
        return (
            Block(
                kind="heading" if is_heading else "paragraph",
                text=(label + text) if label else text,
                style=style_name,
            ),
            boxes,
        )

    def _check_font_signal(self, segments: list[_Segment]) -> None:
        """Drop the legacy font signal where the run text is in fact Unicode (stale font)."""
        ctx = self.ctx
        for encoding in {s.encoding for s in segments if s.encoding}:
            same = [s for s in segments if s.encoding == encoding]
            verdict = legacy.judge_font_text("".join(s.text for s in same), encoding)
            ctx.font_evidence[verdict] += 1
            if verdict == "tie":
                verdict = ctx.tie_policy
            for seg in same:
                if verdict == "unicode":
                    seg.encoding, seg.uppercase = None, False
                else:
                    ctx.legacy_runs[encoding] += 1

    @staticmethod
    def _join(segments: list[_Segment]) -> str:
        """Decode legacy segments, merging neighbours first so a VNI mark split from its
        base letter by a formatting change still composes."""
        out: list[str] = []
        i = 0
        while i < len(segments):
            seg = segments[i]
            j = i + 1
            chunk = [seg.text]
            while j < len(segments) and (segments[j].encoding, segments[j].uppercase) == (
                seg.encoding,
                seg.uppercase,
            ):
                chunk.append(segments[j].text)
                j += 1
            text = "".join(chunk)
            if seg.encoding:
                text = legacy.convert(text, seg.encoding, uppercase=seg.uppercase)
            out.append(text)
            i = j
        return "".join(out)

    def _label(self, ppr, style_id, segments: list[_Segment], guessed) -> str:
        """The automatic-numbering label of a paragraph ("Điều 5. ", "a) "), or ""."""
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        num_id = _attr(num_pr.find(W + "numId"), "val") if num_pr is not None else None
        ilvl_s = _attr(num_pr.find(W + "ilvl"), "val") if num_pr is not None else None
        style_num, style_ilvl = self.ctx.styles.num_pr(style_id)
        num_id = num_id or style_num
        if not num_id or num_id == "0":
            return ""
        if ilvl_s is not None and ilvl_s.isdigit():
            ilvl = int(ilvl_s)
        elif style_ilvl is not None:
            ilvl = style_ilvl
        else:
            ilvl = self.ctx.numbering.level_for_style(num_id, style_id)
        result = self.ctx.numbering.next_label(num_id, ilvl)
        if result is None:
            return ""
        label, level = result
        if not label:
            return ""
        # the label is drawn in the level's font, else the paragraph's
        mark_rpr = ppr.find(W + "rPr") if ppr is not None else None
        encoding, upper = None, False
        if level.rfonts is not None:
            decided, name = _font_slot(level.rfonts, "hAnsi")
            if not decided:
                decided, name = _font_slot(level.rfonts, "ascii")
            if decided:
                encoding, upper = legacy.encoding_for_font(name), legacy.is_uppercase_font(name)
        else:
            encoding, upper = self._legacy_font(mark_rpr, style_id)
        if encoding is None and guessed:
            encoding = guessed
        if encoding and legacy.judge_font_text(label, encoding) == "unicode":
            encoding = None  # "Điều 1." typed in Unicode with a stale .VnTime level font
        if encoding:
            label = legacy.convert(label, encoding, uppercase=upper)
        separator = "" if level.suffix == "nothing" else " "
        return label + separator

    # ---------------------------------------------------------------- blocks and tables
    def blocks(self, container, out: list[Block]) -> None:
        for child in container:
            tag = child.tag
            if tag == W + "p":
                block, boxes = self.paragraph(child)
                if block is not None:
                    out.append(block)
                for box in boxes:
                    self.ctx.text_boxes += 1
                    self.blocks(box, out)
            elif tag == W + "tbl":
                self.ctx.tables += 1
                out.append(Block(kind="table", rows=self.table_rows(child)))
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.blocks(content, out)
            elif tag == W + "customXml":
                self.blocks(child, out)
            elif tag == MC + "AlternateContent":
                branch = _first_branch(child)
                if branch is not None:
                    self.blocks(branch, out)

    @staticmethod
    def _children(elem, tag: str):
        """Direct children named ``tag``, looking through content controls."""
        for child in elem:
            if child.tag == W + tag:
                yield child
            elif child.tag in (W + "sdt", W + "customXml"):
                inner = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
                if inner is not None:
                    yield from _Reader._children(inner, tag)

    def table_rows(self, tbl) -> list[list[str]]:
        """One list per row with one entry per column of the table's grid, so that a column
        index means the same column in every row: a cell spanning n columns (``gridSpan``)
        is its text then n-1 "", grid columns a row skips (``gridBefore``/``gridAfter``) are
        "". Why: the danh mục of a decision heads "Cách thức thực hiện" over two columns
        ("Mức độ DVC", "Thực hiện qua BCCI"); one entry per ``w:tc`` put every header after
        it one column left of its data, and a row's place read as its fee, its fee as its
        legal basis."""
        rows: list[list[str]] = []
        for tr in self._children(tbl, "tr"):
            row = [""] * _grid_count(tr.find(f"{W}trPr/{W}gridBefore"))
            for tc in self._children(tr, "tc"):
                vmerge = tc.find(f"{W}tcPr/{W}vMerge")
                if vmerge is not None and _attr(vmerge, "val") in (None, "continue"):
                    # continuation of a vertically merged cell: its text is in the cell above
                    self.cell_text(tc)  # still advance numbering counters, if any
                    row.append("")
                else:
                    row.append(self.cell_text(tc))
                row.extend([""] * (_grid_count(tc.find(f"{W}tcPr/{W}gridSpan"), 1) - 1))
            row.extend([""] * _grid_count(tr.find(f"{W}trPr/{W}gridAfter")))
            rows.append(row)
        return rows

    def cell_text(self, tc) -> str:
        """Cell paragraphs one per line; nested tables flattened row by row."""
        blocks: list[Block] = []
        self.blocks(tc, blocks)
        lines = []
        for block in blocks:
            if block.kind == "table":
                lines.extend(" | ".join(c for c in row if c) for row in block.rows or [])
            else:
                lines.append(block.text)
        return "\n".join(line for line in lines if line.strip())


def _open(path: Path):
    """Open with python-docx, mapping every failure to a stable IngestError code."""
    if not zipfile.is_zipfile(path):
        raise IngestError(
            "corrupt_file",
            f"Tệp {path.name} không phải tệp DOCX hợp lệ (không đọc được cấu trúc ZIP). "
            "Hãy mở lại bằng Word và lưu thành .docx, hoặc tải lại tệp gốc.",
            f"{path.name} is not a valid DOCX file (not a readable ZIP package). "
            "Re-save it as .docx in Word or download the original again.",
        )
    try:
        return docx.Document(str(path))
    except (KeyError, ValueError) as exc:
        raise IngestError(
            "not_a_word_document",
            f"Tệp {path.name} là gói ZIP nhưng không chứa văn bản Word (thiếu word/document.xml). "
            "Hãy kiểm tra lại định dạng tệp.",
            f"{path.name} is a ZIP package but not a Word document ({exc}). Check the file type.",
        ) from exc
    except (zipfile.BadZipFile, zlib.error, PackageNotFoundError, etree.XMLSyntaxError, EOFError) as exc:
        raise IngestError(
            "corrupt_file",
            f"Tệp {path.name} bị hỏng, không đọc được nội dung. Hãy tải lại hoặc lưu lại tệp bằng Word.",
            f"{path.name} is damaged and cannot be read ({exc}). Download it again or re-save it in Word.",
        ) from exc


def _part_element(document, attribute: str):
    try:
        return getattr(document.part, attribute).element
    except (KeyError, NotImplementedError, AttributeError):
        return None


def _read_body(document, tie_policy: str) -> tuple[_Context, list[Block]]:
    styles = _Styles(_part_element(document, "_styles_part"))
    numbering = _Numbering(_part_element(document, "numbering_part"), styles)
    ctx = _Context(styles=styles, numbering=numbering, tie_policy=tie_policy)
    blocks: list[Block] = []
    _Reader(ctx).blocks(document.element.body, blocks)
    return ctx, blocks


def read_docx(path: Path) -> Extracted:
    """Read a .docx into one logical page of blocks in body order (see module docstring)."""
    path = Path(path)
    document = _open(path)
    try:
        ctx, blocks = _read_body(document, tie_policy="legacy")
        evidence = ctx.font_evidence
        stale_fonts = evidence["unicode"] > evidence["legacy"]
        if stale_fonts and evidence["tie"]:
            # Mostly Unicode text in legacy fonts: undecidable paragraphs are Unicode too.
            ctx, blocks = _read_body(document, tie_policy="unicode")
    except (zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError) as exc:
        raise IngestError(
            "corrupt_file",
            f"Tệp {path.name} bị hỏng một phần (kiểu dáng hoặc đánh số). Hãy lưu lại tệp bằng Word.",
            f"{path.name} is partly damaged (styles or numbering: {exc}). Re-save it in Word.",
        ) from exc

    warnings: list[Warning_] = []
    if ctx.guessed_paragraphs:
        warnings.append(
            Warning_(
                code="legacy_encoding_guessed",
                message_vi=(
                    f"{ctx.guessed_paragraphs} đoạn văn có vẻ được gõ bằng bảng mã cũ (TCVN3/VNI) "
                    "nhưng không khai báo phông chữ tương ứng; đã tự chuyển sang Unicode theo nội dung. "
                    "Hãy đối chiếu với bản gốc."
                ),
                message_en=(
                    f"{ctx.guessed_paragraphs} paragraph(s) look like legacy TCVN3/VNI text without a "
                    "matching font; converted to Unicode from their content. Check against the original."
                ),
            )
        )
    info: dict = {
        "paragraphs": ctx.paragraphs,
        "tables": ctx.tables,
        "numbered_paragraphs": ctx.numbered_paragraphs,
        "text_boxes": ctx.text_boxes,
        "legacy_runs": {k: v for k, v in ctx.legacy_runs.items() if v},
        "legacy_paragraphs_guessed": ctx.guessed_paragraphs,
        "legacy_font_verdicts": {k: v for k, v in ctx.font_evidence.items() if v},
    }
    core = document.core_properties
    props = {
        "title": core.title,
        "subject": core.subject,
        "author": core.author,
        "created": core.created.isoformat() if core.created else None,
        "modified": core.modified.isoformat() if core.modified else None,
    }
    info["core_properties"] = {k: v for k, v in props.items() if v}
    return Extracted(format="docx", pages=[Page(number=1, blocks=blocks)], warnings=warnings, info=info)
