"""PDF backend: pypdfium2 text layer, ruled tables, tesseract OCR for scanned pages.

Why it is built this way (numbers from TOOLING-NOTES and scripts/bench_ingest.py):

* Text comes from pypdfium2 (content-stream order, ~70× faster than pdfplumber).
* Tables: pdfplumber's ``extract_tables`` costs 0.25-0.33 s per page on the real Word exports
  (TT-35: 45 of 69 pages hold tables), which would make the whole backend pdfplumber-speed.
  So we reuse pdfplumber's *geometry* (``pdfplumber.table``: merge edges, intersections,
  cells, tables) on edges read from pypdfium2 path objects, and read each cell with
  pypdfium2 ``get_text_bounded``. On TT-35, Công báo and ChiTietTTHC it finds the same 91
  tables as pdfplumber; every cell text that differs is one pdfplumber got wrong (split
  syllables "tình h uống", "TT- BTC"). Only pages with at least two path objects are looked at.
* Table text is not repeated as paragraphs: on a table page the text is read band by band
  around the tables.
* A page with fewer than ``min_chars_for_text_page`` meaningful characters that shows an image
  is OCR'd (see ``ocr.py``); pages are OCR'd two at a time (one tesseract thread each).
  Until OCR succeeds the page keeps its few text-layer characters: with OCR off, missing,
  failing or timing out, those are still the page's text (a page warning says why).
  Missing tesseract is a file error only when the scanned pages are all the file has.
  Ruled tables on such a page are found on the image (``ocr_tables.py``), their rules erased
  before the single page-wide tesseract run, and the words put back into the cells by their
  boxes; lone items it dropped or misread get one extra joint read (~0.2 s per table page).
* Lines are grouped into paragraphs only where a line break is plainly inside a sentence
  (next line starts in lower case, or the line ends with a comma); headings stay separate.
* Split syllables ("áp d ụng") are repaired by ``syllables.rejoin_split_syllables``.
  Everything else (NFC, look-alikes) is left to the assembler's ``clean()``.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import os
import pathlib
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber import table as plumber_table

from tthc_pipeline.ingest import ocr as ocr_engine
from tthc_pipeline.ingest import ocr_tables
from tthc_pipeline.ingest.models import Block, Extracted, IngestError, Page, Warning_
from tthc_pipeline.ingest.syllables import rejoin_split_syllables

__all__ = ["read_pdf"]

OCR_WORKERS = max(1, min(2, os.cpu_count() or 1))
MAX_OCR_TIMEOUTS = 2  # after this many page timeouts the file is abandoned
LOW_OCR_CONFIDENCE = 60.0
_PATHS_FOR_VECTOR_TEXT = 50  # a text-less page drawn with this many paths may be outlined text


# --------------------------------------------------------------------------- public entry


def read_pdf(
    path: pathlib.Path,
    *,
    ocr: bool = True,
    ocr_dpi: int = 300,
    ocr_timeout_s: float = 120.0,
    min_chars_for_text_page: int = 20,
) -> Extracted:
    """Read a PDF page by page into blocks; OCR pages that have no usable text layer."""
    doc = _open(pathlib.Path(path))
    try:
        pages: list[Page] = []
        warnings: list[Warning_] = []
        to_ocr: list[int] = []
        table_pages: list[int] = []
        for index in range(len(doc)):
            try:
                page = doc[index]
                textpage = page.get_textpage()
                raw_text = textpage.get_text_range()
            except pdfium.PdfiumError as exc:  # one damaged page does not sink the file
                pages.append(Page(number=index + 1))
                warnings.append(_page_unreadable(index + 1, str(exc)))
                continue
            objects = _scan_objects(page)
            if _meaningful_chars(raw_text) < min_chars_for_text_page and _may_hold_text_image(objects):
                # keep the text layer's few characters; OCR replaces them only if it succeeds
                pages.append(Page(number=index + 1, blocks=_paragraph_blocks(raw_text)))
                to_ocr.append(index)
                continue
            tables = _find_tables(objects.edges) if len(objects.edges) >= 4 else []
            if tables:
                table_pages.append(index + 1)
                blocks = _blocks_with_tables(page, textpage, tables)
            else:
                blocks = _paragraph_blocks(raw_text)
            pages.append(Page(number=index + 1, blocks=blocks))
        ocr_done: list[int] = []
        if to_ocr and not ocr:
            warnings.extend(_ocr_skipped(n + 1) for n in to_ocr)
        elif to_ocr:
            reason = ocr_engine.unavailable_reason()
            if reason is None:
                ocr_done = _ocr_pages(doc, to_ocr, pages, warnings, dpi=ocr_dpi, timeout_s=ocr_timeout_s)
            elif _only_scans(pages, to_ocr):
                ocr_engine.ensure_tesseract()  # raises ocr_unavailable: nothing else to read
            else:
                warnings.extend(_ocr_unavailable_warning(n + 1, reason) for n in to_ocr)
        info = {
            "extractor": "pypdfium2",
            "page_count": len(doc),
            "producer": doc.get_metadata_value("Producer") or None,
            "ocr_pages": ocr_done,  # pages whose text now comes from OCR
            "ocr_needed_pages": [n + 1 for n in to_ocr],
            "table_pages": table_pages,
        }
        return Extracted(format="pdf", pages=pages, warnings=warnings, info=info)
    finally:
        doc.close()


# --------------------------------------------------------------------------- opening


def _open(path: pathlib.Path) -> pdfium.PdfDocument:
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise IngestError(
                "encrypted",
                "Tệp PDF được bảo vệ bằng mật khẩu nên không đọc được nội dung. "
                "Hãy xin bản không đặt mật khẩu hoặc mở bằng mật khẩu rồi lưu lại (Save as PDF).",
                "The PDF is password-protected, so its content cannot be read. Ask for an "
                "unprotected copy, or open it with the password and save it again as PDF.",
            ) from exc
        if _has_zero_pages(path):
            raise _zero_pages() from exc
        raise _corrupt(str(exc).rstrip(".")) from exc
    if len(doc) == 0:
        doc.close()
        raise _zero_pages()
    return doc


def _corrupt(detail: str) -> IngestError:
    return IngestError(
        "corrupt_file",
        f"Tệp PDF bị hỏng hoặc không đầy đủ (có thể tải về bị lỗi): {detail}. "
        "Hãy tải lại hoặc xin bản gốc.",
        f"The PDF is damaged or incomplete (perhaps a failed download): {detail}. "
        "Download it again or ask for the original.",
    )


def _zero_pages() -> IngestError:
    return IngestError(
        "zero_pages",
        "Tệp PDF không có trang nào. Hãy kiểm tra lại tệp nguồn.",
        "The PDF has no pages. Check the source file.",
    )


def _has_zero_pages(path: pathlib.Path) -> bool:
    """PDFium refuses to open a PDF whose page tree is empty; pdfminer tells us why.

    Only parse failures mean "not a readable empty PDF" (pdfminer lets plain ValueError,
    KeyError... out of damaged files): anything else (the runner's deadline, memory) must
    propagate."""
    import pdfplumber
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages) == 0
    except (
        PdfminerException, MalformedPDFException, PSException, OSError,
        ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
    ):
        return False


# --------------------------------------------------------------------------- page objects


@dataclass
class _PageObjects:
    images: int
    paths: int
    edges: list[dict]  # pdfplumber-style edges, y axis flipped (top = -y)


def _scan_objects(page: pdfium.PdfPage) -> _PageObjects:
    """Count images and collect ruling edges from path objects, through form XObjects.

    Raw PDFium calls: pypdfium2's ``get_objects`` wrappers cost ~1 s on an 82-page file.
    """
    found = _PageObjects(images=0, paths=0, edges=[])
    count = pdfium_c.FPDFPage_CountObjects(page)
    objs = [pdfium_c.FPDFPage_GetObject(page, i) for i in range(count)]
    _walk(objs, None, found, depth=0)
    return found


def _walk(objs, matrix, found: _PageObjects, depth: int) -> None:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for obj in objs:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            found.images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            found.paths += 1
            if pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                box = (left.value, bottom.value, right.value, top.value)
                if matrix is not None:
                    box = _transform_box(box, matrix)
                found.edges.extend(_box_edges(*box))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 4:
            m = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m))
            own = (m.a, m.b, m.c, m.d, m.e, m.f)
            inner = own if matrix is None else _compose(own, matrix)
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            kids = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(max(n, 0))]
            _walk(kids, inner, found, depth + 1)


def _compose(inner, outer):
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _transform_box(box, m):
    x0, y0, x1, y1 = box
    a, b, c, d, e, f = m
    pts = [(a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _box_edges(x0: float, y0: float, x1: float, y1: float) -> list[dict]:
    """A thin box is one ruling line; a larger box (cell border or shading) gives four."""
    w, h = x1 - x0, y1 - y0
    if h <= 2 and w >= 3:
        return [_h_edge(x0, x1, (y0 + y1) / 2)]
    if w <= 2 and h >= 3:
        return [_v_edge((x0 + x1) / 2, y0, y1)]
    if w > 2 and h > 2:
        return [_h_edge(x0, x1, y0), _h_edge(x0, x1, y1), _v_edge(x0, y0, y1), _v_edge(x1, y0, y1)]
    return []


def _h_edge(x0: float, x1: float, y: float) -> dict:
    return {"x0": x0, "x1": x1, "top": -y, "bottom": -y, "width": x1 - x0, "height": 0, "orientation": "h"}


def _v_edge(x: float, y0: float, y1: float) -> dict:
    return {"x0": x, "x1": x, "top": -y1, "bottom": -y0, "width": 0, "height": y1 - y0, "orientation": "v"}


def _may_hold_text_image(objects: _PageObjects) -> bool:
    """Only pages showing an image (or drawn text) are worth OCR; blank pages are not."""
    return objects.images > 0 or objects.paths >= _PATHS_FOR_VECTOR_TEXT


_GARBAGE = re.compile(r"[\ue000-\uf8ff\ufffd\ufffe\uffff]")


def _meaningful_chars(text: str) -> int:
    """Letters and digits, not counting private-use or replacement characters."""
    letters = sum(1 for ch in text if ch.isalnum())
    return letters - len(_GARBAGE.findall(text))


# --------------------------------------------------------------------------- tables


@dataclass
class _Table:
    left: float
    bottom: float
    right: float
    top: float
    rows: list[list[tuple[float, float, float, float]]]  # cell boxes in PDF coordinates


def _find_tables(edges: list[dict]) -> list[_Table]:
    """pdfplumber's ruled-table geometry (default 'lines' settings) on pypdfium2 edges."""
    merged = plumber_table.merge_edges(edges, 3, 3, 3, 3)
    merged = [e for e in merged if (e["width"] if e["orientation"] == "h" else e["height"]) >= 3]
    if len(merged) < 4:
        return []
    cells = _cells_from_edges(merged, tolerance=3)
    tables = []
    for group in plumber_table.cells_to_tables(cells):
        found = plumber_table.Table(None, group)  # type: ignore[arg-type] - page unused
        x0, top, x1, bottom = found.bbox
        rows = [
            [(c[0], -c[3], c[2], -c[1]) for c in row.cells if c is not None] for row in found.rows
        ]
        tables.append(_Table(left=x0, bottom=-bottom, right=x1, top=-top, rows=rows))
    return sorted(tables, key=lambda t: -t.top)


def _cells_from_edges(edges: list[dict], tolerance: float) -> list[tuple]:
    """``pdfplumber.table.edges_to_intersections`` + ``intersections_to_cells``, same rules,
    with edges compared by index instead of by bbox (their version costs ~8 ms per page)."""
    vs = sorted((e for e in edges if e["orientation"] == "v"), key=lambda e: (e["x0"], e["top"]))
    hs = sorted((e for e in edges if e["orientation"] == "h"), key=lambda e: (e["top"], e["x0"]))
    v_at: dict[tuple, set[int]] = {}
    h_at: dict[tuple, set[int]] = {}
    for vi, v in enumerate(vs):
        for hi, h in enumerate(hs):
            if (
                v["top"] <= h["top"] + tolerance
                and v["bottom"] >= h["top"] - tolerance
                and h["x0"] - tolerance <= v["x0"] <= h["x1"] + tolerance
            ):
                point = (v["x0"], h["top"])
                v_at.setdefault(point, set()).add(vi)
                h_at.setdefault(point, set()).add(hi)
    points = sorted(v_at)
    by_x: dict[float, list[tuple]] = {}
    by_y: dict[float, list[tuple]] = {}
    for pt in points:  # sorted, so each list is in increasing order
        by_x.setdefault(pt[0], []).append(pt)
        by_y.setdefault(pt[1], []).append(pt)

    def v_link(a, b) -> bool:
        return not v_at[a].isdisjoint(v_at[b])

    def h_link(a, b) -> bool:
        return not h_at[a].isdisjoint(h_at[b])

    cells = []
    for pt in points:
        below = [q for q in by_x[pt[0]] if q[1] > pt[1]]
        right = [q for q in by_y[pt[1]] if q[0] > pt[0]]
        found = None
        for below_pt in below:
            if not v_link(pt, below_pt):
                continue
            for right_pt in right:
                if not h_link(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if corner in v_at and v_link(corner, right_pt) and h_link(corner, below_pt):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _cell_text(textpage: pdfium.PdfTextPage, box: tuple[float, float, float, float]) -> str:
    """Text of one cell. The box is shrunk a little because PDFium takes every glyph that
    touches it: descenders of the line above would otherwise leak in ("y gy g")."""
    left, bottom, right, top = box
    dy = min(3.0, (top - bottom) / 4)
    dx = min(1.0, (right - left) / 4)
    text = textpage.get_text_bounded(left + dx, bottom + dy, right - dx, top - dy)
    return clean_cell(text)


# A document number broken inside a narrow cell: "281/2016/T\nT-BTC", "63/2010/NĐ-\nCP".
_DOCNO_BREAK = re.compile(
    r"(?<![\w/])(\d{1,5}/(?:\d{4}/)?[A-ZĐ0-9-]*)[ \t]*\r?\n[ \t]*([A-ZĐ0-9/-][A-ZĐ0-9/-]*)(?=[\s,.;:)]|$)"
)
_DOCNO = re.compile(r"\d{1,5}/(?:\d{4}/)?[A-ZĐ]+(?:-[A-ZĐ0-9]+)*")


def _join_docno(m: re.Match[str]) -> str:
    left, right = m.group(1), m.group(2)
    inside_token = left.endswith(("/", "-")) or right.startswith(("/", "-")) or "-" in right or "/" in right
    if inside_token and _DOCNO.fullmatch(left + right):
        return left + right
    return m.group(0)


# An amount broken inside a narrow cell: "10.00\n0 đồng/trường hợp". A group after a
# thousands dot has three digits, so a last group of one or two digits at a line end that the
# next line's one or two digits complete to three is one number (a decimal is written with a
# comma in Vietnamese, "2,5"); anything else stays as it is.
_AMOUNT_BREAK = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})*\.\d{1,2})[ \t]*\r?\n[ \t]*(\d{1,2})(?![\d.,])")


def _join_amount(m: re.Match[str]) -> str:
    left, right = m.group(1), m.group(2)
    return left + right if len(left.rpartition(".")[2]) + len(right) == 3 else m.group(0)


def clean_cell(text: str) -> str:
    """Cell text on one line: repair broken document numbers and amounts, join lines with a
    space."""
    text = text.replace("\x02", "-")  # PDFium's mark for a hyphen it joined at a line end
    text = _DOCNO_BREAK.sub(_join_docno, text)
    text = _AMOUNT_BREAK.sub(_join_amount, text)
    text = " ".join(part.strip() for part in re.split(r"\r\n|\r|\n", text) if part.strip())
    return rejoin_split_syllables(text)


def _blocks_with_tables(page: pdfium.PdfPage, textpage, tables: list[_Table]) -> list[Block]:
    """Paragraphs above, beside and below each table, then the table, in page order."""
    left, bottom, right, top = page.get_bbox()
    blocks: list[Block] = []
    cursor = top
    for table in tables:
        if table.top < cursor:
            blocks += _paragraph_blocks(textpage.get_text_bounded(left, table.top, right, cursor))
        for side in ((left, table.bottom, table.left, table.top), (table.right, table.bottom, right, table.top)):
            if side[2] - side[0] > 2:
                blocks += _paragraph_blocks(textpage.get_text_bounded(*side))
        rows = [[_cell_text(textpage, cell) for cell in row] for row in table.rows]
        rows = [row for row in rows if row]
        if rows:
            blocks.append(Block(kind="table", rows=rows))
        cursor = min(cursor, table.bottom)
    if cursor > bottom:
        blocks += _paragraph_blocks(textpage.get_text_bounded(left, bottom, right, cursor))
    return blocks


# --------------------------------------------------------------------------- paragraphs

_LIST_MARKER = re.compile(r"^[a-zđ]{1,4}[).]\s")
_SENTENCE_END = (".", ";", ":", "!", "?")


def _paragraph_blocks(text: str) -> list[Block]:
    """Split page text into paragraph blocks (see module docstring for the joining rule)."""
    text = rejoin_split_syllables(text.replace("\x02", "-"))
    return [Block(kind="paragraph", text=p) for p in lines_to_paragraphs(re.split(r"\r\n|\r|\n", text))]


def lines_to_paragraphs(lines: list[str]) -> list[str]:
    """Join a line to the previous one only when the break is plainly mid-sentence."""
    paragraphs: list[str] = []
    previous_open = False  # may the next line continue the last paragraph?
    for raw in lines:
        line = raw.strip()
        if not line:
            previous_open = False
            continue
        if previous_open and _continues(paragraphs[-1], line):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
        previous_open = True
    return paragraphs


def _continues(previous: str, line: str) -> bool:
    if previous.endswith(_SENTENCE_END):
        return False
    if previous.endswith(","):
        return True
    first = line[1] if line[0] == "(" and len(line) > 1 else line[0]
    return first.islower() and not _LIST_MARKER.match(line)


# --------------------------------------------------------------------------- OCR


def _page_unreadable(number: int, detail: str) -> Warning_:
    return Warning_(
        "page_unreadable",
        f"Không đọc được trang này (trang bị hỏng: {detail}); trang để trống.",
        f"This page could not be read (damaged page: {detail}); it is left empty.",
        page=number,
    )


def _only_scans(pages: list[Page], to_ocr: list[int]) -> bool:
    """True when no page outside those needing OCR gave any text (blank pages give none)."""
    needing = set(to_ocr)
    return all(not page.blocks for i, page in enumerate(pages) if i not in needing)


def _ocr_skipped(number: int) -> Warning_:
    return Warning_(
        "ocr_skipped",
        "Trang này là ảnh scan, (gần như) không có lớp chữ; chưa nhận dạng vì OCR đang tắt, "
        "chỉ giữ phần chữ có sẵn (nếu có). Bật OCR để đọc trang.",
        "This page is a scanned image with (almost) no text layer; not OCR'd because OCR is "
        "off, only its own text (if any) is kept. Turn OCR on to read it.",
        page=number,
    )


def _ocr_unavailable_warning(number: int, reason: tuple[str, str]) -> Warning_:
    return Warning_(
        "ocr_unavailable",
        f"Trang này là ảnh scan nhưng không nhận dạng ký tự (OCR) được: {reason[0]}; chỉ giữ "
        "phần chữ có sẵn của trang (nếu có). Hãy chạy scripts/setup để cài tesseract-ocr và "
        "gói tiếng Việt (tesseract-ocr-vie) rồi xử lý lại tệp.",
        f"This page is a scanned image but cannot be OCR'd: {reason[1]}; only the page's own "
        "text (if any) is kept. Run scripts/setup to install tesseract-ocr and the Vietnamese "
        "model (tesseract-ocr-vie), then ingest the file again.",
        page=number,
    )


def _ocr_failed_warning(number: int, detail: str) -> Warning_:
    return Warning_(
        "ocr_failed",
        f"Tesseract báo lỗi khi nhận dạng ký tự (OCR) trang này ({detail}); chỉ giữ phần chữ có "
        "sẵn của trang (nếu có). Hãy kiểm tra bản cài tesseract (scripts/setup) hoặc bản scan.",
        f"Tesseract failed on this page ({detail}); only the page's own text (if any) is kept. "
        "Check the tesseract installation (scripts/setup) or the scan.",
        page=number,
    )


def _ocr_pages(doc, indexes, pages, warnings, *, dpi: int, timeout_s: float) -> list[int]:
    """OCR ``indexes``; return the numbers of the pages whose text now comes from OCR.

    Pages are rendered in this thread (PDFium is not thread-safe) and OCR'd in worker
    threads. A page that times out or that tesseract fails on keeps its text-layer blocks
    and gets a warning. If this thread is interrupted (the runner's deadline, too many
    timeouts, any error), the running tesseract processes are killed and nothing waits on
    them."""
    timeouts = 0
    ocr_done: list[int] = []
    jobs = ocr_engine.TesseractJobs()
    pool = cf.ThreadPoolExecutor(max_workers=OCR_WORKERS)
    pending: dict[cf.Future, int] = {}
    queue = list(indexes)
    finished = False
    try:
        while queue or pending:
            while queue and len(pending) < OCR_WORKERS:
                index = queue.pop(0)
                image = doc[index].render(scale=dpi / 72, grayscale=True).to_pil()
                pending[pool.submit(_ocr_with_tables, image, dpi, timeout_s, jobs)] = index
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                try:
                    result, tables = future.result()
                except ocr_engine.OcrTimeout:
                    timeouts += 1
                    warnings.append(_ocr_timeout_warning(index + 1, timeout_s))
                    if timeouts >= MAX_OCR_TIMEOUTS:
                        raise _converter_timeout(timeouts, timeout_s) from None
                    continue
                except ocr_engine.OcrFailed as exc:
                    warnings.append(_ocr_failed_warning(index + 1, str(exc)))
                    continue
                pages[index] = _ocr_page(index + 1, result, tables)
                ocr_done.append(index + 1)
                if result.confidence is not None and result.confidence < LOW_OCR_CONFIDENCE:
                    warnings.append(_low_confidence_warning(index + 1, result.confidence))
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=True)
        if not finished:
            jobs.kill_all()
    return sorted(ocr_done)


def _ocr_with_tables(image, dpi: int, timeout_s: float, jobs: ocr_engine.TesseractJobs | None = None):
    """Find ruled tables on the page image, erase their rules, OCR the page once (worker thread)."""
    tables = ocr_tables.find_tables(image, dpi)
    if not tables:
        return ocr_engine.ocr_image(image, dpi=dpi, timeout_s=timeout_s, jobs=jobs), tables
    image = ocr_tables.erase_lines(image, tables, dpi)
    result = ocr_engine.ocr_image(image, dpi=dpi, timeout_s=timeout_s, jobs=jobs)
    result.words = ocr_tables.reread_doubtful_cells(
        image, tables, result.words, dpi=dpi, timeout_s=timeout_s, jobs=jobs
    )
    return result, tables


def _ocr_page(number: int, result: ocr_engine.OcrResult, tables: list | None = None) -> Page:
    """Blocks of an OCR'd page; with tables, paragraphs and tables in page order."""
    if not tables:
        blocks = [Block(kind="paragraph", text=p) for p in lines_to_paragraphs(result.lines)]
    else:
        blocks = []
        for kind, content in ocr_tables.layout(result.words, tables):
            if kind == "table":
                rows = [[clean_cell(cell) for cell in row] for row in content]
                blocks.append(Block(kind="table", rows=rows))
            else:
                blocks += [Block(kind="paragraph", text=p) for p in lines_to_paragraphs(content)]
    return Page(number=number, blocks=blocks, text_source="ocr", ocr_confidence=result.confidence)


def _ocr_timeout_warning(number: int, timeout_s: float) -> Warning_:
    return Warning_(
        "ocr_timeout",
        f"Nhận dạng ký tự (OCR) trang này quá {timeout_s:g} giây nên đã dừng; chỉ giữ phần chữ "
        "có sẵn của trang (nếu có).",
        f"OCR of this page took longer than {timeout_s:g} s and was stopped; only the page's "
        "own text (if any) is kept.",
        page=number,
    )


def _low_confidence_warning(number: int, confidence: float) -> Warning_:
    return Warning_(
        "ocr_low_confidence",
        f"Chất lượng nhận dạng ký tự trang này thấp (độ tin cậy {confidence:.0f}/100); "
        "cần đối chiếu với bản gốc.",
        f"OCR quality on this page is low (confidence {confidence:.0f}/100); "
        "check it against the original.",
        page=number,
    )


def _converter_timeout(timeouts: int, timeout_s: float) -> IngestError:
    return IngestError(
        "converter_timeout",
        f"OCR quá thời gian cho phép ({timeout_s:g} giây/trang) ở {timeouts} trang; đã dừng xử lý "
        "tệp. Hãy thử lại với thời gian chờ dài hơn hoặc bản scan rõ hơn.",
        f"OCR exceeded the limit ({timeout_s:g} s per page) on {timeouts} pages; the file was "
        "abandoned. Retry with a longer timeout or a cleaner scan.",
    )
