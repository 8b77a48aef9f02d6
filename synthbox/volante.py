"""Hand-filled volantes: our printed form with fields, digit boxes and a ticked checkbox."""

from __future__ import annotations

import datetime as dt
import functools
import random
import threading
from dataclasses import dataclass, field

from PIL import Image

from classifier.identity import Identity
from ocr.template import FormTemplate, load_template
from synthbox import ink
from synthbox.letter import short_date

CHECKBOX_FOR_TYPE = {"queja_servicio": "queja", "queja_administrativa": "queja",
                     "sugerencia": "sugerencia", "reconocimiento": "reconocimiento",
                     "gestion": "gestion", "orientacion": "orientacion"}
# How often people fill each part of the form.
FILL_RATES = {"nombre": 0.85, "nss": 0.6, "telefono": 0.65, "correo": 0.3, "servicio": 0.6,
              "fecha": 0.7}


@functools.lru_cache(maxsize=1)
def template() -> FormTemplate:
    return load_template("volante_v1")


_FORM_LOCK = threading.Lock()  # pdfium, which draws the form, is not thread-safe


@functools.lru_cache(maxsize=8)
def _blank_form(unit: str | None, dpi: int) -> Image.Image:
    from intake.form import render_form_image

    return render_form_image(unit, dpi=dpi).convert("RGB")


def blank_form(unit: str | None, dpi: int) -> Image.Image:
    """The printed volante (cached: every volante of a box comes from the same print run)."""
    with _FORM_LOCK:
        return _blank_form(unit, dpi)


@dataclass
class FilledVolante:
    image: Image.Image
    back: Image.Image | None  # the back of the sheet when the description continues there
    written: dict[str, str | None] = field(default_factory=dict)  # canonical form values
    checked: list[str] = field(default_factory=list)
    page_texts: list[str] = field(default_factory=list)


def _checks(type_: str, rng: random.Random) -> list[str]:
    box = CHECKBOX_FOR_TYPE.get(type_)
    r = rng.random()
    if box is None or r < 0.12:
        return []  # people often skip the checkboxes
    if type_ == "gestion" and r < 0.2:
        return ["queja"]  # a request felt as a complaint
    if r > 0.96:
        return sorted({box, rng.choice(list(CHECKBOX_FOR_TYPE.values()))})
    return [box]


def _tick(layer: ink.InkLayer, box: tuple[int, int, int, int], rng: random.Random,
          width: int) -> None:
    """An X or a check mark drawn by hand, not quite inside the box."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0

    def j(v: float, span: int) -> float:
        return v + rng.uniform(-0.15, 0.15) * span

    if rng.random() < 0.6:
        layer.draw.line([(j(x0, w), j(y0, h)), (j(x1, w), j(y1, h))], fill=255, width=width)
        layer.draw.line([(j(x1, w), j(y0, h)), (j(x0, w), j(y1, h))], fill=255, width=width)
    else:
        mid = (j(x0 + w * 0.4, w), j(y1 - h * 0.1, h))
        layer.draw.line([(j(x0 + w * 0.1, w), j(y0 + h * 0.5, h)), mid,
                         (j(x1 + w * 0.3, w), j(y0 - h * 0.4, h))], fill=255, width=width,
                        joint="curve")


@functools.lru_cache(maxsize=1)
def _mnist_by_digit() -> dict[str, list[Image.Image]]:
    """Real handwritten digits held apart from the digit model's training images."""
    from ocr.digits import held_out_digits

    images, labels = held_out_digits()
    out: dict[str, list[Image.Image]] = {str(d): [] for d in range(10)}
    for im, lab in zip(images, labels, strict=True):
        out[str(int(lab))].append(Image.fromarray(im))
    return out


def _digits(layer: ink.InkLayer, zones: list[tuple[int, int, int, int]], digits: str,
            rng: random.Random) -> None:
    """Each digit a real MNIST image (a different writer per box), scaled into its box."""
    pool = _mnist_by_digit()
    for (x0, y0, x1, y1), d in zip(zones, digits, strict=False):
        img = rng.choice(pool[d])
        # MNIST digits fill 20 of their 28 px: the digit is ~60-78% of the box's height and
        # never wider than ~75% of it, as people write inside boxes.
        core = min((y1 - y0) * rng.uniform(0.6, 0.78), (x1 - x0) * 0.75)
        side = max(8, round(core * 28 / 20))
        img = img.resize((side, side), Image.Resampling.BILINEAR)
        x = round(x0 + (x1 - x0 - side) / 2 + rng.uniform(-0.07, 0.07) * (x1 - x0))
        y = round(y0 + (y1 - y0 - side) / 2 + rng.uniform(-0.07, 0.07) * (y1 - y0))
        layer.mask.paste(255, (x, y), img)


def fill(type_: str, description: str, ident: Identity, item_servicio: str | None,
         rng: random.Random, *, unit: str, day: dt.date, dpi: int,
         hand: ink.Hand) -> FilledVolante:
    """Fill a blank volante by `hand`. `written` holds what the form fields say (canonical
    values); the page texts are as written (in capitals for a hand that writes so)."""
    t = template()
    page = blank_form(unit, dpi).copy()
    layer = ink.InkLayer(page.size)
    path = hand.path
    pen = ink.INKS[rng.choice(("azul", "azul", "negro", "azul_claro"))]
    k = dpi / 25.4
    field_size = int(rng.uniform(5.5, 7.0) * k)
    written: dict[str, str | None] = dict.fromkeys(("nombre", "nss", "telefono", "correo",
                                                    "servicio", "fecha"))
    values = {"nombre": ident.nombre, "correo": ident.correo, "servicio": item_servicio,
              "fecha": short_date(day, rng)}
    for key in ("nombre", "correo", "servicio", "fecha"):
        value = values[key]
        if value and rng.random() < FILL_RATES[key]:
            x0, y0, x1, y1 = t.zone("fields", key).to_px(dpi)
            ink.hand_text(layer, x0 + rng.uniform(1, 8) * k, y1 - rng.uniform(1.2, 2.5) * k,
                          value, path, field_size, rng)
            written[key] = value
    for key, value in (("nss", ident.nss), ("telefono", ident.telefono)):
        if rng.random() < FILL_RATES[key]:
            zones = [z.to_px(dpi) for z in t.digit_zones(key)]
            _digits(layer, zones, value, rng)
            written[key] = value
    checked = _checks(type_, rng)
    for name in checked:
        _tick(layer, t.zone("checkboxes", name).to_px(dpi), rng, max(2, int(0.5 * k)))

    x0, y0, x1, y1 = t.zone("fields", "descripcion").to_px(dpi)
    pitch = int(t.raw["fields"]["descripcion"].get("line_pitch", 10) * k)
    size = int(rng.uniform(5.5, 6.8) * k)
    fnt = ink.hand_font(path, size)
    lines = ink.wrap(description, fnt, (x1 - x0) * 0.86,
                     measure=lambda w: ink.word_length(w, path, fnt))
    lines = [ln for ln in lines if ln.words]
    rows = (y1 - y0) // pitch
    front, rest = lines[:rows], lines[rows:]
    back = None
    if rest:  # "sigue al reverso": the rest goes on the back of the sheet
        front[-1].words.append("(sigue)")
    for i, ln in enumerate(front):
        ink.hand_line(layer, x0 + rng.uniform(0.5, 3) * k, y0 + (i + 1) * pitch - 0.12 * pitch,
                      ln.words, path, size, rng, slope=rng.uniform(-0.008, 0.008))
    layer.apply(page, pen)
    shown = str.upper if hand.capitals else str
    page_texts = [_front_text({k: v and shown(v) for k, v in written.items()}, checked,
                              [shown(ln.text) for ln in front])]
    if rest:
        back = ink.paper(page.size, rng)
        blayer = ink.InkLayer(page.size)
        by = rng.uniform(20, 35) * k
        step = int(size * rng.uniform(1.5, 1.8))
        for i, ln in enumerate(rest):
            ink.hand_line(blayer, rng.uniform(15, 22) * k, by + i * step, ln.words, path, size,
                          rng, slope=rng.uniform(-0.01, 0.01))
        blayer.apply(back, pen)
        page_texts.append("\n".join(shown(ln.text) for ln in rest))
    return FilledVolante(page, back, written, checked, page_texts)


def _front_text(written: dict[str, str | None], checked: list[str], desc: list[str]) -> str:
    parts = [f"{k}: {v}" for k, v in written.items() if v]
    parts += [f"[X] {c}" for c in checked]
    return "\n".join([*parts, *desc])
