"""Import of petitions already registered in SIADE or SINAPP (a CSV), so the duplicate search
of policy 5.9 also finds what was registered before this installation existed.

Columns (header names without accents or case; aliases accepted): folio, fecha, nss,
nombre, tipo, servicio, resumen. Each line is checked on its own: the good ones are kept,
the bad ones reported with their line number and a Spanish reason.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from classifier.text import fold
from classifier.validate import is_valid_nss
from intake.errors import UnsupportedFileError
from intake.links import LinkContext, index_history, relink_for_keys
from models.schema import PetitionHistory, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SOURCES = ("siade", "sinapp")
# A registration folio as SIADE gives it (also what the SIADE worksheet accepts back).
FOLIO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,59}$")
MAX_BYTES = 200 * 1024 * 1024
MAX_SUMMARY = 5000
_ALIASES = {
    "folio": ("folio", "folio siade", "folio sinapp", "numero de folio", "no de folio"),
    "fecha": ("fecha", "fecha de registro", "fecha registro", "fecha de recepcion",
              "fecha de captura"),
    "nss": ("nss", "numero de seguridad social", "no de afiliacion", "afiliacion"),
    "nombre": ("nombre", "nombre completo", "peticionario", "nombre del peticionario",
               "derechohabiente"),
    "tipo": ("tipo", "tipo de peticion", "tipo de solicitud"),
    "servicio": ("servicio", "area", "servicio o area", "area de servicio"),
    "resumen": ("resumen", "texto", "descripcion", "sintesis", "asunto"),
}
_LIMITS = {"nombre": 200, "tipo": 80, "servicio": 120}
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class HistoryRow:
    line: int
    folio: str
    registered_on: date
    nss: str | None
    nombre: str | None
    tipo: str | None
    servicio: str | None
    resumen: str


@dataclass
class HistoryReport:
    """What an import did: rows stored, rows already there, bad lines with their reason."""

    imported: int = 0
    already: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    relinked: int = 0
    encoding: str = "utf-8"

    def summary_lines(self) -> list[str]:
        lines = [f"Historial importado: {self.imported} petición(es) nueva(s)"
                 f"{f', {self.already} ya estaban importadas' if self.already else ''}."]
        if self.encoding != "utf-8":
            lines.append(f"El archivo no era UTF-8; se leyó como {self.encoding}.")
        if self.relinked:
            lines.append(f"Se revisaron de nuevo {self.relinked} documento(s) pendiente(s).")
        if self.errors:
            lines.append(f"{len(self.errors)} línea(s) con error no se importaron:")
            lines += [f"  Línea {n}: {msg}" for n, msg in self.errors]
        return lines


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(name.strip().lstrip("\ufeff"))).strip()


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _columns(header: list[str]) -> dict[str, int]:
    wanted = {alias: col for col, aliases in _ALIASES.items() for alias in aliases}
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        col = wanted.get(_header_key(name))
        if col and col not in found:
            found[col] = i
    missing = [c for c in ("folio", "fecha") if c not in found]
    if "nss" not in found and "nombre" not in found:
        missing.append("nss o nombre")
    if missing:
        raise UnsupportedFileError(
            "El archivo de historial no tiene las columnas " + ", ".join(missing) +
            " (se esperan: folio, fecha, nss, nombre, tipo, servicio, resumen).")
    return found


def _date(value: str, today: date) -> date:
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if parsed > today:
            raise ValueError(f"la fecha «{value}» es posterior a hoy")
        if parsed.year < 1990:
            raise ValueError(f"la fecha «{value}» es anterior a 1990")
        return parsed
    raise ValueError(f"la fecha «{value}» no es válida (use dd/mm/aaaa)")


def _row(line: int, cells: list[str], cols: dict[str, int], today: date) -> HistoryRow:
    def get(col: str) -> str:
        i = cols.get(col)
        return re.sub(r"\s+", " ", cells[i]).strip() if i is not None and i < len(cells) else ""

    folio = get("folio")
    if not folio:
        raise ValueError("falta el folio")
    if not FOLIO_RE.match(folio):
        raise ValueError("el folio debe tener de 1 a 60 letras, números o los signos / . - _")
    if not get("fecha"):
        raise ValueError("falta la fecha")
    registered_on = _date(get("fecha"), today)
    nss = re.sub(r"[\s.-]", "", get("nss")) or None
    if nss and not is_valid_nss(nss):
        # The value is not quoted: it is personal data and this message may be logged.
        raise ValueError("el NSS no es válido (11 dígitos con dígito verificador)")
    nombre = get("nombre") or None
    if not nss and not (nombre and len(nombre.split()) >= 2):
        raise ValueError("sin NSS ni nombre completo no se puede buscar la petición")
    for col, limit in _LIMITS.items():
        if len(get(col)) > limit:
            raise ValueError(f"la columna {col} es demasiado larga (máximo {limit})")
    return HistoryRow(line, folio, registered_on, nss, nombre, get("tipo") or None,
                      get("servicio") or None, get("resumen")[:MAX_SUMMARY])


def parse_history(data: bytes, today: date | None = None
                  ) -> tuple[list[HistoryRow], list[tuple[int, str]], str]:
    """(good rows, [(line, Spanish reason)], encoding read) of a history CSV.

    Raises:
        UnsupportedFileError: empty, too large, not a table, or without the needed columns.
    """
    today = today or date.today()
    if len(data) > MAX_BYTES:
        raise UnsupportedFileError("El archivo de historial es demasiado grande (máximo 200 MB).")
    text, encoding = _decode(data)
    if not text.strip():
        raise UnsupportedFileError("El archivo de historial está vacío.")
    if "\x00" in text:
        raise UnsupportedFileError("El archivo de historial no es un CSV (contiene datos "
                                   "binarios); expórtelo como CSV desde la hoja de cálculo.")
    first = text.splitlines()[0]
    delimiter = max(",;\t|", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as e:
        raise UnsupportedFileError(f"El archivo de historial no es un CSV válido: {e}") from e
    cols = _columns(header)
    rows: list[HistoryRow] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            errors.append((line, f"no se pudo leer la línea ({e})"))
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            errors.append((line, f"tiene {len(cells)} columnas y el encabezado "
                                 f"{len(header)}"))
            continue
        try:
            row = _row(line, cells, cols, today)
        except ValueError as e:
            errors.append((line, str(e)))
            continue
        if row.folio in seen:
            errors.append((line, f"el folio {row.folio} ya aparece en la línea "
                                 f"{seen[row.folio]}"))
            continue
        seen[row.folio] = line
        rows.append(row)
    return rows, errors, encoding


def import_history(session: Session, data: bytes, ctx: LinkContext, *, source: str = "siade",
                   unit: str | None = None, today: date | None = None) -> HistoryReport:
    """Store the good rows of a history CSV (folios already imported are left as they are),
    file them for the duplicate search and recheck the pending documents they may touch.

    `unit` is who may see the rows in the review station (like a document's unit). Joins
    the caller's transaction.
    """
    if source not in SOURCES:
        raise UnsupportedFileError(f"Fuente de historial desconocida: {source} "
                                   f"(use {' o '.join(SOURCES)}).")
    rows, errors, encoding = parse_history(data, today)
    report = HistoryReport(errors=errors, encoding=encoding)
    known: set[str] = set()
    folios = [r.folio for r in rows]
    for i in range(0, len(folios), 500):
        known.update(session.scalars(select(PetitionHistory.folio).where(
            PetitionHistory.source == source,
            PetitionHistory.folio.in_(folios[i:i + 500]))))
    new = [r for r in rows if r.folio not in known]
    report.already = len(rows) - len(new)
    now = utcnow()
    keys: list[str] = []
    for i in range(0, len(new), 2000):
        chunk = new[i:i + 2000]
        stored = session.scalars(insert(PetitionHistory).returning(PetitionHistory), [
            {"source": source, "folio": r.folio, "registered_on": r.registered_on,
             "nss": r.nss, "nombre": r.nombre, "tipo": r.tipo, "servicio": r.servicio,
             "resumen": r.resumen, "unit": unit, "imported_at": now} for r in chunk]).all()
        keys += index_history(session, stored)
    report.imported = len(new)
    if new:
        report.relinked = relink_for_keys(session, keys, ctx)
    log.info("history import: %d new, %d already there, %d bad lines", report.imported,
             report.already, len(report.errors))
    return report

