"""Scanner defects: skew, upside-down pages, blur, noise, tone shifts, borders, JPEG blocks."""

from __future__ import annotations

import io
import random
from typing import Any

import numpy as np
from PIL import Image, ImageFilter


def choose(rng: random.Random) -> dict[str, Any]:
    """Draw one page's defects; the dict goes into the truth file as is."""
    d: dict[str, Any] = {
        "skew": round(max(-4.0, min(4.0, rng.gauss(0, 1.6))), 2),
        "rot180": rng.random() < 0.07,
        "border": rng.random() < 0.25,
        "blur": round(rng.uniform(0.4, 1.1), 2) if rng.random() < 0.3 else 0.0,
        "noise": round(rng.uniform(3, 10), 1) if rng.random() < 0.6 else 0.0,
        "salt": round(rng.uniform(0.0003, 0.0015), 4) if rng.random() < 0.15 else 0.0,
        "contrast": round(rng.uniform(0.8, 1.1), 2),
        "brightness": rng.randint(-18, 15),
        "jpeg": rng.randint(25, 55) if rng.random() < 0.25 else 0,
    }
    return d


def apply(img: Image.Image, d: dict[str, Any], gray: bool, seed: int) -> Image.Image:
    """Scan `img` with defects `d`; returns an RGB or L image of the same size."""
    nrng = np.random.default_rng(seed)
    img = img.convert("L" if gray else "RGB")
    fill: Any = 255 if gray else (255, 255, 255)
    if d["rot180"]:
        img = img.transpose(Image.Transpose.ROTATE_180)
    shift = (0, 0)
    if d["border"]:  # the sheet lies off-centre on the glass; the lid shows grey around it
        g = int(nrng.integers(70, 150))
        fill = g if gray else (g, g, g)
        shift = (int(nrng.integers(-40, 41)), int(nrng.integers(-40, 41)))
    if d["skew"] or d["border"]:
        img = img.rotate(d["skew"], resample=Image.Resampling.BILINEAR, translate=shift,
                         fillcolor=fill)
    if d["blur"]:
        img = img.filter(ImageFilter.GaussianBlur(d["blur"]))
    c, b = d["contrast"], d["brightness"]
    lut = [min(255, max(0, round(v * c + (1 - c) * 128 + b))) for v in range(256)]
    img = img.point(lut * len(img.getbands()))
    if d["noise"] or d["salt"]:
        a = np.asarray(img, dtype=np.int16)
        shape = a.shape[:2]
        if d["noise"]:
            n = (nrng.standard_normal(shape, dtype=np.float32) * d["noise"]).astype(np.int16)
            a = a + (n if a.ndim == 2 else n[..., None])
        if d["salt"]:
            u = nrng.random(shape, dtype=np.float32)
            a[u < d["salt"] / 2] = 0
            a[u > 1 - d["salt"] / 2] = 255
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    out = img
    if d["jpeg"]:
        buf = io.BytesIO()
        out.save(buf, "JPEG", quality=d["jpeg"])
        out = Image.open(io.BytesIO(buf.getvalue()))
        out.load()
    return out
