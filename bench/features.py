"""Which features carry to a writer never seen: leave one new writer out of training.

Usage: python -m bench.features [palabras senales actos]
For each of the independent writers of corpus_e*.jsonl, trains on every other corpus file
(filled and noise-augmented as `buzon train` does) and scores that writer's texts: macro-F1,
accuracy on texts of <= 15 words, and petitions predicted as no_peticion. The independent
test set is not used here: this is how features are chosen (classifier.model.FEATURE_SETS).
Writes bench/results/features.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from sklearn.metrics import f1_score

from classifier.corpus import load_corpus
from classifier.model import FEATURE_SETS, build_pipeline
from classifier.profile import load_profile
from classifier.training import item_samples

RESULTS = Path(__file__).resolve().parent / "results"
PROFILE = load_profile("imss")  # the corpus's own taxonomy


def held_out_writer(kind: str, writer: str, items: list) -> dict[str, float]:
    train = item_samples([i for i in items if i.source != writer], random.Random(0), PROFILE)
    test = item_samples([i for i in items if i.source == writer], random.Random(1), PROFILE,
                        copies=1, noise=False, hints=False)
    pipeline = build_pipeline(0, 3, kind).fit([t for t, _ in train], [lab for _, lab in train])
    pred = list(pipeline.predict([t for t, _ in test]))
    truth = [lab for _, lab in test]
    short = [k for k, (t, _) in enumerate(test) if len(t.split()) <= 15]
    return {
        "macro_f1": round(float(f1_score(truth, pred, average="macro")), 4),
        "exactitud_cortos": round(sum(pred[k] == truth[k] for k in short) / len(short), 4),
        "peticiones_como_no_peticion": sum(t != "no_peticion" and p == "no_peticion"
                                           for t, p in zip(truth, pred, strict=True)),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kinds", nargs="*", default=list(FEATURE_SETS))
    args = ap.parse_args()
    items = load_corpus()
    writers = sorted({i.source for i in items if i.source.startswith("corpus_e")})
    results = {}
    for kind in args.kinds:
        rows = {w: held_out_writer(kind, w, items) for w in writers}
        mean = {k: round(sum(r[k] for r in rows.values()) / len(rows), 4)
                for k in ("macro_f1", "exactitud_cortos")}
        results[kind] = {"por_escritor": rows, "media": mean,
                         "peticiones_como_no_peticion": sum(
                             r["peticiones_como_no_peticion"] for r in rows.values())}
        print(f"{kind:9s} mean macro-F1 {mean['macro_f1']:.3f}, short accuracy "
              f"{mean['exactitud_cortos']:.3f}, petitions as no_peticion "
              f"{results[kind]['peticiones_como_no_peticion']}", flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "features.json").write_text(json.dumps(results, indent=2, ensure_ascii=False)
                                           + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
