"""Assembling backend blocks: offsets, tables across page breaks."""

from tthc_pipeline.ingest.assemble import assemble
from tthc_pipeline.ingest.models import Block, Extracted, Page


def _table(*rows):
    return Block("table", rows=[list(r) for r in rows])


def test_table_continued_on_next_page_joins_the_same_table():
    pages = [
        Page(1, [Block("paragraph", "PHẦN I. DANH MỤC"), _table(("STT", "Mã", "Tên"), ("1", "2.000674", "Cấp giấy"))]),
        Page(2, [_table(("2", "2.000666", "Cấp lại giấy"), ("3", "2.000001", "Gia hạn")), Block("paragraph", "PHẦN II")]),
        Page(3, [_table(("X", "Y"))]),
    ]
    out = assemble(Extracted("pdf", pages))
    assert len(out.tables) == 2
    first = out.tables[0]
    assert first["pages"] == [1, 2] and len(first["rows"]) == 4
    assert out.text[first["start"] : first["end"]].splitlines()[-1] == "3 | 2.000001 | Gia hạn"
    # Page 2 starts at its first row, inside the joined table.
    assert out.text[out.pages[1]["start"] :].startswith("2 | 2.000666")
    # A table after a paragraph, or with another column count, is a new table.
    assert out.tables[1]["rows"] == [["X", "Y"]] and out.tables[1]["pages"] == [3]


def test_table_after_text_on_next_page_is_not_joined():
    pages = [
        Page(1, [_table(("a", "b"))]),
        Page(2, [Block("paragraph", "Ghi chú"), _table(("c", "d"))]),
    ]
    out = assemble(Extracted("pdf", pages))
    assert [t["rows"] for t in out.tables] == [[["a", "b"]], [["c", "d"]]]
    for page in out.pages:
        assert 0 <= page["start"] <= page["end"] <= len(out.text)


def test_row_broken_across_the_page_is_joined_in_rows_but_text_is_kept():
    pages = [
        Page(1, [_table(("STT", "Tên thủ tục hành"), ("1", "Cấp giấy xác nhận đủ"))]),
        Page(2, [_table(("", "điều kiện"), ("2", "Cấp lại"))]),
    ]
    out = assemble(Extracted("pdf", pages))
    (table,) = out.tables
    assert table["rows"] == [["STT", "Tên thủ tục hành"], ["1", "Cấp giấy xác nhận đủ điều kiện"], ["2", "Cấp lại"]]
    assert " | điều kiện" in out.text


def test_row_spans_point_at_each_rendered_row():
    pages = [
        Page(1, [Block("paragraph", "Danh mục"), _table(("STT", "Tên"), ("1", "Cấp giấy xác nhận"))]),
        Page(2, [_table(("", "đủ điều kiện"), ("2", "Cấp lại"))]),
    ]
    out = assemble(Extracted("pdf", pages))
    (table,) = out.tables
    assert len(table["row_spans"]) == len(table["rows"]) == 3
    assert out.text[slice(*table["row_spans"][0])] == "STT | Tên"
    assert out.text[slice(*table["row_spans"][1])] == "1 | Cấp giấy xác nhận\n | đủ điều kiện"
    assert out.text[slice(*table["row_spans"][2])] == "2 | Cấp lại"
