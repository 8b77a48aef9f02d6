"""Form templates: the geometry of a printed form, loaded from a zones file."""

from __future__ import annotations

import functools
import io
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Zone:
    x: float  # mm from the left edge
    y: float  # mm from the top edge
    w: float
    h: float

    def to_px(self, dpi: int) -> tuple[int, int, int, int]:
        """The zone as (x0, y0, x1, y1) pixels at `dpi`."""
        k = dpi / MM_PER_INCH
        return (round(self.x * k), round(self.y * k), round((self.x + self.w) * k),
                round((self.y + self.h) * k))


@dataclass(frozen=True)
class FormTemplate:
    name: str
    page_mm: tuple[float, float]
    raw: dict[str, Any]
    source: str = ""  # the bundled name or the zones file's path it was loaded from

    def page_px(self, dpi: int) -> tuple[int, int]:
        k = dpi / MM_PER_INCH
        return round(self.page_mm[0] * k), round(self.page_mm[1] * k)

    def zone(self, section: str, key: str) -> Zone:
        z = self.raw[section][key]
        return Zone(z["x"], z["y"], z["w"], z["h"])

    def digit_zones(self, key: str) -> list[Zone]:
        """One zone per digit box of a digit-box row (NSS, phone)."""
        d = self.raw["digit_boxes"][key]
        return [Zone(d["x"] + i * (d["w"] + d["gap"]), d["y"], d["w"], d["h"])
                for i in range(d["count"])]

    def blank_image(self) -> tuple[np.ndarray, int] | None:
        """The printed blank form (grayscale) and its dpi, for feature matching; None if the
        template has no image (`<name>.npz` with `image` and `dpi`, beside the zones file)."""
        return _blank_image(self.source)

    def marker_centers_mm(self) -> list[tuple[float, float]]:
        """Marker centres in order tl, tr, bl, br."""
        return [(m["x"] + m["size"] / 2, m["y"] + m["size"] / 2) for m in self.raw["markers"]]


def load_template(name_or_path: str = "volante_v1") -> FormTemplate:
    """Load a bundled template by name, or a zones file by path."""
    p = Path(name_or_path)
    if p.suffix == ".json" and p.exists():
        text = p.read_text(encoding="utf-8")
    else:
        text = resources.files("ocr.templates").joinpath(f"{name_or_path}.json").read_text(
            encoding="utf-8")
    raw = json.loads(text)
    return FormTemplate(name=raw["name"], page_mm=tuple(raw["page_mm"]), raw=raw,
                        source=name_or_path)


@functools.lru_cache(maxsize=8)
def _blank_image(source: str) -> tuple[np.ndarray, int] | None:
    p = Path(source)
    try:
        if p.suffix == ".json":
            data = p.with_suffix(".npz").read_bytes()
        else:
            data = resources.files("ocr.templates").joinpath(f"{source}.npz").read_bytes()
    except (OSError, FileNotFoundError):
        return None
    with np.load(io.BytesIO(data)) as z:
        return z["image"].copy(), int(z["dpi"])
