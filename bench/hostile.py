"""`buzon ingest` on each hostile kind alone: outcome, time and peak memory.

Usage: python -m bench.hostile [--kinds a,b,...] [--results NAME]

For every kind of tests/hostile/corpus.py, in a process of its own: the kind is built in a
fresh box, `buzon ingest BOX --workers 1 --quiet --report R` runs on a fresh data dir (its
own SQLite database, the classifier trained once beforehand and copied in), and the
process records the run's wall time and peak RSS (resource.getrusage(RUSAGE_CHILDREN): the
largest process of the run's tree; one kind per process, since that figure only grows).
The outcome of each path is read from the --report JSON: "ingresado", "cuarentena",
"rechazado" (a link out, an unreadable folder, a pipe, or a file left unread and named in
"omitidos"), or "repetido" (the same bytes as a file met earlier, a kind's copies).
Times include starting the command and loading the model (about 3 s). As root, which lists
chmod-000 folders, the unreadable folder is simulated: the command runs with os.scandir
answering EACCES for it.
Prints a table and writes bench/results/hostile.json (or NAME.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.batch import _env

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# The command with os.scandir refusing the folders given as JSON in argv[1] (see above).
_SIMULATED = (
    "import json, os, sys\n"
    "from pathlib import Path\n"
    "from tests.hostile.corpus import refusing_scandir\n"
    "os.scandir = refusing_scandir([Path(p) for p in json.loads(sys.argv[1])])\n"
    "from intake.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n")


def _shown(path: Path) -> str:
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 0x20 or ord(c) == 0x7f else c
                   for c in text)


def _outcome(path: Path, summary: dict) -> tuple[str, str | None]:
    """What the run made of one path, and the reason or warning it gave."""
    shown = _shown(path)
    for key, field in (("fallas", "archivo"), ("enlaces_no_seguidos", "enlace"),
                       ("carpetas_ilegibles", "carpeta"), ("no_regulares", "archivo"),
                       ("omitidos", "archivo")):
        for entry in summary[key]:
            if entry[field] == shown:
                return ("cuarentena" if key == "fallas" else "rechazado"), entry["motivo"]
    files = summary["archivos"]
    if files["nuevos"]:
        notes = [w["aviso"] for w in summary["avisos"] if w["archivo"] == shown]
        return "ingresado", (notes[0] if notes else None)
    return ("repetido" if files["repetidos"] else "desconocido"), None


def run_one(kind: str, work: Path, models: Path) -> dict:
    """Build `kind` in work/caja and ingest it on a fresh data dir (in this process's child)."""
    from tests.hostile.corpus import KINDS, english_in, restore

    data = work / "datos"
    shutil.copytree(models, data / "modelos")
    box = work / "caja"
    box.mkdir()
    h = KINDS[kind](box)
    report = work / "resumen.json"
    args = ["ingest", str(box), "--workers", "1", "--quiet", "--report", str(report)]
    if h.real:
        cmd = [PY, "-m", "intake.cli", *args]
    else:
        cmd = [PY, "-c", _SIMULATED, json.dumps([os.fspath(p) for p in h.paths]), *args]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=_env(data), cwd=ROOT, capture_output=True,
                              text=True, errors="backslashreplace", timeout=1800)
    finally:
        restore(box)
    seconds = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    summary = json.loads(report.read_text(encoding="utf-8"))
    paths = [{"ruta": _shown(p.relative_to(work)), "resultado": o, "motivo": why}
             for p in h.paths for o, why in [_outcome(p, summary)]]
    # A second name for the same bytes is a repeat, unless the run refused or failed it.
    paths += [{"ruta": _shown(p.relative_to(work)),
               "resultado": "repetido" if o == "ingresado" else o, "motivo": why}
              for p in h.copies for o, why in [_outcome(p, summary)]]
    return {"kind": kind, "expected": h.outcome, "simulated": not h.real,
            "outcomes": paths,
            "as_expected": all(p["resultado"] in (h.outcome, "repetido") for p in paths),
            "exit_code": proc.returncode, "seconds": round(seconds, 2),
            "peak_rss_mib": round(peak_kib / 1024, 1),
            "english_on_stderr": english_in(proc.stderr)}


def _train(models_home: Path) -> Path:
    """The classifier and digit model, trained once (not timed) for every kind's data dir."""
    subprocess.run([PY, "-m", "intake.cli", "train"], env=_env(models_home), cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return models_home / "modelos"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kinds", default=None, help="comma-separated kinds (default: all)")
    ap.add_argument("--results", default="hostile", help="results file name (no .json)")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)  # internal: one kind
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--models", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.work, args.models)))
        return 0

    from tests.hostile.corpus import KINDS

    kinds = args.kinds.split(",") if args.kinds else list(KINDS)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        models = _train(Path(tmp) / "modelo")
        for kind in kinds:
            work = Path(tmp) / kind
            work.mkdir()
            out = subprocess.run([PY, "-m", "bench.hostile", "--one", kind, "--work",
                                  str(work), "--models", str(models)], cwd=ROOT,
                                 check=True, capture_output=True, text=True)
            row = json.loads(out.stdout.splitlines()[-1])
            rows.append(row)
            got = ",".join(sorted({p["resultado"] for p in row["outcomes"]}))
            print(f"{kind:28} {got:12} {'ok' if row['as_expected'] else 'NO':3} "
                  f"exit {row['exit_code']}  {row['seconds']:6.1f} s  "
                  f"{row['peak_rss_mib']:7.1f} MiB", flush=True)
    result = {"python": platform.python_version(), "cpu_count": os.cpu_count(),
              "root": os.geteuid() == 0, "kinds": rows,
              "all_as_expected": all(r["as_expected"] for r in rows),
              "max_seconds": max(r["seconds"] for r in rows),
              "max_peak_rss_mib": max(r["peak_rss_mib"] for r in rows)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.results}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "kinds"}, indent=2))
    return 0 if result["all_as_expected"] else 1


if __name__ == "__main__":
    sys.exit(main())
