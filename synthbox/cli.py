"""`buzon sample`: the generator's command, added to `buzon` through `buzon.commands`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from synthbox.generate import write_sample


@click.command()
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Carpeta donde escribir los archivos y truth.jsonl.")
@click.option("--count", default=30, show_default=True, type=click.IntRange(1, 100_000),
              help="Número de documentos.")
@click.option("--seed", default=1, show_default=True, type=int, help="Semilla (reproducible).")
@click.option("--unit", default="UMF 20", show_default=True, help="Unidad del buzón.")
@click.option("--estilos-reservados", "held_out", is_flag=True,
              help="Escribe parte de los manuscritos con letras reservadas para medir "
                   "(solo para benchmarks: nada que se ajuste o entrene debe leerlas).")
def sample(out: Path, count: int, seed: int, unit: str, held_out: bool) -> None:
    """Genera un buzón de ejemplo realista con su verdad de referencia (truth.jsonl)."""
    out.mkdir(parents=True, exist_ok=True)
    with click.progressbar(length=count, label="Generando documentos", file=sys.stderr) as bar:
        truth = write_sample(out, count, seed, unit=unit, progress=lambda n: bar.update(n),
                             held_out=held_out)
    files = {t["source"] for t in truth}
    click.echo(f"{len(truth)} documentos en {len(files)} archivos escritos en {out}", err=True)
