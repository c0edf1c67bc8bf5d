"""``zhpolicy report PRED.jsonl -o report.html``: one self-contained, offline HTML page about
a corpus of records.

The page embeds plotly.js (``plotly.offline.get_plotlyjs()``) inline and references no remote
resource: no ``<script src>``, stylesheet or font from the network.  It shows, for the corpus:
entity counts per label, the primary themes of the tasks, targets by unit (stacked by kind),
the most frequent schools, regions and programmes (by canonical name, the mention's text
where there is none), and a table of every report (title, publisher, date, counts) linking
to its highlighted view.  The views are the displacy entity view of ``pipeline.show``, built
from the records (the pipeline is not run again), written to ``<OUT stem>_files/<doc_id>.html``.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

LABELS = ("SCHOOL", "REGION", "PROGRAMME", "ORG", "DOCUMENT", "PERSON")
TOP = 15
KIND_NAMES = {"target": "target (goal)", "actual": "actual (result)", None: "no kind"}


class ReportError(ValueError):
    """Records that make no report (two views would share a file); ``str()`` is one line."""


def theme_names() -> dict[str, str]:
    from .settings import read_config

    return {code: t.get("name", code) for code, t in read_config(None, "themes.yaml", "themes").items()}


def summarise(records: list[dict]) -> dict:
    """The corpus figures the page draws: plain counts, also useful on their own."""
    labels = Counter(e["label"] for r in records for e in r.get("entities") or ())
    themes = Counter((t.get("themes") or [None])[0] for r in records for t in r.get("tasks") or ())
    units = Counter(t.get("unit") for r in records for t in r.get("targets") or ())
    by_unit_kind = Counter((t.get("unit"), t.get("kind")) for r in records for t in r.get("targets") or ())
    kinds = Counter(t.get("kind") for r in records for t in r.get("targets") or ())
    top = {}
    for label in ("SCHOOL", "REGION", "PROGRAMME"):
        top[label] = Counter(e.get("canonical") or e.get("text") or "" for r in records
                             for e in r.get("entities") or () if e["label"] == label).most_common(TOP)
    return {"documents": len(records), "labels": labels, "themes": themes, "units": units,
            "by_unit_kind": by_unit_kind, "kinds": kinds, "top": top}


def view_name(doc_id: str) -> str:
    """A file name for a record's view: the doc_id with path-unsafe characters replaced."""
    return re.sub(r"[^\w.-]", "_", doc_id).lstrip(".") + ".html"


def _figures(s: dict) -> list[tuple[str, str, object]]:
    import plotly.graph_objects as go

    names = theme_names()
    figs = []
    labels = [lab for lab in LABELS if s["labels"][lab]] + sorted(set(s["labels"]) - set(LABELS))
    figs.append(("entities", "Entities per label",
                 go.Figure(go.Bar(x=labels, y=[s["labels"][lab] for lab in labels], marker_color="#4c78a8"))))
    themes = [code for code, _ in s["themes"].most_common()]
    figs.append(("themes", "Primary theme of each task",
                 go.Figure(go.Bar(x=[s["themes"][c] for c in themes][::-1], orientation="h",
                                  y=[f"{c} {names.get(c, '')}".strip() if c else "(none)" for c in themes][::-1],
                                  marker_color="#72b7b2"))))
    units = [u for u, _ in s["units"].most_common(TOP)]
    fig = go.Figure()
    for kind in sorted(s["kinds"], key=lambda k: (k is None, str(k))):
        fig.add_bar(name=f"{KIND_NAMES.get(kind, kind)}: {s['kinds'][kind]}",
                    x=[u or "(no unit)" for u in units], y=[s["by_unit_kind"][(u, kind)] for u in units])
    fig.update_layout(barmode="stack", legend_title_text="kind (targets)")
    figs.append(("targets", f"Targets by unit (the {len(units)} commonest) and kind", fig))
    for label, colour in (("SCHOOL", "#54a24b"), ("REGION", "#f58518"), ("PROGRAMME", "#b279a2")):
        top = s["top"][label][::-1]
        figs.append((label.lower(), f"Top {label.lower()}s (canonical name)",
                     go.Figure(go.Bar(x=[n for _, n in top], y=[name for name, _ in top], orientation="h",
                                      marker_color=colour))))
    for _, title, fig in figs:
        fig.update_layout(title=title, template="plotly_white", height=420,
                          margin={"l": 10, "r": 10, "t": 50, "b": 40})
        fig.update_yaxes(automargin=True)
    return figs


_CSS = """
body { font-family: -apple-system, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       margin: 2rem; color: #222; }
h1 { font-size: 1.6rem; } .summary { color: #555; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(620px, 1fr)); gap: 1rem; }
.chart { border: 1px solid #ddd; border-radius: 6px; padding: .5rem; min-height: 420px; }
table { border-collapse: collapse; margin-top: 1rem; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; }
td.n, th.n { text-align: right; } tr:hover { background: #f5f7fa; }
"""


def _table(records: list[dict], files_dir: str) -> str:
    rows = []
    for k, r in enumerate(records, 1):
        meta = r.get("meta") or {}
        title = meta.get("title") or r.get("source") or r["doc_id"]
        href = f"{quote(files_dir)}/{quote(view_name(r['doc_id']))}"
        dup = f" (duplicate of {html.escape(r['duplicate_of'])})" if r.get("duplicate_of") else ""
        rows.append(
            f"<tr><td class='n'>{k}</td><td><a href='{href}'>{html.escape(title)}</a>{dup}</td>"
            f"<td><code>{html.escape(r['doc_id'])}</code></td>"
            f"<td>{html.escape(meta.get('publisher') or '')}</td><td>{html.escape(meta.get('date') or '')}</td>"
            f"<td class='n'>{len(r.get('entities') or ())}</td><td class='n'>{len(r.get('targets') or ())}</td>"
            f"<td class='n'>{len(r.get('tasks') or ())}</td><td>{html.escape(r.get('source') or '')}</td></tr>")
    head = ("<tr><th class='n'>#</th><th>title</th><th>doc_id</th><th>publisher</th><th>date</th>"
            "<th class='n'>entities</th><th class='n'>targets</th><th class='n'>tasks</th><th>source</th></tr>")
    return f"<table id='reports'><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def render_report(records: list[dict], files_dir: str, title: str) -> str:
    """The page's HTML; ``files_dir`` is the views' folder relative to the page."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    s = summarise(records)
    charts = []
    config = {"displaylogo": False, "responsive": True}
    for key, _, fig in _figures(s):
        div = pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=f"chart-{key}",
                          config=config)
        charts.append(f"<div class='chart' data-chart='{key}'>{div}</div>")
    n_ent = sum(s["labels"].values())
    n_tgt = sum(s["units"].values())
    n_task = sum(s["themes"].values())
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="summary">{s['documents']} reports · {n_ent} entities · {n_tgt} targets · {n_task} tasks</p>
<div class="charts">
{''.join(charts)}
</div>
<h2>Reports</h2>
{_table(records, files_dir)}
</body>
</html>
"""


def _view(record: dict, back: str) -> str:
    from .show import render_record

    page = render_record(record)
    meta = record.get("meta") or {}
    head = (f"<p><a href='{quote(back)}'>&larr; corpus report</a> · <code>{html.escape(record['doc_id'])}</code>"
            f" · {html.escape(meta.get('publisher') or '')} {html.escape(meta.get('date') or '')}"
            f" · {html.escape(record.get('source') or '')}</p>")          # displacy shows the title
    page = page.replace("<title>displaCy</title>", f"<title>{html.escape(record['doc_id'])}</title>", 1)
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + head, page, count=1)


def write_report(records: list[dict], out: Path | str, title: str | None = None) -> Path:
    """Write the page to ``out`` and every record's view to ``<out stem>_files/``."""
    out = Path(out)
    files = out.with_name(out.stem + "_files")
    files.mkdir(parents=True, exist_ok=True)
    names = Counter(view_name(r["doc_id"]) for r in records)
    clash = [n for n, c in names.items() if c > 1]
    if clash:
        raise ReportError(f"two records share the doc_id behind {clash[0]}")
    for r in records:
        (files / view_name(r["doc_id"])).write_text(_view(r, f"../{out.name}"), encoding="utf-8")
    out.write_text(render_report(records, files.name, title or f"zhpolicy report: {len(records)} reports"),
                   encoding="utf-8")
    return out
