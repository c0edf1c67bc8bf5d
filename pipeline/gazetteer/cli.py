"""``zhpolicy gazetteer build|find``."""
import typer

app = typer.Typer(no_args_is_help=True)


@app.command()
def build():
    """Rebuild configs/gazetteer/ from its sources."""
    raise typer.Exit(2)


@app.command()
def find(name: str):
    """Search the gazetteer for NAME (exact, alias and fuzzy)."""
    raise typer.Exit(2)
