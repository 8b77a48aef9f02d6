"""Compare exported documents with a sample's truth.jsonl (for tests and benchmarks)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.types import FIELD_NAMES

MISSING = "__sin_documento__"  # predicted label of a truth document nobody proposed
HELD_OUT = "estilos_reservados"  # the column of the documents drawn in held-out hands
# The values a reviewer checks and types on the document view (issue 13).
REVIEWED_FIELDS = ("nombre", "nss", "telefono", "correo")
CONFIRM_KEYS = 1  # `c`
TYPE_KEYS = 1  # `1`-`7`
FIELD_KEYS = 2  # opening the field and leaving it, beside the value's own characters


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


Grouping = str | Callable[[dict[str, Any]], str | None]


def group_pairs(cmp: Comparison, key: Grouping) -> dict[str, Comparison]:
    """The pairs by a truth key's value, or by `key(truth)` (None leaves a document out)."""
    groups: dict[str, Comparison] = {}
    for t, r in cmp.pairs:
        name = key(t) if callable(key) else str(t.get(key, "?"))
        if name is not None:
            groups.setdefault(name, Comparison()).pairs.append((t, r))
    return dict(sorted(groups.items()))


def scores_by(cmp: Comparison, key: Grouping = "style") -> dict[str, dict[str, Any]]:
    """`scores` for each value of a truth key (e.g. style: mecanografiado, manuscrito...)."""
    return {name: scores(group) for name, group in group_pairs(cmp, key).items()}


def style_or_held_out(truth: dict[str, Any]) -> str:
    """The document's style, or one column for every document in a held-out hand."""
    return HELD_OUT if truth.get("held_out") else str(truth.get("style", "?"))


def by_hand(truth: dict[str, Any]) -> str | None:
    """Typed letters, then each handwriting font; other documents (blank, adverts) apart."""
    if truth.get("hand"):
        return str(truth["hand"])
    return "mecanografiado" if truth.get("style") == "mecanografiado" else None


def hand_keys(truth: dict[str, Any]) -> int:
    """Keys to register the document typing every value by hand: type, values, confirm."""
    return CONFIRM_KEYS + TYPE_KEYS + sum(
        len(truth["fields"][name]) + FIELD_KEYS for name in REVIEWED_FIELDS
        if truth["fields"].get(name))


def review_keys(truth: dict[str, Any], record: dict[str, Any] | None) -> int:
    """Keys the reviewer presses to register the document from the machine's proposal.

    1 to confirm; +1 for a wrong type; for each of nombre / NSS / teléfono / correo that is
    wrong or missing, its length + 2; + 2 to clear a value proposed where there is none.
    A document nobody proposed (a boundary error) costs the merge or split key plus typing
    it all by hand.
    """
    if record is None:
        return 1 + hand_keys(truth)
    keys = CONFIRM_KEYS + (TYPE_KEYS if record["type"] != truth["type"] else 0)
    for name in REVIEWED_FIELDS:
        want, got = truth["fields"].get(name), record["fields"].get(name)
        if want and got != want:
            keys += len(want) + FIELD_KEYS
        elif got and not want:
            keys += FIELD_KEYS
    return keys


def effort(cmp: Comparison) -> dict[str, Any]:
    """Reviewer keys per document, the share confirmed with one key, against typing by hand."""
    n = len(cmp.pairs)
    keys = [review_keys(t, r) for t, r in cmp.pairs]
    by_hand_keys = [hand_keys(t) for t, _ in cmp.pairs]
    return {
        "documents": n,
        "keys_per_document": round(sum(keys) / n, 2) if n else None,
        "by_hand_per_document": round(sum(by_hand_keys) / n, 2) if n else None,
        "one_key_share": round(sum(k == CONFIRM_KEYS for k in keys) / n, 3) if n else None,
    }


def effort_by(cmp: Comparison, key: Grouping) -> dict[str, dict[str, Any]]:
    return {name: effort(group) for name, group in group_pairs(cmp, key).items()}


def _f1(hits: int, proposed: int, truth: int) -> dict[str, Any]:
    precision = hits / proposed if proposed else 0.0
    recall = hits / truth if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"truth": truth, "proposed": proposed, "exact": hits,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def boundary_scores(cmp: Comparison) -> dict[str, dict[str, Any]]:
    """Document boundaries as exact page lists: all documents, and multi-page letters.

    For multi-page letters, precision counts every proposed document holding one of their
    pages: a letter cut in two gives two wrong documents, one glued to the next gives one.
    """
    proposed = [r for _, r in cmp.matched()] + cmp.extra
    letters = [(t, r) for t, r in cmp.pairs
               if t["kind"] == "escrito_libre" and len(t["pages"]) > 1]
    pages = {(Path(t["source"]).name, p) for t, _ in letters for p in t["pages"]}
    touching = [r for r in proposed
                if any((Path(r["source"]).name, p) in pages for p in r["pages"])]
    cut = [{"source": Path(t["source"]).name, "truth": t["pages"],
            "proposed": sorted(r["pages"] for r in touching
                               if Path(r["source"]).name == Path(t["source"]).name)}
           for t, r in letters if r is None]
    return {
        "all": _f1(len(cmp.matched()), len(proposed), len(cmp.pairs)),
        "multipage_letters": {**_f1(sum(r is not None for _, r in letters), len(touching),
                                    len(letters)), "errors": cut},
    }


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
        "route_accuracy": sum(r is not None and r["route"] == t["route"] for t, r in cmp.pairs) / n
        if n else 0.0,
        "kind_accuracy": sum(r is not None and r["kind"] == t["kind"] for t, r in cmp.pairs) / n
        if n else 0.0,
    }
    fields: dict[str, dict[str, float | int]] = {}
    for name in FIELD_NAMES:
        present = [(t, r) for t, r in cmp.pairs if t["fields"].get(name)]
        hits = sum(r is not None and (r["fields"].get(name) or "") == t["fields"][name]
                   for t, r in present)
        proposed = [(t, r) for t, r in cmp.matched() if r["fields"].get(name)]
        correct = sum(r["fields"][name] == t["fields"].get(name) for t, r in proposed)
        fields[name] = {"truth": len(present), "recall": hits / len(present) if present else 0.0,
                        "precision": correct / len(proposed) if proposed else 0.0}
    out["fields"] = fields
    urgent = [(t, r) for t, r in cmp.pairs if t.get("urgent")]
    out["urgent_truth"] = len(urgent)
    out["urgent_recall"] = (sum(r is not None and r["urgent"] for _, r in urgent) / len(urgent)
                            if urgent else None)
    return out
