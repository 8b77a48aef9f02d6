"""Drawing one planned document: its clean pages and its ground truth."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from synthbox import _source, ink, letter, others, typed, volante
from synthbox import hand as handwriting
from synthbox.plan import DocPlan
from synthbox.routes import expected_route

KIND = {"volante": "volante", "typed": "escrito_libre", "hand": "escrito_libre",
        "blank": "otro", "advert": "otro", "doodle": "otro", "note": "otro"}
HANDWRITTEN = frozenset({"volante", "hand", "note"})  # styles drawn in a handwriting font
STYLE_NAMES = {"volante": "volante", "typed": "mecanografiado", "hand": "manuscrito",
               "blank": "hoja_en_blanco", "advert": "volante_publicitario", "doodle": "garabato",
               "note": "nota"}


@dataclass
class RenderedDoc:
    pages: list[Image.Image]
    truth: dict[str, Any]
    layout: typed.TypedLayout | None = None  # kept for digital PDFs
    page_texts: list[str] = field(default_factory=list)


def box_day(seed: int) -> dt.date:
    """The (fixed, seeded) day the box was opened; never today, so samples are reproducible."""
    return dt.date(2026, 1, 5) + dt.timedelta(days=random.Random(f"day:{seed}").randrange(300))


def _fields(text_fields: dict[str, str | None], item: _source.Item | None,
            unit: str) -> dict[str, str | None]:
    out: dict[str, str | None] = dict.fromkeys(_source.FIELD_NAMES)
    out.update({k: v for k, v in text_fields.items() if k in out and v})
    if out["nombre"]:  # the export writes names as names, even when written in capitals
        out["nombre"] = _source.name_case(out["nombre"])
    out["unidad"] = (item.unidad if item and item.unidad else None) or unit
    out["servicio"] = out.get("servicio") or (item.servicio if item else None)
    return out


def render_doc(doc: DocPlan, seed: int, unit: str, dpi: int, *,
               digital: bool = False, held_out: bool = False) -> RenderedDoc:
    """Draw the document's pages (clean, before scanning) and build its truth record.

    `held_out` lets a share of the handwritten documents be drawn in the held-out hands
    (benchmark boxes only); the truth says which hand drew each document.
    """
    rng = random.Random(f"{seed}:doc:{doc.index}")
    # The hand has a stream of its own: turning held-out hands on changes only the hands
    # of the documents drawn in them, nothing else in the box.
    hand = ink.pick_hand(random.Random(f"{seed}:hand:{doc.index}"), held_out) \
        if doc.style in HANDWRITTEN else None
    day = box_day(seed) - dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5, 8)))
    paper = "carta" if doc.style in ("typed", "hand", "note") and rng.random() < 0.35 else "a4"
    ident = _source.new_identity(rng)
    item = doc.item
    text, text_fields = _source.fill(item, ident, rng) if item else ("", {})
    if doc.more:
        text = letter.join_texts(text, [o.text for o in doc.more])
    # long texts get big writing or wide typing, which is how letters run to a second page
    big = rng.random() < (0.85 if len(text) > 350 else 0.12)
    extra: dict[str, Any] = {}
    lay = None
    if doc.style == "volante":
        assert item is not None
        assert hand is not None
        v = volante.fill(item.type, text, ident, item.servicio, rng, unit=unit, day=day, dpi=dpi,
                         hand=hand)
        pages = [v.image] + ([v.back] if v.back else [])
        page_texts = v.page_texts
        merged = dict(text_fields)
        merged.update({k: val for k, val in v.written.items() if val and k != "fecha"})
        text_fields = merged
        extra["checked"] = v.checked
    elif doc.style in ("typed", "hand"):
        assert item is not None
        petition = item.type != "no_peticion"
        ltr = letter.compose(text, text_fields, ident, rng, unit=unit, day=day,
                             typed=doc.style == "typed", petition=petition,
                             long=bool(doc.more))
        text, text_fields = ltr.text, ltr.fields
        if doc.style == "typed":
            lay = typed.layout(ltr, rng, paper, long_hand=big)
            pages = [] if digital else typed.rasterise(lay, dpi, rng)
            page_texts = lay.page_texts
        else:
            assert hand is not None
            pages, page_texts = handwriting.letter_pages(ltr, rng, dpi, hand, paper, large=big)
    elif doc.style == "note":
        assert item is not None and hand is not None
        pages, page_texts = handwriting.render([("body", p) for p in text.split("\n")], rng,
                                               dpi, hand, paper, numbered=False)
    else:
        draw = {"blank": others.blank, "advert": others.advert, "doodle": others.doodle}
        page, text = draw[doc.style](rng, dpi, paper)
        pages, page_texts = [page], [text]
    type_ = item.type if item else "no_peticion"
    fields = _fields(text_fields, item, unit)
    kind = KIND[doc.style]
    if hand is not None and hand.capitals:
        text = text.upper()  # what the page says; the fields stay canonical
    truth = {
        "kind": kind,
        "type": type_,
        "fields": fields,
        "route": expected_route(type_, fields),
        "urgent": bool(item.urgent) if item else False,
        "text": text,
        "style": STYLE_NAMES[doc.style],
        "corpus_ids": [it.id for it in (item, *doc.more) if it],
        "hand": hand.name if hand else None,
        "held_out": hand in ink.HELD_OUT_HANDS,
        **extra,
    }
    return RenderedDoc(pages, truth, lay if digital else None, page_texts)
