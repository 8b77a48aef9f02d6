"""`buzon` commands about the classifier model (train); plugged in through entry points."""

from __future__ import annotations

import click

from intake.cli import settings_from


@click.command()
@click.pass_context
def train(ctx: click.Context) -> None:
    """Entrena el clasificador con el corpus incluido y lo guarda."""
    from classifier.model import save_bundle, train_from_corpus

    settings = settings_from(ctx)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    click.echo("Entrenando el clasificador con el corpus incluido...", err=True)
    bundle = train_from_corpus()
    path = settings.models_dir / "clasificador.joblib"
    save_bundle(bundle, path)
    metrics = ", ".join(f"{k}={v:.3f}" for k, v in bundle.metrics.items()
                        if isinstance(v, float))
    click.echo(f"Modelo {bundle.version} guardado en {path} ({metrics})", err=True)


@click.command()
@click.pass_context
def evaluate(ctx: click.Context) -> None:
    """Evalúa el modelo activo en la partición de prueba fija del corpus."""
    raise click.ClickException("`buzon evaluate` todavía no está disponible (issue 4).")


@click.command()
@click.pass_context
def model(ctx: click.Context) -> None:
    """Muestra la versión del modelo activo y sus métricas."""
    raise click.ClickException("`buzon model` todavía no está disponible (issue 4).")
