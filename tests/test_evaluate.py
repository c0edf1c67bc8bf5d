"""The scorer of ANNOTATION.md section 6, on small hand-made gold/prediction pairs."""
import copy
import json

import pytest

from pipeline.evaluate import Tally, evaluate, iou, match, theme_scores


def ent(s, e, label, kb_id=None, canonical=None):
    return {"start": s, "end": e, "label": label, "kb_id": kb_id, "canonical": canonical}


def tgt(s, e, value, unit, cmp="=", kind="target", ind="新增学位"):
    return {"start": s, "end": e, "value": value, "value_high": None, "unit": unit,
            "comparator": cmp, "kind": kind, "indicator": ind}


GOLD = {
    "doc_id": "g", "text": "x" * 200,
    "entities": [ent(0, 6, "ORG", None, "丽水市教育局"), ent(10, 12, "REGION", "331127", "景宁畲族自治县"),
                 ent(20, 30, "SCHOOL", "S1", "丽水职业高级中学"), ent(40, 50, "PROGRAMME")],
    "targets": [tgt(60, 65, 32000.0, "个", ">="), tgt(70, 73, 99.0, "%", "=", "actual", "学前三年入园率")],
    "tasks": [{"id": "t1", "start": 0, "end": 100, "themes": ["PARTY"]},
              {"id": "t2", "start": 100, "end": 200, "themes": ["PRESCHOOL", "RESOURCES"]}],
}


def test_perfect_prediction_scores_one():
    t = Tally()
    t.add(GOLD, copy.deepcopy(GOLD))
    r = t.report()
    assert r["entities"]["micro"]["strict"]["f1"] == 1.0
    assert r["targets"]["f1"] == 1.0 and r["targets"]["indicator_acc"] == 1.0
    assert r["linking"]["region"] == 1.0 and r["linking"]["school"] == 1.0
    assert r["tasks"]["f1"] == 1.0 and r["themes"]["accuracy"] == 1.0


def test_lenient_counts_half_overlap_but_strict_does_not():
    pred = copy.deepcopy(GOLD)
    pred["entities"][2] = ent(20, 28, "SCHOOL", "S1", "丽水职业高级中学")   # IoU 0.8
    pred["entities"][3] = ent(45, 60, "PROGRAMME")                        # IoU 5/20 = 0.25
    t = Tally()
    t.add(GOLD, pred)
    school = t.report()["entities"]["per_label"]["SCHOOL"]
    prog = t.report()["entities"]["per_label"]["PROGRAMME"]
    assert school["strict"]["f1"] == 0.0 and school["lenient"]["f1"] == 1.0
    assert prog["lenient"]["tp"] == 0


def test_wrong_label_is_a_miss_and_a_false_alarm():
    pred = copy.deepcopy(GOLD)
    pred["entities"][0]["label"] = "SCHOOL"
    t = Tally()
    t.add(GOLD, pred, keep_errors=True)
    r = t.report()
    assert r["entities"]["per_label"]["ORG"]["lenient"]["recall"] == 0.0
    assert r["entities"]["per_label"]["SCHOOL"]["lenient"]["precision"] == 0.5
    kinds = {e["kind"] for e in t.errors}
    assert {"miss ORG", "false SCHOOL"} <= kinds


def test_target_needs_equal_value_and_unit():
    pred = copy.deepcopy(GOLD)
    pred["targets"][0]["value"] = 3.2      # 3.2万 not multiplied out
    pred["targets"][1]["unit"] = "个"
    t = Tally()
    t.add(GOLD, pred)
    assert t.report()["targets"]["tp"] == 0


def test_target_attributes_scored_on_matched_pairs_only():
    pred = copy.deepcopy(GOLD)
    pred["targets"][0]["comparator"] = "="
    pred["targets"][1]["indicator"] = "入园率"    # similarity < 0.8
    pred["targets"].append(tgt(150, 152, 5.0, "所"))  # false alarm
    t = Tally()
    t.add(GOLD, pred)
    r = t.report()["targets"]
    assert r["tp"] == 2 and r["pred"] == 3
    assert r["comparator_acc"] == 0.5 and r["kind_acc"] == 1.0 and r["indicator_acc"] == 0.5


def test_linking_accuracy_on_matched_mentions():
    pred = copy.deepcopy(GOLD)
    pred["entities"][1]["kb_id"] = "331100"
    pred["entities"][0]["canonical"] = "市教育局"
    t = Tally()
    t.add(GOLD, pred)
    r = t.report()["linking"]
    assert r["region"] == 0.0 and r["org"] == 0.0 and r["school"] == 1.0


def test_task_match_needs_iou_half_and_primary_theme():
    pred = copy.deepcopy(GOLD)
    pred["tasks"] = [{"id": "a", "start": 0, "end": 40, "themes": ["PARTY"]},          # IoU 0.4
                     {"id": "b", "start": 110, "end": 200, "themes": ["RESOURCES", "PRESCHOOL"]}]
    t = Tally()
    t.add(GOLD, pred)
    r = t.report()
    assert r["tasks"]["tp"] == 1
    assert r["themes"]["accuracy"] == 0.0


def test_matching_is_one_to_one():
    gold = [{"start": 0, "end": 10}]
    pred = [{"start": 0, "end": 10}, {"start": 1, "end": 10}]
    assert match(gold, pred, lambda a, b: iou(a, b) >= 0.5) == [(0, 0)]


def test_theme_macro_f1():
    r = theme_scores([("A", "A"), ("A", "B"), ("B", "B")])
    assert r["accuracy"] == pytest.approx(2 / 3)
    assert r["macro_f1"] == pytest.approx((2 / 3 + 2 / 3) / 2)


def test_evaluate_pred_file_against_gold_dir(tmp_path, gold_dir):
    gold = json.loads((gold_dir / "d01.gold.json").read_text(encoding="utf-8"))
    (tmp_path / "d01.txt").write_text(gold["text"], encoding="utf-8")
    (tmp_path / "d01.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    pred = copy.deepcopy(gold)
    pred["source"] = "somewhere/d01.txt"
    pred["targets"] = pred["targets"][: len(pred["targets"]) // 2]
    pf = tmp_path / "pred.jsonl"
    pf.write_text(json.dumps(pred, ensure_ascii=False) + "\n", encoding="utf-8")
    rep = evaluate(tmp_path, pf)
    assert rep["entities"]["micro"]["strict"]["f1"] == 1.0
    assert rep["targets"]["precision"] == 1.0
    assert rep["targets"]["recall"] == pytest.approx(len(pred["targets"]) / len(gold["targets"]))
