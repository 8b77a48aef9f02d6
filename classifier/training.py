"""Every training decision: the samples (the bundled corpus in the profile's labels, the
profile's own texts, reviewed documents), fitting, and when to load, train or retrain a
profile's bundle. classifier.model holds the pipeline, the bundle and prediction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import sklearn
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold, cross_val_predict

from classifier.augment import noisy
from classifier.corpus import (
    ContactLevel,
    CorpusItem,
    fill,
    load_corpus,
    load_profile_corpus,
    make_identity,
    split,
)
from classifier.errors import ModelBundleError
from classifier.model import (
    DEFAULT_FEATURES,
    FORMAT_VERSION,
    Bundle,
    Classifier,
    build_pipeline,
    build_urgency_pipeline,
    bundle_path,
    fingerprint,
    load_bundle,
    save_bundle,
    with_hint,
)

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from classifier.profile import Profile

log = logging.getLogger(__name__)

_LEVELS: tuple[ContactLevel, ...] = ("completo", "parcial", "ausente")
COPIES = 2  # training copies per corpus item (different people, every other one noisy)
CV_FOLDS = 3
URGENCY_OOF_RECALL = 0.9  # the learned score alone, out of fold; the rules add to it
# A reviewed document is real box data, rarer and more valuable than a corpus copy.
REVIEW_COPIES = 2
Samples = Sequence[tuple[str, str]]


def checkbox_for(label: str, profile: Profile) -> list[str]:
    """Checkboxes on the volante that allow `label` (queja -> queja_servicio, ...)."""
    return [box for box, allowed in profile.hints.items() if label in allowed]


def profile_items(profile: Profile) -> list[CorpusItem]:
    """The corpus in the profile's labels (through its `[training.labels]` mapping), then
    the profile's own texts, written where the mapping is not clean."""
    items = [dataclasses.replace(item, type=profile.corpus_label(item.type))
             for item in load_corpus()]
    if profile.extra_corpus:
        items += load_profile_corpus(profile.extra_corpus, profile.labels,
                                     profile.discard_type)
    return items


def item_samples(
    items: Sequence[CorpusItem], rng: random.Random, profile: Profile, *,
    copies: int = COPIES, noise: bool = True, hints: bool = True,
) -> list[tuple[str, str]]:
    """(text, label) per item: `copies` fills, every other one OCR-damaged, some hinted."""
    boxes = list(profile.hints)
    out: list[tuple[str, str]] = []
    for item in items:
        for copy in range(copies):
            text = fill(item, make_identity(rng), rng, rng.choice(_LEVELS)).text
            if noise and copy % 2 == 1:
                text = noisy(text, rng, strength=rng.uniform(0.03, 0.12))
            if hints:
                r = rng.random()
                own = checkbox_for(item.type, profile)
                if own and r < 0.3:
                    text = with_hint(text, rng.choice(own))
                elif r > 0.96:
                    text = with_hint(text, rng.choice(boxes))
            out.append((text, item.type))
    return out


def corpus_groups(profile: Profile, items: Sequence[CorpusItem] | None = None) -> list[str]:
    """The calibration group of each training sample of `corpus_samples` (same order): its
    writer (the corpus file it came from), else its item id.

    Calibrating on folds that keep a writer together teaches the model how sure it may be
    on writing it never saw (held out e5 and e6: ECE 0.056 -> 0.035, on texts of <= 15
    words 0.125 -> 0.044); folds by item taught it the confidence it has on its own writers.
    """
    train_items, _test = split(profile_items(profile) if items is None else items)
    return [item.source or item.id for item in train_items for _ in range(COPIES)]


def corpus_urgent(profile: Profile, items: Sequence[CorpusItem] | None = None) -> list[bool]:
    """The urgent flag behind each training sample of `corpus_samples` (same order)."""
    train_items, _test = split(profile_items(profile) if items is None else items)
    return [item.urgent for item in train_items for _ in range(COPIES)]


def corpus_samples(
    profile: Profile, seed: int = 0, items: Sequence[CorpusItem] | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(train, test) samples from the corpus's fixed split; test texts are clean, unhinted."""
    train_items, test_items = split(profile_items(profile) if items is None else items)
    train = item_samples(train_items, random.Random(seed), profile)
    test = item_samples(test_items, random.Random(seed + 1), profile, copies=1, noise=False,
                        hints=False)
    return train, test


def evaluate(pipeline: Pipeline, samples: Samples, profile: Profile) -> dict[str, Any]:
    """Per-type scores, confusion, calibration error and abstention of a fitted pipeline."""
    from classifier.evaluation import evaluate_classifier

    if not samples:
        return {}
    probe = Bundle(FORMAT_VERSION, sklearn.__version__, "", {}, "", "", pipeline,
                   profile.code)
    return evaluate_classifier(Classifier(probe, profile), samples)


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
    samples: Samples,
    profile: Profile,
    *,
    seed: int = 0,
    test_samples: Samples = (),
    groups: Sequence[str] | None = None,
    urgent: Sequence[bool | None] | None = None,
    features: str = DEFAULT_FEATURES,
) -> Bundle:
    """Fit the pipeline on (text, label) samples in `profile`'s labels; metrics come from
    `test_samples`.

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
        version=f"{profile.code}-{started:%Y%m%d%H%M}-{data_fp[:8]}",
        pipeline=pipeline,
        profile=profile.code,
        urgency=urgency,
        urgency_threshold=urgency_threshold,
    )


def training_data(profile: Profile, extra_samples: Samples = (), *, seed: int = 0
                  ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(train, test): the profile's corpus train split (filled, augmented) plus extras; its
    test split."""
    train_samples, test_samples = corpus_samples(profile, seed=seed)
    return [*train_samples, *extra_samples], test_samples


def training_fingerprint(profile: Profile, extra_samples: Samples = (), *, seed: int = 0
                         ) -> str:
    """The data fingerprint `train_from_corpus(profile, extra_samples)` would store."""
    return fingerprint(training_data(profile, extra_samples, seed=seed)[0])


def train_from_corpus(profile: Profile, extra_samples: Samples = (), *, seed: int = 0
                      ) -> Bundle:
    """Train the profile's bundle on its corpus (train split, filled and noise-augmented)
    plus extras (reviewed documents, already in its labels)."""
    train_samples, test_samples = training_data(profile, extra_samples, seed=seed)
    items = profile_items(profile)
    groups = [*corpus_groups(profile, items), *(text for text, _ in extra_samples)]
    urgent: list[bool | None] = [*corpus_urgent(profile, items),
                                 *([None] * len(extra_samples))]
    return train(train_samples, profile, seed=seed, test_samples=test_samples,
                 groups=groups, urgent=urgent)


def load_or_train(
    models_dir: Path, profile: Profile, notify: Callable[[str], None],
    extra_samples: Callable[[], Samples] | None = None,
) -> Classifier:
    """The profile's saved model in `models_dir`, or a new one trained and saved.

    `extra_samples` (called only when training) adds reviewed documents, so a model
    refused for another scikit-learn version is replaced by one that keeps what the
    reviewers taught it.
    """
    path = bundle_path(models_dir, profile.code)
    if path.exists():
        try:
            return Classifier(load_bundle(path, profile.code), profile)
        except ModelBundleError as e:
            notify(f"El modelo guardado no se puede usar ({e}); entrenando uno nuevo...")
    else:
        notify("No hay modelo entrenado; entrenando uno con el corpus incluido...")
    extra = list(extra_samples()) if extra_samples is not None else []
    bundle = train_from_corpus(profile, extra)
    save_bundle(bundle, path)
    notify(
        f"Modelo {bundle.version} listo (exactitud {bundle.metrics.get('accuracy', 'n/d')}, "
        f"F1 macro {bundle.metrics.get('macro_f1', 'n/d')})."
    )
    return Classifier(bundle, profile)


@dataclasses.dataclass(frozen=True)
class ReviewedSample:
    """One human-confirmed document: its final type and its text (personal data replaced)."""

    document_id: int
    type: str
    text: str


def as_training(samples: Sequence[ReviewedSample]) -> list[tuple[str, str]]:
    """(text, label) pairs, each reviewed document weighted REVIEW_COPIES times."""
    return [(s.text, s.type) for s in samples for _ in range(REVIEW_COPIES)]


@dataclasses.dataclass(frozen=True)
class TrainOutcome:
    """What `retrain` did: the active bundle, whether it is new, and why."""

    bundle: Bundle
    trained: bool
    reason: str
    reviewed: int


def retrain(
    models_dir: Path, profile: Profile, reviewed: Sequence[ReviewedSample], *,
    force: bool = False, notify: Callable[[str], None] = lambda _m: None,
    train_fn: Callable[[Samples], Bundle] | None = None,
    fingerprint_fn: Callable[[Samples], str] | None = None,
) -> TrainOutcome:
    """Train on the corpus plus reviewed documents, unless the saved model already has them.

    A saved bundle that cannot be used (another scikit-learn or format version, another
    profile, corrupt) is refused and replaced. `train_fn`/`fingerprint_fn` let tests train
    a small model.
    """
    def default_train(extra: Samples) -> Bundle:
        return train_from_corpus(profile, extra)

    def default_fingerprint(extra: Samples) -> str:
        return training_fingerprint(profile, extra)

    train_fn = train_fn or default_train
    fingerprint_fn = fingerprint_fn or default_fingerprint
    path = bundle_path(models_dir, profile.code)
    extra = as_training(reviewed)
    current: Bundle | None = None
    if path.exists():
        try:
            current = load_bundle(path, profile.code)
        except ModelBundleError as e:
            notify(f"El modelo guardado no se puede usar ({e}); se entrena uno nuevo.")
    if current is not None and not force and current.data_fingerprint == fingerprint_fn(extra):
        return TrainOutcome(current, False, "sin datos nuevos", len(reviewed))
    bundle = train_fn(extra)
    bundle.metrics["decisiones_revisadas"] = len(reviewed)
    save_bundle(bundle, path)
    reason = "forzado" if force and current is not None else (
        "datos nuevos" if current is not None else "sin modelo utilizable")
    return TrainOutcome(bundle, True, reason, len(reviewed))
