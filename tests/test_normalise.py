"""The normalised view and its offset map back to the original text."""
import json

from pipeline.normalise import is_hard_wrapped, normalise, to_simplified


def test_traditional_to_simplified_keeps_length_and_positions():
    text = "麗水市教育局：學校個數達到１２０所，體質健康優良率５３．５％。"
    v = normalise(text)
    assert v.text == "丽水市教育局:学校个数达到120所,体质健康优良率53.5%。".replace(":", "：").replace(",", "，")
    assert len(v.text) == len(text)
    assert v.offsets == list(range(len(text)))


def test_fullwidth_digits_letters_and_percent_become_halfwidth():
    v = normalise("ＩＰｖ６网络覆盖率１００％，增长２～３个百分点")
    assert v.text == "IPv6网络覆盖率100%，增长2~3个百分点"


def test_to_simplified_never_changes_length():
    for s in ["乾隆年間的書", "著名學者於臺灣", "後來的髮型", "他們說話"]:
        assert len(to_simplified(s)) == len(s)


WRAPPED = (
    "舟山市定海区教育局2022年工作计划\n"
    "　　2021年，全区教育系统克服疫情影响，新增中小学幼儿园学位2160个，\n"
    "高考一段上线率达到46.8%，教育发展基础进一步夯实。2022年是实施\n"
    "“十四五”规划承上启下的关键之年。全区教育系统将在区委、区政府的坚强\n"
    "领导和市教育局的指导下，锚定办好人民满意的海岛教育这一目标，以教育共\n"
    "同富裕为主线，推动定海教育由基本均衡向优质均衡迈进。\n"
    "一、总体思路\n"
    "　　坚持以党的创新理论为指导，全面贯彻党的教育方针，落实立德树人根本\n"
    "任务，围绕“优质均衡、特色发展、数字赋能、安全稳定”的工作主线，着力\n"
    "补齐海岛和乡镇教育短板，着力提升城区教育品质，着力建设高素质教师队伍，\n"
    "加快构建与海上花园城市精品城区相匹配的高质量教育体系。\n"
    "1．加强党对教育工作的全面领导。全面落实中小学校党组织领导的校长\n"
    "负责制，年内实现全区３３所公办中小学全覆盖。\n"
)


def test_hard_wraps_are_joined_and_map_back_exactly():
    assert is_hard_wrapped(WRAPPED)
    v = normalise(WRAPPED)
    assert "教育共同富裕" in v.text
    assert "根本任务" in v.text
    # headings and list items keep their own lines
    assert "\n一、总体思路\n" in v.text
    assert "\n1.加强党对教育工作" in v.text
    # every view character maps to the same character (modulo width) in the original
    for i, ch in enumerate(v.text):
        orig = WRAPPED[v.offsets[i]]
        assert normalise(orig, join_wraps=False).text == ch
    # a view span across a joined wrap maps back to a span that contains the newline
    i = v.text.index("教育共同富裕")
    s, e = v.to_text(i, i + len("教育共同富裕"))
    assert WRAPPED[s:e] == "教育共\n同富裕"


def test_unwrapped_web_text_is_not_joined():
    text = "一、党建统领\n\n一是党史学习教育走深走实。局党委组建宣讲团9支。\n\n二是清廉学校建设提质扩面。\n" * 5
    assert not is_hard_wrapped(text)
    assert normalise(text).text == text


def test_gold_pdf_style_spans_survive_the_round_trip(gold_dir):
    gold = json.loads((gold_dir / "d03.gold.json").read_text(encoding="utf-8"))
    text = (gold_dir / "d03.txt").read_text(encoding="utf-8")
    v = normalise(text)
    crossing = [e for e in gold["entities"] + gold["targets"] if "\n" in e["text"]]
    assert crossing, "d03 should have spans across a line wrap"
    for e in crossing:
        vs, ve = v.to_view(e["start"]), v.to_view(e["end"] - 1) + 1
        assert "\n" not in v.text[vs:ve]
        assert v.to_text(vs, ve) == (e["start"], e["end"])


def test_joins_are_where_hard_wraps_were_joined():
    text = ("全市新增中小学幼儿园学位一万二千个以上，并且推进城乡\n义务教育优质均衡发展，完成薄弱学校改造三十所。\n"
            "二、加强教师队伍建设\n")
    view = normalise(text, join_wraps=True)
    assert view.text.count("\n") == text.count("\n") - 1
    assert len(view.joins) == 1
    j = view.joins[0]
    assert view.text[j] == "义" and view.offsets[j] == text.index("\n") + 1
    assert normalise(text, join_wraps=False).joins == []


def test_letter_spaced_pdf_lines_are_read_without_their_spaces():
    """PDF text set with a space between characters ("2 0 2 4 年 …") reads as words in the
    view; every view character still maps to its own character of the text."""
    text = "前言\n2 0 2 4 年 全 区 教 育 工 作 要 点\n7 . 新 建 公 办 幼 儿 园 1 0 0 所  合计  3 0 所\n"
    v = normalise(text, join_wraps=False)
    lines = v.text.split("\n")
    assert lines[1] == "2024年全区教育工作要点"
    assert lines[2] == "7.新建公办幼儿园100所  合计  30所"      # a column gap stays
    for k, ch in enumerate(v.text):
        assert text[v.offsets[k]] == ch or ch == "\n"
    s, e = v.to_text(v.text.index("100所"), v.text.index("100所") + 4)
    assert text[s:e] == "1 0 0 所"


def test_ordinary_spaced_text_is_left_alone():
    for line in ["IPv6 5G 网络 全覆盖 覆盖 率 达到 95%", "首页 | 机构概况 | 政务公开 | 教育动态", "A B 两 类"]:
        assert normalise(line, join_wraps=False).text == line
