"""Each value highlighted where it was read, its crop beside the field."""

from __future__ import annotations

import io

from PIL import Image
from review_ui_testing import VALID_NSS, login

from models.schema import Page

WORDS = [
    {"text": "Me", "confidence": 90, "box": [2, 2, 10, 8]},
    {"text": "llamo", "confidence": 90, "box": [12, 2, 30, 8]},
    {"text": "Rosa", "confidence": 90, "box": [32, 2, 44, 8]},
    {"text": "Díaz,", "confidence": 90, "box": [46, 2, 58, 8]},
    {"text": "NSS", "confidence": 90, "box": [2, 20, 12, 28]},
    {"text": VALID_NSS[:5], "confidence": 80, "box": [14, 20, 30, 28]},
    {"text": VALID_NSS[5:], "confidence": 80, "box": [32, 20, 50, 28]},
]


def _with_words(db, doc):
    page = db.get(Page, doc.page_rows[0].id)
    page.ocr = {"words": WORDS, "volante": None}
    db.commit()
    return page


def test_values_are_highlighted_and_cropped_where_read(ana, db, make_document):
    doc = make_document(fields={"nombre": "Rosa Díaz", "nss": VALID_NSS, "telefono": None})
    page = _with_words(db, doc)
    html = ana.get(f"/documentos/{doc.id}").text
    assert 'class="hl hl-nombre" x="29" y="-1" width="32" height="12"' in html
    assert 'class="hl hl-nss" x="11" y="17" width="42" height="14"' in html
    crop_url = f"/paginas/{page.id}/recorte?caja=14,20,50,28"
    assert crop_url.replace(",", "%2C") in html or crop_url in html
    response = ana.get(crop_url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (36 + 12, 8 + 12)


def test_crops_refuse_bad_boxes_and_other_units(client, db, make_document):
    mine = make_document()
    theirs = make_document(unit="HGZ 1")
    login(client, "ana")
    pid = mine.page_rows[0].id
    for box in ("", "1,2,3", "5,5,1,1", "-1,0,5,5", "a,b,c,d", "100,100,200,200"):
        assert client.get(f"/paginas/{pid}/recorte?caja={box}").status_code == 404, box
    assert client.get(f"/paginas/{theirs.page_rows[0].id}/recorte?caja=0,0,5,5"
                      ).status_code == 404

