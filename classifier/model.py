"""The petition-type model: the scikit-learn pipeline, the saved bundle and predictions
(classifier.training decides when and on what it is fitted)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import pickle
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from classifier.errors import ModelBundleError
from classifier.profile import Profile, load_profile
from classifier.speech import cue_tokens, delexicalised
from classifier.text import fold
from common.files import atomic_writer

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: the learned urgency score joined the bundle
BUNDLE_PATTERN = "clasificador-{code}.joblib"  # one bundle per institution profile
HINT_PREFIX = "__casilla_"
CV_FOLDS = 3
_EMAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"\d[\d\s.\-()]{5,}\d")


def normalize(text: str) -> str:
    """Model input: folded (lower-case, no accents), personal numbers and e-mails masked."""
    text = _EMAIL.sub(" correoelectronico ", text)
    text = _DIGITS.sub(" numerolargo ", text)
    return fold(text)


def hint_tokens(hint: str | Sequence[str] | None) -> str:
    """Checkbox hints as feature tokens ("__casilla_queja__"), empty when there is none."""
    if not hint:
        return ""
    hints = [hint] if isinstance(hint, str) else list(hint)
    return " ".join(f"{HINT_PREFIX}{fold(h).strip()}__" for h in hints if h and h.strip())


def with_hint(text: str, hint: str | Sequence[str] | None) -> str:
    tokens = hint_tokens(hint)
    return f"{tokens} {text}" if tokens else text


# "actos" adds delexicalised words and speech-act cues; "senales" the cues alone. Measured
# leaving one writer out (python -m bench.features), neither beat plain words and char
# n-grams (mean macro-F1 on six unseen writers 0.836 words, 0.835 actos, 0.815 senales), so
# the model keeps "palabras"; the cues decide discards instead (classifier.propose).
FEATURE_SETS = ("palabras", "senales", "actos")
DEFAULT_FEATURES = "palabras"
CUE_WEIGHT = 0.6


def _features(kind: str = DEFAULT_FEATURES) -> FeatureUnion:
    """Words (1-2) and char_wb (2-5) n-grams; with "actos", also delexicalised words (1-3)
    and the speech-act cue tokens (classifier.speech), so the type does not hinge on the
    service named."""
    branches = [
        ("word", TfidfVectorizer(preprocessor=normalize, analyzer="word", ngram_range=(1, 2),
                                 sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w\w+\b")),
        ("char", TfidfVectorizer(preprocessor=normalize, analyzer="char_wb", ngram_range=(2, 5),
                                 sublinear_tf=True, min_df=2, max_features=150_000)),
    ]
    weights = {"word": 1.0, "char": 1.0}
    if kind == "actos":
        branches += [
            ("delex", TfidfVectorizer(preprocessor=delexicalised, analyzer="word",
                                      ngram_range=(1, 3), sublinear_tf=True, min_df=2,
                                      token_pattern=r"(?u)\b\w\w+\b")),
            ("cues", TfidfVectorizer(preprocessor=cue_tokens, analyzer="word",
                                     token_pattern=r"\S+", binary=True, use_idf=False)),
        ]
        weights.update(delex=1.0, cues=CUE_WEIGHT)
    elif kind == "senales":
        branches.append(("cues", TfidfVectorizer(preprocessor=cue_tokens, analyzer="word",
                                                 token_pattern=r"\S+", binary=True,
                                                 use_idf=False)))
        weights.update(cues=1.0)
    elif kind != "palabras":
        raise ValueError(f"conjunto de rasgos desconocido: {kind!r}")
    return FeatureUnion(branches, transformer_weights=weights)


def build_pipeline(seed: int = 0, cv: int | list[Any] = 3,
                   features: str = DEFAULT_FEATURES) -> Pipeline:
    """Features (see _features) -> class-balanced logistic regression, calibrated.

    Temperature scaling keeps the model's ranking and fits one parameter, which suits
    seven classes better than one-vs-rest sigmoids (those left it underconfident: ECE
    0.12 against 0.03 in a grouped hold-out of the train split).
    """
    union = _features(features)
    model = CalibratedClassifierCV(
        LogisticRegression(class_weight="balanced", C=10.0, solver="newton-cg", max_iter=500,
                           random_state=seed),
        method="temperature",
        cv=cv,
    )
    return Pipeline([("features", union), ("model", model)])


@dataclasses.dataclass
class Bundle:
    """What is saved: the fitted pipeline and what it takes to trust it later."""

    format_version: int
    sklearn_version: str
    data_fingerprint: str
    metrics: dict[str, Any]
    trained_at: str
    version: str
    pipeline: Pipeline
    profile: str = ""  # the code of the profile whose labels it answers in
    urgency: Pipeline | None = None  # P(urgent | text), see classifier.urgency
    urgency_threshold: float = 0.5


def fingerprint(samples: Sequence[tuple[str, str]]) -> str:
    """sha256 of the sorted (text, label) pairs: the same data gives the same print."""
    digest = hashlib.sha256()
    for text, label in sorted(samples):
        digest.update(json.dumps([text, label], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def build_urgency_pipeline(seed: int = 0) -> Pipeline:
    """Words and char n-grams -> class-balanced logistic regression: P(urgent | text)."""
    features = FeatureUnion([
        ("word", TfidfVectorizer(preprocessor=normalize, analyzer="word", ngram_range=(1, 2),
                                 sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w\w+\b")),
        ("char", TfidfVectorizer(preprocessor=normalize, analyzer="char_wb", ngram_range=(2, 5),
                                 sublinear_tf=True, min_df=2, max_features=100_000)),
    ])
    model = LogisticRegression(class_weight="balanced", C=4.0, max_iter=1000,
                               random_state=seed)
    return Pipeline([("features", features), ("model", model)])


def bundle_path(models_dir: Path, profile_code: str) -> Path:
    """Where the bundle of a profile lives in a models folder."""
    return Path(models_dir) / BUNDLE_PATTERN.format(code=profile_code)


def save_bundle(bundle: Bundle, path: Path) -> None:
    """Write the bundle atomically: a temp file in the same folder, then rename."""
    with atomic_writer(Path(path)) as fh:
        joblib.dump(dataclasses.asdict(bundle) | {"pipeline": bundle.pipeline}, fh)
    log.info("model bundle saved (%s)", bundle.version)


def load_bundle(path: Path, profile_code: str | None = None) -> Bundle:
    """Read a saved bundle; ModelBundleError if missing, corrupt, from another version or
    (given `profile_code`) trained for another profile's labels."""
    path = Path(path)
    if not path.is_file():
        raise ModelBundleError(f"No existe el modelo {path.name}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", InconsistentVersionWarning)
            raw = joblib.load(path)
    except InconsistentVersionWarning as e:
        raise ModelBundleError(
            "El modelo se guardó con otra versión de scikit-learn; hay que reentrenarlo"
        ) from e
    except (pickle.UnpicklingError, EOFError, ValueError, KeyError, AttributeError,
            ImportError, IndexError, TypeError, OSError) as e:
        raise ModelBundleError(f"El archivo del modelo está dañado o no es válido: {e}") from e
    if not isinstance(raw, dict) or "format_version" not in raw:
        raise ModelBundleError("El archivo del modelo no tiene el formato esperado")
    if raw["format_version"] != FORMAT_VERSION:
        raise ModelBundleError(
            f"El modelo tiene el formato {raw['format_version']} y se esperaba {FORMAT_VERSION}"
        )
    if raw.get("sklearn_version") != sklearn.__version__:
        raise ModelBundleError(
            f"El modelo se entrenó con scikit-learn {raw.get('sklearn_version')} y está "
            f"instalada la {sklearn.__version__}; hay que reentrenarlo"
        )
    try:
        bundle = Bundle(**raw)
    except TypeError as e:
        raise ModelBundleError("El archivo del modelo no tiene el formato esperado") from e
    if profile_code is not None and bundle.profile != profile_code:
        raise ModelBundleError(f"El modelo es del perfil «{bundle.profile}» y la instalación "
                               f"usa «{profile_code}»; hay que reentrenarlo")
    return bundle


class Classifier:
    """A trained bundle plus the profile's thresholds; picklable for Dask workers."""

    def __init__(self, bundle: Bundle, profile: Profile | None = None) -> None:
        self.bundle = bundle
        self.profile = profile or load_profile(bundle.profile)
        self.labels: list[str] = [str(c) for c in bundle.pipeline.classes_]

    @property
    def version(self) -> str:
        return self.bundle.version

    def urgency_score(self, text: str) -> float | None:
        """P(urgent | text) from the learned score, None when the bundle has none."""
        if self.bundle.urgency is None or not (text or "").strip():
            return None
        return float(self.bundle.urgency.predict_proba([text])[0][1])

    def predict_proba_many(
        self, texts: Sequence[str], hints: Sequence[str | Sequence[str] | None] | None = None
    ) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in `self.labels` order."""
        hints = hints if hints is not None else [None] * len(texts)
        inputs = [with_hint(t or "", h) for t, h in zip(texts, hints, strict=True)]
        return np.asarray(self.bundle.pipeline.predict_proba(inputs))

    def predict(
        self, text: str, hint: str | Sequence[str] | None = None
    ) -> tuple[str, float, dict[str, float], bool]:
        """(label, confidence, scores per label, needs_review).

        needs_review is set when the confidence is under the label's threshold in the
        profile, or when the model disagrees with the checkbox the person marked.
        """
        probs = self.bundle.pipeline.predict_proba([with_hint(text or "", hint)])[0]
        scores = {label: round(float(p), 4) for label, p in zip(self.labels, probs, strict=True)}
        label = max(scores, key=scores.__getitem__)
        confidence = scores[label]
        needs_review = confidence < self.profile.threshold(label)
        hints = [hint] if isinstance(hint, str) else list(hint or ())
        allowed = {t for h in hints for t in self.profile.hints.get(fold(h).strip(), ())}
        if allowed and label not in allowed:
            needs_review = True
        return label, confidence, scores, needs_review
