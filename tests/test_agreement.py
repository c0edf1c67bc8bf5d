"""corpus/agreement.py: a second annotation scored against the first with the project's scorer."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "corpus" / "agreement.py"
ANN = ROOT / "corpus" / "markup" / "d01.ann"


def _run(folder: Path) -> tuple[int, dict | None, str]:
    p = subprocess.run([sys.executable, str(SCRIPT), str(folder)], capture_output=True, text=True, encoding="utf-8")
    return p.returncode, (json.loads(p.stdout) if p.returncode == 0 else None), p.stderr


def test_an_annotation_agrees_with_itself_and_a_dropped_entity_is_seen(tmp_path):
    same, edited = tmp_path / "same", tmp_path / "edited"
    same.mkdir(), edited.mkdir()
    src = ANN.read_text(encoding="utf-8")
    (same / ANN.name).write_text(src, encoding="utf-8")
    rc, out, err = _run(same)
    assert rc == 0, err
    assert out["reports"] == 1 and out["entities_micro_lenient_f1"] == 1.0 and out["targets_f1"] == 1.0
    # drop the markup of the first SCHOOL (keep its text): the second annotator missed it
    m = re.search(r"\[\[SCHOOL\|([^\]|]+)[^\]]*\]\]", src)
    assert m, "d01.ann has a SCHOOL"
    (edited / ANN.name).write_text(src[:m.start()] + m.group(1) + src[m.end():], encoding="utf-8")
    rc, out, err = _run(edited)
    assert rc == 0, err
    assert out["entities_micro_lenient_f1"] < 1.0 and out["per_label_lenient_f1"]["SCHOOL"] < 1.0
    assert out["targets_f1"] == 1.0


def test_a_missing_folder_is_a_clear_error(tmp_path):
    rc, _, err = _run(tmp_path / "nope")
    assert rc == 2 and "nope" in err
