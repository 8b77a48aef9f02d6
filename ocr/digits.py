"""Handwritten digits in form boxes: a scikit-learn model trained on MNIST and load_digits."""

from __future__ import annotations

import functools
import hashlib
import logging
import pickle
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from stdnum import luhn

from common.files import atomic_writer
from ocr.errors import OcrError

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 2: pixel + gradient-histogram features; 3: printed digits too
DATA_FILE = "mnist_t10k_first5000.npz"
# The first TRAIN_IMAGES MNIST images train the model; the rest are held out for the sample
# generator's digit boxes, so the benchmark reads handwriting the model never saw.
TRAIN_IMAGES = 4000
# Of those, the last CALIBRATION_IMAGES (undistorted) only fit the probability calibration.
CALIBRATION_IMAGES = 600
SIDE = 28  # MNIST geometry: the digit fits a 20 px box, centred by its mass in 28x28
FIT = 20
AUGMENT_COPIES = 3  # distorted copies per training image (rotation, shear, scale, stroke)
SEED = 20240521
MODEL_FILE = "digitos.pkl"
HOG_CELL = 7  # px: 4x4 cells on the 28x28 image
HOG_BINS = 9  # stroke directions over 180 degrees
HOG_WEIGHT = 2.0  # the histograms' weight beside the 784 pixels (before PCA)
PCA_COMPONENTS = 60
# Digits printed in these fonts join the handwriting: people also write in block style
# (a "1" with a foot and a flag, a "7" with a bar) that MNIST barely shows. The fonts come
# with the apt packages scripts/setup.sh installs; missing ones are skipped (and change
# the model's fingerprint).
PRINT_FONTS = ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSansMono.ttf",
               "dejavu/DejaVuSans-Bold.ttf", "liberation/LiberationSans-Regular.ttf",
               "liberation/LiberationSerif-Regular.ttf", "humor-sans/Humor-Sans.ttf")
FONT_DIR = Path("/usr/share/fonts/truetype")
PRINT_COPIES = 6  # distorted renderings per font and digit


@dataclass
class DigitGuess:
    digit: str  # "0".."9"
    confidence: float  # 0..100: the model's probability of `digit`
    probabilities: list[float] = field(default_factory=list)  # per digit 0..9, sums to 1


@dataclass
class DigitModel:
    """The trained pipeline and what it was trained on (one bundle, STYLE.md)."""

    pipeline: Any
    sklearn_version: str
    fingerprint: str
    metrics: dict[str, float]
    format_version: int = FORMAT_VERSION

    def predict(self, images: list[np.ndarray]) -> list[DigitGuess]:
        """Digits of normalised 28x28 images (see `normalise`), with their probabilities."""
        if not images:
            return []
        x = np.stack([features(im) for im in images])
        probs = self.pipeline.predict_proba(x)
        picks = self.pipeline.predict(x)
        classes = [int(c) for c in self.pipeline.classes_]
        out = []
        for p, pick in zip(probs, picks, strict=True):
            full = [0.0] * 10
            for c, v in zip(classes, p, strict=True):
                full[c] = float(v)
            best = int(pick)
            out.append(DigitGuess(str(best), round(100.0 * full[best], 1), full))
        return out


def _data_bytes() -> bytes:
    return resources.files("ocr.data").joinpath(DATA_FILE).read_bytes()


@functools.lru_cache(maxsize=1)
def _mnist() -> tuple[np.ndarray, np.ndarray]:
    import io

    with np.load(io.BytesIO(_data_bytes())) as d:
        return d["images"].copy(), d["labels"].astype(np.int64).copy()


def held_out_digits() -> tuple[np.ndarray, np.ndarray]:
    """MNIST images (28x28 uint8, white ink on black) and labels never used in training."""
    images, labels = _mnist()
    return images[TRAIN_IMAGES:], labels[TRAIN_IMAGES:]


def normalise(ink: np.ndarray) -> np.ndarray | None:
    """MNIST geometry for an ink image (uint8, ink bright on 0): 28x28 float32 in 0..1.

    The ink's bounding box is scaled so its longer side is 20 px (aspect kept), then
    placed so its centre of mass sits at the centre, as MNIST was built. None when empty.
    """
    ys, xs = np.nonzero(ink > 40)
    if ys.size < 3:
        return None
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32)
    h, w = crop.shape
    k = FIT / max(h, w)
    nh, nw = max(1, round(h * k)), max(1, round(w * k))
    interp = cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
    small = cv2.resize(crop, (nw, nh), interpolation=interp)
    out = np.zeros((SIDE, SIDE), np.float32)
    total = float(small.sum())
    if total <= 0:
        return None
    cy = float((small.sum(axis=1) * np.arange(nh)).sum() / total)
    cx = float((small.sum(axis=0) * np.arange(nw)).sum() / total)
    top = int(round(SIDE / 2 - cy))
    left = int(round(SIDE / 2 - cx))
    top = min(max(top, 0), SIDE - nh)
    left = min(max(left, 0), SIDE - nw)
    out[top:top + nh, left:left + nw] = small
    peak = float(out.max())
    return _deskew(out / peak) if peak > 0 else None


def _deskew(img: np.ndarray) -> np.ndarray:
    """Undo the slant of the strokes (second-order moments), as for MNIST classifiers."""
    m = cv2.moments(img)
    if abs(m["mu02"]) < 1e-2:
        return img
    slant = m["mu11"] / m["mu02"]
    shear = np.array([[1, slant, -0.5 * SIDE * slant], [0, 1, 0]], dtype=np.float32)
    return cv2.warpAffine(img, shear, (SIDE, SIDE), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR)


def features(image: np.ndarray) -> np.ndarray:
    """The model's input: the 28x28 pixels, lightly blurred (strokes of any width overlap),
    and the histograms of stroke directions per 7x7 cell (shape more than position).

    On held-out MNIST the directions took an RBF SVM from 97.4% to 98.3% per digit.
    """
    blurred = cv2.GaussianBlur(image, (3, 3), 0.6)
    return np.concatenate([blurred.reshape(-1), HOG_WEIGHT * _directions(image)]).astype(
        np.float32)


def _directions(image: np.ndarray) -> np.ndarray:
    """Histogram of oriented gradients: HOG_BINS bins per HOG_CELL cell, L2-normalised."""
    gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3)
    magnitude, angle = cv2.cartToPolar(gx, gy, angleInDegrees=True)
    bins = (np.mod(angle, 180.0) * (HOG_BINS / 180.0)).astype(np.int64) % HOG_BINS
    cells = SIDE // HOG_CELL
    # Each pixel's bin index, offset by its cell, so one bincount fills every histogram.
    cell_id = (np.arange(SIDE) // HOG_CELL)[:, None] * cells + (np.arange(SIDE) // HOG_CELL)
    index = (cell_id * HOG_BINS + bins).ravel()
    hist = np.bincount(index, magnitude.ravel(), cells * cells * HOG_BINS)
    return hist / (np.linalg.norm(hist) + 1e-6)


def _distort(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A plausible other hand: rotated, sheared, rescaled, with thinner or bolder strokes."""
    big = cv2.resize(img, (SIDE * 2, SIDE * 2), interpolation=cv2.INTER_LINEAR)
    c = SIDE
    angle = float(rng.uniform(-14, 14))
    scale = float(rng.uniform(0.85, 1.1))
    m = np.asarray(cv2.getRotationMatrix2D((c, c), angle, scale), dtype=np.float64)
    m[0, 1] += float(rng.uniform(-0.3, 0.3))
    m[:, 2] += rng.uniform(-2, 2, size=2)
    out = cv2.warpAffine(big, m, (SIDE * 2, SIDE * 2), flags=cv2.INTER_LINEAR, borderValue=0)
    stroke = rng.integers(-1, 2)
    if stroke:
        kernel = np.ones((3, 3), np.uint8)
        out = cv2.dilate(out, kernel) if stroke > 0 else cv2.erode(out, kernel)
    return out


def _sources() -> tuple[list[tuple[np.ndarray, int]], list[tuple[np.ndarray, int]]]:
    """(training, calibration) images as (uint8 ink image, label)."""
    from sklearn.datasets import load_digits

    images, labels = _mnist()
    fit_end = TRAIN_IMAGES - CALIBRATION_IMAGES
    train = [(images[i], int(labels[i])) for i in range(fit_end)]
    small = load_digits()
    for im, lab in zip(small.images, small.target, strict=True):
        up = cv2.resize((im * (255 / 16)).astype(np.uint8), (SIDE, SIDE),
                        interpolation=cv2.INTER_LINEAR)
        train.append((up, int(lab)))
    rng = np.random.default_rng(SEED)
    train += [(_distort(im, rng), lab) for im, lab in _printed_digits()
              for _ in range(PRINT_COPIES)]
    calibration = [(images[i], int(labels[i])) for i in range(fit_end, TRAIN_IMAGES)]
    return train, calibration


def _fonts() -> list[Path]:
    return [FONT_DIR / f for f in PRINT_FONTS if (FONT_DIR / f).is_file()]


def _printed_digits() -> list[tuple[np.ndarray, int]]:
    """Each digit in each installed print font, white on black like MNIST."""
    from PIL import Image, ImageDraw, ImageFont

    out = []
    for path in _fonts():
        font = ImageFont.truetype(str(path), 40)
        for digit in range(10):
            canvas = Image.new("L", (64, 64), 0)
            ImageDraw.Draw(canvas).text((32, 32), str(digit), font=font, fill=255, anchor="mm")
            out.append((np.asarray(canvas), digit))
    return out


def _matrix(pairs: list[tuple[np.ndarray, int]], rng: np.random.Generator | None,
            copies: int) -> tuple[np.ndarray, np.ndarray]:
    xs: list[np.ndarray] = []
    ys: list[int] = []
    for im, lab in pairs:
        variants = [im] + ([_distort(im, rng) for _ in range(copies)] if rng else [])
        for v in variants:
            n = normalise(v)
            if n is not None:
                xs.append(features(n))
                ys.append(lab)
    return np.stack(xs), np.array(ys)


def train(seed: int = SEED) -> DigitModel:
    """Train the digit model from the bundled data (about 10 s of CPU).

    An RBF SVM on PCA components of deskewed MNIST-style images (pixels and stroke
    directions, see `features`) reads the digit; a
    multinomial logistic regression fitted on its pairwise decision values, over real
    images it never trained on, turns them into probabilities: the confidence of the
    SVM's digit is its calibrated probability.
    """
    import sklearn
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.svm import SVC

    started = time.monotonic()
    fit_pairs, cal_pairs = _sources()
    x, y = _matrix(fit_pairs, np.random.default_rng(seed), AUGMENT_COPIES)
    svm = Pipeline([("pca", PCA(n_components=PCA_COMPONENTS, random_state=seed)),
                    ("svm", SVC(C=5.0, gamma="scale", decision_function_shape="ovo"))])
    svm.fit(x, y)
    cx, cy = _matrix(cal_pairs, None, 0)
    calibrator = LogisticRegression(C=1.0, max_iter=1000)
    calibrator.fit(svm.decision_function(cx), cy)
    pipeline = _Calibrated(svm, calibrator)
    model = DigitModel(pipeline, sklearn.__version__, _fingerprint(seed), {})
    hx, hy = held_out_digits()
    test = [normalise(im) for im in hx]
    keep = [i for i, t in enumerate(test) if t is not None]
    guesses = model.predict([test[i] for i in keep])  # type: ignore[misc]
    acc = float(np.mean([g.digit == str(hy[i]) for g, i in zip(guesses, keep, strict=True)]))
    model.metrics = {"held_out_accuracy": round(acc, 4), "train_size": float(len(y)),
                     "seconds": round(time.monotonic() - started, 1)}
    log.info("digit model trained on %d images in %.1f s; held-out accuracy %.3f", len(y),
             model.metrics["seconds"], acc)
    return model


class _Calibrated:
    """SVM decision values -> calibrated probabilities; `classes_` and `predict_proba`."""

    def __init__(self, svm: Any, calibrator: Any) -> None:
        self.svm = svm
        self.calibrator = calibrator
        self.classes_ = calibrator.classes_

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return self.calibrator.predict_proba(self.svm.decision_function(x))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The SVM's own vote: about 1 point more accurate than the calibrated argmax; when
        the two disagree, the calibrated probability of the vote is low and flags it."""
        return self.svm.predict(x)


def _fingerprint(seed: int) -> str:
    h = hashlib.sha256(_data_bytes())
    h.update(f"{FORMAT_VERSION}:{TRAIN_IMAGES}:{CALIBRATION_IMAGES}:{AUGMENT_COPIES}:{seed}"
             .encode())
    h.update(":".join(p.name for p in _fonts()).encode())
    return h.hexdigest()[:16]


def _load(path: Path) -> DigitModel | None:
    import sklearn

    try:
        with path.open("rb") as f:
            model = pickle.load(f)  # our own data dir: as trusted as the code
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as e:
        log.warning("digit model cache unreadable (%s); retraining", type(e).__name__)
        return None
    if (not isinstance(model, DigitModel) or model.format_version != FORMAT_VERSION
            or model.sklearn_version != sklearn.__version__
            or model.fingerprint != _fingerprint(SEED)):
        log.info("digit model cache is from another version; retraining")
        return None
    return model


def _save(model: DigitModel, path: Path) -> None:
    try:
        with atomic_writer(path) as f:
            pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as e:
        log.warning("digit model not cached: %s", type(e).__name__)


class DigitModels:
    """The digit model of one models folder: loaded from it, or trained and saved there, on
    first use, and then held.

    A reader holds one instead of a module global, so two readers (two data dirs, or a
    test's) never share a model by accident. The pipeline ships it to each Dask worker once
    (scattered with the classifier): the worker keeps that one object for all its tasks,
    so each worker process loads the model once. It pickles without the loaded model
    (`__getstate__`), so a worker loads it from the folder (~0.2 s) instead of receiving
    3 MB with it; with no folder it is trained in memory (~10 s of CPU) on first use.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self._model: DigitModel | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"DigitModels({self.folder!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"folder": self.folder}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.folder = state["folder"]
        self._model = None
        self._lock = threading.Lock()

    def get(self) -> DigitModel:
        """The model: held, loaded from the folder, or trained now (and saved there).

        Raises:
            OcrError: it could not be trained.
        """
        with self._lock:
            if self._model is not None:
                return self._model
            path = self.folder / MODEL_FILE if self.folder is not None else None
            model = _load(path) if path is not None and path.exists() else None
            if model is None:
                try:
                    model = train()
                except (OSError, ValueError) as e:
                    raise OcrError("no se pudo entrenar el modelo de dígitos") from e
                if path is not None:
                    _save(model, path)
            self._model = model
            return model

    def keep(self) -> Path:
        """Load or train the model now and make sure it is saved in the folder, so that
        later processes (the Dask workers, the next run) only load it."""
        if self.folder is None:
            raise ValueError("DigitModels.keep needs a models folder")
        model = self.get()
        path = self.folder / MODEL_FILE
        if not path.exists():  # an earlier save failed (it warned): try again
            _save(model, path)
        return path


def luhn_ok(number: str) -> bool:
    """Whether a row of digits ends in the Luhn check digit of the others (the NSS's)."""
    return len(number) >= 2 and number.isdigit() and luhn.is_valid(number)


def repair_luhn(value: str, confidences: list[float], probabilities: list[list[float]],
                min_conf: float, min_prob: float = 0.01) -> tuple[int, str] | None:
    """The one (position, digit) change that makes `value` pass Luhn, if it is unique.

    Only low-confidence digits (under `min_conf`) are candidates, and the replacement must
    be one the model found at least `min_prob` likely. Luhn detects every single-digit
    error, so each position has at most one fix; two candidate positions with a plausible
    fix each make the repair a guess, and none is made.
    """
    fixes: list[tuple[int, str]] = []
    for pos, conf in enumerate(confidences):
        if conf >= min_conf:
            continue
        for d in "0123456789":
            if d == value[pos]:
                continue
            trial = value[:pos] + d + value[pos + 1:]
            if luhn_ok(trial) and probabilities[pos][int(d)] >= min_prob:
                fixes.append((pos, d))
    return fixes[0] if len(fixes) == 1 else None
