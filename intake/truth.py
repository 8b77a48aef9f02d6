"""Compare exported documents with a sample's truth.jsonl (for tests and benchmarks)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.types import FIELD_NAMES

MISSING = "__sin_documento__"  # predicted label of a truth document nobody proposed


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _key(source: str, pages: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    return Path(source).name, tuple(pages)


@dataclass
class Comparison:
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)  # proposed, not in truth

    def matched(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [(t, r) for t, r in self.pairs if r is not None]


def compare(records: Iterable[dict[str, Any]], truth: Iterable[dict[str, Any]]) -> Comparison:
    """Pair truth documents with exported ones by file name and exact page list."""
    by_key = {_key(r["source"], r["pages"]): r for r in records}
    cmp = Comparison()
    for t in truth:
        cmp.pairs.append((t, by_key.pop(_key(t["source"], t["pages"]), None)))
    cmp.extra = list(by_key.values())
    return cmp


def scores_by(cmp: Comparison, key: str = "style") -> dict[str, dict[str, Any]]:
    """`scores` for each value of a truth key (e.g. style: mecanografiado, manuscrito...)."""
    groups: dict[str, Comparison] = {}
    for t, r in cmp.pairs:
        groups.setdefault(str(t.get(key, "?")), Comparison()).pairs.append((t, r))
    return {name: scores(group) for name, group in sorted(groups.items())}


def scores(cmp: Comparison) -> dict[str, Any]:
    """Type macro-F1, per-field exact match, route/kind accuracy, urgency, boundaries."""
    from sklearn.metrics import f1_score

    n = len(cmp.pairs)
    y_true = [t["type"] for t, _ in cmp.pairs]
    y_pred = [r["type"] if r else MISSING for _, r in cmp.pairs]
    labels = sorted(set(y_true))
    out: dict[str, Any] = {
        "documents_truth": n,
        "documents_proposed": len(cmp.matched()) + len(cmp.extra),
        "boundary_recall": len(cmp.matched()) / n if n else 0.0,
        "type_macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro",
                                        zero_division=0)),
        "type_accuracy": sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / n if n
        else 0.0,
        "route_accuracy": sum(bool(r) and r["route"] == t["route"] for t, r in cmp.pairs) / n
        if n else 0.0,
        "kind_accuracy": sum(bool(r) and r["kind"] == t["kind"] for t, r in cmp.pairs) / n
        if n else 0.0,
    }
    fields: dict[str, dict[str, float | int]] = {}
    for name in FIELD_NAMES:
        present = [(t, r) for t, r in cmp.pairs if t["fields"].get(name)]
        hits = sum(bool(r) and (r["fields"].get(name) or "") == t["fields"][name]
                   for t, r in present)
        proposed = [(t, r) for t, r in cmp.matched() if r["fields"].get(name)]
        correct = sum(r["fields"][name] == t["fields"].get(name) for t, r in proposed)
        fields[name] = {"truth": len(present), "recall": hits / len(present) if present else 0.0,
                        "precision": correct / len(proposed) if proposed else 0.0}
    out["fields"] = fields
    urgent = [(t, r) for t, r in cmp.pairs if t.get("urgent")]
    out["urgent_truth"] = len(urgent)
    out["urgent_recall"] = (sum(bool(r) and r["urgent"] for _, r in urgent) / len(urgent)
                            if urgent else None)
    return out
