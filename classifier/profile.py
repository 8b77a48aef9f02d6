"""Institution profiles (taxonomy, minimum data, routes, hints, thresholds, deadlines) loaded
from TOML."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from classifier.errors import ProfileError
from classifier.types import ROUTES

log = logging.getLogger(__name__)

_MINIMUM_KEYS = ("nombre", "nss", "contacto")

# What happens to a petition, in procedure order; a deadline runs from one of these to
# another. received: the box was emptied; registered: the SIADE folio was typed back;
# forwarded: sent to the service involved; reminded_1/2: reminders to that service;
# answered: the service's answer arrived; informed: the person was told the answer.
DEADLINE_EVENTS = ("received", "registered", "forwarded", "reminded_1", "reminded_2",
                   "answered", "informed")


@dataclass(frozen=True)
class DeadlineRule:
    """Once `start` has happened, `until` is due within `business_days` (0: the same day)."""

    key: str
    name: str  # Spanish, shown to the reviewer
    start: str
    until: str
    business_days: int
    basis: str = ""  # the procedure's article, for the screen


@dataclass(frozen=True)
class Profile:
    """One institution's configuration; type and route names are Spanish display texts."""

    code: str
    name: str
    types: dict[str, str]  # label -> display name, in file order
    type_descriptions: dict[str, str]
    minimum_data: tuple[str, ...]
    discard_type: str
    routes: dict[str, str]  # route -> display name
    route_descriptions: dict[str, str]
    hints: dict[str, tuple[str, ...]]  # checkbox -> allowed labels
    thresholds: dict[str, float] = field(default_factory=dict)
    default_threshold: float = 0.5
    deadlines: tuple[DeadlineRule, ...] = ()  # in procedure order
    consultation_url: str = ""  # where people follow their petition (IMSS 51)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.types)

    def threshold(self, label: str) -> float:
        return self.thresholds.get(label, self.default_threshold)


def _parse(data: dict[str, Any], origin: str) -> Profile:
    try:
        inst = data["institution"]
        types = {k: v["name"] for k, v in data["types"].items()}
        descr = {k: v.get("description", "") for k, v in data["types"].items()}
        routes = {k: v["name"] for k, v in data["routes"].items()}
        rdescr = {k: v.get("description", "") for k, v in data["routes"].items()}
        hints = {k: tuple(v) for k, v in data.get("hints", {}).items()}
        th = dict(data.get("thresholds", {}))
        default = float(th.pop("default", 0.5))
        deadlines = tuple(
            DeadlineRule(key=k, name=v["name"], start=v["from"], until=v["until"],
                         business_days=int(v["business_days"]), basis=v.get("basis", ""))
            for k, v in data.get("deadlines", {}).items())
        profile = Profile(
            code=inst["code"],
            name=inst["name"],
            types=types,
            type_descriptions=descr,
            minimum_data=tuple(inst.get("minimum_data", _MINIMUM_KEYS)),
            discard_type=inst.get("discard_type", "no_peticion"),
            routes=routes,
            route_descriptions=rdescr,
            hints=hints,
            thresholds={k: float(v) for k, v in th.items()},
            default_threshold=default,
            deadlines=deadlines,
            consultation_url=inst.get("consultation_url", ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ProfileError(f"Perfil de institución inválido ({origin}): falta o sobra {e}") from e
    problems = [r for r in ROUTES if r not in profile.routes]
    problems += [t for ts in profile.hints.values() for t in ts if t not in profile.types]
    problems += [t for t in profile.thresholds if t not in profile.types]
    problems += [m for m in profile.minimum_data if m not in _MINIMUM_KEYS]
    if profile.discard_type not in profile.types:
        problems.append(profile.discard_type)
    for rule in profile.deadlines:
        problems += [e for e in (rule.start, rule.until) if e not in DEADLINE_EVENTS]
        if rule.business_days < 0 or (rule.start in DEADLINE_EVENTS and rule.until in
                                      DEADLINE_EVENTS and DEADLINE_EVENTS.index(rule.until)
                                      <= DEADLINE_EVENTS.index(rule.start)):
            problems.append(rule.key)
    if problems:
        raise ProfileError(
            f"Perfil de institución inválido ({origin}): valores desconocidos {sorted(problems)}"
        )
    return profile


@lru_cache(maxsize=8)
def load_profile(name_or_path: str | Path = "imss") -> Profile:
    """The bundled profile by code ("imss", "issste") or a TOML file path."""
    path = Path(name_or_path)
    try:
        if path.suffix == ".toml":
            raw = path.read_bytes()
        else:
            raw = resources.files("classifier").joinpath(
                "profiles", f"{name_or_path}.toml"
            ).read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError as e:
        raise ProfileError(f"No existe el perfil de institución «{name_or_path}»") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ProfileError(f"El perfil «{name_or_path}» no es TOML válido: {e}") from e
    log.debug("institution profile %s loaded", name_or_path)
    return _parse(data, str(name_or_path))
