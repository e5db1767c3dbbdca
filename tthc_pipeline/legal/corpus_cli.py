"""``tthc corpus``: browse the registry of legal documents and teach it new regulations.

Exit codes: 0 success; 1 a document id was not found, a file could not be learned, or lint
found errors; 2 usage errors (bad option, bad date), as click does.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from tthc_pipeline.legal.amendments import articles_vi
from tthc_pipeline.legal.dates import date_vi
from tthc_pipeline.legal.registry import RELATION_NAMES_VI, Entry, Registry, Status, weakest


def default_corpus_dir() -> Path:
    """$TTHC_CORPUS, else ./corpus when it has a registry/, else the repository's corpus/."""
    env = os.environ.get("TTHC_CORPUS")
    if env:
        return Path(env)
    cwd = Path.cwd() / "corpus"
    if (cwd / "registry").is_dir():
        return cwd
    return Path(__file__).resolve().parents[2] / "corpus"


class _DateType(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            parts = text.replace("-", "/").replace(".", "/").split("/")
            if len(parts) == 3 and all(p.isdigit() for p in parts):
                try:
                    return date(int(parts[2]), int(parts[1]), int(parts[0]))
                except ValueError:
                    pass
        self.fail(f"Ngày không hợp lệ / invalid date: {value!r} (YYYY-MM-DD hoặc dd/mm/yyyy)", param, ctx)


DATE = _DateType()
_corpus_option = click.option(
    "--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Thư mục corpus (chứa registry/ và learned/). Mặc định: ./corpus hoặc corpus/ của kho mã.",
)
_format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                              show_default=True, help="Định dạng đầu ra.")
_learn_option = click.option("--learn/--no-learn", default=True, show_default=True,
                             help="Học trước các văn bản PDF/DOCX mới thả vào thư mục corpus.")


def _load(corpus_dir: Path | None, learn: bool, report_failures: bool = True) -> Registry:
    """The registry; documents that failed to ingest are reported on stderr unless the caller
    reports them itself (``list``)."""
    corpus = corpus_dir or default_corpus_dir()
    if not corpus.is_dir():
        raise click.UsageError(f"Không tìm thấy thư mục corpus: {corpus} / corpus directory not found")
    reg = Registry.load_with_documents(corpus) if learn else Registry.load(corpus)
    if report_failures:
        for line in _failure_lines(reg.learn_failures):
            click.echo(line, err=True)
    return reg


def _failure_lines(failures: list[Any]) -> list[str]:
    return [f"LỖI {f.path}: {f.message_vi}; chưa học văn bản này. / ERROR {f.path}: {f.message_en}; not learned."
            for f in failures]


def _fmt_date(d: Any) -> str:
    """As the rules' messages write dates (``date_vi``: "01/7/2025", "10/01/2025")."""
    if not d:
        return "?"
    return date_vi(date.fromisoformat(d) if isinstance(d, str) else d)


def _status_line(s: Status) -> str:
    line = s.label_vi
    if s.since and s.code in ("not_yet_in_force", "in_force") and s.date_uncertain:
        # its effective date is not known: the date is a lower bound (the issue date, or the
        # first its own relations take effect)
        line += f" (sớm nhất từ {_fmt_date(s.since)}; ngày có hiệu lực chưa xác minh)"
    elif s.since and s.code == "not_yet_in_force":
        # "Chưa có hiệu lực từ X" reads as "not in force from X": say when it takes effect
        line += f" (có hiệu lực từ {_fmt_date(s.since)})"
    elif s.since:
        line += f" từ {_fmt_date(s.since)}"
        if s.date_uncertain:
            line += " (ngày chưa xác minh, lấy theo ngày ban hành)"
    if s.by:
        line += f" (bởi {', '.join(s.by)})"
    # a partly repealed document may also have been amended since: say by which documents
    amended = s.amended_besides()
    mark = s.confidence
    if s.code == "partly_repealed" and amended:
        line += f"; được sửa đổi, bổ sung bởi {', '.join(amended)}"
        # the line is as certain as the weakest relation it states
        mark = weakest(mark, *(s.touched_confidence.get(d, "U") for d in amended))
    line += f" [{mark}]"
    if s.undated:
        names = "; ".join(f"{RELATION_NAMES_VI.get(u['type'], u['type'])} {u['target']}" for u in s.undated)
        line += f"; quan hệ chưa rõ ngày, chưa xét: {names}"
    return line


def _not_found(doc_id: str) -> None:
    click.echo(f"Không có văn bản {doc_id} trong danh mục. / Document {doc_id} is not in the registry.", err=True)
    sys.exit(1)


@click.group("corpus")
def corpus() -> None:
    """Danh mục văn bản pháp luật: hiệu lực, thay thế, sửa đổi (registry of legal documents)."""


@corpus.command("list")
@_corpus_option
@click.option("--as-of", type=DATE, default=None, help="Ngày xét hiệu lực (mặc định: hôm nay).")
@_format_option
@_learn_option
def list_cmd(corpus_dir: Path | None, as_of: date | None, fmt: str, learn: bool) -> None:
    """Liệt kê các văn bản và tình trạng hiệu lực tại một ngày."""
    reg = _load(corpus_dir, learn, report_failures=False)
    when = as_of or date.today()
    entries = sorted(reg.entries.values(), key=lambda e: (e.type or "", e.id))
    statuses = [reg.status(e.id, when) for e in entries]
    if fmt == "json":
        rows = [{"id": e.id, "type": e.type, "title": e.title, "origin": e.origin, "confidence": e.confidence,
                 "status": s.to_dict()} for e, s in zip(entries, statuses)]
        failed = [{"path": str(f.path), "message_vi": f.message_vi, "message_en": f.message_en} for f in reg.learn_failures]
        click.echo(json.dumps({"as_of": when.isoformat(), "documents": rows, "not_learned": failed},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"Tình trạng hiệu lực tại ngày {_fmt_date(when)} — {len(entries)} văn bản")
    for e, s in zip(entries, statuses):
        learned = " (học tự động)" if e.origin == "learned" else ""
        click.echo(f"- {e.type or '?'} {e.id}{learned}: {_status_line(s)}")
    for line in _failure_lines(reg.learn_failures):
        click.echo(line)


@corpus.command("show")
@click.argument("doc_id")
@_corpus_option
@_format_option
@_learn_option
def show_cmd(doc_id: str, corpus_dir: Path | None, fmt: str, learn: bool) -> None:
    """Hiện đầy đủ thông tin và các quan hệ của một văn bản (ví dụ 61/2018/NĐ-CP)."""
    reg = _load(corpus_dir, learn)
    entry = reg.get(doc_id)
    if entry is None:
        _not_found(doc_id)
    today = reg.status(entry.id, date.today())
    if fmt == "json":
        click.echo(json.dumps({**entry.to_dict(), "status_today": today.to_dict()}, ensure_ascii=False, indent=2))
        return
    _print_entry(entry, today)


def _print_entry(entry: Entry, today: Status) -> None:
    click.echo(f"{entry.type or 'Văn bản'} {entry.id}")
    for label, value in (("Trích yếu", entry.title), ("Cơ quan ban hành", entry.issuer),
                         ("Ngày ban hành", entry.issued and _fmt_date(entry.issued)),
                         ("Ngày có hiệu lực", entry.effective and _fmt_date(entry.effective)),
                         ("Độ tin cậy", entry.confidence), ("Nguồn", entry.source), ("Ghi chú", entry.notes),
                         ("Nguồn gốc", "nhập tay" if entry.origin == "hand" else "học tự động")):
        if value:
            click.echo(f"  {label}: {value}")
    click.echo(f"  Tình trạng hôm nay: {_status_line(today)}")
    names = RELATION_NAMES_VI
    if entry.relations:
        click.echo("  Quan hệ:")
    for r in entry.relations:
        click.echo(f"   - {_relation_vi(r, names)}, từ {_fmt_date(r.date)} [{r.confidence}{', suy ra' if r.derived else ''}]")
    for o in entry.overridden:
        click.echo(f"  Dữ liệu học được bị ghi đè bởi dữ liệu nhập tay: {o}")


def _relation_vi(r: Any, names: dict[str, str], limit: int | None = None) -> str:
    """"bãi bỏ một phần 58/2020/TT-BCA", "sửa đổi, bổ sung 63/2010/NĐ-CP (Điều 5, …; đủ danh sách)"."""
    name = names.get(r.type, r.type)
    if r.type in ("repeals", "repealed_by") and (r.partial or r.articles):
        name = "bãi bỏ một phần" if r.type == "repeals" else "bị bãi bỏ một phần bởi"
    arts = ""
    if r.articles:
        listed = articles_vi(r.articles) if limit is None else articles_vi(r.articles, limit=limit)
        arts = f" ({listed}{'; đủ danh sách' if r.articles_complete else ''})"
    return f"{name} {r.target}{arts}"


def _learning_gaps(entry: Entry, path: Path) -> list[str]:
    """What a reviewer must fill in by hand in the learned file, bilingual."""
    from tthc_pipeline.legal.relations import UNNUMBERED_PREFIX

    gaps = []
    if entry.id.startswith(UNNUMBERED_PREFIX):
        gaps.append(f"  Chú ý: không đọc được số, ký hiệu của văn bản (bản quét có dấu đè?), tạm đặt mã {entry.id}; "
                    f"hãy ghi số hiệu vào trường id trong {path} để các thủ tục trích dẫn văn bản này được đối chiếu. / "
                    f"Warning: the document number could not be read (a stamp over it in a scan?); temporary id "
                    f"{entry.id}: write the number as `id` in {path} so citations of it are matched.")
    if not entry.effective:
        gaps.append(f"  Chú ý: không đọc được ngày có hiệu lực; hãy ghi trường effective trong {path}. / "
                    f"Warning: no effective date was read: write `effective` in {path}.")
    for r in entry.relations:
        if r.partial and not r.articles:
            gaps.append(f"  Chú ý: bãi bỏ một phần {r.target} nhưng không đọc được điều, khoản nào; hãy ghi trường "
                        f"articles của quan hệ này trong {path}. / Warning: {r.target} is repealed in part, and "
                        f"which clauses could not be read: write the relation's `articles` in {path}.")
    return gaps


@corpus.command("status")
@click.argument("doc_id")
@click.option("--as-of", type=DATE, required=True, help="Ngày xét hiệu lực (YYYY-MM-DD hoặc dd/mm/yyyy).")
@_corpus_option
@_format_option
@_learn_option
def status_cmd(doc_id: str, as_of: date, corpus_dir: Path | None, fmt: str, learn: bool) -> None:
    """Tình trạng hiệu lực của một văn bản tại một ngày."""
    reg = _load(corpus_dir, learn)
    if reg.get(doc_id) is None:
        _not_found(doc_id)
    s = reg.status(doc_id, as_of)
    if fmt == "json":
        click.echo(json.dumps({"id": reg.get(doc_id).id, "as_of": as_of.isoformat(), **s.to_dict()}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{reg.get(doc_id).id} tại ngày {_fmt_date(as_of)}: {_status_line(s)}")


@corpus.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_corpus_option
def add_cmd(files: tuple[Path, ...], corpus_dir: Path | None) -> None:
    """Học văn bản mới (PDF/DOCX/DOC hoặc bản ghi JSON của ingest) vào corpus/learned/."""
    from tthc_pipeline.legal.relations import ingest_failure, record_from_file, relations_from_ingest, write_learned

    corpus_path = corpus_dir or default_corpus_dir()
    failed = 0
    for path in files:
        record = record_from_file(path)
        failure = ingest_failure(path, record)
        if failure:
            for line in _failure_lines([failure]):
                click.echo(line, err=True)
            failed += 1
            continue
        entry = relations_from_ingest(record)
        target = write_learned(entry, corpus_path / "learned")
        click.echo(f"Đã học {entry.type or 'văn bản'} {entry.id} → {target}")
        click.echo(f"  Ngày ban hành: {_fmt_date(entry.issued)}; có hiệu lực: {_fmt_date(entry.effective)}")
        for warning in _learning_gaps(entry, target):
            click.echo(warning, err=True)
        for r in entry.relations:
            click.echo(f"  - {_relation_vi(r, RELATION_NAMES_VI, limit=6)} từ {_fmt_date(r.date)}")
    if failed:
        sys.exit(1)


@corpus.command("lint")
@_corpus_option
@_learn_option
def lint_cmd(corpus_dir: Path | None, learn: bool) -> None:
    """Kiểm tra danh mục: mã trùng, quan hệ trỏ tới văn bản không có, mâu thuẫn ngày."""
    reg = _load(corpus_dir, learn)
    issues = reg.lint()
    for i in issues:
        click.echo(f"{'LỖI' if i.level == 'error' else 'CẢNH BÁO'} [{i.code}] {i.entry_id or ''}: {i.message_vi} ({i.path})")
    click.echo(f"{len(reg)} văn bản, {sum(i.level == 'error' for i in issues)} lỗi, "
               f"{sum(i.level == 'warning' for i in issues)} cảnh báo.")
    if any(i.level == "error" for i in issues):
        sys.exit(1)
