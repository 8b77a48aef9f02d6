"""Per-type acceptance thresholds for the profile, from predictions on unseen writers.

Usage: python -m bench.thresholds [--precision 0.975] [--perfil imss|issste]
Splits the profile's corpus train split (the corpus through its label mapping, plus its own
texts) into 3 folds that keep each writer (corpus file) together,
trains exactly as `buzon train` does on two and predicts the third, then gives, per proposed
type, the lowest calibrated confidence at which the accepted proposals were at least
`--precision` right (never under 0.5; a discard never under 0.6). These are the values of
the profile's [thresholds] (classifier/profiles/<perfil>.toml). The test split and the
test-only sets are never read. Writes bench/results/thresholds.json (thresholds_<perfil>.json
for another profile than imss).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

from classifier.corpus import split
from classifier.model import Classifier
from classifier.profile import load_profile
from classifier.training import COPIES, item_samples, profile_items, train

if TYPE_CHECKING:
    from classifier.profile import Profile

RESULTS = Path(__file__).resolve().parent / "results"
MIN_ACCEPTED = 10
FLOOR = 0.5
DISCARD_FLOOR = 0.6


def out_of_writer_predictions(profile: Profile, seed: int = 0
                              ) -> tuple[list[str], list[str], np.ndarray]:
    """(truth, predicted, confidence) for every train-split sample, its writer unseen."""
    items = split(profile_items(profile))[0]
    samples = item_samples(items, random.Random(seed), profile)
    groups = [item.source for item in items for _ in range(COPIES)]
    texts = [t for t, _ in samples]
    labels = [lab for _, lab in samples]
    truth, pred, conf = [], [], []
    folds = StratifiedGroupKFold(n_splits=3, shuffle=True, random_state=seed)
    for k, (fit_idx, held_idx) in enumerate(folds.split(texts, labels, groups), 1):
        held_writers = sorted({groups[i] for i in held_idx})
        print(f"fold {k}: predicting {', '.join(held_writers)}", flush=True)
        bundle = train([samples[i] for i in fit_idx], profile, seed=seed,
                       groups=[groups[i] for i in fit_idx])
        model = Classifier(bundle, profile)
        probs = model.predict_proba_many([texts[i] for i in held_idx])
        truth += [labels[i] for i in held_idx]
        pred += [model.labels[j] for j in probs.argmax(axis=1)]
        conf += list(probs.max(axis=1))
    return truth, pred, np.asarray(conf)


def thresholds(truth: list[str], pred: list[str], conf: np.ndarray, precision: float,
               discard: str = "no_peticion") -> dict[str, dict[str, float | int]]:
    out = {}
    right = np.asarray([t == p for t, p in zip(truth, pred, strict=True)])
    for label in sorted(set(pred)):
        mine = np.asarray([p == label for p in pred])
        floor = DISCARD_FLOOR if label == discard else FLOOR
        chosen = 0.99
        for t in np.arange(floor, 0.991, 0.01):
            taken = mine & (conf >= t)
            if taken.sum() >= MIN_ACCEPTED and right[taken].mean() >= precision:
                chosen = float(t)
                break
        taken = mine & (conf >= chosen)
        out[label] = {"umbral": round(chosen, 2),
                      "precision": round(float(right[taken].mean()), 4) if taken.any() else None,
                      "cobertura": round(float(taken.sum() / mine.sum()), 4)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--precision", type=float, default=0.975)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--perfil", default="imss")
    args = ap.parse_args()
    profile = load_profile(args.perfil)
    truth, pred, conf = out_of_writer_predictions(profile, args.seed)
    table = thresholds(truth, pred, conf, args.precision, profile.discard_type)
    for label, row in table.items():
        print(f"{label} = {row['umbral']}   # precision {row['precision']}, "
              f"coverage {row['cobertura']}")
    RESULTS.mkdir(exist_ok=True)
    name = "thresholds.json" if args.perfil == "imss" else f"thresholds_{args.perfil}.json"
    (RESULTS / name).write_text(json.dumps(
        {"perfil": args.perfil, "precision_buscada": args.precision, "umbrales": table},
        indent=2,
        ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
