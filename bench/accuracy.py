"""End-to-end accuracy: `buzon sample` -> `buzon ingest` -> `buzon export` vs truth.jsonl.

Usage: python -m bench.accuracy [--count 60] [--seed 7] [--workers N]
Prints the figures and writes bench/results/accuracy.json. Every run is isolated in a
temporary data dir (BUZON_DATA_DIR) with its own SQLite database.
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

from intake.truth import compare, load_jsonl, scores, scores_by

RESULTS = Path(__file__).resolve().parent / "results"


def buzon(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "intake.cli", *args], check=False, env=env)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        box, data = Path(tmp) / "buzon", Path(tmp) / "datos"
        env = {**os.environ, "BUZON_DATA_DIR": str(data)}
        env.pop("BUZON_DATABASE_URL", None)
        buzon("sample", "--out", str(box), "--count", str(args.count), "--seed",
              str(args.seed), env=env)
        buzon("train", env=env)
        t0 = time.perf_counter()
        buzon("ingest", str(box), "--unit", "UMF 20", "--workers", str(args.workers),
              "--quiet", env=env)
        ingest_s = time.perf_counter() - t0
        out = Path(tmp) / "export.jsonl"
        buzon("export", "--out", str(out), env=env)
        cmp = compare(load_jsonl(out), load_jsonl(box / "truth.jsonl"))
        result = scores(cmp)
        result["by_style"] = scores_by(cmp, "style")
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
    print("  by style (n, type acc., route acc., nombre/nss/telefono/correo recall):")
    for style, r in result["by_style"].items():
        f = r["fields"]
        print(f"    {style:15s} n={r['documents_truth']:3d} {r['type_accuracy']:.2f} "
              f"{r['route_accuracy']:.2f}  " + " ".join(
                  f"{f[k]['recall']:.2f}" if f[k]["truth"] else " -- "
                  for k in ("nombre", "nss", "telefono", "correo")))
    print("  contact data by style (recall / precision, n in truth; issue 13 asks for "
          "precision >= 0.95):")
    for style, r in result["by_style"].items():
        f = r["fields"]
        cells = [f"{k} {f[k]['recall']:.2f}/{f[k]['precision']:.2f} (n={f[k]['truth']})"
                 for k in ("nss", "telefono", "correo") if f[k]["truth"]]
        if cells:
            print(f"    {style:15s} " + "  ".join(cells))
    print(f"  ingest wall time {ingest_s:.1f} s with {args.workers} worker(s)")
    print(f"written {RESULTS / 'accuracy.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
