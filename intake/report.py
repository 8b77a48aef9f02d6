"""The monthly report (IMSS statistics; ISSSTE lineamiento 17, due in the first 10 days of
each month): what the month's box brought and how it was attended.

`monthly_report` returns plain data (the JSON of `buzon informe`); the supervisors' page,
the spreadsheet and the PDF show the same. It counts the documents received in the month
(merged ones are not documents any more, as in the export), and carries no personal data:
people appear only as counts and folios.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from classifier.text import fold
from intake.export import MERGED
from intake.labels import STATUS_NAMES
from models.schema import Document
from models.states import DocumentStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from classifier.profile import Profile
    from intake.business_days import BusinessCalendar

NO_SERVICE = "Sin servicio indicado"
NO_UNIT = "Sin unidad"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> date:
    """'2026-11' -> 1 November 2026; a Spanish ValueError otherwise."""
    m = _MONTH.match((value or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"«{value}» no es un mes: use AAAA-MM, p. ej. 2026-11.")
    return date(int(m.group(1)), int(m.group(2)), 1)


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def _fold(text: str) -> str:
    """Case, accents and spacing folded: how two spellings of one name are matched."""
    return " ".join(fold(text).split())


def _service(doc: Document) -> str | None:
    value = " ".join(str((doc.fields or {}).get("servicio") or "").split())
    return value or None


def _ordered(counts: Counter[str], order: Sequence[str] = ()) -> dict[str, int]:
    """Known labels in their order first, then the rest by count."""
    known = [k for k in order if counts.get(k)]
    rest = sorted((k for k in counts if k not in order), key=lambda k: (-counts[k], k))
    return {k: counts[k] for k in (*known, *rest)}


def _services(docs: Sequence[Document]) -> tuple[dict[str, int], dict[str, str]]:
    """Counts by service, spellings grouped (the most common spelling names the group)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        if (name := _service(doc)) is not None:
            spellings[_fold(name)][name] += 1
    names = {key: c.most_common(1)[0][0] for key, c in spellings.items()}
    counts: Counter[str] = Counter()
    for doc in docs:
        name = _service(doc)
        counts[names[_fold(name)] if name else NO_SERVICE] += 1
    return _ordered(counts), names


def _people(docs: Sequence[Document]) -> list[list[int]]:
    """Folios of the petitions of one person (same NSS, or same name) filed more than once."""
    parent = {d.id: d.id for d in docs}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for doc in docs:
        fields = doc.fields or {}
        keys: list[tuple[str, str]] = [("nss", str(fields.get("nss") or "")),
                                       ("nombre", _fold(str(fields.get("nombre") or "")))]
        for key in keys:
            if not key[1] or (key[0] == "nombre" and len(key[1].split()) < 2):
                continue  # a single word is no one in particular
            if key in first:
                parent[root(doc.id)] = root(first[key])
            else:
                first[key] = doc.id
    groups: dict[int, list[int]] = defaultdict(list)
    for doc in docs:
        groups[root(doc.id)].append(doc.id)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def _registration_days(docs: Sequence[Document], calendar: BusinessCalendar
                       ) -> dict[str, Any]:
    registered = [d for d in docs if d.registered_on is not None]
    days = [(d.registered_on - d.received_on).days for d in registered  # type: ignore[operator]
            ]
    business = [calendar.count(d.received_on, d.registered_on)  # type: ignore[arg-type]
                for d in registered]
    return {
        "registrados": len(registered),
        "mismo_dia": sum(1 for n in days if n == 0),
        "promedio": round(statistics.fmean(days), 2) if days else None,
        "mediana": statistics.median(days) if days else None,
        "maximo": max(days) if days else None,
        "promedio_habiles": round(statistics.fmean(business), 2) if business else None,
    }


def _late(docs: Sequence[Document], profile: Profile, calendar: BusinessCalendar,
          today: date) -> dict[str, Any]:
    """Documents that missed a deadline: met after it, or still open past it (a settled
    document, e.g. archived, is late only on what it met late)."""
    from intake.deadlines import evaluate, events_of, is_settled

    by_rule: Counter[str] = Counter()
    folios = []
    for doc in docs:
        if doc.status == DocumentStatus.DISCARDED:
            continue  # not a petition: no deadline ever ran
        settled = is_settled(doc)
        missed = [s.key for s in evaluate(profile.deadlines, events_of(doc), calendar)
                  if s.late(today) and (s.met_on is not None or not settled)]
        if missed:
            folios.append(doc.id)
            by_rule.update(set(missed))
    return {"total": len(folios), "por_plazo": _ordered(by_rule,
                                                        [r.key for r in profile.deadlines]),
            "folios": folios}


def _discards(docs: Sequence[Document]) -> dict[str, Any]:
    discarded = [d for d in docs if d.status == DocumentStatus.DISCARDED]
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in discarded:
        text = " ".join((doc.discard_reason or "sin motivo").split())
        reasons[_fold(text)][text] += 1
    counted = sorted(((sum(c.values()), c.most_common(1)[0][0]) for c in reasons.values()),
                     key=lambda n_text: (-n_text[0], n_text[1]))
    rows = [{"motivo": text, "documentos": n} for n, text in counted]
    return {"total": len(discarded), "motivos": rows}


def monthly_report(session: Session, profile: Profile, calendar: BusinessCalendar,
                   month: date, *, units: Sequence[str] | None = None,
                   today: date | None = None) -> dict[str, Any]:
    """The report of the documents received in `month` (its first day).

    Args:
        units: only these units (a unit supervisor's, or `--unidad`); None is every unit.
        today: the day lateness is judged on (deadlines still open count as late once past).
    """
    first, end = month.replace(day=1), _next_month(month.replace(day=1))
    today = today or date.today()
    stmt = (select(Document).where(Document.received_on >= first, Document.received_on < end,
                                   Document.status != MERGED)
            .options(selectinload(Document.forwardings)).order_by(Document.id))
    if units is not None:
        stmt = stmt.where(Document.unit.in_(list(units)))
    docs = list(session.scalars(stmt))
    by_service, _names = _services(docs)
    recurrent_services = {k: v for k, v in by_service.items() if v > 1 and k != NO_SERVICE}
    people = _people(docs)
    per_day: Counter[str] = Counter(d.received_on.isoformat() for d in docs)
    day, days = first, {}
    while day < end:
        days[day.isoformat()] = per_day.get(day.isoformat(), 0)
        day += timedelta(days=1)
    return {
        "institucion": profile.code,
        "sistema": profile.case_system,
        "mes": first.strftime("%Y-%m"),
        "unidades": sorted(units) if units is not None else None,
        "generado": datetime.now().isoformat(timespec="seconds"),
        "plazos_al": today.isoformat(),
        "total": len(docs),
        "por_tipo": _ordered(Counter(d.type for d in docs), list(profile.types)),
        "por_ruta": _ordered(Counter(d.route for d in docs), list(profile.routes)),
        "por_estado": _ordered(Counter(d.status for d in docs), list(STATUS_NAMES)),
        "por_unidad": _ordered(Counter(d.unit or NO_UNIT for d in docs)),
        "por_servicio": by_service,
        "por_dia": days,
        "recurrencia": {
            "servicios": recurrent_services,
            "personas": {"personas": len(people),
                         "peticiones": sum(len(g) for g in people), "folios": people},
        },
        "dias_a_registro": _registration_days(docs, calendar),
        "atrasados": _late(docs, profile, calendar, today),
        "descartes": _discards(docs),
        "nombres": {"tipos": dict(profile.types), "rutas": dict(profile.routes),
                    "estados": dict(STATUS_NAMES),
                    "plazos": {r.key: r.name for r in profile.deadlines}},
    }


MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre")


def month_name(report: dict[str, Any]) -> str:
    """'2026-11' -> 'noviembre de 2026'."""
    year, month = report["mes"].split("-")
    return f"{MONTHS[int(month) - 1]} de {year}"


def _n(value: object) -> object:
    return "—" if value is None else value


def sections(report: dict[str, Any]) -> list[tuple[str, list[tuple[str, object]]]]:
    """The report as titled two-column tables with Spanish labels: what the page, the
    spreadsheet and the PDF show (one place for the words)."""
    names = report["nombres"]
    reg, late, disc = report["dias_a_registro"], report["atrasados"], report["descartes"]
    people = report["recurrencia"]["personas"]
    return [
        ("Resumen", [
            ("Documentos recibidos", report["total"]),
            (f"Registrados en {report.get('sistema') or 'el sistema'}", reg["registrados"]),
            ("Registrados el mismo día de la recepción", reg["mismo_dia"]),
            ("Días de la recepción al registro: promedio", _n(reg["promedio"])),
            ("Días de la recepción al registro: mediana", _n(reg["mediana"])),
            ("Días de la recepción al registro: máximo", _n(reg["maximo"])),
            ("Días hábiles de la recepción al registro: promedio",
             _n(reg["promedio_habiles"])),
            ("Documentos con algún plazo vencido", late["total"]),
            ("Descartados (no son peticiones)", disc["total"]),
            ("Personas con más de una petición en el mes", people["personas"]),
        ]),
        ("Por tipo", [(names["tipos"].get(k, k), v) for k, v in report["por_tipo"].items()]),
        ("Por ruta", [(names["rutas"].get(k, k), v) for k, v in report["por_ruta"].items()]),
        ("Por estado", [(names["estados"].get(k, k), v)
                        for k, v in report["por_estado"].items()]),
        ("Por unidad", list(report["por_unidad"].items())),
        ("Por servicio", list(report["por_servicio"].items())),
        ("Recurrencia: servicios con más de una petición",
         list(report["recurrencia"]["servicios"].items())),
        ("Recurrencia: la misma persona otra vez (mismo NSS o nombre)",
         [("Folios " + ", ".join(f"#{i}" for i in group), len(group))
          for group in people["folios"]]),
        ("Plazos vencidos", [(names["plazos"].get(k, k), v)
                             for k, v in late["por_plazo"].items()]),
        ("Descartes y sus motivos", [(r["motivo"], r["documentos"]) for r in disc["motivos"]]),
    ]
