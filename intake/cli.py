"""The `buzon` command line; the one place where errors become exit codes."""

from __future__ import annotations

import gettext
import json
import logging
import os
import sys
from datetime import date, datetime
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import click

from common.errors import BuzonError, ExitCode
from intake.config import Settings, load_settings
from intake.errors import SomeFilesFailed, SomeRowsFailed

log = logging.getLogger(__name__)

# Spanish for click's own words ("Usage:", "Show this message and exit.", its errors):
# click asks gettext's default domain, which this catalogue serves whatever the locale.
LOCALE_DIR = Path(__file__).with_name("locale")
# Libraries that log what they read (pdfminer prints a PDF's text at DEBUG: names, NSS,
# phones; SQLAlchemy the values it stores) or their own machinery (Dask's workers): kept at
# WARNING whatever -v asks, so -vv shows our debugging and never a document's content.
THIRD_PARTY_LOGGERS = ("pdfminer", "pdfplumber", "PIL", "pypdfium2", "distributed", "dask",
                       "tornado", "asyncio", "urllib3", "matplotlib", "fsspec", "sqlalchemy",
                       "alembic", "numba")


def _click_in_spanish() -> None:
    os.environ["LANGUAGE"] = "es"
    gettext.bindtextdomain("messages", str(LOCALE_DIR))


def _configure_logging(verbose: int) -> None:
    """The one place logging is set up: our loggers at the level -v asks, libraries at
    WARNING."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for name in THIRD_PARTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # distributed sets its loggers from Dask's configuration when it is imported (later,
    # and again in every worker process, which inherits this environment): the same level.
    os.environ["DASK_LOGGING__DISTRIBUTED"] = "warning"


def _stderr(message: str) -> None:
    click.echo(message, err=True)


class BuzonGroup(click.Group):
    """Adds the commands other packages register under the `buzon.commands` group.

    Plugins are listed by name and loaded only when called, so one plugin's import cost
    (Flask, scikit-learn) or failure never touches the other commands.
    """

    @staticmethod
    def _plugins() -> dict[str, EntryPoint]:
        return {ep.name: ep for ep in entry_points(group="buzon.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        found = super().get_command(ctx, name)
        if found is None and name in (plugins := self._plugins()):
            found = plugins[name].load()
        return found


@click.group(cls=BuzonGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="Más detalle en el registro (-vv: depuración).")
@click.pass_context
def cli(ctx: click.Context, verbose: int) -> None:
    """buzón intake: captura y clasificación de volantes de buzón y escritos libres."""
    _configure_logging(verbose)
    ctx.ensure_object(dict)


def settings_from(ctx: click.Context) -> Settings:
    """Settings built once per invocation (defaults < TOML < BUZON_* variables)."""
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        obj["settings"] = load_settings()
    return obj["settings"]


@cli.command()
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--unit", default=None, help='Unidad impresa y codificada en el QR, p. ej. "UMF 20".')
def form(out: Path, unit: str | None) -> None:
    """Imprime el volante de buzón (PDF) con marcas de alineación y código QR."""
    from intake.form import render_form_pdf

    out.write_bytes(render_form_pdf(unit))
    _stderr(f"Volante escrito en {out}")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--unit", default=None, help="Unidad cuyo buzón se vació (el QR del volante manda).")
@click.option("--workers", default=None, type=click.IntRange(1, 256),
              help="Procesos de lectura del clúster Dask local (por omisión: núcleos).")
@click.option("--scheduler", default=None, metavar="DIRECCIÓN",
              help="Clúster Dask existente, p. ej. tcp://10.0.0.5:8786 "
                   "(o BUZON_DASK_SCHEDULER).")
@click.option("--report", "report_to", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Escribe además el resumen como JSON en este archivo.")
@click.option("--recibido", "received", default=None, metavar="AAAA-MM-DD",
              type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Día en que se vació el buzón (para rezagos; por omisión, hoy). Los "
                   "plazos se cuentan desde esta fecha.")
@click.option("--quiet", is_flag=True, help="Sin barra de progreso.")
@click.option("--reintentar", "retry", is_flag=True,
              help="Vuelve a leer todos los archivos en cuarentena, también los dañados.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], unit: str | None, workers: int | None,
           scheduler: str | None, report_to: Path | None, received: datetime | None,
           quiet: bool, retry: bool) -> None:
    """Ingresa archivos y carpetas: guarda originales, lee, clasifica y almacena.

    Reanudable: si se interrumpe, al correrlo de nuevo sigue con lo que faltaba. Un archivo
    en cuarentena por una causa pasajera (memoria, un proceso perdido, tiempo agotado) se
    vuelve a leer en la siguiente corrida; uno dañado, solo con --reintentar.
    """
    from intake.pipeline import default_workers, ingest_paths

    settings = settings_from(ctx)
    scheduler = scheduler or settings.dask_scheduler
    received_on = received.date() if received is not None else None
    if received_on is not None and received_on > date.today():
        raise click.BadParameter("la fecha de recepción no puede ser posterior a hoy.",
                                 param_hint="'--recibido'")
    report = ingest_paths(list(paths), settings, unit=unit,
                          workers=workers or default_workers(), scheduler=scheduler,
                          received_on=received_on, notify=_stderr, show_progress=not quiet,
                          retry_quarantined=retry)
    for line in report.summary_lines():
        _stderr(line)
    if report_to is not None:
        report_to.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    if report.failed or report.missing or report.refused:
        parts = [(len(report.failed) + len(report.missing), "archivo(s) con error"),
                 (len(report.refused), "ruta(s) no leída(s)")]
        raise SomeFilesFailed(", ".join(f"{n} {what}" for n, what in parts if n))


@cli.command()
@click.argument("source", default="-", type=click.File("r", encoding="utf-8"))
@click.option("--out", "out", default="-", type=click.File("w", encoding="utf-8"))
@click.option("--unit", default=None, help="Unidad por omisión si el texto no nombra ninguna.")
@click.pass_context
def classify(ctx: click.Context, source: Any, out: Any, unit: str | None) -> None:
    """Clasifica textos: lee JSONL {"id","text"} y escribe la propuesta por línea."""
    from classifier.propose import propose
    from classifier.training import load_or_train

    settings = settings_from(ctx)
    model = load_or_train(settings.models_dir, settings.profile, _stderr)
    bad = 0
    for n, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError("text debe ser una cadena")
        except (ValueError, KeyError, TypeError) as e:
            _stderr(f"Línea {n}: entrada no válida ({type(e).__name__}: {e}); se omite")
            bad += 1
            continue
        p = propose(text, model, unit=unit)
        out.write(json.dumps({
            "id": item.get("id"), "type": p.type, "confidence": p.confidence,
            "scores": p.scores, "fields": p.fields, "missing": p.missing, "route": p.route,
            "urgent": p.urgent}, ensure_ascii=False) + "\n")
    if bad:
        raise SomeRowsFailed(f"{bad} línea(s) no válidas")


@cli.command()
@click.option("--format", "fmt", default="jsonl", type=click.Choice(["jsonl"]),
              show_default=True)
@click.option("--out", "out", default="-", type=click.File("w", encoding="utf-8"))
@click.pass_context
def export(ctx: click.Context, fmt: str, out: Any) -> None:
    """Exporta los documentos (una línea JSON por documento)."""
    from intake.export import write_jsonl
    from intake.pipeline import open_database
    from models.db import session_scope

    factory = open_database(settings_from(ctx))
    with session_scope(factory) as session:
        n = write_jsonl(session, out, actor=f"sistema: buzon export ({_system_user()})")
    _stderr(f"{n} documentos exportados")


@cli.command()
@click.pass_context
def avisos(ctx: click.Context) -> None:
    """Envía los avisos por correo pendientes y recuerda a las áreas con respuesta vencida.

    Para correrlo periódicamente (cron); la estación de revisión hace lo mismo mientras
    está encendida. Un aviso que falla queda pendiente y se reintenta: nunca se pierde.
    """
    from intake import mail, notices
    from intake.errors import NoticesNotSent
    from intake.pipeline import open_database
    from models.db import session_scope

    settings = settings_from(ctx)
    if not settings.correo_activo:
        _stderr("El correo está desactivado (correo_activo = false): no se envía nada.")
        return
    factory = open_database(settings)
    with session_scope(factory) as session:
        reminded = notices.remind_overdue(session, settings, settings.profile,
                                          date.today())
    with session_scope(factory) as session:
        report = mail.deliver_due(session, settings)
    _stderr(f"{reminded} recordatorio(s) a áreas programado(s); {report.sent} aviso(s) "
            f"enviado(s), {report.failed} con error (se reintentarán).")
    if report.failed:
        raise NoticesNotSent(f"{report.failed} aviso(s) sin enviar")


@cli.command()
@click.option("--mes", "month", required=True, metavar="AAAA-MM", help="Mes del informe.")
@click.option("--unidad", "unit", default=None, help="Solo esta unidad (por omisión, todas).")
@click.option("--formato", "fmt", required=True, type=click.Choice(["json", "xlsx", "pdf"]),
              help="json (los datos), xlsx (hoja de cálculo) o pdf (con gráficas).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Archivo donde escribir el informe.")
@click.pass_context
def informe(ctx: click.Context, month: str, unit: str | None, fmt: str, out: Path) -> None:
    """Informe mensual: conteos por tipo, ruta, estado, unidad y servicio, recurrencia,
    días de la recepción al registro, plazos vencidos y descartes (lineamiento 17)."""
    from intake.business_days import calendar_for
    from intake.pipeline import open_database
    from intake.report import monthly_report, parse_month
    from intake.report_files import render
    from models import schema
    from models.db import session_scope

    try:
        first = parse_month(month)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'--mes'") from e
    settings = settings_from(ctx)
    profile = settings.profile
    with session_scope(open_database(settings)) as session:
        report = monthly_report(session, profile, calendar_for(settings), first,
                                units=[unit] if unit else None)
        session.add(schema.AuditEvent(user_id=None, action="informe", detail={
            "actor": f"sistema: buzon informe ({_system_user()})", "mes": report["mes"],
            "unidades": report["unidades"], "formato": fmt}))
    out.write_bytes(render(report, fmt, profile.name))
    _stderr(f"Informe de {report['mes']} ({report['total']} documentos) escrito en {out}")


@cli.command()
@click.argument("archivo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fuente", default=None, type=click.Choice(["siade", "sinapp"]),
              help="Sistema del que viene el archivo (por omisión, el de la institución).")
@click.option("--unit", default=None,
              help="Unidad a la que pertenecen las peticiones (quién las ve en la revisión).")
@click.pass_context
def historial(ctx: click.Context, archivo: Path, fuente: str | None, unit: str | None
              ) -> None:
    """Importa peticiones ya registradas (CSV: folio, fecha, nss, nombre, tipo, servicio,
    resumen) para buscar duplicados también en ellas (política 5.9).

    Las líneas válidas se guardan; las que tienen errores se informan con su número.
    Importar otra vez el mismo archivo no repite nada.
    """
    from intake.history import import_history
    from intake.links import link_context
    from intake.pipeline import open_database
    from models.db import session_scope

    settings = settings_from(ctx)
    factory = open_database(settings)
    with session_scope(factory) as session:
        report = import_history(session, archivo.read_bytes(), link_context(settings.profile),
                                source=fuente or settings.profile.case_system.lower(),
                                unit=unit or settings.default_unit)
    for line in report.summary_lines():
        _stderr(line)
    if report.errors:
        raise SomeRowsFailed(f"{len(report.errors)} línea(s) con error")


def _system_user() -> str:
    """The operating-system account running the command, for the audit trail."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no passwd entry and no LOGNAME/USER (some containers)
        return "usuario desconocido"


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the CLI and maps every error to its exit code (common.errors)."""
    _click_in_spanish()
    try:
        # Not standalone, click returns the code of an Exit (`buzon user` errors) instead
        # of leaving the process.
        code = cli.main(args=argv, prog_name="buzon", standalone_mode=False)
    except click.exceptions.Abort:
        _stderr("Cancelado.")
        return ExitCode.INTERRUPTED
    except click.ClickException as e:  # click's own: usage errors
        e.show()
        return e.exit_code
    except BuzonError as e:
        _stderr(f"Error: {e}")
        return e.exit_code
    return code if isinstance(code, int) else ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
