"""A second recognizer for identifier regions: does RapidOCR find what Tesseract misses?

Usage: python -m bench.second_reader [--count 60] [--seed 7] [--max-docs N]

Draws the box `bench.accuracy` reads (`buzon sample --count N --seed S`) twice: once in the
tuning hands, once with every handwritten document in a held-out hand
(`synthbox.ink.HELD_OUT_HANDS`; the same letters, contact data and scan defects, only the
hand differs). Every page of the handwritten letters and notes of both, and of the typed
letters once, is read by the product (`ocr.read.read_page`); each identifier region it
finds is then resolved under the classifier's rules (`classifier.identifiers.resolve`:
NSS 11 digits and Luhn, phone 10 digits and a Mexican area code, e-mail syntax and a
known provider) from four readings of the same crop:

- tesseract: today's constrained re-read (whitelist, choices, digit model);
- rapid: RapidOCR's packaged PP-OCRv6 recognizer on the crop as RGB (`ocr.rapid`), its
  frames restricted to the same whitelist, each character with its alternatives;
- rapid_plain: the same recognizer decoded as RapidOCR does (top character only);
- combined: tesseract, and rapid only on regions where tesseract's reading is not valid;
- cross_checked: rapid on every region: where tesseract's reading is valid, another
  well-formed value read by rapid makes it a doubt (nothing); where it is not, rapid's
  value counts. This is what the product does (setting segundo_lector, ocr.rapid and
  classifier.identifiers), through the same functions.

Each region is read by RapidOCR right after its page, so both engines are timed under the
same load. Per document and field, a value is right (equal to the truth), wrong (another value, or
one where the truth has none) or nothing (no valid value). Printed per style group
(estilos_reservados, manuscrito in the tuning hands, mecanografiado), with the time of
RapidOCR over Tesseract's re-read on the same regions. Writes
bench/results/second_reader.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

import ocr.identifiers as identifiers
from classifier.identifiers import Candidate, resolve
from ocr.digits import DigitModels
from ocr.engine import TesseractEngine
from ocr.loading import iter_pages
from ocr.rapid import RapidEngine, model_path
from ocr.read import read_page
from ocr.reader import Reader
from synthbox import ink
from synthbox.generate import write_sample

RESULTS = Path(__file__).resolve().parent / "results"
FIELDS = ("nss", "telefono", "correo")
HAND_STYLES = ("manuscrito", "nota")
GROUPS = ("estilos_reservados", "manuscrito", "mecanografiado")
VARIANTS = ("tesseract", "rapid", "rapid_plain", "combined", "cross_checked")
PRECISION_NEEDED = 0.95
# The fields a region's kind can hold (classifier.identifiers resolves them so).
_KINDS = {"nss": ("nss",), "telefono": ("telefono",), "correo": ("correo",),
          "numero": ("nss", "telefono")}


@dataclass
class Region:
    """One identifier region as the product read it, and RapidOCR's reading of its crop."""

    candidate: Candidate
    crop: np.ndarray
    tesseract_s: float
    rapid: Candidate | None = None
    rapid_plain: Candidate | None = None
    rapid_s: float = 0.0
    rapid_text: str = ""


@dataclass
class Doc:
    group: str
    truth: dict[str, Any]
    regions: list[Region] = field(default_factory=list)
    page_s: float = 0.0  # the product's whole read of the document's pages


class _Recorder:
    """Wraps `ocr.identifiers._reread`: keeps each region's crop and the re-read's time."""

    def __init__(self) -> None:
        self.seen: list[tuple[np.ndarray, float]] = []
        self._orig = identifiers._reread

    def __enter__(self) -> _Recorder:
        def timed(crop: np.ndarray, dx: int, dy: int, kind: str, engine: Any,
                  models: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return self._orig(crop, dx, dy, kind, engine, models)
            finally:
                self.seen.append((crop, time.perf_counter() - t0))

        identifiers._reread = timed  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        identifiers._reread = self._orig  # type: ignore[assignment]


def _boxes(tmp: Path, count: int, seed: int) -> list[tuple[str, Path, dict[str, Any]]]:
    """(group, box folder, truth) for every document the benchmark reads."""
    train = write_sample(tmp / "entrenamiento", count, seed)
    share = ink.HELD_OUT_SHARE
    ink.HELD_OUT_SHARE = 1.0  # every handwritten document in a held-out hand
    try:
        held = write_sample(tmp / "reservados", count, seed, held_out=True)
    finally:
        ink.HELD_OUT_SHARE = share
    out = [("estilos_reservados", tmp / "reservados", t) for t in held
           if t.get("held_out") and t.get("style") in HAND_STYLES]
    out += [("manuscrito", tmp / "entrenamiento", t) for t in train
            if t.get("style") in HAND_STYLES]
    out += [("mecanografiado", tmp / "entrenamiento", t) for t in train
            if t.get("style") == "mecanografiado"]
    return out


def _read_docs(picked: list[tuple[str, Path, dict[str, Any]]], reader: Reader,
               rapid: RapidEngine) -> list[Doc]:
    """Each document's pages read by the product, and each region found read by RapidOCR
    right after its page (so both are timed under the same load on the machine)."""
    docs = []
    for n, (group, folder, truth) in enumerate(picked, 1):
        doc = Doc(group, truth)
        data = (folder / truth["source"]).read_bytes()
        wanted = set(truth["pages"])
        for page in iter_pages(data, truth["source"]):
            if page.page_no not in wanted:
                continue
            t0 = time.perf_counter()
            with _Recorder() as rec:
                read = read_page(page, reader)
            doc.page_s += time.perf_counter() - t0
            if len(rec.seen) != len(read.identifiers):  # a volante's rows: not re-read
                continue
            regions = [Region(Candidate.from_mapping(page.page_no, asdict(ident)), crop, seconds)
                       for ident, (crop, seconds) in zip(read.identifiers, rec.seen,
                                                         strict=True)]
            _read_rapid(regions, rapid)
            doc.regions += regions
        docs.append(doc)
        print(f"  read {n}/{len(picked)} ({group}): {len(doc.regions)} regions",
              file=sys.stderr)
    return docs


def _rapid_candidate(c: Candidate, symbols: list[list[tuple[str, float]]]) -> Candidate:
    """The region as RapidOCR alone read it (no page text, no Tesseract, no digit model),
    resolved as the product resolves a second recognizer's reading."""
    return Candidate(kind=c.kind, page=c.page, box=c.box, label=c.label, second=symbols)


def _with_second(c: Candidate, r: Region) -> Candidate:
    assert r.rapid is not None
    return replace(c, second=r.rapid.second)


def _read_rapid(regions: list[Region], rapid: RapidEngine) -> None:
    for r in regions:
        if r.rapid is None:
            chars = (identifiers.EMAIL_CHARS if r.candidate.kind == "correo"
                     else identifiers.NUMBER_CHARS)
            rgb = cv2.cvtColor(r.crop, cv2.COLOR_GRAY2RGB)
            t0 = time.perf_counter()
            symbols = rapid.image_to_symbols(rgb, psm=identifiers.LINE_PSM, whitelist=chars)
            r.rapid_s = time.perf_counter() - t0
            plain = rapid.image_to_symbols(rgb, psm=identifiers.LINE_PSM)
            r.rapid_text = "".join(s.text for s in plain)
            r.rapid = _rapid_candidate(r.candidate, [s.alternatives for s in symbols])
            r.rapid_plain = _rapid_candidate(r.candidate, [s.alternatives[:1] for s in plain])


def _valid(c: Candidate) -> bool:
    return any(v.valid for v in resolve([c]).values.values())


def _candidates(doc: Doc, variant: str) -> list[Candidate]:
    pick: dict[str, Callable[[Region], Candidate | None]] = {
        "tesseract": lambda r: r.candidate,
        "rapid": lambda r: r.rapid,
        "rapid_plain": lambda r: r.rapid_plain,
        "combined": lambda r: (r.candidate if _valid(r.candidate)
                               else _with_second(r.candidate, r)),
        "cross_checked": lambda r: _with_second(r.candidate, r),
    }
    return [c for r in doc.regions if (c := pick[variant](r)) is not None]


def _outcomes(docs: list[Doc]) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """variant -> group -> field -> counts of right / wrong / nothing."""
    out: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for variant in VARIANTS:
        table = out.setdefault(variant, {})
        for doc in docs:
            values = resolve(_candidates(doc, variant)).values
            for name in FIELDS:
                cell = table.setdefault(doc.group, {}).setdefault(
                    name, {"truth": 0, "right": 0, "wrong": 0, "nothing": 0, "no_region": 0})
                want = doc.truth["fields"].get(name)
                cell["no_region"] += bool(want) and not any(
                    name in _KINDS.get(r.candidate.kind, ()) for r in doc.regions)
                got = values.get(name)
                value = got.value if got is not None and got.valid else None
                cell["truth"] += bool(want)
                if value is None:
                    cell["nothing"] += bool(want)
                elif value == want:
                    cell["right"] += 1
                else:
                    cell["wrong"] += 1
        for fields in table.values():
            for cell in fields.values():
                found = cell["right"] + cell["wrong"]
                cell["recall"] = round(cell["right"] / cell["truth"], 3) if cell["truth"] else None
                cell["precision"] = round(cell["right"] / found, 3) if found else None
    return out


def _times(docs: list[Doc]) -> dict[str, dict[str, Any]]:
    out = {}
    for group in (*GROUPS, "todos"):
        regions = [r for d in docs if group in (d.group, "todos") for r in d.regions]
        tess = sum(r.tesseract_s for r in regions)
        rapid = sum(r.rapid_s for r in regions)
        extra = sum(r.rapid_s for r in regions if not _valid(r.candidate))
        pages = sum(getattr(d, "page_s", 0.0) for d in docs if group in (d.group, "todos"))
        out[group] = {"regions": len(regions), "page_read_s": round(pages, 1),
                      "rapid_over_page_read": round(rapid / pages, 3) if pages else None,
                      "regions_not_valid_by_tesseract": sum(not _valid(r.candidate)
                                                            for r in regions),
                      "tesseract_s": round(tess, 2), "rapid_s": round(rapid, 2),
                      "ratio_rapid_over_tesseract": round(rapid / tess, 2) if tess else None,
                      "combined_extra_over_tesseract": round(extra / tess, 2) if tess else None}
    return out


def _gain(outcomes: dict[str, Any], group: str, variant: str) -> dict[str, Any]:
    """Whether `variant` beats `tesseract` on `group` with every field's precision at
    PRECISION_NEEDED (or no lower than tesseract's own, where that is already below)."""
    before, after = outcomes["tesseract"].get(group, {}), outcomes[variant].get(group, {})
    more = sum(after[f]["right"] - before[f]["right"] for f in after)
    wrong = sum(after[f]["wrong"] - before[f]["wrong"] for f in after)
    precise = all(after[f]["precision"] is None or after[f]["precision"] >= PRECISION_NEEDED
                  for f in after)
    return {"more_right": more, "more_wrong": wrong, "precision_kept": precise,
            "gain": more > 0 and precise}


def _dump(docs: list[Doc]) -> None:
    for d in docs:
        truth = {k: d.truth["fields"].get(k) for k in FIELDS}
        print(f"{d.group} {d.truth.get('hand')} {truth}", file=sys.stderr)
        for r in d.regions:
            c = r.candidate
            tess = "".join(s[0][0] for s in c.symbols if s)
            assert r.rapid is not None
            rapid = "".join(s[0][0] for s in r.rapid.second if s)
            got = {k: (v.value, v.valid) for k, v in resolve([r.rapid]).values.items()}
            print(f"   {c.kind:9s} page {c.text!r} tess {tess!r} valid={_valid(c)} | rapid "
                  f"{r.rapid_text!r} constrained {rapid!r} {got}", file=sys.stderr)


def _print(result: dict[str, Any]) -> None:
    seeds = " ".join(str(s) for s in result["seed"])
    print(f"sample --count {result['count']} --seed {seeds}: documents per group "
          + ", ".join(f"{g} {n}" for g, n in result["documents"].items()))
    print("  per field: right / wrong / nothing of n in truth (recall, precision; "
          f"precision >= {PRECISION_NEEDED} needed); [no region]: nothing because no region "
          "was found on the page, whatever reads it")
    for group in GROUPS:
        print(f"  {group}")
        for variant in VARIANTS:
            fields = result["outcomes"][variant].get(group, {})
            cells = []
            for name in FIELDS:
                c = fields.get(name)
                if c is None:
                    continue
                rec = "--" if c["recall"] is None else f"{c['recall']:.2f}"
                prec = "--" if c["precision"] is None else f"{c['precision']:.2f}"
                cells.append(f"{name} {c['right']}/{c['wrong']}/{c['nothing']} of "
                             f"{c['truth']} ({rec}, {prec})")
                if variant == "tesseract" and c["no_region"]:
                    cells[-1] += f" [{c['no_region']} no region]"
            print(f"    {variant:12s} " + "  ".join(cells))
    print("  time on the same regions (RapidOCR / Tesseract re-read):")
    for group, t in result["times"].items():
        print(f"    {group:19s} {t['regions']:3d} regions ({t['regions_not_valid_by_tesseract']}"
              f" not valid by tesseract): tesseract {t['tesseract_s']:.1f} s, rapid "
              f"{t['rapid_s']:.1f} s, ratio {t['ratio_rapid_over_tesseract']}, combined adds "
              f"{t['combined_extra_over_tesseract']} x tesseract; rapid on every region = "
              f"{t['rapid_over_page_read']} x the pages' whole read ({t['page_read_s']:.0f} s)")
    for variant, groups in result["gain"].items():
        for group, g in groups.items():
            print(f"  {variant} vs tesseract, {group}: {g['more_right']:+d} right, "
                  f"{g['more_wrong']:+d} wrong, every field's precision "
                  f"{'>= ' if g['precision_kept'] else 'NOT all >= '}{PRECISION_NEEDED}"
                  f" -> {'gain' if g['gain'] else 'no gain'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--seed", type=int, nargs="+", default=[7],
                    help="one box per seed (7: bench.accuracy's own)")
    ap.add_argument("--verbose", action="store_true",
                    help="print each region's readings (synthetic values only)")
    ap.add_argument("--max-docs", type=int, default=0,
                    help="at most this many documents per group (0: all), for a quick run")
    ap.add_argument("--keep", type=Path, default=None,
                    help="keep the regions read in this file (pickle) and, when it exists, "
                    "read them from it instead of drawing and reading the box again")
    args = ap.parse_args()
    rapid = RapidEngine(threads=1)
    rapid.image_to_symbols(np.full((48, 96), 255, np.uint8), psm=identifiers.LINE_PSM)
    # (loading the model is not the regions' time)
    if args.keep is not None and args.keep.exists():
        docs = pickle.loads(args.keep.read_bytes())  # noqa: S301 - our own file
        for r in (r for d in docs for r in d.regions):  # kept by an older version
            r.candidate.second = getattr(r.candidate, "second", [])
    else:
        docs = [d for seed in args.seed
                for d in _draw_and_read(args.count, seed, args.max_docs, rapid)]
        if args.keep is not None:
            args.keep.write_bytes(pickle.dumps(docs))
    _read_rapid([r for d in docs for r in d.regions], rapid)  # regions kept unread by it
    return _report(docs, args)


def _draw_and_read(count: int, seed: int, max_docs: int, rapid: RapidEngine) -> list[Doc]:
    with tempfile.TemporaryDirectory() as tmp:
        picked = _boxes(Path(tmp), count, seed)
        if max_docs:
            picked = [p for g in GROUPS for p in [p for p in picked if p[0] == g][:max_docs]]
        digits = DigitModels(Path(tmp) / "modelos")
        digits.keep()  # trained before anything is timed
        reader = Reader.of(TesseractEngine(threads=1), digits)
        return _read_docs(picked, reader, rapid)


def _report(docs: list[Doc], args: argparse.Namespace) -> int:
    if args.verbose:
        _dump(docs)
    outcomes = _outcomes(docs)
    result: dict[str, Any] = {
        "count": args.count, "seed": args.seed, "max_docs": args.max_docs,
        "rapid_model": model_path().name,
        "documents": {g: sum(d.group == g for d in docs) for g in GROUPS},
        "outcomes": outcomes, "times": _times(docs),
        "gain": {v: {g: _gain(outcomes, g, v) for g in GROUPS}
                 for v in ("combined", "cross_checked")},
    }
    RESULTS.mkdir(exist_ok=True)
    if not args.max_docs:
        (RESULTS / "second_reader.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _print(result)
    if args.max_docs:
        print("(a quick run: results not written)")
    else:
        print(f"written {RESULTS / 'second_reader.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
