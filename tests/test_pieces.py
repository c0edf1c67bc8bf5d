"""Long documents in pieces (issue 16): any length, memory bounded, the same record shape.

Before pipeline.pieces, ``record_of_text`` ran a text of any length as one Doc: 1.2M characters
peaked at 664 MB, a 60 MB text passed 3.6 GB within 40 s, and ``nlp(text)`` refuses a text
over ``nlp.max_length`` (spaCy's E088)."""
from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from childproc import PEAK_MB

from pipeline import pieces
from pipeline.api import record_of_text
from pipeline.record import make_doc_id

ROOT = Path(__file__).resolve().parents[1]


def _varied_reports(n_chars: int, seed: int = 5) -> str:
    """Gold reports one after the other, each copy with other digits, up to ``n_chars``."""
    rng = random.Random(seed)
    temps = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "gold").glob("*.txt"))]
    out, size, i = [], 0, 0
    while size < n_chars:
        t = re.sub(r"[0-9]", lambda m: str(rng.randint(0, 9)), temps[i % len(temps)]) + "\n\n"
        out.append(t)
        size += len(t)
        i += 1
    return "".join(out)[:n_chars]


def test_spans_cover_the_text_and_cut_at_paragraphs_then_lines_then_anywhere():
    text = ("第一句。第二句，\n" * 30 + "\n") * 40
    sp = pieces.spans(text, 1000)
    assert sp[0][0] == 0 and sp[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(sp, sp[1:])) and all(0 < e - s <= 1000 for s, e in sp)
    assert all(text[e - 2:e] == "\n\n" for _, e in sp[:-1])          # at paragraph breaks
    lines = "一行文字，没有空行\n" * 500
    assert all(lines[e - 1] == "\n" for _, e in pieces.spans(lines, 1000)[:-1])
    one_line = "甲" * 2500                                               # nowhere to cut: at the size
    assert pieces.spans(one_line, 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]
    assert pieces.spans("短文", 1000) == [(0, 2)]


def test_merged_record_is_the_piece_records_shifted_and_renumbered(nlp):
    text = "".join(p.read_text(encoding="utf-8") + "\n\n" for p in
                   sorted((ROOT / "corpus" / "gold").glob("d0*.txt")))
    size = len(text) // 3 + 100
    spans = pieces.spans(text, size)
    assert len(spans) >= 3
    merged = record_of_text(nlp, text, "reports/long.txt", piece_chars=size)
    doc_id = make_doc_id("reports/long.txt", text)
    assert merged["doc_id"] == doc_id and merged["text"] is text
    ents, tgts, tasks, first_meta = [], [], [], None
    for s, e in spans:
        rec = record_of_text(nlp, text[s:e], "reports/long.txt", doc_id=doc_id, piece_chars=size)
        first_meta = first_meta or rec["meta"]
        ents += [{**x, "start": x["start"] + s, "end": x["end"] + s} for x in rec["entities"]]
        rename = {t["id"]: f"{doc_id}-t{len(tasks) + i}" for i, t in enumerate(rec["tasks"], 1)}
        tasks += [{**t, "id": rename[t["id"]], "start": t["start"] + s, "end": t["end"] + s}
                  for t in rec["tasks"]]
        tgts += [{**x, "start": x["start"] + s, "end": x["end"] + s,
                  "task_id": rename.get(x["task_id"])} for x in rec["targets"]]
    assert merged["entities"] == ents and merged["targets"] == tgts and merged["tasks"] == tasks
    assert merged["meta"]["title"] == first_meta["title"]
    ids = [t["id"] for t in merged["tasks"]]
    assert len(set(ids)) == len(ids) and {t["task_id"] for t in tgts} - {None} <= set(ids)
    for x in merged["entities"] + merged["targets"]:
        assert x["text"] == text[x["start"]:x["end"]]
    ign = merged["ignored"]
    assert all(a["end"] <= b["start"] for a, b in zip(ign, ign[1:]))


def test_ignored_regions_meeting_at_a_cut_become_one():
    m = pieces._Merged("页眉\n\n页眉\n", "d")
    m.add({"meta": {"title": "T", "publisher": None, "date": None}, "entities": [], "targets": [],
           "tasks": [], "ignored": [{"start": 0, "end": 2, "reason": "boilerplate"}]}, 0)
    m.add({"meta": {"title": "U", "publisher": None, "date": "2024-01-02"}, "entities": [],
           "targets": [], "tasks": [], "ignored": [{"start": 0, "end": 2, "reason": "boilerplate"}]}, 4)
    rec = m.record("x.txt")
    assert rec["ignored"] == [{"start": 0, "end": 6, "reason": "boilerplate"}]
    assert rec["meta"] == {"title": "T", "publisher": None, "date": "2024-01-02"}


def test_a_short_text_is_one_doc_as_before(nlp):
    from pipeline.api import make_doc, to_record

    text = (ROOT / "corpus" / "gold" / "d01.txt").read_text(encoding="utf-8")
    assert record_of_text(nlp, text, "d01.txt") == to_record(nlp(make_doc(nlp, text, "d01.txt")))


@pytest.mark.big
def test_over_a_million_characters_in_pieces_with_bounded_memory(nlp, tmp_path):
    """The real pipeline on 1.05M characters, in a child process (its own peak RSS): spaCy's
    nlp(text) refuses the text (E088); record_of_text makes one record of it, piece by piece
    (no piece over PIECE_CHARS), peak RSS under 500 MB (one Doc of it peaked at ~660 MB)."""
    text = _varied_reports(1_050_000)
    assert len(text) > nlp.max_length
    with pytest.raises(ValueError, match="E088"):
        nlp(text)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    code = PEAK_MB + textwrap.dedent(f"""
        import json
        from pipeline import api, pieces
        nlp = api.load()
        calls, real = [], api.make_doc
        def spy(nlp, t, *a, **k):
            calls.append(len(t))
            return real(nlp, t, *a, **k)
        api.make_doc = spy
        rec = api.record_of_file(nlp, {str(path)!r})
        text = rec["text"]
        bad = [x for k in ("entities", "targets") for x in rec[k]
               if not (0 <= x["start"] <= x["end"] <= len(text)) or x["text"] != text[x["start"]:x["end"]]]
        ids = [t["id"] for t in rec["tasks"]]
        print(json.dumps({{"calls": calls, "piece": pieces.PIECE_CHARS, "n": len(text),
                          "bad": len(bad), "unique_ids": len(set(ids)) == len(ids),
                          "entities": len(rec["entities"]), "tasks": len(ids),
                          "rss_mb": peak_mb()}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["n"] == len(text)
    assert len(got["calls"]) >= 5 and max(got["calls"]) <= got["piece"]
    assert got["bad"] == 0 and got["unique_ids"] and got["entities"] > 1000 and got["tasks"] > 50
    assert got["rss_mb"] < 500, got
