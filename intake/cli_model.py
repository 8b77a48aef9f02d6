"""`buzon` commands about the classifier model: train, evaluate, model (entry points)."""

from __future__ import annotations

import json

import click

from intake.cli import settings_from


def _stderr(message: str) -> None:
    click.echo(message, err=True)


@click.command()
@click.option("--force", is_flag=True, help="Reentrena aunque no haya datos nuevos.")
@click.option("--sin-revisiones", "no_reviews", is_flag=True,
              help="Solo el corpus incluido, sin las decisiones de los revisores.")
@click.pass_context
def train(ctx: click.Context, force: bool, no_reviews: bool) -> None:
    """Entrena el clasificador con el corpus y las decisiones confirmadas en la revisión
    (y, una vez, el lector de dígitos de las casillas)."""
    from classifier.training import retrain
    from intake.learning import reviewed_samples
    from intake.pipeline import open_database
    from models.db import session_scope
    from ocr.digits import DigitModels

    settings = settings_from(ctx)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    # The box-digit reader is trained once too, so the first batch does not pay for it.
    _stderr(f"Modelo de dígitos listo en {DigitModels(settings.models_dir).keep()}")
    reviewed = []
    if not no_reviews:
        labels = settings.profile.labels
        with session_scope(open_database(settings)) as session:
            reviewed = reviewed_samples(session, labels)
    _stderr(f"Documentos revisados por personas que se suman al corpus: {len(reviewed)}")
    outcome = retrain(settings.models_dir, settings.profile, reviewed, force=force,
                      notify=_stderr)
    bundle = outcome.bundle
    if not outcome.trained:
        _stderr(f"Sin datos nuevos: el modelo {bundle.version} ya incluye este corpus y estas "
                "decisiones; no se reentrena (use --force para hacerlo de todos modos).")
        return
    m = bundle.metrics
    _stderr(f"Modelo {bundle.version} guardado en {settings.models_dir} "
            f"({m.get('muestras_entrenamiento')} muestras, "
            f"{m.get('segundos_entrenamiento')} s; en la prueba fija: "
            f"F1 macro {m.get('macro_f1', 'n/d')}, ECE {m.get('ece', 'n/d')}).")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Las cifras en JSON en vez de la tabla.")
@click.pass_context
def evaluate(ctx: click.Context, as_json: bool) -> None:
    """Evalúa el modelo activo en la partición de prueba fija del corpus."""
    from classifier.evaluation import evaluate_classifier, format_report
    from classifier.training import load_or_train, training_data

    settings = settings_from(ctx)
    model = load_or_train(settings.models_dir, settings.profile, _stderr)
    _train, test = training_data(settings.profile)
    metrics = evaluate_classifier(model, test)
    if as_json:
        click.echo(json.dumps({"modelo": model.version, **metrics}, ensure_ascii=False,
                              indent=2))
        return
    click.echo(f"Modelo {model.version}; partición de prueba fija del corpus "
               "(nunca usada para entrenar)\n")
    click.echo(format_report(metrics, dict(model.profile.types)))


@click.command()
@click.pass_context
def model(ctx: click.Context) -> None:
    """Muestra la versión del modelo activo y sus métricas."""
    from classifier.errors import ModelBundleError
    from classifier.model import bundle_path, load_bundle

    settings = settings_from(ctx)
    path = bundle_path(settings.models_dir, settings.profile.code)
    if not path.exists():
        raise ModelBundleError(
            f"No hay modelo entrenado en {settings.models_dir}; ejecute «buzon train».")
    bundle = load_bundle(path)
    m = bundle.metrics
    rows = [
        ("Versión", bundle.version),
        ("Entrenado", f"{bundle.trained_at} UTC ({m.get('segundos_entrenamiento', 'n/d')} s)"),
        ("Perfil", bundle.profile),
        ("scikit-learn", bundle.sklearn_version),
        ("Formato", str(bundle.format_version)),
        ("Huella de datos", bundle.data_fingerprint[:16]),
        ("Muestras", str(m.get("muestras_entrenamiento", "n/d"))),
        ("Decisiones revisadas", str(m.get("decisiones_revisadas", 0))),
        ("Exactitud (prueba)", str(m.get("accuracy", "n/d"))),
        ("F1 macro (prueba)", str(m.get("macro_f1", "n/d"))),
        ("ECE (prueba)", str(m.get("ece", "n/d"))),
        ("Cobertura automática", str(m.get("cobertura_automatica", "n/d"))),
        ("Precisión automática", str(m.get("precision_automatica", "n/d"))),
        ("Archivo", str(path)),
    ]
    width = max(len(k) for k, _ in rows) + 2
    for key, value in rows:
        click.echo(f"{key + ':':<{width}}{value}")
