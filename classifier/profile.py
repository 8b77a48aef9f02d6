"""Institution profiles loaded from TOML: taxonomy, required data, routes, hints, thresholds,
deadlines, duplicate rules, the words on screen (short name, case system) and how the model
is trained from the corpus (a label mapping and the profile's own texts)."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from classifier.corpus import CORPUS_LABELS
from classifier.duplicate_rules import DEFAULT_RULES, DuplicateRules, rules_from
from classifier.errors import ProfileError
from classifier.types import FIELD_NAMES, ROUTES

log = logging.getLogger(__name__)

# Data a profile may require: "contacto" is a phone or an e-mail, whichever.
REQUIRED_KEYS = ("nombre", "nss", "contacto", "telefono", "correo", "domicilio",
                 "personal_involucrado")
# The data shown and edited when a profile names none (FIELD_NAMES keeps the export's keys).
_DEFAULT_FIELDS = ("nombre", "nss", "telefono", "correo", "curp", "unidad", "servicio")

# What happens to a petition, in procedure order; a deadline runs from one of these to
# another. received: the box was emptied; registered: the case system's folio was typed back;
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
    minimum_data: tuple[str, ...]  # required data, among REQUIRED_KEYS
    discard_type: str
    routes: dict[str, str]  # route -> display name
    route_descriptions: dict[str, str]
    hints: dict[str, tuple[str, ...]]  # checkbox -> allowed labels
    thresholds: dict[str, float] = field(default_factory=dict)
    default_threshold: float = 0.5
    deadlines: tuple[DeadlineRule, ...] = ()  # in procedure order
    consultation_url: str = ""  # where people follow their petition (IMSS 51)
    short_name: str = ""  # the institution on screen ("Buzón <short_name>")
    case_system: str = ""  # where petitions are registered (SIADE, SINAPP)
    queue_reminder: str = ""  # the queue's reminder of the registration rule
    fields: tuple[str, ...] = _DEFAULT_FIELDS  # the person's data shown and edited, in order
    # A required datum asked only of some types (the staff involved: complaints, thanks).
    required_only_for: dict[str, tuple[str, ...]] = field(default_factory=dict)
    duplicates: DuplicateRules = DEFAULT_RULES
    # Training from the bundled corpus: corpus label -> this profile's label, and a file of
    # the profile's own texts (under classifier/data/) where the mapping is not clean.
    corpus_labels: dict[str, str] = field(default_factory=dict)
    extra_corpus: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.types)

    def threshold(self, label: str) -> float:
        return self.thresholds.get(label, self.default_threshold)

    def required_for(self, petition_type: str | None) -> tuple[str, ...]:
        """The required data of a petition of `petition_type` (every type when None)."""
        return tuple(k for k in self.minimum_data
                     if petition_type is None or k not in self.required_only_for
                     or petition_type in self.required_only_for[k])

    def corpus_label(self, label: str) -> str:
        """This profile's label for a corpus label (the same label when none is mapped)."""
        return self.corpus_labels.get(label, label)


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
        training = data.get("training", {})
        only_for = {k: tuple(v) for k, v in data.get("required_only_for", {}).items()}
        deadlines = tuple(
            DeadlineRule(key=k, name=v["name"], start=v["from"], until=v["until"],
                         business_days=int(v["business_days"]), basis=v.get("basis", ""))
            for k, v in data.get("deadlines", {}).items())
        profile = Profile(
            code=inst["code"],
            name=inst["name"],
            types=types,
            type_descriptions=descr,
            minimum_data=tuple(inst.get("minimum_data", ("nombre", "nss", "contacto"))),
            discard_type=inst.get("discard_type", "no_peticion"),
            routes=routes,
            route_descriptions=rdescr,
            hints=hints,
            thresholds={k: float(v) for k, v in th.items()},
            default_threshold=default,
            deadlines=deadlines,
            consultation_url=inst.get("consultation_url", ""),
            short_name=inst.get("short_name", inst["code"].upper()),
            case_system=inst.get("case_system", "el sistema de peticiones"),
            queue_reminder=inst.get("queue_reminder", ""),
            fields=tuple(inst.get("fields", _DEFAULT_FIELDS)),
            required_only_for=only_for,
            duplicates=rules_from(data.get("duplicates", {}), origin),
            corpus_labels=dict(training.get("labels", {})),
            extra_corpus=training.get("extra_corpus", ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ProfileError(f"Perfil de institución inválido ({origin}): falta o sobra {e}") from e
    problems = [r for r in ROUTES if r not in profile.routes]
    problems += [t for ts in profile.hints.values() for t in ts if t not in profile.types]
    problems += [t for t in profile.thresholds if t not in profile.types]
    problems += [m for m in profile.minimum_data if m not in REQUIRED_KEYS]
    problems += [f for f in profile.fields if f not in FIELD_NAMES]
    problems += [k for k in profile.required_only_for if k not in profile.minimum_data]
    problems += [t for ts in profile.required_only_for.values() for t in ts
                 if t not in profile.types]
    problems += [k for k in profile.corpus_labels if k not in CORPUS_LABELS]
    problems += [profile.corpus_label(k) for k in CORPUS_LABELS
                 if profile.corpus_label(k) not in profile.types]
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


def bundled_codes() -> frozenset[str]:
    """The codes of the profiles shipped in classifier/profiles/ (the institutions' acronyms,
    lower case)."""
    folder = resources.files("classifier").joinpath("profiles")
    return frozenset(f.name.removesuffix(".toml") for f in folder.iterdir()
                     if f.name.endswith(".toml"))


@lru_cache(maxsize=8)
def load_profile(name_or_path: str | Path) -> Profile:
    """A bundled profile by code (a file in classifier/profiles/) or a TOML file path."""
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
