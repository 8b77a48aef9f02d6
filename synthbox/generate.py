"""`write_sample`: a realistic day's box of scans with its ground truth (truth.jsonl)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from synthbox import _source, defects, files, ink, typed
from synthbox.errors import SampleFontsMissing
from synthbox.plan import FilePlan, plan_docs, plan_files
from synthbox.render import box_day, render_doc

log = logging.getLogger(__name__)

TRUTH_FILE = "truth.jsonl"
# Below this many files the worker start-up costs more than it saves.
PARALLEL_MIN_FILES = 12


def _write_file(fp: FilePlan, out: Path, seed: int, unit: str,
                held_out: bool) -> list[dict[str, Any]]:
    """Render, scan and write one file; returns the truth records of its documents."""
    rng = random.Random(fp.seed)
    digital = fp.batch_format == "digital"
    rendered = [render_doc(d, seed, unit, fp.dpi, digital=digital, held_out=held_out)
                for d in fp.docs]
    records: list[dict[str, Any]] = []
    if digital:
        lay = rendered[0].layout
        assert lay is not None
        data = typed.digital_pdf(lay)
        name = files.file_name("digital", fp.index)
        npages = len(lay.pages)
        rec = dict(rendered[0].truth)
        rec.update(pages=list(range(1, npages + 1)), defects=[None] * npages,
                   page_texts=rendered[0].page_texts)
        records.append(rec)
    else:
        total = sum(len(r.pages) for r in rendered)
        fmt = files.choose_format(rng, total, fp.batch_format)
        name = files.file_name(fmt, fp.index)
        scanned = []
        page_no = 0
        for r in rendered:
            first = page_no + 1
            page_defects = []
            for img in r.pages:
                page_no += 1
                d = defects.choose(rng)
                if fmt == "jpg":
                    d["jpeg"] = 0  # the file itself is the JPEG
                scanned.append(defects.apply(img, d, fp.gray, rng.randrange(2**32)))
                page_defects.append(d)
            rec = dict(r.truth)
            rec.update(pages=list(range(first, page_no + 1)), defects=page_defects,
                       page_texts=r.page_texts)
            records.append(rec)
        scanned_at = dt.datetime.combine(box_day(seed), dt.time(17, 0)) + \
            dt.timedelta(minutes=fp.index)
        data = files.encode(scanned, fmt, fp.dpi, rng, scanned_at)
    files.write_atomic(out / name, data)
    for rec in records:
        rec["source"] = name
        rec["dpi"] = fp.dpi
    return records


def _ordered(rec: dict[str, Any]) -> dict[str, Any]:
    """Truth keys in a stable, readable order: the contract's keys first, extras after."""
    keys = ("source", "pages", "kind", "type", "fields", "route", "urgent", "text")
    return {**{k: rec[k] for k in keys}, **{k: v for k, v in rec.items() if k not in keys}}


def write_sample(out: Path, count: int, seed: int, unit: str = "UMF 20",
                 progress: Callable[[int], None] | None = None,
                 workers: int = 1, held_out: bool = False) -> list[dict[str, Any]]:
    """Write `count` documents as scan files into `out`, plus `out/truth.jsonl`.

    The result depends only on (count, seed, unit, held_out): same arguments, same bytes.

    Args:
        out: directory to write into (created if missing).
        count: number of documents (volantes, letters, non-petitions).
        seed: the seed every random choice derives from.
        unit: the unit whose box this is (printed on the volantes; default `unidad`).
        progress: called with the number of documents finished after each file is written.
        workers: threads to draw with (default 1). Serial drawing of 60 documents takes
            about 17 s of CPU; threads only help on an idle multi-core machine.
        held_out: also draw in the held-out hands (`ink.HELD_OUT_HANDS`), for benchmark
            boxes only: nothing that tunes or trains may read such a box. The documents
            not drawn in a held-out hand are the same as without it.

    Returns:
        The truth records, in document order (also written to truth.jsonl).
    """
    started = time.monotonic()
    missing = [p for p in ink.font_paths(held_out) if not Path(p).is_file()]
    if missing:
        raise SampleFontsMissing(
            "faltan fuentes para dibujar el buzón de ejemplo (instálalas con "
            f"scripts/setup.sh): {', '.join(missing)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        log.warning("sample: %s is not empty; files of earlier samples stay beside the new ones",
                    out)
    rng = random.Random(f"buzon-sample:{seed}:{count}")
    items = _source.test_items()
    docs = plan_docs(items, count, rng)
    plan = plan_files(docs, rng, seed)
    records: list[list[dict[str, Any]]] = [[] for _ in plan]
    if workers > 1 and len(plan) >= PARALLEL_MIN_FILES:
        # Threads, not processes: Pillow and numpy release the GIL in the heavy work (rotate,
        # blur, encode), and threads need no __main__ guard in the caller's script.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_write_file, fp, out, seed, unit, held_out): fp.index
                       for fp in plan}
            for fut in as_completed(futures):
                records[futures[fut]] = fut.result()
                if progress:
                    progress(len(records[futures[fut]]))
    else:
        for fp in plan:
            records[fp.index] = _write_file(fp, out, seed, unit, held_out)
            if progress:
                progress(len(records[fp.index]))
    flat = [_ordered(r) for recs in records for r in recs]
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in flat)
    files.write_atomic(out / TRUTH_FILE, lines.encode("utf-8"))
    log.info("sample: %d documents in %d files written in %.1f s", len(flat), len(plan),
             time.monotonic() - started)
    return flat

