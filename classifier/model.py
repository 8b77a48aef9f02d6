"""The petition-type model: scikit-learn pipeline, training, the saved bundle, predictions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import pickle
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline

from classifier._text import fold
from classifier.errors import ModelBundleError
from classifier.profile import Profile, load_profile
from classifier.speech import cue_tokens, delexicalised
from common.files import atomic_writer

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: the learned urgency score joined the bundle
BUNDLE_NAME = "clasificador.joblib"
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
    profile: str = "imss"
    urgency: Pipeline | None = None  # P(urgent | text), see classifier.urgency
    urgency_threshold: float = 0.5


def fingerprint(samples: Sequence[tuple[str, str]]) -> str:
    """sha256 of the sorted (text, label) pairs: the same data gives the same print."""
    digest = hashlib.sha256()
    for text, label in sorted(samples):
        digest.update(json.dumps([text, label], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def evaluate(pipeline: Pipeline, samples: Sequence[tuple[str, str]],
             profile: str = "imss") -> dict[str, Any]:
    """Per-type scores, confusion, calibration error and abstention of a fitted pipeline."""
    from classifier.evaluation import evaluate_classifier

    if not samples:
        return {}
    probe = Bundle(FORMAT_VERSION, sklearn.__version__, "", {}, "", "", pipeline, profile)
    return evaluate_classifier(Classifier(probe), samples)


URGENCY_OOF_RECALL = 0.9  # the learned score alone, out of fold; the rules add to it


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


def _fit_urgency(texts: Sequence[str], urgent: Sequence[bool | None],
                 groups: Sequence[str], seed: int) -> tuple[Pipeline | None, float]:
    """The urgency pipeline and its threshold: the highest score whose out-of-fold recall
    (folds grouped by corpus item) stays >= URGENCY_OOF_RECALL, within [0.2, 0.8]."""
    known = [i for i, u in enumerate(urgent) if u is not None]
    x = [texts[i] for i in known]
    y = np.asarray([bool(urgent[i]) for i in known])
    if y.sum() < CV_FOLDS or (~y).sum() < CV_FOLDS:
        return None, 0.5
    folds = GroupKFold(n_splits=CV_FOLDS)
    oof = cross_val_predict(build_urgency_pipeline(seed), x, y, cv=folds,
                            groups=[groups[i] for i in known], method="predict_proba")[:, 1]
    threshold = 0.2
    for t in np.arange(0.8, 0.19, -0.02):
        if (oof[y] >= t).mean() >= URGENCY_OOF_RECALL:
            threshold = float(t)
            break
    pipeline = build_urgency_pipeline(seed).fit(x, y)
    return pipeline, round(threshold, 2)


def train(
    samples: Sequence[tuple[str, str]],
    *,
    seed: int = 0,
    test_samples: Sequence[tuple[str, str]] = (),
    profile: str = "imss",
    groups: Sequence[str] | None = None,
    urgent: Sequence[bool | None] | None = None,
    features: str = DEFAULT_FEATURES,
) -> Bundle:
    """Fit the pipeline on (text, label) samples; metrics come from `test_samples`.

    `groups` names the source of each sample (copies of one corpus item share it): the
    calibration folds keep a group together, otherwise the calibrator sees near-copies of
    its training texts and learns to be overconfident. Default: one group per text.
    `urgent` flags each sample urgent or not (None: unknown) for the urgency score.
    """
    if not samples:
        raise ValueError("no hay muestras para entrenar")
    texts, labels = zip(*samples, strict=True)
    counts = {label: labels.count(label) for label in set(labels)}
    if len(counts) < 2:
        raise ValueError("se necesitan al menos dos tipos para entrenar")
    groups = list(groups) if groups is not None else list(texts)
    if len(groups) != len(texts):
        raise ValueError("groups y samples deben tener la misma longitud")
    per_label = {label: len({g for g, x in zip(groups, labels, strict=True) if x == label})
                 for label in counts}
    cv = max(2, min(CV_FOLDS, min(per_label.values())))
    folds = StratifiedGroupKFold(n_splits=cv, shuffle=True, random_state=seed)
    splits = list(folds.split(texts, labels, groups))
    pipeline = build_pipeline(seed, splits, features)
    started = dt.datetime.now(dt.UTC)
    pipeline.fit(list(texts), list(labels))
    urgency, urgency_threshold = (None, 0.5) if urgent is None else _fit_urgency(
        texts, list(urgent), groups, seed)
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    log.info("model trained on %d samples, %d classes in %.1fs", len(samples), len(counts),
             seconds)
    data_fp = fingerprint(samples)
    metrics = evaluate(pipeline, test_samples, profile)
    metrics.update({"muestras_entrenamiento": len(samples),
                    "segundos_entrenamiento": round(seconds, 1)})
    return Bundle(
        format_version=FORMAT_VERSION,
        sklearn_version=sklearn.__version__,
        data_fingerprint=data_fp,
        metrics=metrics,
        trained_at=started.isoformat(timespec="seconds"),
        version=f"{profile}-{started:%Y%m%d%H%M}-{data_fp[:8]}",
        pipeline=pipeline,
        profile=profile,
        urgency=urgency,
        urgency_threshold=urgency_threshold,
    )


def save_bundle(bundle: Bundle, path: Path) -> None:
    """Write the bundle atomically: a temp file in the same folder, then rename."""
    with atomic_writer(Path(path)) as fh:
        joblib.dump(dataclasses.asdict(bundle) | {"pipeline": bundle.pipeline}, fh)
    log.info("model bundle saved (%s)", bundle.version)


def load_bundle(path: Path) -> Bundle:
    """Read a saved bundle; ModelBundleError if missing, corrupt or from another version."""
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
        return Bundle(**raw)
    except TypeError as e:
        raise ModelBundleError("El archivo del modelo no tiene el formato esperado") from e


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


def training_data(
    extra_samples: Sequence[tuple[str, str]] = (), *, seed: int = 0
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(train, test): the corpus's train split (filled, augmented) plus extras; its test split."""
    from classifier.training import corpus_samples  # the corpus side lives apart

    train_samples, test_samples = corpus_samples(seed=seed)
    return [*train_samples, *extra_samples], test_samples


def _groups(extra_samples: Sequence[tuple[str, str]], seed: int) -> list[str]:
    from classifier.training import corpus_groups

    return [*corpus_groups(seed=seed), *(text for text, _ in extra_samples)]


def training_fingerprint(extra_samples: Sequence[tuple[str, str]] = (), *, seed: int = 0) -> str:
    """The data fingerprint `train_from_corpus(extra_samples)` would store (no training)."""
    return fingerprint(training_data(extra_samples, seed=seed)[0])


def train_from_corpus(extra_samples: Sequence[tuple[str, str]] = (), *, seed: int = 0) -> Bundle:
    """Train on the bundled corpus (train split, filled and noise-augmented) plus extras."""
    from classifier.training import corpus_urgent

    train_samples, test_samples = training_data(extra_samples, seed=seed)
    urgent: list[bool | None] = [*corpus_urgent(), *([None] * len(extra_samples))]
    return train(train_samples, seed=seed, test_samples=test_samples,
                 groups=_groups(extra_samples, seed), urgent=urgent)


def load_or_train(
    models_dir: Path, notify: Callable[[str], None],
    extra_samples: Callable[[], Sequence[tuple[str, str]]] | None = None,
) -> Classifier:
    """The saved model in `models_dir`, or a new one trained from the corpus and saved.

    `extra_samples` (called only when training) adds reviewed documents, so a model
    refused for another scikit-learn version is replaced by one that keeps what the
    reviewers taught it.
    """
    path = Path(models_dir) / BUNDLE_NAME
    if path.exists():
        try:
            return Classifier(load_bundle(path))
        except ModelBundleError as e:
            notify(f"El modelo guardado no se puede usar ({e}); entrenando uno nuevo...")
    else:
        notify("No hay modelo entrenado; entrenando uno con el corpus incluido...")
    extra = list(extra_samples()) if extra_samples is not None else []
    bundle = train_from_corpus(extra) if extra else train_from_corpus()
    save_bundle(bundle, path)
    notify(
        f"Modelo {bundle.version} listo (exactitud {bundle.metrics.get('accuracy', 'n/d')}, "
        f"F1 macro {bundle.metrics.get('macro_f1', 'n/d')})."
    )
    return Classifier(bundle)
