"""`buzon demo`: a sample day's box, ingested, and the review station serving it.

It lives beside the generator it draws with, outside the product (`make demo` runs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from sqlalchemy import select

from intake.config import load_settings
from intake.pipeline import default_workers, ingest_paths, open_database
from models import schema
from models.db import session_scope
from synthbox import write_sample

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-buzon"  # demo only: printed on screen, never used in deployment


@click.command()
@click.option("--data-dir", default="demo-data", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Carpeta de datos de la demostración (BUZON_DATA_DIR tiene prioridad).")
@click.option("--count", default=24, show_default=True, type=click.IntRange(1, 1000),
              help="Documentos del buzón de ejemplo.")
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepara los datos sin iniciar el servidor.")
def demo(data_dir: Path, count: int, seed: int, host: str, port: int, no_serve: bool) -> None:
    """Genera un buzón de ejemplo, lo ingresa y abre la estación de revisión."""
    from review_ui import create_app
    from review_ui.accounts import create_user
    from review_ui.cli import serve_app

    # BUZON_DATA_DIR, when set, wins over the default --data-dir.
    settings = load_settings() if os.environ.get("BUZON_DATA_DIR") else load_settings(
        data_dir=data_dir)
    box = settings.data_dir / "muestra"
    if not (box / "truth.jsonl").exists():
        click.echo(f"Generando un buzón de ejemplo con {count} documentos en {box} ...",
                   err=True)
        box.mkdir(parents=True, exist_ok=True)
        write_sample(box, count, seed, unit="UMF 20")
    click.echo("Ingresando el buzón (OCR y clasificación) ...", err=True)
    report = ingest_paths([str(box)], settings, unit="UMF 20", workers=default_workers(),
                          notify=lambda m: click.echo(m, err=True), show_progress=True)
    click.echo(f"Documentos nuevos: {report.documents}; en cuarentena: {len(report.failed)}",
               err=True)
    factory = open_database(settings)
    with session_scope(factory) as session:
        if session.scalar(select(schema.User).where(schema.User.username == DEMO_USER)) is None:
            create_user(session, DEMO_USER, DEMO_PASSWORD, role="admin", all_units=True,
                        display_name="Usuaria de demostración")
    if no_serve:
        return
    click.echo(f"\nEstación de revisión: http://{host}:{port}/\n"
               f"Usuario: {DEMO_USER}   Contraseña: {DEMO_PASSWORD}\n"
               "(Ctrl-C para terminar)\n", err=True)
    serve_app(create_app(settings), host, port)
