"""Writing scanned pages as the files a TAOD gets: PDF, JPG, PNG and multi-page TIFF."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

from PIL import Image

# Shares for single-page files; multi-page files and scanner batches are PDF or TIFF, which
# brings the whole box near 40 % PDF and 20 % each of JPG, PNG and TIFF.
FORMAT_WEIGHTS = (("pdf", 0.28), ("jpg", 0.27), ("png", 0.27), ("tiff", 0.18))
EXT = {"pdf": "pdf", "digital": "pdf", "jpg": "jpg", "png": "png", "tiff": "tif"}
PREFIX = {"pdf": "escaneo_", "digital": "carta_", "jpg": "IMG_", "png": "captura_",
          "tiff": "scan_"}


def choose_format(rng: random.Random, pages: int, batch: str | None) -> str:
    """The file format for a file of `pages` pages (single-page formats only hold one)."""
    if batch:
        return batch
    names = [name for name, _ in FORMAT_WEIGHTS]
    fmt = rng.choices(names, [weight for _, weight in FORMAT_WEIGHTS])[0]
    if pages > 1 and fmt in ("jpg", "png"):
        fmt = "pdf" if rng.random() < 0.65 else "tiff"
    return fmt


def file_name(fmt: str, index: int) -> str:
    return f"{PREFIX[fmt]}{index + 1:04d}.{EXT[fmt]}"


SCAN_SOFTWARE = ("HP Scan", "Epson Scan 2", "Canon IJ Scan Utility", "NAPS2", "Brother iPrint&Scan")


def encode(pages: list[Image.Image], fmt: str, dpi: int, rng: random.Random,
           scanned_at: dt.datetime) -> bytes:
    """The bytes of an image-only file holding `pages` (scans, no text layer).

    `scanned_at` stands in for the clock wherever a format stores a date, so that the same
    seed gives the same bytes.
    """
    buf = io.BytesIO()
    first, rest = pages[0], pages[1:]
    if fmt == "pdf":
        stamp = scanned_at.timetuple()
        first.save(buf, "PDF", save_all=True, append_images=rest, resolution=float(dpi),
                   quality=rng.randint(55, 85), title="", creationDate=stamp, modDate=stamp,
                   producer=rng.choice(SCAN_SOFTWARE))
    elif fmt == "jpg":
        first.save(buf, "JPEG", quality=rng.randint(60, 90), dpi=(dpi, dpi))
    elif fmt == "png":
        first.save(buf, "PNG", dpi=(dpi, dpi), compress_level=4)
    elif fmt == "tiff":
        compression = rng.choice(("tiff_deflate", "tiff_lzw", "jpeg"))
        kwargs = {"quality": 80} if compression == "jpeg" else {}
        first.save(buf, "TIFF", save_all=True, append_images=rest, compression=compression,
                   dpi=(dpi, dpi), **kwargs)
    else:
        raise ValueError(f"formato desconocido: {fmt}")
    return buf.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
