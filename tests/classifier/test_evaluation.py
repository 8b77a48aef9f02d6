"""Evaluation figures: calibration error, abstention coverage/precision, the printed report."""

from __future__ import annotations

import pytest

from classifier.evaluation import expected_calibration_error, format_report, score_predictions


def test_ece_is_zero_when_confidence_matches_accuracy() -> None:
    # Ten predictions at 0.8 confidence, eight right: perfectly calibrated.
    assert expected_calibration_error([0.8] * 10, [True] * 8 + [False] * 2) == pytest.approx(0)


def test_ece_weights_each_bin_by_its_size() -> None:
    # Bin (0.9, 1]: 0.95 confident, half right -> gap 0.45 over half the items;
    # bin (0.5, 0.6]: 0.55 confident, all right -> gap 0.45 over the other half.
    conf = [0.95, 0.95, 0.55, 0.55]
    assert expected_calibration_error(conf, [True, False, True, True]) == pytest.approx(0.45)
    assert expected_calibration_error([], []) == 0.0


def test_scores_abstention_and_confusion() -> None:
    truth = ["gestion", "gestion", "queja_servicio", "sugerencia"]
    predicted = ["gestion", "queja_servicio", "queja_servicio", "sugerencia"]
    m = score_predictions(truth, predicted, [0.9, 0.4, 0.8, 0.7],
                          [True, False, True, False],
                          ["gestion", "queja_servicio", "sugerencia"])
    assert m["accuracy"] == 0.75
    assert m["cobertura_automatica"] == 0.5 and m["precision_automatica"] == 1.0
    assert m["confusion"] == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert m["por_tipo"]["gestion"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "n": 2}
    report = format_report(m, {"gestion": "Gestión"})
    assert "Gestión" in report and "Matriz de confusión" in report and "ECE" in report
    assert score_predictions([], [], [], [], [])["n"] == 0
