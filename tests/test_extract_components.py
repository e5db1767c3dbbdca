"""Component parsers: text → typed items with offsets."""

from tthc_pipeline.procedures import components as C
from tthc_pipeline.procedures.model import Provenance


def test_glued_portal_channel_row():
    text = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp7 Ngày làm việcLệ phí : 20.000 Đồng/lầnNộp tại Công an xã.Trực tuyến5 Ngày làm việcMiễn phí"
    chans = C.parse_channels(text, Provenance(start=0))
    assert [c.kind for c in chans] == ["truc_tiep", "truc_tuyen"]
    assert (chans[0].time_limits[0].value, chans[0].time_limits[0].unit) == (7.0, "ngay_lam_viec")
    assert chans[0].fees[0].amount == 20000 and chans[0].fees[0].per == "lần"
    assert chans[0].description == "Nộp tại Công an xã."
    assert chans[1].fees[0].free and chans[1].time_limits[0].value == 5.0
    tl = chans[0].time_limits[0]
    assert text[tl.prov.start : tl.prov.end].startswith("7 Ngày làm việc")


def test_time_limits_start_point_condition_and_dates():
    text = ("05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ; trường hợp phải xác minh thì không quá 10 ngày. "
            "Hồ sơ nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo. Áp dụng từ ngày 31 tháng 12 năm 2021.")
    tls = C.parse_time_limits(text, Provenance(start=100))
    got = [(t.value, t.unit) for t in tls]
    assert got == [(5.0, "ngay_lam_viec"), (10.0, "ngay")]
    assert tls[0].start_point == "kể từ ngày nhận đủ hồ sơ hợp lệ"
    assert tls[1].condition.startswith("trường hợp phải xác minh")
    assert tls[0].prov.start == 100
    assert [t.unit for t in C.parse_time_limits("Trong ngày")] == ["trong_ngay"]


def test_fees_variants():
    assert C.parse_fees("50.000 đồng/hồ sơ")[0].amount == 50000
    assert C.parse_fees("10.000 đ")[0].amount == 10000
    f = C.parse_fees("Lệ phí: 20.000 đồng/lần")[0]
    assert (f.amount, f.kind, f.per) == (20000, "le_phi", "lần")
    assert C.parse_fees("Không")[0].free
    assert C.parse_fees("Miễn phí")[0].free
    assert C.parse_fees("Không có thông tin") == []
    usd = C.parse_fees("10 USD(/lần)")[0]
    assert usd.currency == "USD" and usd.foreign_amount == 10 and usd.amount is None
    # portal shows thousands: "150 VNĐ(150.000 đồng ...)" → one fee of 150 000
    assert [x.amount for x in C.parse_fees("150 VNĐ(150.000 đồng/lần)")] == [150000]


def test_glued_portal_dossier():
    text = ("--Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai (Mẫu số 02 ban hành kèm theo Nghị định số 154/2024/NĐ-CP)."
            "Mau02.docx1 bản chínhBản sao có chứng thực giấy khai sinh (nếu có)1 bản chính,1 bản sao"
            "Giấy tờ phải xuất trìnhTên giấy tờMẫu đơn, tờ khaiSố lượngThẻ căn cước1 bản chính")
    items, sets = C.parse_dossier(text, Provenance(start=0))
    assert [i.action for i in items] == ["submit", "submit", "present"]
    assert items[0].form_name == "Mau02.docx" and items[0].quantity == 1
    assert items[0].name.startswith("Tờ khai (Mẫu số 02")
    assert items[1].condition == "nếu có"
    assert set(items[1].copy_kinds) >= {"ban_sao_chung_thuc", "ban_chinh", "ban_sao"}
    assert items[2].name == "Thẻ căn cước"


def test_prose_dossier_and_sets():
    text = ("a) Thành phần hồ sơ bao gồm:\n- Đơn đề nghị (Mẫu số 01);\n- 01 bản sao có chứng thực Giấy chứng nhận "
            "đăng ký doanh nghiệp;\n- Xuất trình thẻ căn cước để đối chiếu.\nb) Số lượng hồ sơ: 01 bộ.")
    items, sets = C.parse_dossier(text)
    assert sets == 1
    assert len(items) == 3
    assert items[0].form_name == "Mẫu số 01"
    assert items[1].copy_kinds == ["ban_sao_chung_thuc"] and items[1].quantity == 1
    assert items[2].action == "present"


def test_steps_results_agencies():
    steps = C.parse_steps("Bước 1: Nộp hồ sơ.\nBước 2: Kiểm tra hồ sơ.\nBước 3: Trả kết quả.")
    assert [s.order for s in steps] == [1, 2, 3] and steps[1].text == "Kiểm tra hồ sơ."
    res = C.parse_results("Giấy phép lái xeMã: KQ.G01.000189Từ khóaKhông có thông tinMô tảKhông có thông tin")
    assert res[0].name == "Giấy phép lái xe" and res[0].code == "KQ.G01.000189"
    ags = C.parse_agencies("a) Cơ quan có thẩm quyền quyết định: Sở Công Thương; b) Cơ quan trực tiếp thực hiện: Phòng Kinh tế, Ủy ban nhân dân cấp huyện")
    assert [(a.role, a.name) for a in ags] == [("competent", "Sở Công Thương"), ("implementing", "Phòng Kinh tế"), ("implementing", "Ủy ban nhân dân cấp huyện")]
    assert [a.name for a in C.parse_agencies("Cục cảnh sát quản lý hành chính về trật tự, xã hội, Công an tỉnh")] == [
        "Cục cảnh sát quản lý hành chính về trật tự, xã hội", "Công an tỉnh"]


def test_glued_legal_basis_table():
    text = ("Tên văn bản pháp lýMã văn bảnHướng dẫn xử lý khiếu nại trong công an nhân dân68/2013/TT-BCA"
            "Luật Khiếu nại  năm 201102/2011/QH13Nghị định 05/2012/NĐ-CP05/2012/NĐ-CPThông tư 15/2022/TT-BCA15/2022/TT-BCA")
    got = [lb.number for lb in C.parse_legal_basis(text)]
    assert got == ["68/2013/TT-BCA", "02/2011/QH13", "05/2012/NĐ-CP", "15/2022/TT-BCA"]
    prose = C.parse_legal_basis("Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ; Thông tư 02/2017/TT-VPCP.")
    assert [lb.number for lb in prose] == ["63/2010/NĐ-CP", "02/2017/TT-VPCP"]
    assert prose[0].issued == "2010-06-08"


def test_portal_legal_table_glue_name_citations_and_bare_codes():
    text = (
        "Tên văn bản pháp lýMã văn bảnLuật 49/2019/QH1449/2019/QH14"
        "Nghị định số 67/2024/NĐ-CP ngày 25/6/2024 sửa đổi Nghị định số 77/2020/NĐ-CP ngày 01/7/2020.67/2024/NĐ-CP"
        "Quy định mẫu giấy tờ04/2015/TT-BCAQUY ĐỊNH MỨC THU PHÍ25/2021/TT-BTC"
        "Hướng dẫn31/2013/NĐ-CP 05/2013/TT-BLĐTBXH - Hướng dẫn thủ tục05/2013/TT-BLĐTBXH"
        "LUẬT SỬA ĐỔI LUẬT HÀNG KHÔNG61Quyết định 24/2024/QĐ-UBND Sơn La mẫu hồ sơ24/2024"
    )
    lbs = C.parse_legal_basis(text, Provenance(start=0))
    assert [lb.number for lb in lbs] == [
        "49/2019/QH14", "67/2024/NĐ-CP", "04/2015/TT-BCA", "25/2021/TT-BTC", "31/2013/NĐ-CP",
        "05/2013/TT-BLĐTBXH", None, "24/2024/QĐ-UBND",
    ]  # 77/2020 is only cited inside a name; "61" is a code cell that is not a number
    assert lbs[6].raw == "LUẬT SỬA ĐỔI LUẬT HÀNG KHÔNG61"
    assert all(text[lb.prov.start : lb.prov.end].replace(" ", "") == lb.raw.replace(" ", "") for lb in lbs)


def test_free_fee_cell_with_charges_in_its_note():
    fees = C.parse_fees("Miễn phí(- Sát hạch lý thuyết: 600.000 đồng/lần. - Sát hạch thực hành: 250.000 đồng/lần.)")
    assert [(f.free, f.amount) for f in fees] == [(True, 0), (False, 600000), (False, 250000)]
    assert [f.free for f in C.parse_fees("Lệ phí 50.000 đồng, miễn phí cho người có công")] == [False]


def test_dossier_table_note_rows_dash_cells_and_glued_rows():
    text = (
        "--Tên giấy tờMẫu đơn, tờ khaiSố lượng"
        "* Lưu ý: Trường hợp trực tiếp nộp hồ sơ thì văn bản đề nghị bổ sung họ tên0 bản chính"
        "- Đơn đề nghị theo Mẫu số 01. - Biên bản họp theo Mẫu số 02.1 bản chính"
        "Tờ khai (mẫu TK6)18-Mẫu TK8.doc1 bản chính02 ảnh 4cmx6cm.2 bản chính"
        "Trường hợp người chưa đủ 14 tuổi thì nộp kèm bản sao giấy tờ chứng minh người đại diện0 bản chính,1 bản sao"
        "Số bộ hồ sơ 01 (một) bộ0 bản chính"
    )
    items, sets = C.parse_dossier(text, Provenance(start=0))
    assert [i.name for i in items] == [
        "Đơn đề nghị theo Mẫu số 01", "Biên bản họp theo Mẫu số 02", "Tờ khai (mẫu TK6)", "02 ảnh 4cmx6cm",
        "Trường hợp người chưa đủ 14 tuổi thì nộp kèm bản sao giấy tờ chứng minh người đại diện",
    ]
    assert items[2].form_name == "18-Mẫu TK8.doc" and items[3].quantity == 2
    assert sets == 1


def test_inline_dossier_sentence_split_only_between_papers():
    text = "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao và bản sao cần chứng thực. Số lượng hồ sơ: 01 bộ."
    items, sets = C.parse_dossier(text, Provenance(start=10))
    assert [i.name for i in items] == ["Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", "bản sao cần chứng thực"]
    assert sets == 1 and "ban_chinh" in items[0].copy_kinds
    assert text[items[1].prov.start - 10 : items[1].prov.end - 10] == "bản sao cần chứng thực"
    # "và tài sản ..." names no paper: no split there; the later "và bản sao ..." does
    items, _ = C.parse_dossier("Giấy chứng nhận quyền sử dụng đất và tài sản gắn liền với đất và bản sao hợp đồng mua bán.")
    assert [i.name for i in items] == ["Giấy chứng nhận quyền sử dụng đất và tài sản gắn liền với đất", "bản sao hợp đồng mua bán"]
    # a bare copy kind on the left is not a paper of its own
    assert [i.name for i in C.parse_dossier("Bản chính và bản sao giấy khai sinh.")[0]] == ["Bản chính và bản sao giấy khai sinh"]
    items, _ = C.parse_dossier("Đơn đề nghị (theo mẫu); bản sao sổ hộ khẩu; 02 ảnh 4x6.")
    assert [i.name for i in items] == ["Đơn đề nghị (theo mẫu)", "bản sao sổ hộ khẩu", "02 ảnh 4x6"]
    # nothing that names a paper → no item
    assert C.parse_dossier("Không.")[0] == []
    assert C.parse_dossier("Theo quy định tại Điều 5 Thông tư số 01/2020/TT-BTP. Số lượng hồ sơ: 01 bộ.") == ([], 1)


def test_component_heading_with_thuc_hien_thu_tuc_hanh_chinh():
    from tthc_pipeline.procedures import sections

    text = "i) Tên mẫu đơn, mẫu tờ khai: Tờ khai.\nk) Yêu cầu, điều kiện thực hiện thủ tục hành chính: Không.\n"
    comps = sections.split_components(text, 0, len(text))
    assert text[slice(*comps["forms"])].strip() == "Tờ khai."
    assert text[slice(*comps["requirements"])].strip() == "Không."
