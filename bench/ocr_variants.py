"""Which page clean-up helps Tesseract on letters: CER of preprocessing variants.

Usage: python -m bench.ocr_variants [--count 40] [--seed 11] [VARIANT ...]
Draws `buzon sample --count N --seed S`, takes its typed and handwriting-font letter pages
(volantes are read by zones, not whole), turns them upright with the truth's rotation (so
orientation errors do not blur the comparison) and reads each page with every variant of
clean-up, full-page psm 3, in this process. Prints the character error rate by style and
for skewed/noisy vs clean pages, and writes bench/results/ocr_variants.json. `actual` is
what ocr.read does today; the others are the alternatives it was measured against.
This chooses the clean-up, so it is a tuning step: its box never holds the held-out hands
(`write_sample` without `held_out`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from bench.ocr import GROUPS, RESULTS, cer

Variant = Callable[[np.ndarray, int], np.ndarray]


def _variants() -> dict[str, Variant]:
    from ocr.preprocess import denoise, deskew

    def actual(g: np.ndarray, dpi: int) -> np.ndarray:
        return denoise(deskew(g)[0])

    def upsample_300(g: np.ndarray, dpi: int) -> np.ndarray:
        g = actual(g, dpi)
        k = 300 / dpi
        return g if k <= 1.05 else cv2.resize(g, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)

    def median_5(g: np.ndarray, dpi: int) -> np.ndarray:
        return cv2.medianBlur(deskew(g)[0], 5)

    def adaptive_threshold(g: np.ndarray, dpi: int) -> np.ndarray:
        return cv2.adaptiveThreshold(actual(g, dpi), 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                     cv2.THRESH_BINARY, 31, 15)

    def gaussian_otsu(g: np.ndarray, dpi: int) -> np.ndarray:
        blurred = cv2.GaussianBlur(actual(g, dpi), (3, 3), 0)
        return cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]

    def non_local_means(g: np.ndarray, dpi: int) -> np.ndarray:
        return cv2.fastNlMeansDenoising(deskew(g)[0], None, 15, 7, 21)

    return {f.__name__: f for f in (actual, upsample_300, median_5, adaptive_threshold,
                                    gaussian_otsu, non_local_means)}


def _noisy(d: dict) -> bool:
    return bool(abs(d["skew"]) >= 1 or d["noise"] >= 5 or d["blur"] or d["salt"]
                or d["rot180"] or d["jpeg"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("variants", nargs="*", help="default: all")
    args = ap.parse_args()
    from ocr.engine import TesseractEngine, words_to_text
    from ocr.loading import load_file
    from ocr.preprocess import (
        READ_MIN_DPI,
        flatten_background,
        normalise_dpi,
        rotate_clockwise,
        to_gray,
    )
    from synthbox import write_sample

    variants = _variants()
    chosen = args.variants or list(variants)
    pages = []  # (style, noisy, reference, upright cleaned page, dpi)
    with tempfile.TemporaryDirectory() as tmp:
        box = Path(tmp)
        for rec in write_sample(box, args.count, args.seed):
            if GROUPS.get(rec["style"]) not in ("typed", "handwriting_font"):
                continue
            loaded = {p.page_no: p for p in load_file((box / rec["source"]).read_bytes(),
                                                      rec["source"])}
            for i, n in enumerate(rec["pages"]):
                d = rec["defects"][i]
                ref = rec["page_texts"][i] if i < len(rec["page_texts"]) else ""
                page = loaded[n]
                if not d or not ref.strip() or page.text_layer:
                    continue
                g, dpi = normalise_dpi(to_gray(page.pixels), page.dpi, keep_from=READ_MIN_DPI)
                g = flatten_background(g, dpi)
                pages.append((rec["style"], _noisy(d), ref,
                              rotate_clockwise(g, 180 if d["rot180"] else 0), dpi))
    print(f"{len(pages)} letter pages, {sum(p[1] for p in pages)} skewed or noisy", flush=True)
    engine = TesseractEngine()
    result: dict[str, dict] = {}
    for name in chosen:
        t0 = time.perf_counter()
        acc: dict[str, list[int]] = {}
        for style, noisy, ref, gray, dpi in pages:
            text = words_to_text(engine.image_to_data(variants[name](gray, dpi), psm=3))
            edits, chars = cer(ref, text)
            for key in (style, "ruidosas" if noisy else "limpias", "todas"):
                a = acc.setdefault(key, [0, 0])
                a[0] += edits
                a[1] += chars
        result[name] = {k: round(e / n, 4) for k, (e, n) in sorted(acc.items()) if n}
        result[name]["segundos"] = round(time.perf_counter() - t0, 1)
        print(name, json.dumps(result[name], ensure_ascii=False), flush=True)
    RESULTS.mkdir(exist_ok=True)
    out = {"count": args.count, "seed": args.seed, "pages": len(pages), "cer": result}
    (RESULTS / "ocr_variants.json").write_text(json.dumps(out, indent=2, ensure_ascii=False)
                                               + "\n", encoding="utf-8")
    print(f"written {RESULTS / 'ocr_variants.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
