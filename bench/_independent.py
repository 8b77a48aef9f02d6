"""Figures on the test-only sets written apart from the training texts (issue 11).

`classifier/data/test_only/independiente.jsonl`, `independiente_2.jsonl` and
`independiente_3.jsonl` (seven types, urgency; three writers, none saw the corpus nor the
others' files) and
`otros_servicios.jsonl` (other public services, three coarse classes). Both are read here
and nowhere in training or tuning (tests/classifier/test_independent_set.py checks that
none of their texts, or a near copy, is in the training data).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sklearn.metrics import f1_score

from classifier.corpus import fill, make_identity
from classifier.evaluation import expected_calibration_error
from classifier.model import Classifier
from classifier.propose import propose

SHORT_WORDS = 15
INDEPENDENT_FILES = ("independiente.jsonl", "independiente_2.jsonl", "independiente_3.jsonl")
# The seven types folded into what a comment card of any public service asks for.
COARSE = {"queja_servicio": "queja", "queja_administrativa": "queja",
          "sugerencia": "sugerencia", "reconocimiento": "reconocimiento"}
COARSE_LABELS = ("queja", "sugerencia", "reconocimiento")
TARGETS = {
    "macro_f1_7": ">= 0.85", "macro_f1_3": ">= 0.85", "macro_f1_cortos": ">= 0.80",
    "peticiones_como_no_peticion": "<= 0.02", "no_peticion_automaticas_erroneas": "0",
    "urgente_recall": ">= 0.95", "ece": "<= 0.05", "precision_automatica": ">= 0.97",
    "otros_servicios_macro_f1_3": ">= 0.80",
}


@dataclass(frozen=True)
class TestText:
    id: str
    type: str
    urgent: bool
    text: str
    topic: str | None
    file: str = ""


def _lines(name: str) -> list[dict[str, Any]]:
    data = resources.files("classifier").joinpath("data", "test_only", name)
    return [json.loads(line) for line in data.read_text("utf-8").splitlines() if line.strip()]


def independent_set(seed: int = 0) -> list[TestText]:
    """The independent texts with their placeholders filled (a fixed person per text)."""
    rng = random.Random(seed + 11)
    out = []
    for name in INDEPENDENT_FILES:
        for obj in _lines(name):
            text = fill(obj["text"], make_identity(rng), rng).text
            out.append(TestText(obj["id"], obj["type"], bool(obj.get("urgent")), text,
                                obj.get("tema"), name))
    return out


def other_services() -> list[tuple[str, str, str]]:
    """(text, coarse class, domain) of the comments about other public services."""
    return [(o["text"], o["coarse"], o.get("domain", "otro"))
            for o in _lines("otros_servicios.jsonl")]


def _macro(truth: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float | None:
    if not truth:
        return None
    return round(float(f1_score(truth, pred, labels=list(labels), average="macro",
                                zero_division=0)), 4)


def _coarse_f1(truth: Sequence[str], pred: Sequence[str]) -> float | None:
    """3-class macro-F1 over the texts whose true type is one of the coarse classes; any other
    proposed type counts as a miss."""
    pairs = [(COARSE[t], COARSE.get(p, "otro")) for t, p in zip(truth, pred, strict=True)
             if t in COARSE]
    if not pairs:
        return None
    return _macro([t for t, _ in pairs], [p for _, p in pairs], COARSE_LABELS)


def _subset(rows: list[dict[str, Any]], labels: Sequence[str], discard: str) -> dict[str, Any]:
    truth = [r["truth"] for r in rows]
    pred = [r["type"] for r in rows]
    petitions = [r for r in rows if r["truth"] != discard]
    accepted = [r for r in rows if r["accepted"]]
    return {
        "n": len(rows),
        "macro_f1_7": _macro(truth, pred, labels),
        "macro_f1_3": _coarse_f1(truth, pred),
        "exactitud": round(sum(t == p for t, p in zip(truth, pred, strict=True)) / len(rows), 4)
        if rows else None,
        "peticiones_como_no_peticion": round(
            sum(r["type"] == discard for r in petitions) / len(petitions), 4)
        if petitions else None,
        "peticiones_ruta_desechar": sum(r["route"] == "desechar" for r in petitions),
        "no_peticion_automaticas_erroneas": sum(
            r["accepted"] and r["type"] == discard and r["truth"] != discard for r in rows),
        "ece": round(expected_calibration_error([r["confidence"] for r in rows],
                                                [r["truth"] == r["type"] for r in rows]), 4),
        "cobertura_automatica": round(len(accepted) / len(rows), 4) if rows else None,
        "precision_automatica": round(sum(r["truth"] == r["type"] for r in accepted)
                                      / len(accepted), 4) if accepted else None,
    }


def independent_figures(model: Classifier, seed: int = 0) -> dict[str, Any]:
    """Every issue-11 figure on the independent set, overall, short and non-medical."""
    labels, discard = list(model.profile.labels), model.profile.discard_type
    rows = []
    for t in independent_set(seed):
        p = propose(t.text, model)
        rows.append({"truth": t.type, "type": p.type, "confidence": p.confidence,
                     "accepted": not p.needs_review, "route": p.route, "urgent": p.urgent,
                     "urgent_truth": t.urgent, "short": len(t.text.split()) <= SHORT_WORDS,
                     "topic": t.topic, "file": t.file})
    tp = sum(r["urgent"] and r["urgent_truth"] for r in rows)
    flagged = sum(r["urgent"] for r in rows)
    real = sum(r["urgent_truth"] for r in rows)
    return {
        "todos": _subset(rows, labels, discard),
        "cortos": _subset([r for r in rows if r["short"]], labels, discard),
        "no_medicos": _subset([r for r in rows if r["topic"] == "no_medico"], labels, discard),
        "por_archivo": {name: _subset([r for r in rows if r["file"] == name], labels, discard)
                        for name in INDEPENDENT_FILES},
        "urgente": {"recall": round(tp / real, 4) if real else None,
                    "precision": round(tp / flagged, 4) if flagged else None,
                    "verdaderos": real, "marcados": flagged},
    }


def other_services_figures(model: Classifier) -> dict[str, Any]:
    """3-class macro-F1 on comments about other public services (the type signal carries)."""
    items = other_services()
    pred = [COARSE.get(propose(text, model).type, "otro") for text, _, _ in items]
    truth = [c for _, c, _ in items]
    by_domain = {}
    for domain in sorted({d for _, _, d in items}):
        idx = [i for i, (_, _, d) in enumerate(items) if d == domain]
        by_domain[domain] = {"n": len(idx), "macro_f1_3": _macro(
            [truth[i] for i in idx], [pred[i] for i in idx], COARSE_LABELS)}
    return {"n": len(items), "macro_f1_3": _macro(truth, pred, COARSE_LABELS),
            "como_otro_tipo": round(sum(p == "otro" for p in pred) / len(pred), 4),
            "por_dominio": by_domain}
