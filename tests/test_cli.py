"""The zhpolicy command line through typer's test runner: exit codes, outputs, help."""
import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()

REPORT = ("某某县教育局2023年工作要点\n\n"
          "一、推进学前教育普惠发展\n\n"
          "1.扩大普惠性资源。新建幼儿园3所，新增学位900个，普惠性幼儿园在园幼儿占比达到92%以上。\n\n"
          "2.提升保教质量。开展幼儿园保教质量评估，创建省二级幼儿园2所。\n")


@pytest.mark.parametrize("cmd", [[], ["run"], ["evaluate"], ["show"], ["train"], ["gazetteer"], ["report"],
                                 ["serve"], ["annotations"], ["annotations", "export"], ["annotations", "import"]])
def test_every_command_has_help(cmd):
    result = runner.invoke(app, cmd + ["--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_package_version_and_exits_zero(flag):
    import subprocess
    import sys

    import pipeline

    result = runner.invoke(app, [flag])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"zhpolicy {pipeline.__version__}"
    # as a program too, and before the arguments of the command after it are checked
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", flag, "run"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"zhpolicy {pipeline.__version__}", out.stderr


def test_run_writes_one_record_per_document_and_reports_failures(tmp_path):
    good = tmp_path / "in" / "a.txt"
    good.parent.mkdir()
    good.write_text(REPORT, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_bytes(b"")                 # empty
    (tmp_path / "in" / "c.txt").write_bytes(b"\x00\x01\x02\xff" * 50)   # binary
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["run", str(tmp_path / "in"), "-o", str(out)])
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["source"] for r in records] == [str(good)]
    assert records[0]["text"] == REPORT
    assert "b.txt" in result.output and "c.txt" in result.output


def test_run_all_good_exits_zero(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(REPORT, encoding="utf-8")
    result = runner.invoke(app, ["run", str(f), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.output


def test_run_missing_path_is_usage_error(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2
    assert "nope.txt" in result.output


def test_run_unknown_format_is_usage_error(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(REPORT, encoding="utf-8")
    result = runner.invoke(app, ["run", str(f), "--format", "xml"])
    assert result.exit_code == 2


def test_run_unsupported_file_named_directly_fails_with_its_name(tmp_path):
    f = tmp_path / "report.xls"
    f.write_bytes(b"PK\x03\x04junk")
    result = runner.invoke(app, ["run", str(f), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert "report.xls" in result.output and "unsupported" in result.output


def test_evaluate_pred_json_scores_gold_against_itself(tmp_path, gold_dir):
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as fh:
        for g in sorted(gold_dir.glob("*.gold.json")):
            fh.write(json.dumps(json.loads(g.read_text(encoding="utf-8")), ensure_ascii=False) + "\n")
    result = runner.invoke(app, ["evaluate", str(gold_dir), "--pred", str(pred), "--json"])
    assert result.exit_code == 0, result.output
    rep = json.loads(result.output)
    assert rep["entities"]["micro"]["strict"]["f1"] == 1.0
    assert rep["targets"]["f1"] == 1.0 and rep["tasks"]["f1"] == 1.0


def test_evaluate_missing_prediction_is_an_error(tmp_path, gold_dir):
    pred = tmp_path / "pred.jsonl"
    pred.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold_dir), "--pred", str(pred)])
    assert result.exit_code == 2
    assert "no prediction" in result.output


def test_evaluate_not_a_folder(tmp_path):
    result = runner.invoke(app, ["evaluate", str(tmp_path / "none")])
    assert result.exit_code == 2


def test_train_ner_is_the_recognizer_and_is_deterministic(tmp_path):
    """`zhpolicy train ner` retrains the recognizer only, and the same gold gives the same bytes
    (the full corpus reproducing models/ exactly is test_pipeline_config's)."""
    import shutil
    from typer.testing import CliRunner

    from pipeline import ROOT
    from pipeline.cli import app
    from pipeline.nlp import PIPELINE_MODELS

    gold = tmp_path / "gold"
    gold.mkdir()
    for name in ("d01", "e02"):
        for suffix in (".txt", ".gold.json"):
            shutil.copy(ROOT / "corpus" / "gold" / (name + suffix), gold)
    models = []
    for k in range(2):
        out = tmp_path / f"pipeline{k}"
        shutil.copytree(PIPELINE_MODELS, out)
        res = CliRunner().invoke(app, ["train", "ner", "--gold", str(gold), "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert "recognizer" in res.output and "themes" not in res.output
        assert (out / "linker" / "learnt.json").read_bytes() == (PIPELINE_MODELS / "linker" / "learnt.json").read_bytes()
        models.append((out / "recognizer" / "model.crfsuite").read_bytes())
    assert models[0] == models[1]
    assert models[0] != (PIPELINE_MODELS / "recognizer" / "model.crfsuite").read_bytes()   # 2 reports, not 46
    bad = CliRunner().invoke(app, ["train", "parser", "--out", str(tmp_path / "pipeline0")])
    assert bad.exit_code == 2 and "not a trained stage" in bad.output
