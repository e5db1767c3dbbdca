"""Ruled tables on scanned pages: find the grid on the page image, put OCR words in its cells.

Why: tesseract's page layout analysis reads a ruled table across its columns ("Cấp Giấy xác
Nghị định số nhận đủ điều kiện ..."), so an announcement decision's list of procedures
(STT | Mã TTHC | Tên thủ tục | ...) comes out as unusable prose. Instead of OCR'ing every
cell (one tesseract run per cell), the page is OCR'd once with word boxes and each word
goes to the cell that holds its box centre.

How the grid is found (numpy only; 50-110 ms on a 300 dpi A4 page, measured on the OCR eval):

* Binarise (ink < ``DARK_LEVEL``), thicken by one pixel across the rule direction, and cut
  the page into overlapping windows ``STRIP_INCH`` long along the rule. A line piece is a
  row (column) of a window that is at least ``FILL`` ink: text never fills a window, a rule
  does. Within one window a 1° skew moves a rule by less than a pixel.
* Pieces are chained window to window (up to 2 px drift, one missing window allowed: blur
  and JPEG break thin rules), fitted by least squares (y = a + b·x, or x = a + b·y; short
  chains take the page's skew), and their ends followed on the image to the pixel. So
  slightly rotated scans work without deskewing.
* Rules that cross at least two perpendicular rules form tables (union-find over
  crossings); narrow structures and short stray rules are dropped; nearly coincident rules
  (thick or double) are merged.
* The lattice gives elementary cells; the rule segment between two neighbouring cells is
  checked on the image, and a missing segment merges the two cells (merged header cells).

Then, for the OCR (driven by ``pdf.py``): ``erase_lines`` whitens the rules (tesseract
otherwise reads them as "|" glued to words, "[MãTTHCgốc"), ``layout`` places words in
cells and tables among the paragraphs, and ``reread_doubtful_cells`` gives lone items
tesseract dropped or misread (STT digits, a "CP" against a border) one more joint read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from tthc_pipeline.ingest.ocr import OcrWord, TesseractJobs

DARK_LEVEL = 160  # grey level below which a pixel counts as ink (blurred rules stay < 160)
STRIP_INCH = 0.16  # strip length: 48 px at 300 dpi
FILL = 0.75  # share of a strip row that must be ink for a line piece
MIN_LINE_INCH = 0.2  # shorter chains are not rules (letters are at most ~0.17 in tall at 13 pt)
MERGE_INCH = 0.04  # lines closer than this (12 px at 300 dpi) are one rule
CROSS_INCH = 0.03  # a rule may stop this short of the rule it meets (9 px at 300 dpi)
MIN_TABLE_INCH = 1.0  # narrower ruled structures are not tables
MIN_RULE_SHARE = 0.25  # a horizontal rule spans at least this share of its table
HALO_LEVEL = 120  # lighter pixels next to a rule are its blur, not glyph cores
ERASE_LEVEL = 230  # rule pixels and their blur halo, for erasing
SEGMENT_INK = 0.5  # a rule segment with less ink than this share of its length is missing


@dataclass
class Line:
    """A rule: position = a + b·t along the other axis, for t in [start, end] (pixels)."""

    a: float
    b: float
    start: float
    end: float

    def at(self, t: float) -> float:
        return self.a + self.b * t

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass
class TableGrid:
    """One ruled table: its rules and its (merged) cells.

    ``rows_h``/``cols_v`` are sorted top to bottom / left to right; elementary cell (r, c)
    lies between ``rows_h[r]``, ``rows_h[r + 1]``, ``cols_v[c]``, ``cols_v[c + 1]``.
    ``owner[r][c]`` is the elementary cell whose merged cell covers (r, c): its top-left one.
    """

    rows_h: list[Line]
    cols_v: list[Line]
    owner: list[list[tuple[int, int]]] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(self.rows_h[0].at(v.at(self.rows_h[0].a)) for v in (self.cols_v[0], self.cols_v[-1]))

    @property
    def bottom(self) -> float:
        return max(self.rows_h[-1].at(v.at(self.rows_h[-1].a)) for v in (self.cols_v[0], self.cols_v[-1]))

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The merged cell (its top-left elementary cell) holding point (x, y), if any."""
        r = sum(1 for h in self.rows_h if h.at(x) <= y) - 1
        c = sum(1 for v in self.cols_v if v.at(y) <= x) - 1
        if 0 <= r < len(self.rows_h) - 1 and 0 <= c < len(self.cols_v) - 1:
            return self.owner[r][c]
        return None


# --------------------------------------------------------------------------- line finding


def _grey(image: Image.Image) -> Image.Image:
    """The image in 8-bit grey; pages come rendered in grey already (no copy then)."""
    return image if image.mode == "L" else image.convert("L")


def _ink(image: Image.Image) -> np.ndarray:
    return np.asarray(_grey(image)) < DARK_LEVEL


def _pieces(ink: np.ndarray, step: int, vertical: bool) -> list[tuple[int, float]]:
    """(window index, centre position) of every run of inked rows (columns) in each window.

    Windows are two ``step``s long along the rule and overlap by one step, so a short rule
    (the side of a one-line cell) is whole in at least one window wherever it falls. The
    page is never transposed (that alone would cost ~50 ms).
    """
    height, width = ink.shape
    thick = ink.copy()  # one pixel thicker across the rule: a slanted rule fills its window row
    if vertical:
        thick[:, :-1] |= ink[:, 1:]
        n = height // step
        half = thick[: n * step].reshape(n, step, width).sum(axis=1, dtype=np.int32)  # (window, x)
        on = (half[:-1] + half[1:]) >= FILL * 2 * step
        windows, positions = np.nonzero(on)
    else:
        thick[:-1] |= ink[1:]
        n = width // step
        half = thick[:, : n * step].reshape(height, n, step).sum(axis=2, dtype=np.int32)  # (y, window)
        on = (half[:, :-1] + half[:, 1:]) >= FILL * 2 * step
        windows, positions = np.nonzero(on.T)  # ordered by window, then row
    pieces: list[tuple[int, float]] = []
    run_start = prev_y = prev_s = None
    for s, y in zip(windows.tolist(), positions.tolist()):
        if prev_s == s and y == prev_y + 1:
            prev_y = y
            continue
        if prev_s is not None:
            pieces.append((prev_s, (run_start + prev_y) / 2))
        run_start, prev_y, prev_s = y, y, s
    if prev_s is not None:
        pieces.append((prev_s, (run_start + prev_y) / 2))
    return pieces


def _chain(pieces: list[tuple[int, float]]) -> list[list[tuple[int, float]]]:
    """Join pieces of neighbouring windows (drift <= 2 px; one missing window allowed)."""
    open_chains: list[list[tuple[int, float]]] = []
    done: list[list[tuple[int, float]]] = []
    for s, y in pieces:  # sorted by window
        still_open = []
        for chain in open_chains:
            (done if s - chain[-1][0] > 3 else still_open).append(chain)
        open_chains = still_open
        best = None
        for chain in open_chains:
            last_s, last_y = chain[-1]
            if 1 <= s - last_s <= 3 and abs(last_y - y) <= 2 and (best is None or abs(last_y - y) < abs(best[-1][1] - y)):
                best = chain
        if best is not None:
            best.append((s, y))
        else:
            open_chains.append([(s, y)])
    return done + open_chains


_SHORT_CHAIN = 6  # windows; shorter chains take the page's skew instead of their own fit


def _fit(chain: list[tuple[int, float]], step: int, skew: float | None) -> Line:
    ts = np.array([(s + 1) * step for s, _ in chain], dtype=float)
    vs = np.array([y for _, y in chain], dtype=float)
    if len(chain) >= _SHORT_CHAIN or skew is None:
        b, a = np.polyfit(ts, vs, 1) if np.ptp(ts) > 0 else (0.0, float(vs.mean()))
    else:
        b = skew
        a = float((vs - b * ts).mean())
    return Line(a=float(a), b=float(b), start=float(chain[0][0] * step), end=float((chain[-1][0] + 2) * step))


def _refine_ends(ink: np.ndarray, lines: list[Line], reach_len: int, vertical: bool,
                 max_gap: int = 3, reach: int = 2) -> None:
    """Chain ends are whole windows; follow the ink along each line (all lines at once, in
    numpy) out to its real ends, allowing gaps of ``max_gap`` px."""
    if not lines:
        return
    height, width = ink.shape
    t_size, p_size = (height, width) if vertical else (width, height)
    a = np.array([line.a for line in lines])[:, None]
    b = np.array([line.b for line in lines])[:, None]
    offsets = np.arange(-reach_len, reach_len + 2)
    for side in (-1, 1):
        edge = np.array([line.start if side < 0 else line.end - 1 for line in lines])[:, None]
        ts = (edge + side * offsets[None, :]).astype(int)  # from inside to outside
        pos = np.rint(a + b * ts).astype(int)
        hit = np.zeros(ts.shape, dtype=bool)
        ok_t = (ts >= 0) & (ts < t_size)
        for d in range(-reach, reach + 1):
            p = pos + d
            ok = ok_t & (p >= 0) & (p < p_size)
            hit[ok] |= ink[ts[ok], p[ok]] if vertical else ink[p[ok], ts[ok]]
        last = np.full(len(lines), -1)
        gap = np.zeros(len(lines), dtype=int)
        alive = np.ones(len(lines), dtype=bool)
        for k in range(ts.shape[1]):
            column = hit[:, k]
            last = np.where(column & alive, k, last)
            gap = np.where(column, 0, gap + (last >= 0))
            alive &= gap <= max_gap
        for i, line in enumerate(lines):
            if last[i] < 0:
                continue
            if side < 0:
                line.start = float(ts[i, last[i]])
            else:
                line.end = float(ts[i, last[i]] + 1)


def _lines(ink: np.ndarray, step: int, min_len: float, vertical: bool, skew: float | None = None) -> list[Line]:
    """Horizontal (or vertical) rules. ``skew`` (slope) is used for short chains; when None
    it is measured as the median slope of the long chains."""
    chains = _chain(_pieces(ink, step, vertical))
    if skew is None:
        slopes = [_fit(c, step, None).b for c in chains if len(c) >= _SHORT_CHAIN]
        skew = float(np.median(slopes)) if slopes else 0.0
    lines = [_fit(chain, step, skew) for chain in chains]
    _refine_ends(ink, lines, 2 * step, vertical)
    return [line for line in lines if line.length >= min_len]


def find_lines(ink: np.ndarray, dpi: int) -> tuple[list[Line], list[Line]]:
    """Horizontal rules (y = a + b·x) and vertical rules (x = a + b·y) of a binarised page."""
    step = max(4, round(STRIP_INCH * dpi / 2))
    min_len = MIN_LINE_INCH * dpi
    horizontal = _lines(ink, step, min_len, vertical=False)
    # a rotation by θ gives horizontal rules the slope tan θ and vertical ones -tan θ
    # (none long enough: the vertical rules measure their own; the median of nothing is NaN,
    # which gave short vertical rules NaN ends: a numpy warning on stderr and no rule)
    long_slopes = [h.b for h in horizontal if h.length > 4 * step]
    skew = -float(np.median(long_slopes)) if long_slopes else None
    vertical = _lines(ink, step, min_len, vertical=True, skew=skew)
    return horizontal, vertical


# --------------------------------------------------------------------------- tables


def _crosses(h: Line, v: Line, tol: float) -> bool:
    x = v.at(h.a)  # first guess; the lines are near-perpendicular
    y = h.at(x)
    x = v.at(y)
    return h.start - tol <= x <= h.end + tol and v.start - tol <= y <= v.end + tol


def _merge(lines: list[Line], key, tol: float) -> list[Line]:
    """One rule for lines closer than ``tol`` at ``key`` (thick or double rules, broken rules)."""
    out: list[Line] = []
    for line in sorted(lines, key=key):
        if out and abs(key(line) - key(out[-1])) <= tol:
            last = out[-1]
            if line.length > last.length:
                last.a, last.b = line.a, line.b
            last.start, last.end = min(last.start, line.start), max(last.end, line.end)
        else:
            out.append(Line(line.a, line.b, line.start, line.end))
    return out


def find_tables(image: Image.Image, dpi: int = 300) -> list[TableGrid]:
    """Ruled tables on a page image, top to bottom (empty when the page has none)."""
    ink = _ink(image)
    horizontal, vertical = find_lines(ink, dpi)
    if len(horizontal) < 2 or len(vertical) < 2:
        return []
    tol = CROSS_INCH * dpi
    parent = list(range(len(horizontal) + len(vertical)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    degree = [0] * len(parent)
    for i, h in enumerate(horizontal):
        for j, v in enumerate(vertical):
            if _crosses(h, v, tol):
                k = len(horizontal) + j
                degree[i] += 1
                degree[k] += 1
                parent[root(i)] = root(k)
    groups: dict[int, tuple[list[Line], list[Line]]] = {}
    for i, h in enumerate(horizontal):
        if degree[i] >= 2:
            groups.setdefault(root(i), ([], []))[0].append(h)
    for j, v in enumerate(vertical):
        if degree[len(horizontal) + j] >= 2:
            groups.setdefault(root(len(horizontal) + j), ([], []))[1].append(v)
    merge_tol = MERGE_INCH * dpi
    tables = []
    for hs, vs in groups.values():
        width = max((h.end for h in hs), default=0) - min((h.start for h in hs), default=0)
        if width < MIN_TABLE_INCH * dpi:
            continue
        # text artefacts (dash rows, letter stems) are short next to a real table's rules
        hs = [h for h in hs if h.length >= MIN_RULE_SHARE * width]
        vs = [v for v in vs if sum(_crosses(h, v, tol) for h in hs) >= 2]
        if len(hs) < 2 or len(vs) < 2:
            continue
        mid_x = (min(h.start for h in hs) + max(h.end for h in hs)) / 2
        mid_y = (min(v.start for v in vs) + max(v.end for v in vs)) / 2
        hs = _merge(hs, lambda h: h.at(mid_x), merge_tol)
        vs = _merge(vs, lambda v: v.at(mid_y), merge_tol)
        if len(hs) < 2 or len(vs) < 2:
            continue
        grid = TableGrid(rows_h=hs, cols_v=vs)
        grid.owner = _merged_cells(ink, grid, dpi)
        tables.append(grid)
    return sorted(tables, key=lambda t: t.top)


def _intersection(h: Line, v: Line) -> tuple[float, float]:
    x = v.at(h.a)
    for _ in range(2):
        y = h.at(x)
        x = v.at(y)
    return x, h.at(x)


def _segment_ink(ink: np.ndarray, p: tuple[float, float], q: tuple[float, float], reach: int) -> float:
    """Share of points along p→q (ends trimmed) with ink within ``reach`` px across the segment."""
    (x0, y0), (x1, y1) = p, q
    length = max(abs(x1 - x0), abs(y1 - y0))
    trim = reach + 3
    if length <= 2 * trim:
        return 1.0
    steps = np.linspace(trim / length, 1 - trim / length, max(2, int(length - 2 * trim)))
    xs = np.rint(x0 + (x1 - x0) * steps).astype(int)
    ys = np.rint(y0 + (y1 - y0) * steps).astype(int)
    height, width = ink.shape
    horizontal = abs(x1 - x0) >= abs(y1 - y0)
    hit = np.zeros(len(steps), dtype=bool)
    for d in range(-reach, reach + 1):
        xx, yy = (xs, ys + d) if horizontal else (xs + d, ys)
        ok = (xx >= 0) & (xx < width) & (yy >= 0) & (yy < height)
        hit[ok] |= ink[yy[ok], xx[ok]]
    return float(hit.mean())


def _merged_cells(ink: np.ndarray, grid: TableGrid, dpi: int) -> list[list[tuple[int, int]]]:
    """Owner (top-left elementary cell) of each elementary cell, after merging across missing rules."""
    nr, nc = len(grid.rows_h) - 1, len(grid.cols_v) - 1
    corners = [[_intersection(h, v) for v in grid.cols_v] for h in grid.rows_h]
    reach = max(2, round(dpi / 100))
    parent = {(r, c): (r, c) for r in range(nr) for c in range(nc)}

    def root(cell):
        while parent[cell] != cell:
            cell = parent[cell]
        return cell

    def union(a, b):
        ra, rb = root(a), root(b)
        if ra != rb:
            keep, drop = min(ra, rb), max(ra, rb)
            parent[drop] = keep

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and _segment_ink(ink, corners[r][c + 1], corners[r + 1][c + 1], reach) < SEGMENT_INK:
                union((r, c), (r, c + 1))
            if r + 1 < nr and _segment_ink(ink, corners[r + 1][c], corners[r + 1][c + 1], reach) < SEGMENT_INK:
                union((r, c), (r + 1, c))
    return [[root((r, c)) for c in range(nc)] for r in range(nr)]


def _long_runs(mask: np.ndarray, min_run: int) -> np.ndarray:
    """True where ``mask`` (1-D) is inside a run of True at least ``min_run`` long."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    out = np.zeros(len(mask), dtype=bool)
    for start, end in zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]):
        if end - start >= min_run:
            out[start:end] = True
    return out


def erase_lines(image: Image.Image, tables: list[TableGrid], dpi: int = 300) -> Image.Image:
    """A copy of the page with the tables' rules painted white (so tesseract skips them).

    Only pixels that lie on a long straight run parallel to the rule are whitened: text
    often touches a rule ("BTC" set right against a cell's left border), and wiping a fixed
    band would clip those glyphs ("NĐ-CP" read as "NĐ-GK")."""
    arr = np.array(_grey(image))
    height, width = arr.shape
    half = max(3, round(dpi / 60))  # 5 px at 300 dpi: fit error plus blurred 2-3 px rules
    min_run = round(0.12 * dpi)  # 36 px at 300 dpi: longer than a glyph stem in the band
    for grid in tables:
        for line, horizontal in [(h, True) for h in grid.rows_h] + [(v, False) for v in grid.cols_v]:
            ts = np.arange(int(line.start) - half, int(line.end) + half + 1)
            centre = np.rint(line.at(ts)).astype(int)
            for d in range(-half, half + 1):
                along, across = ts, centre + d
                xs, ys = (along, across) if horizontal else (across, along)
                ok = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
                xs, ys = xs[ok], ys[ok]
                values = arr[ys, xs]
                # a long straight run is rule; light pixels in the band are its blur halo
                # (core glyph ink touching the rule is darker than HALO_LEVEL and is kept)
                rule = _long_runs(values < ERASE_LEVEL, min_run) | (values >= HALO_LEVEL)
                arr[ys[rule], xs[rule]] = 255
    return Image.fromarray(arr, mode="L")


# --------------------------------------------------------------------------- words into cells

_RULE_MARKS = "|[]{}¦_"  # what tesseract makes of a rule (remnant) it still sees next to a word
# Rule remnants (JPEG blobs where rules cross) come back as "-", "_", "." of low confidence;
# real list dashes in cells are read with confidence > 90.
_NO_LETTER = re.compile(r"[\W_]+")  # no letter or digit ("_" is a \w character)
RESIDUE_CONF = 70.0


def _is_residue(text: str, conf: float) -> bool:
    """A cell word that is a remnant of a rule: underscores, or low-confidence punctuation."""
    return bool(re.fullmatch(r"_+", text)) or (bool(_NO_LETTER.fullmatch(text)) and conf < RESIDUE_CONF)


def _near_border(grid: TableGrid, x: float, y: float, reach: float = 20.0) -> bool:
    """Is (x, y) just outside the table's outer rules (where crossing remnants sit)?"""
    left, right = grid.cols_v[0].at(y), grid.cols_v[-1].at(y)
    top, bottom = grid.rows_h[0].at(x), grid.rows_h[-1].at(x)
    return left - reach <= x <= right + reach and top - reach <= y <= bottom + reach


def _cell_text(words: list[OcrWord]) -> str:
    """Words of one cell as text lines (top to bottom, left to right), joined by newlines.

    Lines are re-formed from the boxes rather than from tesseract's line numbers, because
    tesseract may have run one of its lines through several cells."""
    if not words:
        return ""
    heights = sorted(w.height for w in words)
    gap = 0.5 * heights[len(heights) // 2]
    lines: list[list[OcrWord]] = []
    for word in sorted(words, key=lambda w: w.centre[1]):
        if lines and word.centre[1] - np.mean([w.centre[1] for w in lines[-1]]) <= gap:
            lines[-1].append(word)
        else:
            lines.append([word])
    return "\n".join(" ".join(w.text for w in sorted(line, key=lambda w: w.left)) for line in lines)


def layout(words: list[OcrWord], tables: list[TableGrid]) -> list[tuple[str, list]]:
    """Page content in reading order, as ``("lines", [line, ...])`` runs of paragraph text
    (an empty string between tesseract paragraphs, as ``ocr.parse_tsv`` gives) and
    ``("table", rows)`` with rows of cell texts (merged cells once, lines joined by "\\n").

    Words outside every table keep tesseract's order; a table is put before the first such
    line that lies below the table's top edge."""
    in_cells: list[dict[tuple[int, int], list[OcrWord]]] = [{} for _ in tables]
    outside: list[OcrWord] = []
    for word in words:
        x, y = word.centre
        for index, grid in enumerate(tables):
            cell = grid.cell_at(x, y)
            if cell is not None:
                text = word.text.strip(_RULE_MARKS)
                if text and not _is_residue(text, word.conf):
                    in_cells[index].setdefault(cell, []).append(
                        OcrWord(text, word.left, word.top, word.width, word.height, word.conf, word.line_key)
                    )
                break
        else:
            if not (_NO_LETTER.fullmatch(word.text) and any(_near_border(grid, x, y) for grid in tables)):
                outside.append(word)
    pending = list(range(len(tables)))  # tables are sorted top to bottom
    items: list[tuple[str, list]] = []
    run: list[str] = []

    def flush_tables_above(y: float) -> None:
        nonlocal run
        while pending and tables[pending[0]].top < y:
            if run:
                items.append(("lines", run))
                run = []
            index = pending.pop(0)
            items.append(("table", _rows(tables[index], in_cells[index])))

    key = par = None
    line_words: list[OcrWord] = []
    grouped: list[list[OcrWord]] = []
    for word in outside:
        if word.line_key != key:
            if line_words:
                grouped.append(line_words)
            line_words, key = [], word.line_key
        line_words.append(word)
    if line_words:
        grouped.append(line_words)
    for line in grouped:
        y_mid = float(np.mean([w.centre[1] for w in line]))
        before = len(items)
        flush_tables_above(y_mid)
        line_par = line[0].line_key[:2]
        if run and par is not None and line_par != par and len(items) == before:
            run.append("")
        run.append(" ".join(w.text for w in line))
        par = line_par
    if run:
        items.append(("lines", run))
        run = []
    flush_tables_above(float("inf"))  # tables below the last paragraph line
    return items


def _rows(grid: TableGrid, cells: dict[tuple[int, int], list[OcrWord]]) -> list[list[str]]:
    rows = []
    for r, owners in enumerate(grid.owner):
        row = [_cell_text(cells.get((r, c), [])) for c, owner in enumerate(owners) if owner == (r, c)]
        if row:
            rows.append(row)
    return rows


# --------------------------------------------------------------------------- second look at doubtful cells

DOUBTFUL_CONF = 50.0  # a table word below this confidence gets its cell read again
REREAD_PSM = "7"  # the re-read crops are set on one text line
CELL_MARGIN = 6  # px kept off the (erased) rules when a cell is cropped
_MIN_INK = 20  # dark pixels that make an "empty" cell worth reading again


_LETTERS_ONLY = re.compile(r"[^\W\d_]+")
MAX_SYLLABLE = 7  # "nghiêng", "nghiệng": the longest Vietnamese syllables


def _run_together(word: OcrWord) -> bool:
    """Several syllables read as one word ("Tênthủtụchành"): tesseract lost the spaces,
    which happens in cramped cells; such a word is read again."""
    return len(word.text) > MAX_SYLLABLE + 2 and bool(_LETTERS_ONLY.fullmatch(word.text)) and word.conf < 90


def _cell_boxes(grid: TableGrid) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Pixel box (left, top, right, bottom) inside the rules of every merged cell."""
    spans: dict[tuple[int, int], list[int]] = {}
    for r, owners in enumerate(grid.owner):
        for c, owner in enumerate(owners):
            span = spans.setdefault(owner, [r, c, r, c])
            span[2], span[3] = max(span[2], r), max(span[3], c)
    boxes = {}
    for owner, (r0, c0, r1, c1) in spans.items():
        tl = _intersection(grid.rows_h[r0], grid.cols_v[c0])
        tr = _intersection(grid.rows_h[r0], grid.cols_v[c1 + 1])
        bl = _intersection(grid.rows_h[r1 + 1], grid.cols_v[c0])
        br = _intersection(grid.rows_h[r1 + 1], grid.cols_v[c1 + 1])
        boxes[owner] = (
            int(max(tl[0], bl[0])) + CELL_MARGIN,
            int(max(tl[1], tr[1])) + CELL_MARGIN,
            int(min(tr[0], br[0])) - CELL_MARGIN,
            int(min(bl[1], br[1])) - CELL_MARGIN,
        )
    return boxes


def reread_doubtful_cells(image: Image.Image, tables: list[TableGrid], words: list[OcrWord], *,
                          dpi: int, timeout_s: float, jobs: TesseractJobs | None = None) -> list[OcrWord]:
    """Words of the page with doubtful table items read again; at most one extra tesseract run.

    Why: on the page-wide run tesseract drops lone short items (the "2" of an STT column)
    and misreads a short word set alone against a cell border ("CP" of "NĐ-\nCP" read as
    "GP" with confidence 0). Each such item (the inked part of a cell that got no word, or a
    word below ``DOUBTFUL_CONF``) is cropped, the crops are set side by side on one line and
    OCR'd as one text line: a lone digit reads well among others. A doubtful word is replaced
    only when the new reading is more confident. ``image`` is the page with rules erased.
    ``jobs`` tracks the tesseract process so an interrupted caller can kill it.
    """
    from tthc_pipeline.ingest.ocr import ocr_image

    ink = _ink(image)
    in_cell: dict[tuple[int, tuple[int, int]], list[OcrWord]] = {}
    for word in words:
        for index, grid in enumerate(tables):
            cell = grid.cell_at(*word.centre)
            if cell is not None:
                in_cell.setdefault((index, cell), []).append(word)
                break
    pad = round(0.03 * dpi)
    max_height = round(0.3 * dpi)  # one text line; taller ink blocks are not lone items
    snippets: list[tuple[OcrWord | None, tuple[int, int], tuple[int, int, int, int]]] = []
    for index, grid in enumerate(tables):
        for owner, (x0, y0, x1, y1) in _cell_boxes(grid).items():
            if x1 - x0 < 8 or y1 - y0 < 8:
                continue
            found = in_cell.get((index, owner), [])
            if not found:
                ys, xs = np.nonzero(ink[y0:y1, x0:x1])
                if len(xs) >= _MIN_INK and ys.max() - ys.min() <= max_height:
                    box = (x0 + xs.min() - pad, y0 + ys.min() - pad, x0 + xs.max() + pad, y0 + ys.max() + pad)
                    snippets.append((None, (index, owner), box))
            for word in found:
                if word.conf < DOUBTFUL_CONF or _run_together(word):
                    box = (max(x0, word.left - pad), max(y0, word.top - pad),
                           min(x1, word.left + word.width + pad), min(y1, word.top + word.height + pad))
                    snippets.append((word, (index, owner), box))
    snippets = [(w, k, tuple(int(v) for v in b)) for w, k, b in snippets if b[2] - b[0] > 4 and b[3] - b[1] > 4]
    if not snippets:
        return words
    gap = round(0.3 * dpi)
    height = max(b[3] - b[1] for _, _, b in snippets) + 2 * gap
    width = sum(b[2] - b[0] for _, _, b in snippets) + gap * (len(snippets) + 1)
    strip = Image.new("L", (width, height), 255)
    slots = []
    x = gap
    for word, key, (x0, y0, x1, y1) in snippets:
        top = (height - (y1 - y0)) // 2
        strip.paste(image.crop((x0, y0, x1, y1)), (x, top))
        slots.append((word, key, x, x + (x1 - x0), x0 - x, y0 - top))
        x += (x1 - x0) + gap
    again = ocr_image(strip, dpi=dpi, timeout_s=timeout_s, psm=REREAD_PSM, jobs=jobs).words
    replaced: set[int] = set()
    extra: list[OcrWord] = []
    for old, key, left, right, dx, dy in slots:
        new = [
            OcrWord(w.text, w.left + dx, w.top + dy, w.width, w.height, w.conf, w.line_key)
            for w in again
            if left - gap / 2 <= w.centre[0] < right + gap / 2
        ]
        if not new:
            continue
        if old is None:
            extra += new
        elif min(w.conf for w in new) > old.conf:
            replaced.add(id(old))
            extra += new
    return [w for w in words if id(w) not in replaced] + extra
