"""Plain text, Markdown and HTML backends, through the whole ingest of one file."""

from tthc_pipeline.ingest.assemble import assemble
from tthc_pipeline.ingest.text_readers import read_html, read_markdown, read_text

from conftest import SAMPLES, realdata


def test_markdown_pipe_tables_become_table_rows():
    extracted = read_markdown(realdata("md", "QD-378-QD-UBND-2022_Ha-Giang_cong-bo-TTHC-Cong-Thuong.md"))
    assembled = assemble(extracted)
    first = assembled.tables[0]
    assert first["rows"][1][0] == "Số: 378/QĐ-UBND"
    assert assembled.text[first["start"] : first["end"]].splitlines()[1].startswith("Số: 378/QĐ-UBND | Hà Giang")
    assert "QUYẾT ĐỊNH" in assembled.text


def test_html_blocks_tables_and_entities(tmp_path):
    page = tmp_path / "trang.html"
    page.write_text(
        "<html><head><title>T</title><style>p{}</style><script>var x='ẩn';</script></head><body>"
        "<h1>QUYẾT ĐỊNH</h1><p>Điều 1.&nbsp;Hoà giải<br>dòng hai</p>"
        "<table><tr><th>STT</th><th>Tên</th></tr><tr><td>1</td><td>Đăng&nbsp;ký <b>khai sinh</b></td></tr></table>"
        "<p>Hết</p></body></html>",
        encoding="utf-8",
    )
    assembled = assemble(read_html(page))
    assert "ẩn" not in assembled.text and "p{}" not in assembled.text
    assert "Điều 1. Hoà giải\ndòng hai" in assembled.text
    assert assembled.tables[0]["rows"] == [["STT", "Tên"], ["1", "Đăng ký khai sinh"]]
    assert assembled.text.index("1 | Đăng ký khai sinh") < assembled.text.index("Hết")


def test_html_merged_cells_keep_every_cell_in_its_column(tmp_path):
    # a danh mục header: "Cách thức thực hiện" over two columns, the others over two rows
    page = tmp_path / "danh-muc.html"
    page.write_text(
        "<table><tr><th rowspan='2'>TT</th><th rowspan='2'>Tên TTHC</th><th colspan='2'>Cách thức thực hiện</th>"
        "<th rowspan='2'>Phí, lệ phí</th></tr>"
        "<tr><th>Mức độ DVC</th><th>Thực hiện qua BCCI</th></tr>"
        "<tr><td>1</td><td>Chứng thực bản sao</td><td>3</td><td>Có</td><td rowspan='2'>2.000 đồng/trang</td></tr>"
        "<tr><td>2</td><td>Chứng thực chữ ký</td><td>4</td><td>Không</td></tr></table>",
        encoding="utf-8",
    )
    (table,) = [b.rows for b in read_html(page).pages[0].blocks if b.kind == "table"]
    assert table == [
        ["TT", "Tên TTHC", "Cách thức thực hiện", "", "Phí, lệ phí"],
        ["", "", "Mức độ DVC", "Thực hiện qua BCCI", ""],
        ["1", "Chứng thực bản sao", "3", "Có", "2.000 đồng/trang"],
        ["2", "Chứng thực chữ ký", "4", "Không", ""],  # under a rowspan: "", not repeated
    ]


def test_text_in_windows_1258_is_decoded_with_a_warning(tmp_path):
    f = tmp_path / "cp1258.txt"
    f.write_bytes("Nghi dinh so 63/2010/ND-CP \u00e0".encode("cp1258"))
    extracted = read_text(f)
    assert extracted.pages[0].blocks[0].text.endswith("à")
    assert [w.code for w in extracted.warnings] == ["non_utf8_text"]


def test_sample_html_reads():
    assembled = assemble(read_html(SAMPLES / "thong-bao-mau.html"))
    assert ["1", "1.004222", "Đăng ký thường trú", "07 ngày làm việc"] in assembled.tables[0]["rows"]


UNICODE_LINE = "Cộng hoà xã hội chủ nghĩa Việt Nam. Nghị định số 63/2010/NĐ-CP yêu cầu sổ hộ khẩu."


def test_tcvn3_text_file_is_converted_with_a_warning(tmp_path):
    from tthc_pipeline.ingest.runner import ingest_file
    from tthc_pipeline.text.legacy import encode
    from tthc_pipeline.text.normalize import clean

    f = tmp_path / "tcvn3.txt"
    f.write_bytes(encode(UNICODE_LINE, "tcvn3").encode("latin-1"))
    record = ingest_file(f)
    assert record["text"] == clean(UNICODE_LINE)
    assert "legacy_encoding_converted" in {w["code"] for w in record["warnings"]}


def test_vni_mojibake_in_utf8_markdown_is_converted(tmp_path):
    from tthc_pipeline.ingest.runner import ingest_file

    f = tmp_path / "vni.md"
    f.write_text("# Nghò ñònh soá 63/2010/NÑ-CP\n\nCoäng hoaø xaõ hoäi chuû nghóa Vieät Nam\n", encoding="utf-8")
    record = ingest_file(f)
    assert "Nghị định số 63/2010/NĐ-CP" in record["text"]
    assert "Cộng hòa xã hội chủ nghĩa Việt Nam" in record["text"].replace("hoà", "hòa")


def test_unicode_document_with_latin1_symbols_is_left_alone(tmp_path):
    from tthc_pipeline.ingest.runner import ingest_file

    f = tmp_path / "unicode.md"
    f.write_text(f"{UNICODE_LINE}\n\n| Kích thước | 2 × 2,5 |\n|---|---|\n| Diện tích | 3 × 2,5 m² |\n", encoding="utf-8")
    record = ingest_file(f)
    assert "2 × 2,5" in record["text"] and "3 × 2,5 m²" in record["text"]
    assert "legacy_encoding_converted" not in {w["code"] for w in record["warnings"]}


def test_utf8_with_a_few_bad_bytes_stays_utf8_with_a_warning(tmp_path):
    """A stray or truncated byte must not send the whole file to cp1258 (every Vietnamese letter
    garbled): the bad bytes become U+FFFD, the rest reads, and the reviewer is told."""
    from tthc_pipeline.ingest.runner import ingest_file

    good = (UNICODE_LINE + "\n") * 3
    f = tmp_path / "hong.txt"
    data = good.encode("utf-8")
    f.write_bytes(data[:40] + b"\xff\xfe" + data[40:])
    extracted = read_text(f)
    assert [w.code for w in extracted.warnings] == ["invalid_utf8_bytes"]
    record = ingest_file(f)
    assert "Cộng hoà xã hội chủ nghĩa Việt Nam" in record["text"] and "\ufffd" in record["text"]
    assert record["text"].count("\ufffd") == 2
    # a legacy file read as UTF-8 has almost no valid letters: still decoded as legacy
    from tthc_pipeline.text.legacy import encode

    legacy = tmp_path / "tcvn3.txt"
    legacy.write_bytes(encode(good, "tcvn3").encode("latin-1") + b"\xff")
    assert "invalid_utf8_bytes" not in {w.code for w in read_text(legacy).warnings}
