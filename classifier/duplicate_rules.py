"""When two petitions are linked as possible duplicates: the rules an institution profile may
set in its `[duplicates]` table (classifier.profile carries them; classifier.duplicates
applies them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from classifier.errors import ProfileError

DEFAULT_WINDOW_DAYS = 30


@dataclass(frozen=True)
class DuplicateRules:
    """When two petitions are linked; an institution profile may set any of these in its
    `[duplicates]` table (`Profile.duplicates`).

    The similarity thresholds are TF-IDF cosines of character n-grams (`text_similarities`),
    set on the 12 development scenarios of bench/data/duplicate_rewordings.jsonl read with
    the benchmark's OCR noise: a hand-reworded repeat scored 0.22-0.43 against the petition
    it repeats, another petition of the same person at most 0.20. The other 33 scenarios
    were not looked at to set them (bench.duplicates reports their recall apart).
    """

    window_days: int = DEFAULT_WINDOW_DAYS
    repeat_similarity: float = 0.25  # a repeat whatever the service
    repeat_similarity_same_service: float = 0.20  # a repeat when service or type agree
    min_person: float = 0.6  # identity score to compare the texts at all
    min_related_person: float = 0.75  # identity score to link a new petition as related
    # Below min_related_person (a two-word name, a name only alike) the text must say more.
    repeat_similarity_weak_person: float = 0.35
    max_related: int = 3  # related links kept per document (most similar first)


DEFAULT_RULES = DuplicateRules()


def rules_from(table: Mapping[str, Any], origin: str = "perfil") -> DuplicateRules:
    """Rules from a profile's `[duplicates]` table; unknown keys or bad values refused."""
    known = {f.name: f.type for f in fields(DuplicateRules)}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ProfileError(f"Perfil de institución inválido ({origin}): claves desconocidas "
                           f"en [duplicates]: {', '.join(unknown)}")
    values: dict[str, Any] = {}
    try:
        for key, value in table.items():
            values[key] = int(value) if known[key] == "int" else float(value)
    except (TypeError, ValueError) as e:
        raise ProfileError(f"Perfil de institución inválido ({origin}): [duplicates] {e}"
                           ) from e
    rules = replace(DuplicateRules(), **values)
    if rules.window_days < 0:
        raise ProfileError(f"Perfil de institución inválido ({origin}): la ventana de "
                           "duplicados no puede ser negativa")
    return rules
