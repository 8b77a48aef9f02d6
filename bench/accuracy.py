"""End-to-end accuracy: `buzon sample` -> `buzon ingest` -> `buzon export` vs truth.jsonl.

Usage: python -m bench.accuracy [--count 60] [--seed 7] [--workers N]
Prints the figures and writes bench/results/accuracy.json. Every run is isolated in a
temporary data dir (BUZON_DATA_DIR) with its own SQLite database. The box holds the
held-out handwriting styles (`buzon sample --estilos-reservados`), reported in a column
of their own ("estilos_reservados"); the other columns count only the tuning hands.
Reviewer effort: keys per document as `synthbox.truth.review_keys` counts them, against
typing every value by hand, overall, by style and by handwriting font.
The second recognizer (setting segundo_lector, RapidOCR on identifier regions): the box is
read with it (the default) and, with `--segundo-lector ambos` (the default here), read
again without it, for a column of contact data and keys without it ("sin_segundo_lector").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthbox.ink import HELD_OUT_HANDS
from synthbox.truth import (
    HELD_OUT,
    Comparison,
    boundary_scores,
    by_hand,
    compare,
    effort,
    effort_by,
    load_jsonl,
    scores,
    scores_by,
    style_or_held_out,
)

RESULTS = Path(__file__).resolve().parent / "results"
CONTACT = ("nss", "telefono", "correo")


def buzon(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "intake.cli", *args], check=False, env=env)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--segundo-lector", choices=("si", "no", "ambos"), default="ambos",
                    help="read with the second recognizer, without it, or both (default)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        box = Path(tmp) / "buzon"
        env = {**os.environ, "BUZON_DATA_DIR": str(Path(tmp) / "datos")}
        env.pop("BUZON_DATABASE_URL", None)
        buzon("sample", "--out", str(box), "--count", str(args.count), "--seed",
              str(args.seed), "--estilos-reservados", env=env)
        second = args.segundo_lector != "no"
        cmp, ingest_s = _ingest(box, Path(tmp) / "datos", second, args.workers)
        result = scores(cmp)
        result["segundo_lector"] = second
        if args.segundo_lector == "ambos":
            without, without_s = _ingest(box, Path(tmp) / "datos_sin", False, args.workers)
            result["sin_segundo_lector"] = _contact(without)
            result["sin_segundo_lector"]["ingest_seconds"] = round(without_s, 1)
        result["by_style"] = scores_by(cmp, style_or_held_out)
        result["by_hand"] = scores_by(cmp, by_hand)
        result["boundaries"] = boundary_scores(cmp)
        result["effort"] = effort(cmp)
        result["effort_by_style"] = effort_by(cmp, style_or_held_out)
        result["effort_by_hand"] = effort_by(cmp, by_hand)
        result["held_out_hands"] = [h.name for h in HELD_OUT_HANDS]
    result.update({"count": args.count, "seed": args.seed, "workers": args.workers,
                   "ingest_seconds": round(ingest_s, 1)})
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "accuracy.json").write_text(json.dumps(result, indent=2, ensure_ascii=False)
                                           + "\n", encoding="utf-8")
    print(f"sample --count {args.count} --seed {args.seed}: "
          f"{result['documents_truth']} documents in truth, "
          f"{result['documents_proposed']} proposed")
    for k in ("boundary_recall", "type_macro_f1", "type_accuracy", "route_accuracy",
              "kind_accuracy", "urgent_recall"):
        v = result[k]
        print(f"  {k:16s} {v:.3f}" if isinstance(v, float) else f"  {k:16s} {v}")
    print("  field exact match (recall / precision, n in truth):")
    for name, f in result["fields"].items():
        print(f"    {name:9s} {f['recall']:.3f} / {f['precision']:.3f}  (n={f['truth']})")
    _table("by style", result["by_style"], result["effort_by_style"])
    _table("by handwriting font (* held out)", result["by_hand"], result["effort_by_hand"],
           held_out=set(result["held_out_hands"]))
    without = result.get("sin_segundo_lector")
    state = "on" if result["segundo_lector"] else "off"
    print("  contact data by style (recall / precision, n in truth; issue 13 asks for "
          "precision >= 0.95)" + (", with the second reader | without it:" if without
                                  else f" (second reader {state}):"))
    for style, r in result["by_style"].items():
        f = r["fields"]
        g = without["by_style"].get(style) if without else None
        cells = [f"{k} {f[k]['recall']:.2f}/{f[k]['precision']:.2f}"
                 + (f" | {g[k]['recall']:.2f}/{g[k]['precision']:.2f}" if g else "")
                 + f" (n={f[k]['truth']})" for k in CONTACT if f[k]["truth"]]
        if cells:
            print(f"    {style:15s} " + "  ".join(cells))
    e = result["effort"]
    print(f"  reviewer keys per document {e['keys_per_document']} (by hand "
          f"{e['by_hand_per_document']}), confirmed with one key {e['one_key_share']:.3f}")
    if without:
        w = without["effort"]
        print(f"  without the second reader: keys per document {w['keys_per_document']}, "
              f"confirmed with one key {w['one_key_share']:.3f}; held-out styles "
              f"{without['effort_by_style'].get(HELD_OUT, {}).get('keys_per_document')} vs "
              f"{result['effort_by_style'].get(HELD_OUT, {}).get('keys_per_document')} "
              f"with it; ingest {without['ingest_seconds']} s vs {ingest_s:.1f} s")
    for name, b in result["boundaries"].items():
        print(f"  boundaries {name:17s} F1 {b['f1']:.3f} (precision {b['precision']:.3f}, "
              f"recall {b['recall']:.3f}, {b['exact']}/{b['truth']} exact, "
              f"{b['proposed']} proposed)")
    print(f"  ingest wall time {ingest_s:.1f} s with {args.workers} worker(s)")
    print(f"written {RESULTS / 'accuracy.json'}")
    return 0


def _ingest(box: Path, data: Path, second: bool, workers: int) -> tuple[Comparison, float]:
    """Train, ingest the box and export, in data dir `data`: (comparison, ingest seconds)."""
    env = {**os.environ, "BUZON_DATA_DIR": str(data),
           "BUZON_SEGUNDO_LECTOR": "si" if second else "no"}
    env.pop("BUZON_DATABASE_URL", None)
    buzon("train", env=env)
    t0 = time.perf_counter()
    buzon("ingest", str(box), "--unit", "UMF 20", "--workers", str(workers), "--quiet", env=env)
    ingest_s = time.perf_counter() - t0
    out = data / "export.jsonl"
    buzon("export", "--out", str(out), env=env)
    return compare(load_jsonl(out), load_jsonl(box / "truth.jsonl")), ingest_s


def _contact(cmp: Comparison) -> dict:
    """Contact data and reviewer keys, overall and by style (the column of a second read)."""
    def pick(s: dict) -> dict:
        return {k: s["fields"][k] for k in CONTACT}

    return {"fields": pick(scores(cmp)),
            "by_style": {k: pick(v) for k, v in scores_by(cmp, style_or_held_out).items()},
            "effort": effort(cmp), "effort_by_style": effort_by(cmp, style_or_held_out)}


def _table(title: str, fields: dict, keys: dict, held_out: frozenset[str] | set[str] = frozenset()
           ) -> None:
    print(f"  {title} (n, type acc., route acc., nombre/nss/telefono/correo recall "
          "/ precision, keys per doc, by hand, one-key share):")
    for name, r in fields.items():
        f, k = r["fields"], keys[name]
        mark = "*" if name in held_out or name == HELD_OUT else " "
        print(f"   {mark}{name:19s} n={r['documents_truth']:3d} {r['type_accuracy']:.2f} "
              f"{r['route_accuracy']:.2f}  " + " ".join(
                  f"{f[c]['recall']:.2f}/{f[c]['precision']:.2f}" if f[c]["truth"]
                  else "  --/--  " for c in ("nombre", "nss", "telefono", "correo"))
              + f"  {k['keys_per_document']:5.1f} {k['by_hand_per_document']:5.1f} "
              f"{k['one_key_share']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
