"""Site chrome and in-file repeated copies (chrome stage).  Pages are made up from sites of
other provinces; which line is chrome is known from how each page is assembled."""
from __future__ import annotations

import json

import pytest

from pipeline.components.chrome import ChromeMarker, body_text
from pipeline.evaluate import iou


@pytest.fixture(scope="module")
def marker():
    return ChromeMarker()


def page(parts: list[tuple[bool, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Lines joined by newlines; (True, line) lines are chrome.  Returns text and the spans
    of the chrome lines."""
    text, spans = "", []
    for chrome, line in parts:
        start = len(text)
        text += line + "\n"
        if chrome:
            spans.append((start, start + len(line)))
    return text, spans


def covered(spans: list[dict], s: int, e: int) -> bool:
    return any(r["start"] <= s and e <= r["end"] for r in spans)


def touched(spans: list[dict], s: int, e: int) -> bool:
    return any(r["start"] < e and s < r["end"] for r in spans)


WEB_PAGE = [
    (True, "广州市教育局"), (True, "网站首页 | 新闻中心 | 政务公开 | 办事服务 | 互动交流"),
    (True, "您所在的位置：首页 > 政务公开 > 计划总结"), (True, "长者版  无障碍"),
    (False, ""), (False, "广州市教育局2023年工作要点"),
    (False, "发布日期：2023-02-20  信息来源：广州市教育局"),
    (False, "1.推进学前教育优质普惠发展。新增公办幼儿园学位1.2万个，公办园在园幼儿占比达到55%。"),
    (False, "2.加强知识产权教育。引导学生尊重版权，版权所有人的合法权益受到保护。"),
    (False, "3.做好网站首页改版和信息公开工作。"),
    (False, "广州市教育局"), (False, "2023年2月18日"),
    (True, "【打印本页】  【关闭窗口】"), (True, "扫一扫在手机打开当前页"),
    (True, "上一篇：关于做好2023年招生工作的通知"),
    (True, "主办单位：广州市教育局  技术支持：广州市信息中心"),
    (True, "版权所有 © 广州市教育局  粤ICP备12345678号  网站标识码：4401000001"),
]


def test_web_page_chrome_lines(marker):
    text, chrome = page(WEB_PAGE)
    got = marker.spans(text)
    assert all(r["reason"] == "boilerplate" for r in got)
    for s, e in chrome:
        assert covered(got, s, e), text[s:e]
    pos = 0
    for is_chrome, line in WEB_PAGE:
        if not is_chrome:
            assert not touched(got, pos, pos + len(line)), line
        pos += len(line) + 1


def test_chrome_tail_of_a_meta_line(marker):
    line = "发布时间：2023-05-06 来源：成都市教育局 【字体：大 中 小】 浏览量：123"
    text = "成都市教育局2023年工作总结\n" + line + "\n一是新建学校3所。\n"
    got = marker.spans(text)
    tail = text.index("【字体")
    assert [(r["start"], r["end"]) for r in got] == [(tail, text.index("123") + 3)]


def test_chrome_head_of_a_meta_line_a_disclaimer_and_a_nav_bar_of_single_wide_spaces(marker):
    """Three shapes of repost and county sites: a navigation bar whose items one ideographic
    space separates, a font-size switch that opens the date line (only it is chrome), and a
    disclaimer line written in sentences."""
    nav = "首页\u3000政务公开\u3000政务服务\u3000互动交流\u3000走进于都"
    meta = "【字体：大 中 小】\u3000发布时间：2024-01-09 16:32\u3000信息来源：县教科体局"
    note = "【免责声明】本文由网友投稿转载，仅供学习参考，不代表本站立场；如有侵权，请联系我们删除。"
    body = "\u3000\u3000一是新建学校3所，新增学位1800个。"
    text = "\n".join([nav, note, "", "某县教育局2023年工作总结", meta, "", body]) + "\n"
    got = marker.spans(text)
    assert covered(got, 0, len(nav))
    assert covered(got, text.index(note), text.index(note) + len(note))
    m = text.index(meta)
    assert covered(got, m, m + len("【字体：大 中 小】"))
    assert not touched(got, text.index("发布时间"), text.index("发布时间") + 4)
    assert not touched(got, text.index(body), len(text))
    # a line that only happens to contain single wide spaces is no navigation bar
    prose = "联系人：基础教育处\u3000电话：23309015\u3000地点：市教委三楼"
    assert not touched(marker.spans("某市教育局2024年工作要点\n" + prose + "\n" + body + "\n"), 14, 14 + len(prose))


def test_title_after_a_cover_letter_with_a_contact_line_is_kept(marker):
    """The running head of a PDF's later pages is the title on the page after the cover
    letter, whose date may be followed by a 联系人/电话 line."""
    title = "2024年某市教育工作要点"
    pages = ["各区教育局：现将要点印发给你们，请认真贯彻落实。", "某市教育委员会", "2024年2月23日",
             "（联系人：基础教育处\u3000电话：23309015）", "- 1 -", title, "",
             "\u3000\u30001．持续深化理论武装，举办专题培训班6期，", "- 2 -", title, "培训干部300人次。",
             "\u3000\u30002．推进学前教育普惠发展，新建幼儿园5所。", "- 3 -", title, "新增学位1800个。"]
    text = "\n".join(pages) + "\n"
    got = marker.spans(text)
    first = text.index(title)
    assert not touched(got, first, first + len(title))
    later = text.index(title, first + 1)
    assert covered(got, later, later + len(title))


@pytest.mark.parametrize("footer", ["- 3 -", "— 12 —", "－ 4 －", "第 3 页 共 12 页", "第2页", "3/12"])
def test_pdf_page_numbers(marker, footer):
    text = ("哈尔滨市教育局2022年工作计划\n　　1．推进学前教育，新建幼儿园5所，\n" + footer +
            "\n新增学位1800个。\n")
    got = marker.spans(text)
    s = text.index(footer)
    assert [(r["start"], r["end"]) for r in got] == [(s, s + len(footer))]


@pytest.mark.parametrize("line", [
    "昆明市教育局文件", "昆教〔2023〕15号", "一、总体要求", "序号 | 项目名称 | 总投资(万元)",
    "1 | 昆明市第三中学 | 1200", "（三）推进招生考试改革", "发布日期:2022-01-14 09:26    信息来源:某县教育局",
    "首页设计比赛获奖作品展示。", "阅读推广活动覆盖全市中小学。",
])
def test_report_lines_are_not_chrome(marker, line):
    assert marker.line_chrome(line, head=True) is None


def _body(n: int) -> list[str]:
    return [f"{i}.推进第{i}项重点工作，完成年度目标任务，新增学位{i * 100}个，覆盖学校{i * 3}所。"
            for i in range(1, n + 1)]


def test_second_copy_with_different_header_is_duplicate(marker):
    body = "\n\n".join(_body(8))
    first = "太原市教育局2023年工作要点\n\n发布日期：2023-03-01 11:40:03\n\n" + body
    second = "太原市教育局2023年工作要点\n\n发布日期: 2023-03-01  11:40 访问次数: 信息来源: 太原市教育局\n\n" + body
    text = "关怀版\n" + first + "\n\n\n" + second + "\n"
    got = [r for r in marker.spans(text) if r["reason"] == "duplicate"]
    start = text.index("太原市教育局2023年工作要点", len("关怀版\n") + 5)
    assert len(got) == 1
    assert iou(got[0], {"start": start, "end": len(text) - 1}) > 0.99
    # the first copy is untouched
    assert not touched(got, 0, len("关怀版\n") + len(first))


def test_copy_with_an_edited_line_stays_one_region(marker):
    lines = _body(10)
    edited = lines[:4] + ["4.推进第四项重点工作（有改动）。"] + lines[5:]
    text = "\n".join(lines) + "\n" + "\n".join(edited) + "\n"
    got = [r for r in marker.spans(text) if r["reason"] == "duplicate"]
    assert len(got) == 1 and got[0]["start"] == text.index(lines[0], 10)


def test_three_copies_with_a_line_repeated_in_every_item(marker):
    """A line repeated inside every item ("目标任务：完成。") must not start a false run that
    swallows the real start of the next copy."""
    one = "一、加强党的建设\n\n" + "".join(
        f"{i}.推进第{i}项工作。完成目标任务，新增学位{i}个。\n\n目标任务：完成。\n\n" for i in range(1, 30))
    text = one * 3
    got = [r for r in marker.spans(text) if r["reason"] == "duplicate"]
    assert [(r["start"], r["end"]) for r in got] == [(len(one), len(text) - 2)]


def test_repeated_short_lines_and_phrases_are_not_duplicates(marker):
    items = [f"{i}.推进第{i}项工作\n目标任务：完成第{i}项指标。\n工作措施：建立工作专班，定期通报进展。" for i in range(1, 9)]
    text = "\n".join(items) + "\n"
    assert not [r for r in marker.spans(text) if r["reason"] == "duplicate"]


def test_body_text_drops_chrome(marker):
    text, _ = page(WEB_PAGE)
    body = body_text(text, marker)
    assert "ICP" not in body and "当前" not in body and "新增公办幼儿园学位" in body


def _marked(text: str, regions) -> dict[int, str]:
    """Non-space character positions inside ``regions`` -> the region's reason."""
    return {k: r["reason"] for r in regions for k in range(r["start"], r["end"]) if not text[k].isspace()}


def test_gold_ignored_regions(gold_dir, marker):
    """What the annotation guide asks of ignored regions is that nothing in them yields an
    entity, target or task, so they are compared character by character (annotators differ on
    whether a page number and the running head under it are one region or two): at least 90%
    of every gold region is marked with its reason, and at least 90% of every marked region is
    gold chrome (no body text marked)."""
    from pipeline.normalise import normalise

    for gj in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(gj.read_text(encoding="utf-8"))
        text = gold["text"]
        view = normalise(text)
        pred = []
        for r in marker.spans(view.text, view.joins, view):      # as the chrome stage calls it
            s, e = view.to_text(r["start"], r["end"])
            pred.append({"start": s, "end": e, "reason": r["reason"]})
        marked, wanted = _marked(text, pred), _marked(text, gold["ignored"])
        for g in gold["ignored"]:
            chars = list(_marked(text, [g]))
            hit = sum(1 for k in chars if marked.get(k) == g["reason"])
            assert hit >= 0.9 * len(chars), (gj.name, g, text[g["start"]:g["end"]][:60])
        for r in pred:
            chars = list(_marked(text, [r]))
            inside = sum(1 for k in chars if k in wanted)
            assert inside >= 0.9 * len(chars), (gj.name, r, text[r["start"]:r["end"]][:60])


def test_footer_links_and_address(marker):
    text, chrome = page([
        (False, "西安市教育局2023年工作总结"),
        (False, "一是新建学校6所，新增学位5400个。"),
        (False, "二是招聘教师820名。"),
        (False, "西安市教育局"),
        (True, "联系我们 | 网站声明 | 网站地图"),
        (True, "地址：西安市某某路1号  邮编：710000  电话：029-12345678"),
        (True, "【大 中 小】"),
    ])
    got = marker.spans(text)
    for s, e in chrome:
        assert covered(got, s, e), text[s:e]
    assert not touched(got, 0, text.index("联系我们") - 1)


@pytest.mark.parametrize("line,chrome", [
    ("附件：2023年全省教育工作要点.pdf　【下载】", True),
    ("附件1：2024年重点项目清单.xlsx", True),
    ("工作计划全文.docx [点击下载]", True),
    ("兰州市教育局 网站首页 | 新闻中心 | 政务公开 | 互动交流", True),
    ("附件：2024年重点项目表", False),
    ("附件2：各县区目标任务分解表", False),
    ("兰州市教育局 2024年工作要点", False),
    ("推广 PDF 电子教材和数字资源，开展资源下载培训", False),
])
def test_download_links_and_logo_before_navigation(marker, line, chrome):
    assert (marker.line_chrome(line, head=True) is not None) is chrome, line


def test_hard_wrapped_page_head_glued_by_the_normaliser(marker):
    """A PDF-extracted page: the normaliser joins hard wraps, which glues the short head
    lines (logo + navigation, breadcrumb, download link) into one line; they are still
    chrome line by line, while the title and the date line below them are kept."""
    from conftest import bare_nlp
    from pipeline.api import make_doc

    head = ["西宁市教育局 网站首页 | 机构职能 | 政务公开 | 教育资讯 | 互动交流",
            "当前位置：首页 > 政务公开 > 规划计划 > 正文",
            "附件：2024年全市教育工作要点.pdf　【下载】"]
    body = ["西宁市教育局2024年工作要点",
            "发布日期：２０２４年３月１日　　来源：市教育局",
            "　　2023年，全市教育系统坚持稳中求进工作总基调，各项工作取得新成效，新建",
            "改扩建中小学幼儿园21所，新增学位１．２万个，学前三年毛入园率达到",
            "92.5%，高中阶段毛入学率达到95%以上，教育事业发展取得新进展。",
            "一、推进学前教育普及普惠",
            "　　１．扩大普惠性学前教育资源。新建改扩建公办幼儿园10所，新增公办学",
            "位3000个，公办园在园幼儿占比提高到60%以上，普惠性幼儿园覆盖率保",
            "持在90%以上，持续开展幼儿园保教质量评估和幼小科学衔接工作。",
            "　　２．提升保教质量。开展幼儿园保教质量评估，创建省级示范幼儿园５所，",
            "推进幼小科学衔接，坚决纠正幼儿园“小学化”倾向和不规范办园行为。"]
    text, chrome = page([(True, x) for x in head] + [(False, x) for x in body]
                        + [(True, "- 1 -"), (True, "【打印本页】　【关闭窗口】")])
    doc = marker(make_doc(bare_nlp(), text, "made-up.txt"))
    assert doc._.view.text.count("\n") < text.count("\n")      # wraps were joined
    got = [dict(zip(("start", "end"), doc._.view.to_text(r["start"], r["end"]))) for r in doc._.ignored]
    for s, e in chrome:
        assert covered(got, s, e), text[s:e]
    assert not touched(got, text.index(body[0]), text.index("- 1 -") - 1)
