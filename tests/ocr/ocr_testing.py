"""Page builders and fake engines for the OCR tests (everything generated, nothing stored)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.errors import EngineError
from ocr.template import load_template
from ocr.types import Word

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation")]
SANS = "DejaVuSans.ttf"
SERIF = "LiberationSerif-Regular.ttf"

LETTER = [
    "Buenos días, quiero presentar una queja porque",
    "en el área de urgencias esperé más de seis horas",
    "y nadie me informó sobre el estado de mi mamá.",
    "Solicito que mejoren la atención y la orientación.",
]


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    for d in FONT_DIRS:
        if (d / name).exists():
            return ImageFont.truetype(str(d / name), size)
    pytest.skip(f"font {name} not installed")


def text_page(lines: list[str] = LETTER, *, dpi: int = 200, font_name: str = SANS,
              pt: int = 12) -> Image.Image:
    """An A4 page (grayscale) with `lines` typed from one inch in."""
    w, h = round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    f = font(font_name, round(dpi * pt / 72))
    for i, line in enumerate(lines):
        d.text((dpi, dpi + i * dpi * pt * 1.7 / 72), line, font=f, fill=0)
    return img


def png_bytes(img: Image.Image, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", **kw)
    return buf.getvalue()


def mnist_digit(d: str, nth: int = 0) -> Image.Image:
    """The `nth` held-out MNIST image of digit `d` (never seen by the digit model)."""
    from ocr.digits import held_out_digits

    images, labels = held_out_digits()
    idx = np.flatnonzero(labels == int(d))[nth]
    return Image.fromarray(images[idx])


def fill_volante(img: Image.Image, dpi: int, *, check: tuple[str, ...] = ("queja",),
                 nss: str = "", name: str = "", lines: tuple[str, ...] = (),
                 hand_digits: bool = False, phone: str = "") -> Image.Image:
    """Fill a rendered volante: an X per checked box, digits (typed, or real handwriting
    from held-out MNIST images), a name, description lines."""
    t = load_template()
    img = img.copy()
    d = ImageDraw.Draw(img)
    k = dpi / 25.4
    for key in check:
        x0, y0, x1, y1 = t.zone("checkboxes", key).to_px(dpi)
        m = round(0.8 * k)
        d.line((x0 + m, y0 + m, x1 - m, y1 - m), fill=0, width=max(2, round(0.5 * k)))
        d.line((x0 + m, y1 - m, x1 - m, y0 + m), fill=0, width=max(2, round(0.5 * k)))
    digit_font = font(SANS, round(6 * k))
    for key, value in (("nss", nss), ("telefono", phone)):
        for zone, ch in zip(t.digit_zones(key), value, strict=False):
            x0, y0, x1, y1 = zone.to_px(dpi)
            if hand_digits:
                side = round((y1 - y0) * 0.95)
                ink = mnist_digit(ch).resize((side, side), Image.Resampling.BILINEAR)
                img.paste((20, 20, 140), ((x0 + x1 - side) // 2, (y0 + y1 - side) // 2), ink)
            else:
                d.text(((x0 + x1) / 2, (y0 + y1) / 2), ch, font=digit_font, fill=0,
                       anchor="mm")
    write = font(SANS, round(5 * k))
    if name:
        x0, _, _, y1 = t.zone("fields", "nombre").to_px(dpi)
        d.text((x0 + 2 * k, y1 - k), name, font=write, fill=0, anchor="ls")
    z = t.zone("fields", "descripcion")
    x0, y0, _, _ = z.to_px(dpi)
    for i, line in enumerate(lines):
        d.text((x0 + 2 * k, y0 + (i + 1) * 10 * k - k), line, font=write, fill=(20, 20, 140),
               anchor="ls")
    return img


class FailingEngine:
    """An engine that must not be called."""

    def image_to_data(self, image, *, psm, whitelist=None):  # noqa: ANN001
        raise AssertionError("the OCR engine was called")

    def osd(self, image):  # noqa: ANN001
        raise AssertionError("the OCR engine was called")


class CrashingEngine:
    """An engine whose every call fails the way a broken Tesseract does."""

    def __init__(self) -> None:
        self.calls = 0

    def image_to_data(self, image, *, psm, whitelist=None):  # noqa: ANN001
        self.calls += 1
        raise EngineError("Tesseract falló (prueba)")

    def osd(self, image):  # noqa: ANN001
        self.calls += 1
        raise EngineError("Tesseract falló (prueba)")


class ScriptedEngine:
    """Returns fixed words; OSD answers `rotation` or fails when it is None."""

    def __init__(self, words: list[Word] | None = None, rotation: int | None = 0,
                 upside_down_conf: float = 30.0) -> None:
        self.words = words or []
        self.rotation = rotation
        self.upside_down_conf = upside_down_conf
        self.calls: list[tuple[str, int | None]] = []

    def image_to_data(self, image, *, psm, whitelist=None):  # noqa: ANN001
        self.calls.append(("data", psm))
        return list(self.words)

    def osd(self, image):  # noqa: ANN001
        self.calls.append(("osd", None))
        if self.rotation is None:
            raise EngineError("Tesseract falló (osd): Too few characters")
        return self.rotation



def cover(img: Image.Image, dpi: int, *, markers: bool = True, qr: bool = False
          ) -> Image.Image:
    """Paint white over the volante's corner markers and/or its QR code (in place), as a
    thumb, a fold or the edge of a photo would hide them."""
    t = load_template()
    d, k = ImageDraw.Draw(img), dpi / 25.4
    hidden = [(m, 4) for m in t.raw["markers"]] if markers else []
    if qr:
        hidden.append((t.raw["qr"], 6))
    for z, pad in hidden:
        d.rectangle((z["x"] * k - pad, z["y"] * k - pad, (z["x"] + z["size"]) * k + pad,
                     (z["y"] + z["size"]) * k + pad), fill="white")
    return img


def as_array(img: Image.Image) -> np.ndarray:
    return np.asarray(img)
