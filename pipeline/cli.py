"""The ``zhpolicy`` command line (typer).

Exit codes: 0 all went well; 1 some document failed (each failure is one line on stderr
naming the file and the problem); 2 wrong usage, or an input or output that cannot be used at
all (a missing path; an output that is a folder, a device, not writable, full, or in use by
another run): one line naming the path and the cause; 128 + N stopped by signal N (130 Ctrl-C,
143 SIGTERM), after the outputs were closed (a re-run resumes).  No traceback is shown for any
of these; a warning (a file read with damaged bytes) is one line too and changes no exit code.
``show`` follows ``run``: an unreadable or unprocessable report is 1, a missing file or an
unusable HTML output 2.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Structured data from Chinese education-bureau reports.")
err_console = Console(stderr=True)
console = Console()


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"zhpolicy {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
):
    """Structured data from Chinese education-bureau reports."""


def _error(msg: str, label: str = "error") -> None:
    """One unwrapped line on stderr (file names must stay greppable)."""
    err_console.print(f"[red]{label}:[/red] ", end="")
    err_console.print(msg, soft_wrap=True, highlight=False, markup=False)


class OutFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


@app.command()
def run(
    paths: List[Path] = typer.Argument(..., help="Files or folders (recursive: .txt .html .htm .docx .pdf)."),
    out: Path = typer.Option(Path("out/records.jsonl"), "-o", "--out", help="Output file (jsonl, csv) or folder (parquet)."),
    fmt: OutFormat = typer.Option(OutFormat.jsonl, "--format", "-f", help="Output format."),
    jobs: int = typer.Option(1, "-j", "--jobs", min=1, help="Worker processes on this machine."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, or 'local' for a LocalCluster."),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="Skip documents already in OUT (by content hash)."),
):
    """Run the pipeline over PATHS and write one record per document (-o - : JSONL on stdout)."""
    from .batch import run_batch

    for p in paths:
        if not p.exists():
            _error(f"{p}: no such file or folder")
            raise typer.Exit(2)
    result = _guarded(lambda: run_batch(
        paths, out, fmt.value, jobs=jobs, scheduler=scheduler, resume=resume,
        on_error=lambda msg: _error(msg, "failed"), on_warning=lambda msg: _error(msg, "warning"),
        progress=sys.stderr.isatty()), out)
    table = Table(title=f"zhpolicy run -> {out}", show_header=False)
    for key, value in (("documents", result.records), ("skipped (already done)", result.skipped),
                       ("tasks", result.tasks), ("entities", result.entities),
                       ("targets", result.targets), ("failures", len(result.failures))):
        table.add_row(key, str(value))
    (err_console if str(out) == "-" else console).print(table)   # stdout may be the records
    raise typer.Exit(1 if result.failures else 0)


def _guarded(work, out):
    """``work()``, with an unusable output (OutputError) as one line and exit 2, and a signal
    or Ctrl-C as one line and exit 128 + signal (the batch has closed its outputs)."""
    import signal

    from .outfiles import OutputError
    from .procs import Interrupted, stop_on_signals

    try:
        with stop_on_signals():
            return work()
    except OutputError as err:
        hint = "; use -o - for JSONL on standard output" if "(a folder)" not in str(err) and \
            "not a regular file" in str(err) else ""
        _error(str(err) + hint)
        raise typer.Exit(2)
    except (Interrupted, KeyboardInterrupt) as err:
        signum = getattr(err, "signum", signal.SIGINT)
        _error(f"{out}: stopped by {signal.Signals(signum).name}; what was written is kept, "
               f"run again to resume", "interrupted")
        raise typer.Exit(128 + signum)


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def _print_report(rep: dict) -> None:
    ents = rep["entities"]
    loo = {"document": ", leave one document out", "province": ", leave one province out"}.get(rep["leave_one_out"], "")
    t = Table(title=f"Entities ({rep['documents']} documents{loo})")
    for col in ("label", "strict P", "strict R", "strict F1", "lenient P", "lenient R", "lenient F1", "gold", "pred"):
        t.add_column(col, justify="right" if col != "label" else "left")
    rows = list(ents["per_label"].items()) + [("micro", ents["micro"])]
    for label, s in rows:
        st, le = s["strict"], s["lenient"]
        t.add_row(label, *(_fmt(v) for v in (st["precision"], st["recall"], st["f1"],
                                             le["precision"], le["recall"], le["f1"])),
                  str(le["gold"]), str(le["pred"]))
    core = ents["core_lenient"]
    t.add_row("core (lenient)", "", "", "", _fmt(core["precision"]), _fmt(core["recall"]),
              _fmt(core["f1"]), str(core["gold"]), str(core["pred"]))
    console.print(t)
    o = Table(title="Targets, linking, tasks, themes", show_header=True)
    o.add_column("measure")
    o.add_column("value", justify="right")
    tg = rep["targets"]
    for k in ("precision", "recall", "f1", "comparator_acc", "kind_acc", "indicator_acc"):
        o.add_row(f"targets {k}", _fmt(tg[k]))
    for k in ("region", "school", "org"):
        o.add_row(f"linking {k} ({rep['linking']['counts'][k]} matched)", _fmt(rep["linking"][k]))
    for k in ("precision", "recall", "f1"):
        o.add_row(f"tasks {k}", _fmt(rep["tasks"][k]))
    o.add_row("themes primary accuracy", _fmt(rep["themes"]["accuracy"]))
    o.add_row("themes macro-F1", _fmt(rep["themes"]["macro_f1"]))
    if "themes_baseline" in rep:
        o.add_row("themes keyword baseline accuracy", _fmt(rep["themes_baseline"]["accuracy"]))
        o.add_row("themes keyword baseline macro-F1", _fmt(rep["themes_baseline"]["macro_f1"]))
    console.print(o)
    if rep.get("per_document"):
        d = Table(title="Per document")
        cols = ("core_lenient_f1", "micro_lenient_f1", "target_f1", "task_f1", "theme_acc")
        d.add_column("document")
        for c in cols:
            d.add_column(c, justify="right")
        for name, s in rep["per_document"].items():
            d.add_row(name, *(_fmt(s[c]) for c in cols))
        console.print(d)


@app.command()
def evaluate(
    gold_dir: Path = typer.Argument(..., help="Folder of NAME.txt + NAME.gold.json pairs."),
    pred: Optional[Path] = typer.Option(None, "--pred", help="Score these JSONL records instead of running the pipeline."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    errors: bool = typer.Option(False, "--errors", help="List misses and false alarms with their context."),
    leave_one_out: bool = typer.Option(False, "--leave-one-out", help="Refit the learned parts without each document before scoring it."),
    leave_province_out: bool = typer.Option(False, "--leave-province-out", help="Refit the learned parts without every report of the document's province (manifest.tsv) before scoring it."),
):
    """Score the pipeline against gold annotations (ANNOTATION.md section 6)."""
    from .evaluate import evaluate as run_eval

    if not gold_dir.is_dir():
        _error(f"{gold_dir}: not a folder")
        raise typer.Exit(2)
    try:
        rep = run_eval(gold_dir, pred, leave_one_out=leave_one_out or leave_province_out,
                       leave_out="province" if leave_province_out else "document", keep_errors=errors,
                       progress=(lambda name: err_console.print(f"scoring {name}", highlight=False))
                       if sys.stderr.isatty() else None)
    except (FileNotFoundError, KeyError, json.JSONDecodeError) as err:
        _error(str(err.args[0]) if isinstance(err, KeyError) else str(err))
        raise typer.Exit(2)
    if as_json:
        print(json.dumps(rep, ensure_ascii=False, indent=1))
        return
    _print_report(rep)
    if errors:
        for e in rep["errors"]:
            console.print(f"{e['doc']}\t{e['kind']}\t{e['context']}\t{e['note']}", highlight=False, markup=False)


_STAGE_ALIASES = {"ner": "recognizer"}     # the name spaCy users look for


@app.command()
def train(
    stages: Optional[List[str]] = typer.Argument(None, help="Stages to retrain (default: every trained stage): recognizer (alias: ner), linker, themes."),
    gold_dir: Path = typer.Option(Path("corpus/gold"), "--gold", help="Gold folder to train on."),
    out: Optional[Path] = typer.Option(None, "--out", help="Where to save the learned state (default models/pipeline)."),
):
    """Fit the learned stages on gold (spaCy's initialize) and save them with to_disk.

    The result is what the pipeline loads: nothing is learned at load time.  The same gold
    gives the same files."""
    from .nlp import PIPELINE_MODELS, learned_components, load_gold_records, load_pipeline, save
    from .nlp import train as fit

    if not gold_dir.is_dir():
        _error(f"{gold_dir}: not a folder")
        raise typer.Exit(2)
    records = load_gold_records(gold_dir)
    if not records:
        _error(f"{gold_dir}: no *.gold.json files")
        raise typer.Exit(2)
    stages = [_STAGE_ALIASES.get(s, s) for s in stages or ()]
    out = out or PIPELINE_MODELS
    partial = bool(stages) and (out / "meta.json").is_file()
    nlp = load_pipeline(models=out if partial else None)
    unknown = [s for s in stages or () if s not in learned_components(nlp)]
    if unknown:
        _error(f"not a trained stage: {', '.join(unknown)}; trained stages: {', '.join(learned_components(nlp))}")
        raise typer.Exit(2)
    fit(nlp, records, stages if partial else None)
    save(nlp, out)
    console.print(f"saved {out}: {', '.join(stages if partial else learned_components(nlp))} "
                  f"trained on {len(records)} gold documents from {gold_dir}")


@app.command()
def show(
    file: Path = typer.Argument(..., help="A report file."),
    html: Path = typer.Option(..., "--html", help="Where to write the displacy entity view."),
):
    """Render a report's entities (and targets) with displacy to an HTML file."""
    from .outfiles import OutputError
    from .readers import ReadError
    from .show import render_file

    if not file.exists():
        _error(f"{file}: no such file")
        raise typer.Exit(2)
    warnings: list[str] = []
    try:
        render_file(file, html, warnings=warnings)
    except OutputError as err:
        _error(str(err))
        raise typer.Exit(2)
    except ReadError as err:
        _error(str(err), "failed")
        raise typer.Exit(1)
    except Exception as err:  # a pipeline bug on this report: one line, as run reports it
        _error(f"{file}: pipeline failed: {type(err).__name__}: {err}", "failed")
        raise typer.Exit(1)
    finally:
        for w in warnings:
            _error(w, "warning")
    console.print(f"wrote {html}")


@app.command()
def report(
    pred: Path = typer.Argument(..., help="Records (JSONL), as zhpolicy run writes them."),
    out: Path = typer.Option(Path("report.html"), "-o", "--out", help="The HTML page; the reports' views go to OUT_STEM_files/ beside it."),
    title: Optional[str] = typer.Option(None, "--title", help="The page's title (default: the number of reports)."),
):
    """Write one offline HTML page about a corpus of records: charts of entities, themes,
    targets and the commonest names, and a table linking to each report's highlighted view."""
    from .record import RecordFileError, read_records
    from .report import ReportError, write_report

    try:
        records = read_records(pred)
        write_report(records, out, title)
    except (RecordFileError, ReportError) as err:
        _error(str(err))
        raise typer.Exit(2)
    console.print(f"wrote {out} ({len(records)} reports; views in {out.with_name(out.stem + '_files')}/)",
                  highlight=False)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    max_bytes: int = typer.Option(10 * 2**20, "--max-bytes", min=1, help="Largest request body in bytes (413 above)."),
    timeout: float = typer.Option(60.0, "--timeout", min=0.001, help="Seconds per request before 504."),
    threads: int = typer.Option(4, "--threads", min=1, help="Worker threads that run the pipeline."),
):
    """Serve the pipeline over HTTP: POST /v1/records (JSON text) and /v1/records/file
    (upload), GET /health; API docs at /docs.  The pipeline is loaded once, at startup."""
    import socket

    import uvicorn

    from .service import create_app

    try:                         # a taken port is a usage error, said in one line
        with socket.create_server((host, port)):
            pass
    except OSError as err:
        _error(f"{host}:{port}: cannot listen: {err.strerror or err}")
        raise typer.Exit(2)
    uvicorn.run(create_app(max_bytes=max_bytes, timeout=timeout, threads=threads),
                host=host, port=port, log_level="info")


class AnnotationFormat(str, Enum):
    label_studio = "label-studio"
    doccano = "doccano"


annotations_app = typer.Typer(add_completion=False, no_args_is_help=True,
                              help="Export records to annotation tools and import gold back (Label Studio, doccano).")


@annotations_app.command("export")
def annotations_export(
    source: Path = typer.Argument(..., help="A gold folder (NAME.txt + NAME.gold.json: exported as annotations) or records (PRED.jsonl: exported as predictions, for pre-annotation)."),
    fmt: AnnotationFormat = typer.Option(..., "--format", "-f", help="label-studio (tasks JSON + labeling config FILE.xml) or doccano (sequence-labelling JSONL)."),
    out: Path = typer.Option(..., "-o", "--out", help="The file to write."),
):
    """Write gold or pipeline records in an annotation tool's import format."""
    from .annotations import AnnotationError, export

    try:
        n, files = export(source, fmt.value, out)
    except AnnotationError as err:
        _error(str(err))
        raise typer.Exit(2)
    console.print(f"wrote {', '.join(map(str, files))} ({n} documents)", highlight=False, soft_wrap=True)


@annotations_app.command("import")
def annotations_import(
    file: Path = typer.Argument(..., help="An export of the annotation tool (Label Studio tasks JSON, doccano JSONL)."),
    fmt: AnnotationFormat = typer.Option(..., "--format", "-f", help="label-studio or doccano."),
    out: Path = typer.Option(..., "-o", "--out", help="The gold folder to write NAME.txt + NAME.gold.json into."),
):
    """Turn an annotation tool's export into gold records (what evaluate and train read)."""
    from .annotations import AnnotationError, import_

    try:
        written = import_(file, fmt.value, out)
    except AnnotationError as err:
        _error(str(err))
        raise typer.Exit(2)
    console.print(f"wrote {len(written)} gold records to {out}", highlight=False, soft_wrap=True)


app.add_typer(annotations_app, name="annotations")


def _gazetteer_app():
    from .gazetteer.cli import app as gaz

    return gaz


app.add_typer(_gazetteer_app(), name="gazetteer", help="Build and search the gazetteer.")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
