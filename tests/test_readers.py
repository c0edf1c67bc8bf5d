"""Readers: every format and encoding through ``pipeline.readers.read_file`` on small files made
in tmp_path.  Texts are made-up reports from many places (Guangdong, Sichuan, Taipei, Hong Kong,
Xi'an ...), not the corpus."""
from __future__ import annotations

import io
import zipfile

import pytest

from pipeline.readers import ReadError, read_file

SIMPLIFIED = ("广州市教育局2023年工作要点\n"
              "一、总体要求：新增公办学位3.5万个，推进集团化办学。\n"
              "二、重点任务：建设成都七中（高新校区）等学校12所。\n")
TRADITIONAL = ("臺北市政府教育局一一二年度施政計畫\n"
               "一、推動雙語教育，擴大數位學習，提升學生學習成效。\n"
               "二、興建國民小學兩所，補助經費新臺幣三億元。\n")


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _read_error(path) -> str:
    with pytest.raises(ReadError) as info:
        read_file(path)
    message = str(info.value)
    assert str(path) in message          # every error names the file
    return message


# ---------------------------------------------------------------- .txt

@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk", "gb2312"])
def test_txt_simplified_encodings_decode_exactly(tmp_path, encoding):
    path = _write(tmp_path, f"r-{encoding}.txt", SIMPLIFIED.encode(encoding))
    assert read_file(path) == SIMPLIFIED


def test_txt_utf8_bom_is_removed_and_crlf_kept(tmp_path):
    text = SIMPLIFIED.replace("\n", "\r\n")
    path = _write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_file(path) == text


def test_txt_utf16_with_bom(tmp_path):
    path = _write(tmp_path, "u16.txt", SIMPLIFIED.encode("utf-16"))
    assert read_file(path) == SIMPLIFIED


@pytest.mark.parametrize("encoding", ["big5", "cp950"])
def test_txt_big5_traditional_is_not_read_as_gbk(tmp_path, encoding):
    path = _write(tmp_path, "taipei.txt", TRADITIONAL.encode(encoding))
    assert read_file(path) == TRADITIONAL


def test_txt_traditional_text_encoded_in_gbk_stays_gbk(tmp_path):
    # Hong Kong/Macau text saved by a mainland editor: traditional characters, GBK bytes.
    text = "香港特別行政區教育局：推動學校發展，資助學校三十所。"
    path = _write(tmp_path, "hk.txt", text.encode("gbk"))
    assert read_file(path) == text


@pytest.mark.parametrize("text", ["教育局", "學校", "西安"])
def test_txt_very_short_texts(tmp_path, text):
    for encoding in ("gbk", "big5"):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        path = _write(tmp_path, f"short-{encoding}.txt", data)
        assert read_file(path) == text, encoding


def test_txt_gb18030_four_byte_characters(tmp_path):
    text = "四川省凉山彝族自治州教育局：䶮字与𠀋字测试，新增学位2000个。"
    path = _write(tmp_path, "gb18030.txt", text.encode("gb18030"))
    assert read_file(path) == text


def test_txt_one_damaged_byte_in_a_long_gbk_file_is_tolerated(tmp_path):
    body = ("湖南省长沙市教育局：新增公办学位3万个，推进集团化办学。\n" * 40).encode("gbk")
    path = _write(tmp_path, "damaged.txt", body[:300] + b"\xff" + body[300:])
    text = read_file(path)
    assert text.count("\ufffd") == 1
    assert text.replace("\ufffd", "") == body.decode("gbk")


def test_txt_utf8_file_cut_mid_character_is_tolerated(tmp_path):
    text = "杭州市教育局2023年工作总结：新增学位两万个。\n" * 5
    path = _write(tmp_path, "cut.txt", text.encode("utf-8")[:-2])
    assert read_file(path) == text[:-2] + "\ufffd"

def test_txt_binary_and_undecodable_files_fail(tmp_path):
    assert "NUL" in _read_error(_write(tmp_path, "nul.txt", b"\x00\x01\x02abc" * 10))
    assert "PNG" in _read_error(_write(tmp_path, "img.txt", b"\x89PNG\r\n\x1a\n" + bytes(50)))
    assert "PDF" in _read_error(_write(tmp_path, "misnamed.txt", b"%PDF-1.4\n%\xe2\xe3"))
    assert "cannot decode" in _read_error(
        _write(tmp_path, "noise.txt", bytes(range(0x80, 0x100)) * 20))


def test_empty_file_and_unsupported_suffix(tmp_path):
    assert "empty" in _read_error(_write(tmp_path, "empty.txt", b""))
    assert "unsupported" in _read_error(_write(tmp_path, "plan.xlsx", b"PK\x03\x04"))


# ---------------------------------------------------------------- .html

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>标题不读</title><style>.nav {{ color: red }}</style>
<script>var menu = "脚本里的字";</script></head>
<body><div class="nav"><a href="/">首页</a> | <a href="/jg">机构概况</a></div>
<!-- 注释不读 -->
<h1>深圳市教育局2024年
工作要点</h1>
<p>&nbsp;&nbsp;一、<b>总体</b>要求：新增学位<span>3.5</span>万个。Open
Day 活动<br>第二行</p>
<table><tr><td>序号</td><td>任务</td><td>责任单位</td></tr>
<tr><th>1</th><td><p>建设学校</p><p>两所</p></td><td>市教育局</td></tr></table>
<ul><li>项目一</li><li>项目二</li></ul>
<div class="tools">打印本页 关闭窗口</div>{extra}</body></html>"""

PAGE_LINES = ["首页 | 机构概况", "深圳市教育局2024年工作要点",
              "一、总体要求：新增学位3.5万个。Open Day 活动", "第二行",
              "序号\t任务\t责任单位", "1\t建设学校 两所\t市教育局", "项目一", "项目二",
              "打印本页 关闭窗口"]


def test_html_declared_gb2312_block_lines_tables_and_chrome(tmp_path):
    path = _write(tmp_path, "page.html", PAGE.format(extra="").encode("gbk"))
    assert read_file(path).split("\n") == PAGE_LINES


def test_html_wrong_declaration_falls_back_to_detection(tmp_path):
    page = PAGE.format(extra="").replace("charset=gb2312", "charset=utf-8")
    path = _write(tmp_path, "liar.htm", page.encode("gb18030"))
    assert read_file(path).split("\n") == PAGE_LINES


def test_html_big5_page_and_undeclared_page(tmp_path):
    big5 = ('<html><head><meta charset="big5"></head><body><p>臺中市教育局</p>'
            '<p>推動雙語教育，擴大數位學習。</p></body></html>')
    assert read_file(_write(tmp_path, "tw.html", big5.encode("big5"))) == \
        "臺中市教育局\n推動雙語教育，擴大數位學習。"
    bare = "<p>西安市教育局：</p><p>新增学位<b>5000</b>个。</p>"
    assert read_file(_write(tmp_path, "bare.html", bare.encode("gbk"))) == \
        "西安市教育局：\n新增学位5000个。"


@pytest.mark.parametrize("declared, encoding", [
    ("gb2312", "utf-8"),          # site moved to UTF-8, template still says gb2312
    ("iso-8859-1", "gbk"),        # server default charset on a GBK page
    ("utf-16", "gb18030"),        # impossible declaration for an ASCII-compatible file
])
def test_html_misdeclared_charsets(tmp_path, declared, encoding):
    page = (f'<html><head><meta charset="{declared}"></head><body><p>南京市教育局</p>'
            f'<p>新增学位两万个。</p></body></html>')
    path = _write(tmp_path, "m.html", page.encode(encoding))
    assert read_file(path) == "南京市教育局\n新增学位两万个。"

def test_html_layout_table_keeps_article_paragraphs_as_lines(tmp_path):
    article = "".join(f"<p>第{i}段：重庆市教育委员会推进义务教育优质均衡发展，新增学位若干。</p>"
                      for i in range(1, 16))
    page = f"<table><tr><td>导航</td><td>{article}</td></tr></table>"
    lines = read_file(_write(tmp_path, "layout.html", page.encode("utf-8"))).split("\n")
    assert lines[0] == "导航"
    assert len(lines) == 16 and lines[1].startswith("第1段") and lines[-1].startswith("第15段")


def test_html_without_text_fails(tmp_path):
    page = "<html><body><script>var a = 1;</script><img src='x.png'></body></html>"
    assert "no text" in _read_error(_write(tmp_path, "empty.html", page.encode()))


# ---------------------------------------------------------------- .docx

def _docx(path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_heading("武汉市教育局2024年工作要点", 1)
    p = d.add_paragraph("\u3000\u3000一、总体要求：新增学位")
    p.add_run("1.2万个").bold = True
    d.add_paragraph("")
    table = d.add_table(rows=2, cols=3)
    for col, text in enumerate(["序号", "任务", "责任单位"]):
        table.cell(0, col).text = text
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "建设学校"
    table.cell(1, 1).add_paragraph("两所")
    table.cell(1, 2).text = "市教育局"
    d.add_paragraph("二、主要任务")
    merged = d.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格"
    merged.cell(0, 2).text = "末列"
    d.add_paragraph("附件：某县教育局").add_run().add_break()
    d.save(str(path))
    return path


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    path = _docx(tmp_path / "plan.docx")
    assert read_file(path).split("\n") == [
        "武汉市教育局2024年工作要点", "\u3000\u3000一、总体要求：新增学位1.2万个",
        "序号\t任务\t责任单位", "1\t建设学校 两所\t市教育局", "二、主要任务",
        "合并单元格\t\t末列", "附件：某县教育局"]     # the merged cell spans two columns


def _total_row_table(rows):
    return ("<html><body><p>重点项目</p><table>" + "".join(
        "<tr>" + "".join(c for c in r) + "</tr>" for r in rows) + "</table><p>完</p></body></html>")


def test_html_and_docx_tables_keep_empty_and_spanned_cells_in_their_columns(tmp_path):
    # a blank cell, a 合计 row whose label spans three columns, a cell spanning two rows: the
    # cells after them stay in their columns (the header's)
    want = ["重点项目", "序号\t项目名称\t建设地点\t总投资(万元)\t新增学位(个)",
            "1\t城南一小\t\t12000\t1350", "2\t西岭幼儿园\t西岭镇\t3500\t360",
            "3\t东湖中学\t\t8000\t900", "合计\t\t\t23500\t2610", "完"]
    td = lambda c, **a: "<td" + "".join(f' {k}="{v}"' for k, v in a.items()) + f">{c}</td>"
    rows = [[td(c) for c in want[1].split("\t")],
            [td("1"), td("城南一小"), td("&nbsp;"), td("12000"), td("1350")],
            [td("2"), td("西岭幼儿园"), td("西岭镇"), td("3500", rowspan=2), td("360")],
            [td("3"), td("东湖中学"), td(""), td("900")],
            [td("合计", colspan=3), td("23500"), td("2610")]]
    got = read_file(_write(tmp_path, "t.html", _total_row_table(rows).encode("utf-8"))).split("\n")
    # row 3 has no cell of its own under 总投资: the rowspan above fills it, so it stays empty
    assert got[:4] == want[:4] and got[5:] == want[5:]
    assert got[4] == "3\t东湖中学\t\t\t900"

    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("重点项目")
    cells = [r.split("\t") for r in want[1:6]]
    t = d.add_table(rows=5, cols=5)
    for i, r in enumerate(cells):
        for j, c in enumerate(r):
            if c and not (i == 4 and j == 0):
                t.cell(i, j).text = c
    t.cell(4, 0).merge(t.cell(4, 2)).text = "合计"        # gridSpan
    t.cell(2, 2).merge(t.cell(3, 2))                      # vMerge: row 3's cell continues it
    d.add_paragraph("完")
    d.save(str(tmp_path / "t.docx"))
    got = read_file(tmp_path / "t.docx").split("\n")
    assert got == want


def test_docx_corrupt_files_fail(tmp_path):
    assert "zip" in _read_error(_write(tmp_path, "junk.docx", b"not a zip at all " * 10))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "no word document in here")
    assert "corrupt" in _read_error(_write(tmp_path, "emptyzip.docx", buf.getvalue()))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert ".doc" in _read_error(_write(tmp_path, "old.docx", ole))


def test_docx_truncated_package_fails(tmp_path):
    data = _docx(tmp_path / "full.docx").read_bytes()
    assert "docx" in _read_error(_write(tmp_path, "cut.docx", data[: len(data) // 2]))


def test_docx_automatic_numbering_is_rendered(tmp_path):
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%3."/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="77"><w:abstractNumId w:val="90"/></w:num>'))
    items = [("总体要求", 0), ("指导思想", 1), ("目标任务", 1), ("细则甲", 2), ("细则乙", 2),
             ("", 0), ("学前教育", 1)] + [(f"第{i}项", 0) for i in range(8)]
    for text, level in items:
        p = d.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="77"/></w:numPr>'))
    d.add_paragraph("按样式编号", style="List Number")
    d.add_paragraph("项目符号", style="List Bullet")
    path = tmp_path / "numbered.docx"
    d.save(str(path))
    lines = read_file(path).split("\n")
    # the empty numbered paragraph is counted (as Word does) but yields no line
    assert lines[:6] == ["一、总体要求", "（一）指导思想", "（二）目标任务", "1. 细则甲",
                         "2. 细则乙", "（一）学前教育"]
    assert lines[6] == "三、第0项" and lines[13] == "十、第7项"
    assert lines[14:] == ["1. 按样式编号", "项目符号"]

# ---------------------------------------------------------------- .pdf

def _canvas(path, **kw):
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path), **kw)


def _report_pdf(path):
    c = _canvas(path)
    c.setFont("STSong-Light", 12)
    body = [(72, "一、总体思路"),
            (96, "2023年，全市新增学位3500个，高考一段上线率达到"),   # first-line indent: 2 chars
            (72, "46.8%，教育发展基础进一步夯实。"),
            (72, "二、主要目标：新增幼儿园学位1200个，义务教育学位2500个。")]
    y = 760
    for x, line in body:
        c.drawString(x, y, line)
        y -= 20
    c.drawString(285, 40, "- 1 -")
    c.showPage()
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "三、保障措施：落实经费保障，完善督导考核机制。")
    x = 72
    for ch in "工作要点":                      # letter-spaced glyphs, no space characters
        c.drawString(x, 740, ch)
        x += 30
    c.drawString(72, 720, "⾼中教育⼀体化 PISA test")  # Kangxi radicals as Word PDFs write them
    c.drawString(285, 40, "- 2 -")
    c.save()
    return path


def test_pdf_lines_pages_footers_and_indent(tmp_path):
    text = read_file(_report_pdf(tmp_path / "xian.pdf"))
    lines = text.split("\n")
    assert [ln.lstrip("\u3000") for ln in lines] == [
        "一、总体思路", "2023年，全市新增学位3500个，高考一段上线率达到",
        "46.8%，教育发展基础进一步夯实。", "二、主要目标：新增幼儿园学位1200个，义务教育学位2500个。",
        "- 1 -", "三、保障措施：落实经费保障，完善督导考核机制。", "工作要点",
        "高中教育一体化 PISA test", "- 2 -"]
    assert lines[1].startswith("\u3000\u3000") and not lines[1].startswith("\u3000" * 3)
    assert not lines[0].startswith("\u3000") and not lines[2].startswith("\u3000")


def test_pdf_ruled_table_rows_merged_cells_and_a_framed_note(tmp_path):
    # a table drawn with thin rectangles (as Word exports borders): the 合计 cell spans three
    # columns (no rules between them in its row), a wrapped name stays in its cell; a box drawn
    # round a note is no table
    c = _canvas(tmp_path / "t.pdf")
    c.setFont("STSong-Light", 10)
    c.drawString(72, 770, "表1 重点项目")
    xs, ys = [60, 90, 190, 260, 340, 420], [760, 740, 710, 690]
    cells = [["序号", "项目名称", "地点", "投资(万元)", "学位(个)"],
             ["1", ["城东实验学校", "二期工程"], "城东", "12000", "1350"],
             ["合计", None, None, "12000", "1350"]]
    for r, row in enumerate(cells):
        for k, cell in enumerate(row):
            for n, part in enumerate([cell] if isinstance(cell, str) else cell or []):
                c.drawString(xs[k] + 3, ys[r] - 13 - 11 * n, part)
    for y in ys:
        c.rect(xs[0], y - 0.25, xs[-1] - xs[0], 0.5, stroke=0, fill=1)
    for k, x in enumerate(xs):
        low = ys[-2] if 0 < k < 3 else ys[-1]          # no rules inside the 合计 cell
        c.rect(x - 0.25, low, 0.5, ys[0] - low, stroke=0, fill=1)
    c.rect(60, 560, 360, 60)                            # a framed note
    c.drawString(72, 595, "注：以上项目按月调度，年底前全部完工。")
    c.save()
    lines = read_file(tmp_path / "t.pdf").split("\n")
    assert lines == ["表1 重点项目", "序号\t项目名称\t地点\t投资(万元)\t学位(个)",
                     "1\t城东实验学校二期工程\t城东\t12000\t1350", "合计\t\t\t12000\t1350",
                     "注：以上项目按月调度，年底前全部完工。"]


def test_pdf_without_text_layer_fails(tmp_path):
    c = _canvas(tmp_path / "scan.pdf")
    c.rect(50, 50, 400, 600, fill=1)
    c.showPage()
    c.save()
    assert "no text layer (scanned PDF?)" in _read_error(tmp_path / "scan.pdf")


def test_pdf_encrypted_corrupt_and_fake_fail(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption

    c = _canvas(tmp_path / "secret.pdf", encrypt=StandardEncryption("pw", canPrint=0))
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "secret")
    c.save()
    assert "encrypted" in _read_error(tmp_path / "secret.pdf")
    data = _report_pdf(tmp_path / "full.pdf").read_bytes()
    assert "corrupt" in _read_error(_write(tmp_path, "cut.pdf", data[: len(data) // 3]))
    assert "not a PDF" in _read_error(_write(tmp_path, "fake.pdf", "只是文字".encode()))
