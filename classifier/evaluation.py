"""How good a trained classifier is: per-type scores, confusion, calibration, abstention."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

if TYPE_CHECKING:
    from classifier.model import Classifier

log = logging.getLogger(__name__)

ECE_BINS = 10


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool],
                               bins: int = ECE_BINS) -> float:
    """Top-label ECE: the |accuracy - mean confidence| of equal-width bins, weighted by size."""
    conf = np.asarray(confidences, dtype=float)
    hit = np.asarray(correct, dtype=float)
    if conf.size == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    # Bin i holds (edges[i], edges[i+1]]; a confidence of exactly 0 goes in the first bin.
    which = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.sum() / conf.size * abs(hit[mask].mean() - conf[mask].mean())
    return float(total)


def score_predictions(
    truth: Sequence[str], predicted: Sequence[str], confidences: Sequence[float],
    accepted: Sequence[bool], labels: Sequence[str],
) -> dict[str, Any]:
    """Every figure `buzon evaluate` prints, from already-made predictions.

    Args:
        truth, predicted: labels per document.
        confidences: the calibrated probability of each predicted label.
        accepted: True where the proposal needs no review (above its type's threshold).
        labels: the label order for the per-type table and the confusion matrix.
    """
    n = len(truth)
    if n == 0:
        return {"n": 0}
    labels = list(labels)
    prec, rec, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0)
    correct = [t == p for t, p in zip(truth, predicted, strict=True)]
    taken = [c for c, a in zip(correct, accepted, strict=True) if a]
    return {
        "n": n,
        "accuracy": round(sum(correct) / n, 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=labels, average="macro",
                                         zero_division=0)), 4),
        "por_tipo": {
            label: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                    "f1": round(float(f), 4), "n": int(s)}
            for label, p, r, f, s in zip(labels, prec, rec, f1, support, strict=True)
        },
        "f1_por_tipo": {label: round(float(f), 4) for label, f in zip(labels, f1, strict=True)},
        "etiquetas": labels,
        "confusion": confusion_matrix(truth, predicted, labels=labels).tolist(),
        "ece": round(expected_calibration_error(confidences, correct), 4),
        "cobertura_automatica": round(len(taken) / n, 4),
        "precision_automatica": round(sum(taken) / len(taken), 4) if taken else None,
    }


def evaluate_classifier(
    model: Classifier, samples: Sequence[tuple[str, str]],
    hints: Sequence[str | Sequence[str] | None] | None = None,
) -> dict[str, Any]:
    """Score a classifier (with its profile's thresholds) on (text, label) samples."""
    if not samples:
        return {"n": 0}
    texts = [text for text, _ in samples]
    truth = [label for _, label in samples]
    probs = model.predict_proba_many(texts, hints)
    labels = model.labels
    idx = probs.argmax(axis=1)
    predicted = [labels[i] for i in idx]
    confidences = [float(p) for p in probs.max(axis=1)]
    accepted = [c >= model.profile.threshold(p)
                for c, p in zip(confidences, predicted, strict=True)]
    metrics = score_predictions(truth, predicted, confidences, accepted, labels)
    log.info("evaluated on %d samples: macro-F1 %.3f", len(samples), metrics["macro_f1"])
    return metrics


def _pct(value: float | None) -> str:
    return "n/d" if value is None else f"{100 * value:5.1f} %"


def format_report(metrics: dict[str, Any], type_names: dict[str, str] | None = None) -> str:
    """The Spanish report `buzon evaluate` prints (per type, confusion, calibration)."""
    if not metrics.get("n"):
        return "Sin datos de evaluación."
    names = type_names or {}
    labels: list[str] = metrics["etiquetas"]
    width = max(len(names.get(x, x)) for x in labels) + 2
    lines = [f"Documentos evaluados: {metrics['n']}",
             f"Exactitud: {metrics['accuracy']:.3f}   F1 macro: {metrics['macro_f1']:.3f}",
             "", f"{'tipo':<{width}}precisión  exhaust.      F1     n"]
    for label in labels:
        row = metrics["por_tipo"][label]
        lines.append(f"{names.get(label, label):<{width}}{row['precision']:9.3f} "
                     f"{row['recall']:9.3f} {row['f1']:7.3f} {row['n']:5d}")
    lines += ["", "Matriz de confusión (filas: tipo real; columnas: tipo propuesto, "
              "numeradas como las filas)",
              " " * (width + 4) + " ".join(f"{f'({i})':>5}" for i in range(1, len(labels) + 1))]
    for i, (label, row) in enumerate(zip(labels, metrics["confusion"], strict=True), 1):
        lines.append(f"({i}) {names.get(label, label):<{width}}"
                     + " ".join(f"{v:5d}" for v in row))
    lines += ["",
              f"Error de calibración esperado (ECE, {ECE_BINS} intervalos): {metrics['ece']:.3f}",
              f"Aceptación automática (confianza sobre el umbral del tipo): "
              f"cobertura {_pct(metrics['cobertura_automatica'])}, "
              f"precisión {_pct(metrics['precision_automatica'])}"]
    return "\n".join(lines)
