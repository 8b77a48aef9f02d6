"""Classifier benchmark on the corpus's fixed test split (never trained on).

Usage: python -m bench.classifier [--seed 0]
Trains exactly as `buzon train` does on a fresh data dir (corpus only), then prints and
writes to bench/results/classifier.json:
  0. the issue-11 figures on the test-only sets written apart (bench._independent): 7-type
     and 3-class macro-F1 (all, short, non-medical), petitions proposed as discards,
     urgent recall, ECE, automatic acceptance, and other public services;
  1. macro-F1, expected calibration error, precision of proposals above their type's
     threshold and the share of documents above it;
  2. macro-F1 on the same texts through OCR-like noise at a mild and a strong level;
  3. a keyword baseline written here, and the model's margin over it;
  4. extraction exact-match precision/recall per field (each test text filled three
     times: complete, partial and absent contact data);
  5. route accuracy and urgent recall/precision.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

from bench._independent import TARGETS as INDEPENDENT_TARGETS
from bench._independent import independent_figures, other_services_figures
from classifier._places import normalize_service, normalize_unit
from classifier.augment import noisy
from classifier.corpus import FILLED_FIELDS, fill, load_corpus, make_identity, split
from classifier.evaluation import evaluate_classifier
from classifier.model import Classifier
from classifier.profile import load_profile
from classifier.propose import propose
from classifier.route import route_for
from classifier.text import fold
from classifier.training import train_from_corpus, training_data
from synthbox.routes import expected_route

RESULTS = Path(__file__).resolve().parent / "results"
PROFILE = load_profile("imss")  # the corpus's own taxonomy: its truth is in these labels
FIELD_NAMES = FILLED_FIELDS  # the fields whose truth a filled corpus text knows
NOISE_LEVELS = {"leve": 0.05, "fuerte": 0.15}
TARGETS = {
    "macro_f1": ">= 0.90", "ece": "<= 0.05", "precision_automatica": ">= 0.97",
    "caida_ruido_leve": "<= 0.05", "ventaja_sobre_palabras_clave": ">= 0.10",
    "nss/telefono/correo": "precision >= 0.98, recall >= 0.95", "nombre": ">= 0.85 both",
    "ruta": ">= 0.95", "urgente_recall": "1.0",
}

# The keyword baseline: what a careful person would write in an afternoon.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "reconocimiento": (r"gracias", r"agradec", r"felicit", r"excelente", r"reconoc",
                       r"amable", r"bendiga"),
    "sugerencia": (r"sugier", r"sugerencia", r"deberian", r"seria bueno", r"propong",
                   r"estaria bien", r"podrian poner", r"ojala pusieran"),
    "queja_administrativa": (r"negligencia", r"investig", r"derechos", r"sancion",
                             r"mala praxis", r"diagnostic", r"fallecio", r"murio",
                             r"responsab", r"por escrito"),
    "gestion": (r"solicito", r"necesito", r"reprogram", r"cambio de", r"me den",
                r"surt", r"pase a", r"referencia", r"incapacidad"),
    "orientacion": (r"quisiera saber", r"quiero saber", r"informacion", r"\bcomo\b",
                    r"\bdonde\b", r"requisitos", r"horario", r"\?"),
    "queja_servicio": (r"queja", r"groser", r"esper", r"mal trato", r"no hay",
                       r"tardan", r"sucio", r"pesimo", r"inconform"),
}


def keyword_label(text: str) -> str:
    """The baseline's label: the type with most keyword hits; few words -> no_peticion."""
    folded = fold(text)
    if len(re.findall(r"[a-z]{3,}", folded)) < 4:
        return "no_peticion"
    hits = {label: sum(len(re.findall(p, folded)) for p in pats)
            for label, pats in KEYWORDS.items()}
    best = max(hits, key=hits.__getitem__)
    return best if hits[best] else "no_peticion"


def _same(name: str, got: str | None, want: str | None) -> bool:
    if not got or not want:
        return False
    if name == "unidad":
        return normalize_unit(got) == normalize_unit(want)
    if name == "servicio":
        return normalize_service(got) == normalize_service(want)
    return " ".join(fold(got).split()) == " ".join(fold(want).split())


def extraction_and_routes(model: Classifier, seed: int, noise: float = 0.0) -> dict[str, Any]:
    """Fill each test text three ways, propose, and compare fields, route and urgency.

    With `noise` > 0 the filled text goes through the OCR-like noise first (truth unchanged).
    """
    _train_items, test_items = split(load_corpus())
    rng = random.Random(seed + 2)
    counts = {n: {"verdad": 0, "propuestos": 0, "aciertos_p": 0, "aciertos_r": 0}
              for n in FIELD_NAMES}
    routes = routes_given_type = docs = 0
    urgent = {"tp": 0, "fp": 0, "fn": 0}
    for item in test_items:
        for level in ("completo", "parcial", "ausente"):
            filled = fill(item, make_identity(rng), rng, level)
            text = noisy(filled.text, rng, strength=noise) if noise else filled.text
            p = propose(text, model)
            truth = filled.fields
            for name in FIELD_NAMES:
                got, want = p.fields.get(name), truth.get(name)
                c = counts[name]
                c["verdad"] += bool(want)
                c["propuestos"] += bool(got)
                hit = _same(name, got, want)
                c["aciertos_p"] += bool(got) and hit
                c["aciertos_r"] += bool(want) and hit
            # the truth's route from the sample's own table (DOMAIN.md), not the product's
            true_route = expected_route(item.type, truth)
            routes += p.route == true_route
            valid = {k: v for k, v in p.fields.items()
                     if k not in p.spans or p.spans[k].valid}
            routes_given_type += route_for(item.type, valid, model.profile)[0] == true_route
            docs += 1
            if item.urgent and p.urgent:
                urgent["tp"] += 1
            elif p.urgent:
                urgent["fp"] += 1
            elif item.urgent:
                urgent["fn"] += 1
    fields = {
        n: {"precision": round(c["aciertos_p"] / c["propuestos"], 4) if c["propuestos"] else None,
            "recall": round(c["aciertos_r"] / c["verdad"], 4) if c["verdad"] else None,
            "n_verdad": c["verdad"], "n_propuestos": c["propuestos"]}
        for n, c in counts.items()
    }
    tp, fp, fn = urgent["tp"], urgent["fp"], urgent["fn"]
    return {
        "documentos": docs,
        "campos": fields,
        "ruta_exactitud": round(routes / docs, 4),
        "ruta_exactitud_con_tipo_real": round(routes_given_type / docs, 4),
        "urgente": {"recall": round(tp / (tp + fn), 4) if tp + fn else None,
                    "precision": round(tp / (tp + fp), 4) if tp + fp else None,
                    "verdaderos": tp + fn, "marcados": tp + fp},
    }


ORIGINAL_FILES = ("corpus_a", "corpus_b", "corpus_c", "corpus_d")


def _test_items() -> list[Any]:
    return split(load_corpus())[1]


def _print_independent(ind: dict[str, Any], others: dict[str, Any]) -> None:
    print("0. independent test set (written apart, never trained or tuned on):")
    for name, part in (("all", ind["todos"]), ("short <= 15 words", ind["cortos"]),
                       ("non-medical", ind["no_medicos"])):
        print(f"   {name:18s} n={part['n']:3d}  macro-F1 7 types {part['macro_f1_7']} "
              f"(>= {'0.80' if name.startswith('short') else '0.85'}), 3 classes "
              f"{part['macro_f1_3']} (>= 0.85)")
        print(f"   {'':18s} petitions proposed as no_peticion {part['peticiones_como_no_peticion']}"
              f" (<= 0.02), routed desechar {part['peticiones_ruta_desechar']}, auto-accepted "
              f"wrong discards {part['no_peticion_automaticas_erroneas']} (0)")
        print(f"   {'':18s} ECE {part['ece']} (<= 0.05), auto-accepted precision "
              f"{part['precision_automatica']} (>= 0.97) at coverage "
              f"{part['cobertura_automatica']}")
    for name, part in ind["por_archivo"].items():
        print(f"   {name}: n={part['n']}, macro-F1 7 types {part['macro_f1_7']}, "
              f"3 classes {part['macro_f1_3']}")
    u = ind["urgente"]
    print(f"   urgent recall {u['recall']} (>= 0.95), precision {u['precision']} "
          f"({u['verdaderos']} urgent, {u['marcados']} flagged)")
    print(f"   other public services (n={others['n']}): 3-class macro-F1 {others['macro_f1_3']} "
          "(>= 0.80)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    t0 = time.perf_counter()
    bundle = train_from_corpus(PROFILE, seed=args.seed)
    train_s = time.perf_counter() - t0
    model = Classifier(bundle, PROFILE)
    _train, test = training_data(PROFILE, seed=args.seed)
    clean = evaluate_classifier(model, test)
    noise: dict[str, Any] = {}
    for name, strength in NOISE_LEVELS.items():
        rng = random.Random(args.seed + 100)
        damaged = [(noisy(text, rng, strength=strength), label) for text, label in test]
        m = evaluate_classifier(model, damaged)
        noise[name] = {"fuerza": strength, "macro_f1": m["macro_f1"], "ece": m["ece"],
                       "caida_macro_f1": round(clean["macro_f1"] - m["macro_f1"], 4)}
    truth = [label for _, label in test]
    base_pred = [keyword_label(text) for text, _ in test]
    base_f1 = round(float(f1_score(truth, base_pred, average="macro", zero_division=0)), 4)
    first_writers = [(t, lab) for (t, lab), item in zip(test, _test_items(), strict=True)
                     if item.source[:8] in ORIGINAL_FILES]
    original = evaluate_classifier(model, first_writers)
    independent = independent_figures(model, args.seed)
    others = other_services_figures(model)
    extraction = extraction_and_routes(model, args.seed)
    extraction_noisy = extraction_and_routes(model, args.seed, NOISE_LEVELS["leve"])

    result: dict[str, Any] = {
        "modelo": bundle.version, "semilla": args.seed, "segundos_entrenamiento": round(train_s, 1),
        "muestras_entrenamiento": bundle.metrics.get("muestras_entrenamiento"),
        "prueba": {k: clean[k] for k in ("n", "accuracy", "macro_f1", "ece",
                                         "precision_automatica", "cobertura_automatica",
                                         "por_tipo", "etiquetas", "confusion")},
        "ruido": noise,
        "linea_base_palabras_clave": {"macro_f1": base_f1,
                                      "ventaja_modelo": round(clean["macro_f1"] - base_f1, 4)},
        "independiente": independent,
        "otros_servicios": others,
        "prueba_corpus_original": {k: original[k] for k in ("n", "macro_f1", "ece")},
        "extraccion": extraction,
        "extraccion_con_ruido_leve": extraction_noisy,
        "metas": {**TARGETS, "independiente": INDEPENDENT_TARGETS},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "classifier.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"model {bundle.version} trained in {train_s:.0f} s on "
          f"{result['muestras_entrenamiento']} samples; test split n={clean['n']}")
    _print_independent(independent, others)
    print(f"1. macro-F1 {clean['macro_f1']:.3f} (target >= 0.90), "
          f"accuracy {clean['accuracy']:.3f}")
    print(f"   on the first writers' items only (corpus a-d, n={original['n']}): macro-F1 "
          f"{original['macro_f1']:.3f}")
    print(f"   ECE {clean['ece']:.3f} (target <= 0.05)")
    print(f"   precision above threshold {clean['precision_automatica']} (target >= 0.97), "
          f"coverage {clean['cobertura_automatica']:.3f}")
    for name, m in noise.items():
        print(f"2. noise {name} ({m['fuerza']}): macro-F1 {m['macro_f1']:.3f}, "
              f"drop {m['caida_macro_f1']:.3f}" + (" (target <= 0.05)" if name == "leve" else ""))
    print(f"3. keyword baseline macro-F1 {base_f1:.3f}; model ahead by "
          f"{clean['macro_f1'] - base_f1:.3f} (target >= 0.10)")
    print(f"4. extraction on {extraction['documentos']} filled test texts "
          "(precision / recall, n in truth):")
    for name, f in extraction["campos"].items():
        print(f"   {name:9s} {f['precision']} / {f['recall']}  (n={f['n_verdad']})")
    print(f"   same texts with mild OCR noise ({NOISE_LEVELS['leve']}):")
    for name, f in extraction_noisy["campos"].items():
        print(f"   {name:9s} {f['precision']} / {f['recall']}")
    print(f"   route accuracy {extraction_noisy['ruta_exactitud']:.3f}, urgent recall "
          f"{extraction_noisy['urgente']['recall']}")
    u = extraction["urgente"]
    print(f"5. route accuracy {extraction['ruta_exactitud']:.3f} (target >= 0.95; "
          f"{extraction['ruta_exactitud_con_tipo_real']:.3f} with the true type)")
    print(f"   urgent recall {u['recall']} (target 1.0), precision {u['precision']} "
          f"({u['verdaderos']} urgent, {u['marcados']} flagged)")
    print(f"written {RESULTS / 'classifier.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
