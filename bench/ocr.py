"""OCR stage vs bare `tesseract IMAGE - -l spa` on a sample box: CER, time, boxes, boundaries.

Usage: python -m bench.ocr [--count 80] [--seed 11] [--workers 2]
Draws `buzon sample --count N --seed S` into a temporary dir, reads every page both ways
(the same decoded page image for both), prints the figures against the issue's targets and
writes bench/results/ocr.json. Each worker process reads its pages both ways, so the time
ratio compares like with like; the digit model is trained (or loaded) before timing.
The box holds the held-out handwriting styles: their pages have CER columns of their own
("estilos_reservados" for letters and notes, "volante_estilos_reservados" for volantes),
so the other columns count only the hands that tuning steps see.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

RESULTS = Path(__file__).resolve().parent / "results"
FIELD_LINE = re.compile(r"^(nombre|nss|telefono|correo|servicio|fecha): |^\[X\] ")
GROUPS = {"mecanografiado": "typed", "manuscrito": "handwriting_font", "nota":
          "handwriting_font", "volante": "volante"}
HELD_OUT_GROUPS = {"handwriting_font": "estilos_reservados",
                   "volante": "volante_estilos_reservados"}


def _norm(text: str) -> str:
    return " ".join(text.split())


def cer(ref: str, hyp: str) -> tuple[int, int]:
    """(edits, reference length) of the whole hypothesis against the reference."""
    ref, hyp = _norm(ref), _norm(hyp)
    return Levenshtein.distance(ref, hyp), len(ref)


def cer_within(ref: str, hyp: str) -> tuple[int, int]:
    """(edits, reference length) of the best-matching stretch of `hyp` (semi-global).

    On a volante the reference is the handwritten description; bare Tesseract also reads
    the printed form around it, which this does not count against it.
    """
    ref, hyp = _norm(ref), _norm(hyp)
    h = np.frombuffer(hyp.encode("utf-32-le"), dtype=np.uint32)
    prev = np.zeros(len(h) + 1, dtype=np.int64)  # free start anywhere in hyp
    idx = np.arange(len(h) + 1)
    for i, c in enumerate(np.frombuffer(ref.encode("utf-32-le"), dtype=np.uint32), 1):
        sub = prev[:-1] + (h != c)
        best = np.empty_like(prev)
        best[0] = i
        best[1:] = np.minimum(prev[1:] + 1, sub)
        # insertions along the row: best[j] = min_k best[k] + (j - k)
        prev = np.minimum.accumulate(best - idx) + idx
    return int(prev.min()) if len(ref) else 0, len(ref)


def _description(page_text: str) -> str:
    return "\n".join(ln for ln in page_text.split("\n") if not FIELD_LINE.match(ln))


def _bare(pixels: np.ndarray, tmp: Path) -> tuple[str, float]:
    path = tmp / f"p{os.getpid()}_{time.monotonic_ns()}.png"
    Image.fromarray(pixels).save(path)
    t0 = time.perf_counter()
    out = subprocess.run(["tesseract", str(path), "-", "-l", "spa"], capture_output=True,
                         text=True, check=False, timeout=300).stdout
    elapsed = time.perf_counter() - t0
    path.unlink()
    return out, elapsed


def _read_file(args: tuple[Path, str, str]) -> list[dict[str, Any]]:
    from ocr.digits import DigitModels
    from ocr.engine import TesseractEngine
    from ocr.loading import load_file
    from ocr.read import read_page
    from ocr.reader import Reader

    box, name, cache = args
    reader = Reader.of(TesseractEngine(lang="spa", timeout=300), DigitModels(Path(cache)))
    reader.digits.get()  # loaded before timing
    out = []
    with tempfile.TemporaryDirectory() as t:
        for page in load_file((box / name).read_bytes(), name):
            bare_text, bare_s = _bare(page.pixels, Path(t))
            t0 = time.perf_counter()
            read = read_page(page, reader)
            ours_s = time.perf_counter() - t0
            read.image_png = None
            out.append({"source": name, "page": page.page_no, "read": read,
                        "bare_text": bare_text, "bare_s": bare_s, "ours_s": ours_s})
    return out


def _rate(e: int, n: int) -> float | None:
    return round(e / n, 4) if n else None


def main() -> int:  # noqa: C901 - one report, read top to bottom
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=80)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    from intake.split import split_pages
    from ocr.digits import DigitModels
    from synthbox import write_sample

    with tempfile.TemporaryDirectory() as tmp:
        box, cache = Path(tmp) / "buzon", Path(tmp) / "modelos"
        t0 = time.perf_counter()
        truth = write_sample(box, args.count, args.seed, held_out=True)
        print(f"sample --count {args.count} --seed {args.seed}: {len(truth)} documents "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
        t0 = time.perf_counter()
        model = DigitModels(cache).get()
        train_s = time.perf_counter() - t0
        names = sorted({r["source"] for r in truth})
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = [p for lst in pool.map(_read_file, [(box, n, str(cache)) for n in names])
                       for p in lst]
        wall = time.perf_counter() - t0
    pages = {(p["source"], p["page"]): p for p in results}

    cer_acc: dict[str, list[int]] = {}
    noisy = [0, 0, 0]  # ours edits, bare edits, reference chars on skewed/noisy pages
    rot = {"upside_down": 0, "upside_down_right": 0, "upright": 0, "upright_turned": 0}
    cb_right = cb_total = volante_fronts = volantes_found = 0
    digit_rows: dict[str, list[int]] = {"nss": [0, 0, 0], "telefono": [0, 0, 0]}
    for rec in truth:
        group = GROUPS.get(rec["style"])
        if group and rec.get("held_out"):
            group = HELD_OUT_GROUPS[group]
        for i, page_no in enumerate(rec["pages"]):
            p = pages[(rec["source"], page_no)]
            read, defects = p["read"], rec["defects"][i]
            ref = rec["page_texts"][i] if i < len(rec["page_texts"]) else ""
            if defects and not read.is_blank and ref.strip():
                turned = read.rotation == 180
                if defects["rot180"]:
                    rot["upside_down"] += 1
                    rot["upside_down_right"] += turned
                else:
                    rot["upright"] += 1
                    rot["upright_turned"] += read.rotation != 0
            if group is None or not ref.strip():
                continue
            front = rec["style"] == "volante" and i == 0
            if front:
                ref = _description(ref)
                ours = cer_within(ref, read.text)
                bare = cer_within(ref, p["bare_text"])
            else:
                ours, bare = cer(ref, read.text), cer(ref, p["bare_text"])
            acc = cer_acc.setdefault(group, [0, 0, 0])
            acc[0] += ours[0]
            acc[1] += bare[0]
            acc[2] += ours[1]
            if defects and (abs(defects["skew"]) >= 1 or defects["noise"] >= 5 or
                            defects["blur"] or defects["salt"] or defects["rot180"] or
                            defects["jpeg"]):
                noisy[0] += ours[0]
                noisy[1] += bare[0]
                noisy[2] += ours[1]
        if rec["style"] != "volante":
            continue
        volante_fronts += 1
        read = pages[(rec["source"], rec["pages"][0])]["read"]
        written = {ln.split(": ", 1)[0] for ln in rec["page_texts"][0].split("\n")
                   if FIELD_LINE.match(ln)}
        v = read.volante
        volantes_found += v is not None
        for key in ("queja", "sugerencia", "reconocimiento", "gestion", "orientacion"):
            cb_total += 1
            if v is not None and key in v.checkboxes:
                want = "marcado" if key in rec["checked"] else "vacio"
                cb_right += v.checkboxes[key].state == want
        for key in ("nss", "telefono"):
            if key not in written:
                continue
            row = digit_rows[key]
            row[0] += 1
            got = v.fields.get(key) if v is not None else None
            if got is not None and got.value == rec["fields"][key]:
                row[1] += 1
            elif got is None or not got.legible:
                row[2] += 1  # wrong, but flagged for a person

    # Document boundaries: split each file's pages and compare exact page lists.
    by_file: dict[str, list[Any]] = {}
    for (source, _n), p in sorted(pages.items()):
        by_file.setdefault(source, []).append(p["read"])
    proposed = {(s, tuple(g.page_numbers)) for s, reads in by_file.items()
                for g in split_pages(reads)}
    true_docs = {(r["source"], tuple(r["pages"])) for r in truth}
    hit = len(proposed & true_docs)
    boundary_errors = [{"source": s, "proposed": [list(p) for t, p in sorted(proposed)
                                                   if t == s],
                        "truth": [list(p) for t, p in sorted(true_docs) if t == s]}
                       for s in sorted({s for s, _ in proposed ^ true_docs})]
    prec, rec_ = hit / len(proposed), hit / len(true_docs)
    f1 = 2 * prec * rec_ / (prec + rec_) if hit else 0.0

    ours_s = sum(p["ours_s"] for p in results)
    bare_s = sum(p["bare_s"] for p in results)
    result: dict[str, Any] = {
        "count": args.count, "seed": args.seed, "workers": args.workers,
        "pages": len(results),
        "cer": {g: {"ours": _rate(a[0], a[2]), "bare": _rate(a[1], a[2]),
                    "ratio": round(a[0] / a[1], 3) if a[1] else None, "chars": a[2]}
                for g, a in sorted(cer_acc.items())},
        "cer_skewed_or_noisy": {"ours": _rate(noisy[0], noisy[2]),
                                "bare": _rate(noisy[1], noisy[2]),
                                "ratio": round(noisy[0] / noisy[1], 3) if noisy[1] else None,
                                "target_ratio_max": 0.7},
        "time": {"ours_s": round(ours_s, 1), "bare_s": round(bare_s, 1),
                 "ratio": round(ours_s / bare_s, 3), "target_ratio_max": 1.0,
                 "wall_s": round(wall, 1), "digit_model_train_s": round(train_s, 1)},
        "checkbox_accuracy": _rate(cb_right, cb_total), "checkboxes": cb_total,
        "volantes_detected": f"{volantes_found}/{volante_fronts}",
        "digit_rows": {k: {"documents": r[0], "exact": _rate(r[1], r[0]),
                           "wrong_flagged": f"{r[2]}/{r[0] - r[1]}"}
                       for k, r in digit_rows.items()},
        "boundary": {"precision": round(prec, 4), "recall": round(rec_, 4),
                     "f1": round(f1, 4), "target_min": 0.95, "errors": boundary_errors},
        "orientation": {"upside_down_pages": rot["upside_down"],
                        "accuracy_180": _rate(rot["upside_down_right"], rot["upside_down"]),
                        "upright_pages_turned": f"{rot['upright_turned']}/{rot['upright']}"},
        "digit_model": model.metrics,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ocr.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written {RESULTS / 'ocr.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
