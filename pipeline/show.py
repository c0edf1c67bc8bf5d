"""``zhpolicy show FILE --html OUT``: a displacy (manual mode) view of one processed report.

Entities are shown in the ORIGINAL text (the record's offsets), coloured by label, with the
linked ``kb_id`` / ``canonical`` as the tag's link; numeric targets are shown too where they
do not overlap an entity.  Ignored regions (site chrome, duplicate copies) are left plain.
"""
from __future__ import annotations

import html as _html
from pathlib import Path

COLORS = {
    "SCHOOL": "#7aecec", "REGION": "#feca74", "PROGRAMME": "#c887fb", "ORG": "#aa9cfc",
    "DOCUMENT": "#ddd6fe", "PERSON": "#ff9561", "TARGET": "#bfe1d9",
}


def record_to_displacy(record: dict, targets: bool = True) -> dict:
    """The manual-mode input for one record: text + non-overlapping spans, sorted."""
    spans = []
    for e in record.get("entities", []) or ():
        label = e["label"]
        kb, canon = e.get("kb_id"), e.get("canonical")
        text = record["text"][e["start"]:e["end"]]
        tag = {"start": e["start"], "end": e["end"], "label": label}
        if kb or (canon and canon != text):
            tag["kb_id"] = f"{kb or 'NIL'} {canon or ''}".strip()
            tag["kb_url"] = "#" + _html.escape(kb or canon or "")
        spans.append(tag)
    if targets:
        for t in record.get("targets", []) or ():
            spans.append({"start": t["start"], "end": t["end"], "label": "TARGET"})
    spans.sort(key=lambda s: (s["start"], -(s["end"] - s["start"]), s["label"] == "TARGET"))
    out, last = [], -1
    for s in spans:                   # displacy needs non-overlapping spans: entities first
        if s["start"] >= last and s["end"] > s["start"]:
            out.append(s)
            last = s["end"]
    title = (record.get("meta") or {}).get("title") or record.get("source")
    return {"text": record["text"], "ents": out, "title": title}


def render_record(record: dict, targets: bool = True, page: bool = True) -> str:
    from spacy import displacy
    data = record_to_displacy(record, targets)
    return displacy.render(data, style="ent", manual=True, page=page, jupyter=False,
                           options={"colors": COLORS})


def render_file(file: Path | str, html_out: Path | str, nlp=None, targets: bool = True,
                warnings: list[str] | None = None) -> Path:
    """Process FILE with the pipeline and write the entity view to HTML_OUT (a regular file,
    replaced whole: ``pipeline.outfiles.replace_file``).  Raises ReadError for FILE,
    OutputError for HTML_OUT; reader warnings go to ``warnings``."""
    from .api import load, record_of_text
    from .outfiles import check_target
    from .readers import read_file
    from .writers import atomic_write_text
    file, html_out = Path(file), Path(html_out)
    check_target(html_out)            # before the pipeline runs, not after
    text = read_file(file, warnings=warnings)
    nlp = nlp or load()
    record = record_of_text(nlp, text, str(file))
    atomic_write_text(html_out, render_record(record, targets))
    return html_out
