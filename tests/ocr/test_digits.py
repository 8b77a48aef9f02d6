"""The handwritten-digit model: held-out accuracy, confidence, Luhn repair, its cache."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from ocr import digits


@pytest.fixture(scope="module")
def model(digit_models: digits.DigitModels) -> digits.DigitModel:
    return digit_models.get()


def test_held_out_mnist_digits_are_read_and_confidence_means_something(model):
    images, labels = digits.held_out_digits()
    images, labels = images[:400], labels[:400]
    guesses = model.predict([digits.normalise(im) for im in images])
    right = np.array([g.digit == str(lab) for g, lab in zip(guesses, labels, strict=True)])
    conf = np.array([g.confidence for g in guesses])
    assert right.mean() >= 0.94
    sure = conf >= 80
    assert right[sure].mean() > right[~sure].mean()  # doubt goes where the errors are
    assert right[sure].mean() >= 0.97
    assert all(abs(sum(g.probabilities) - 1) < 1e-6 for g in guesses)


def test_training_images_and_held_out_images_do_not_overlap():
    images, _ = digits._mnist()
    held, _ = digits.held_out_digits()
    assert len(held) == len(images) - digits.TRAIN_IMAGES
    train = {im.tobytes() for im in images[:digits.TRAIN_IMAGES]}
    assert not any(im.tobytes() in train for im in held)


def test_normalise_gives_mnist_geometry():
    ink = np.zeros((90, 60), np.uint8)
    ink[10:80, 25:35] = 255  # a tall "1"
    out = digits.normalise(ink)
    assert out is not None and out.shape == (28, 28) and out.max() == pytest.approx(1.0)
    ys, _xs = np.nonzero(out > 0.5)
    assert ys.max() - ys.min() + 1 in (19, 20, 21)
    assert digits.normalise(np.zeros((30, 30), np.uint8)) is None


def test_the_digit_rows_check_is_the_nss_validators():
    """One Luhn: the OCR's digit-row check and classifier.validate agree on every NSS."""
    import random

    from classifier.validate import is_valid_nss

    rng = random.Random(5)
    numbers = ["".join(rng.choice("0123456789") for _ in range(11)) for _ in range(2000)]
    assert [digits.luhn_ok(n) for n in numbers] == [is_valid_nss(n) for n in numbers]
    assert sum(map(digits.luhn_ok, numbers)) > 100  # both sides of the check are exercised


def test_luhn_and_single_digit_repair():
    assert digits.luhn_ok("92919084431") and not digits.luhn_ok("92919084432")
    assert not digits.luhn_ok("9291908443?") and not digits.luhn_ok("1")
    value = "92910084431"  # the 5th digit misread: 9 -> 0
    conf = [99.0] * 11
    probs = [[0.0] * 10 for _ in range(11)]
    conf[4] = 55.0
    probs[4][0], probs[4][9] = 0.55, 0.45
    assert digits.repair_luhn(value, conf, probs, 80.0) == (4, "9")
    # the fix must be a digit the model found plausible
    probs[4][9] = 0.0
    assert digits.repair_luhn(value, conf, probs, 80.0) is None
    # two doubtful digits that could each fix it: a guess, not a repair
    probs[4][9] = 0.45
    conf[6] = 50.0
    fix6 = next(d for d in "0123456789" if digits.luhn_ok(value[:6] + d + value[7:]))
    probs[6][int(fix6)] = 0.3
    assert digits.repair_luhn(value, conf, probs, 80.0) is None
    # confident digits are never changed
    assert digits.repair_luhn(value, [99.0] * 11, probs, 80.0) is None


def test_cache_round_trip_and_refusal_of_another_version(tmp_path: Path, model, monkeypatch):
    path = tmp_path / digits.MODEL_FILE
    digits._save(model, path)
    loaded = digits._load(path)
    assert loaded is not None and loaded.fingerprint == model.fingerprint
    stale = pickle.loads(path.read_bytes())
    stale.sklearn_version = "0.0"
    path.write_bytes(pickle.dumps(stale))
    assert digits._load(path) is None  # another scikit-learn: retrain, never trust it
    path.write_bytes(b"not a pickle")
    assert digits._load(path) is None


def test_digit_models_load_their_folder_train_an_empty_one_and_ship_without_it(
        tmp_path: Path, digit_models: digits.DigitModels, monkeypatch):
    """GIVEN a models folder holding a trained model WHEN two DigitModels read from it and
    from an empty folder THEN the first loads it without training, the second trains for its
    own folder and saves there, and a pickled copy (what a Dask worker receives) carries the
    folder but not the 3 MB model, loading it again from the folder on first use."""
    assert digit_models.folder is not None
    kept = tmp_path / "con_modelo"
    kept.mkdir()
    (kept / digits.MODEL_FILE).write_bytes((digit_models.folder / digits.MODEL_FILE).read_bytes())
    trained: list[int] = []
    monkeypatch.setattr(digits, "train", lambda: trained.append(1) or digit_models.get())
    loaded = digits.DigitModels(kept)
    assert loaded.get().fingerprint == digit_models.get().fingerprint and trained == []
    assert loaded.get() is loaded.get()  # held once loaded

    empty = digits.DigitModels(tmp_path / "vacia")
    (tmp_path / "vacia").mkdir()
    assert empty.keep() == tmp_path / "vacia" / digits.MODEL_FILE
    assert trained == [1] and (tmp_path / "vacia" / digits.MODEL_FILE).is_file()

    shipped = pickle.dumps(loaded)
    assert len(shipped) < 1000
    copy = pickle.loads(shipped)
    assert copy.folder == kept and copy.get() is not loaded.get()
    assert copy.get().fingerprint == loaded.get().fingerprint and trained == [1]
