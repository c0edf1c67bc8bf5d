"""zhpolicy show: the displacy entity view in original-text offsets."""
from pipeline.show import record_to_displacy, render_file, render_record

RECORD = {
    "source": "x.txt", "meta": {"title": "成都市教育局2023年工作要点"},
    "text": "市教育局推动成都七中新增学位3000个。",
    "entities": [
        {"start": 0, "end": 4, "label": "ORG", "kb_id": None, "canonical": "成都市教育局"},
        {"start": 6, "end": 10, "label": "SCHOOL", "kb_id": "sch-1", "canonical": "成都市第七中学"},
        {"start": 6, "end": 8, "label": "REGION", "kb_id": "510100", "canonical": "成都市"},  # nested: dropped
    ],
    "targets": [{"start": 14, "end": 19, "value": 3000, "unit": "个"},
                {"start": 8, "end": 11, "value": 7, "unit": "个"}],                          # overlaps: dropped
}


def test_spans_are_sorted_non_overlapping_entities_first():
    data = record_to_displacy(RECORD)
    spans = [(s["start"], s["end"], s["label"]) for s in data["ents"]]
    assert spans == [(0, 4, "ORG"), (6, 10, "SCHOOL"), (14, 19, "TARGET")]
    assert data["title"] == "成都市教育局2023年工作要点"
    assert data["ents"][0]["kb_id"] == "NIL 成都市教育局"
    assert record_to_displacy(RECORD, targets=False)["ents"][-1]["label"] == "SCHOOL"


def test_render_record_shows_text_labels_and_links():
    html = render_record(RECORD)
    assert "<html" in html.lower()
    assert "成都七中" in html and "SCHOOL" in html and "成都市第七中学" in html
    assert html.count("<mark") == 3


def test_render_file_uses_original_text(nlp, tmp_path):
    src = tmp_path / "r.txt"
    src.write_text("湖南省長沙市教育局2023年工作要點\n\n一、長沙市新增學位3000個。", encoding="utf-8")
    out = render_file(src, tmp_path / "out" / "r.html", nlp=nlp)
    html = out.read_text(encoding="utf-8")
    assert "長沙市" in html                      # original (traditional) text, not the view
    assert "长沙市新增" not in html
