"""What else ends up in the box: blank sheets, advert flyers and doodles."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from synthbox import ink
from synthbox.typed import PAGE_SIZES_MM

ADVERTS = (
    ("SE VENDEN", "GELATINAS Y FLANES", "sabor fresa, mosaico y rompope", "$15 pieza",
     "afuera de la clínica de 8 a 12"),
    ("CLASES DE", "REGULARIZACIÓN", "primaria y secundaria", "matemáticas y español",
     "informes en la papelería de la esquina"),
    ("SE RENTA", "CUARTO AMUEBLADO", "cerca de la clínica", "con baño propio",
     "solo personas solas, no mascotas"),
    ("COMPRO", "ORO Y PLATA", "pago el mejor precio", "alhajas rotas, monedas",
     "local 14 del mercado"),
    ("ESTÉTICA", "LUPITA", "corte dama y caballero $60", "tinte, uñas, pestañas",
     "2x1 los martes"),
    ("VENTA DE", "ROPA DE PACA", "americana de primera", "todo a $20 y $30",
     "este domingo en el tianguis"),
    ("ARREGLAMOS", "CELULARES", "pantallas, pilas, centros de carga", "servicio en 1 hora",
     "frente a la parada del camión"),
)


def page_size(dpi: int, paper: str) -> tuple[int, int]:
    k = dpi / 25.4
    return round(PAGE_SIZES_MM[paper][0] * k), round(PAGE_SIZES_MM[paper][1] * k)


def blank(rng: random.Random, dpi: int, paper: str = "a4") -> tuple[Image.Image, str]:
    """A blank sheet, sometimes with a fold line or a faint smudge."""
    page = ink.paper(page_size(dpi, paper), rng)
    d = ImageDraw.Draw(page)
    w, h = page.size
    if rng.random() < 0.5:
        y = int(h * rng.uniform(0.3, 0.7))
        d.line([(0, y), (w, y + rng.randint(-20, 20))], fill=(228, 228, 226), width=3)
    if rng.random() < 0.3:
        cx, cy, r = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h, rng.uniform(30, 90)
        d.ellipse([cx - r, cy - r * 0.6, cx + r, cy + r * 0.6], fill=(232, 230, 226))
    return page, ""


def advert(rng: random.Random, dpi: int, paper: str = "a4") -> tuple[Image.Image, str]:
    """A printed flyer with big bold lines."""
    size = page_size(dpi, paper)
    page = ink.paper(size, rng, tint=False)
    lines = rng.choice(ADVERTS)
    layer = ink.InkLayer(size)
    bold = rng.choice(ink.BOLD_FONTS)
    regular = rng.choice(ink.TYPED_FONTS)
    w, h = size
    if rng.random() < 0.6:
        m = int(w * 0.06)
        layer.draw.rectangle([m, m, w - m, h - m], outline=255, width=max(4, dpi // 30))
    y = h * rng.uniform(0.18, 0.28)
    for i, text in enumerate(lines):
        big = i < 2
        px = int(dpi * (0.75 if big else 0.32) * rng.uniform(0.9, 1.1))
        fnt = ink.font(bold if big else regular, px)
        while fnt.getlength(text) > w * 0.84 and px > 20:
            px = int(px * 0.9)
            fnt = ink.font(bold if big else regular, px)
        ink.type_line(layer, (w - fnt.getlength(text)) / 2, y + px, text, fnt)
        y += px * (1.5 if big else 1.6)
    colour = rng.choice(((20, 20, 20), (170, 20, 30), (20, 60, 150), (20, 110, 50)))
    layer.apply(page, colour)
    return page, "\n".join(lines)


def doodle(rng: random.Random, dpi: int, paper: str = "a4") -> tuple[Image.Image, str]:
    """Random pen strokes, circles and a little house or face: someone trying a pen."""
    size = page_size(dpi, paper)
    page = ink.paper(size, rng)
    layer = ink.InkLayer(size)
    w, h = size
    lw = max(3, dpi // 50)
    cx, cy = w * rng.uniform(0.25, 0.75), h * rng.uniform(0.2, 0.6)
    box = (int(cx - w * 0.25), int(cy - h * 0.15), int(cx + w * 0.25), int(cy + h * 0.2))
    ink.scribble(layer, rng, box, rng.randint(2, 6), lw)
    for _ in range(rng.randint(1, 4)):
        r = rng.uniform(0.03, 0.1) * w
        x, y = rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3])
        layer.draw.ellipse([x - r, y - r, x + r, y + r], outline=255, width=lw)
    if rng.random() < 0.5:  # a smiling face
        r = w * 0.08
        x, y = w * rng.uniform(0.3, 0.7), h * rng.uniform(0.6, 0.8)
        layer.draw.ellipse([x - r, y - r, x + r, y + r], outline=255, width=lw)
        for dx in (-0.35, 0.35):
            layer.draw.ellipse([x + dx * r - lw * 2, y - r * 0.3 - lw * 2,
                                x + dx * r + lw * 2, y - r * 0.3 + lw * 2], fill=255)
        pts = [(x + r * 0.5 * math.cos(a / 10 * math.pi), y + r * 0.1 +
                r * 0.4 * math.sin(a / 10 * math.pi)) for a in range(1, 10)]
        layer.draw.line(pts, fill=255, width=lw)
    layer.apply(page, ink.INKS[rng.choice(list(ink.INKS))])
    return page, ""
