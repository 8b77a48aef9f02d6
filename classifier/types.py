"""Plain data passed out of the classifier layer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum, unique
from typing import Any

# The export contract's field names (DOMAIN.md); null where absent. A profile shows and asks
# for the ones it needs (classifier.profile: `fields`, `minimum_data`).
FIELD_NAMES = ("nombre", "nss", "telefono", "correo", "curp", "unidad", "servicio",
               "domicilio", "personal_involucrado")


@unique
class Route(StrEnum):
    """Where a petition goes (DOMAIN.md); stored in documents.route, named by the profile."""

    DISCARD = "desechar"
    GENERAL_PUBLIC = "publico_general"
    CONTACT = "contactar"
    REGISTER = "registrar"


ROUTES: tuple[str, ...] = tuple(Route)


@unique
class LinkKind(StrEnum):
    """A duplicate link (policy 5.9): the same petition again, or a new one of the same
    person; stored in duplicate_links.kind."""

    REPEAT = "repeticion"
    RELATED = "relacionada"


@dataclass
class Extracted:
    """One extracted value and where it was found in the text (for highlighting)."""

    value: str
    start: int = -1  # character span in the text; -1 when it came from a form field
    end: int = -1
    source: str = "texto"  # "texto" or "formulario"
    valid: bool = True  # passed its validator (Luhn, check digit, 10 digits, ...)


@dataclass
class Proposal:
    type: str
    confidence: float
    scores: dict[str, float]
    needs_review: bool
    fields: dict[str, str | None]
    spans: dict[str, Extracted] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # the profile's required data absent
    route: str = Route.GENERAL_PUBLIC
    route_reason: str = ""
    urgent: bool = False
    urgent_reason: str | None = None
    model_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
