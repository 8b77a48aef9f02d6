"""Each value highlighted where it was read, its crop beside the field."""

from __future__ import annotations

import io

from PIL import Image
from review_ui_testing import VALID_NSS, ingest_read_pages, login

from models.schema import Document, Page

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



def test_where_each_value_was_read_is_stored_at_ingest_and_shown(app, settings, ana, db):
    """GIVEN a volante (name in its box, NSS in its digit row) and its next sheet (a phone
    in the text) ingested as one document WHEN the TAOD opens it THEN each value's page,
    zone, source and box are those stored with the proposal at ingest, drawn and cropped
    there, and said in words beside the field."""
    from review_ui_testing import letter_page, volante_page

    from intake.provenance import union_box

    volante = volante_page(1, name="ROSA ELENA JUAREZ PAZ", nss=VALID_NSS,
                           description=["En la farmacia no me surtieron la receta."])
    sheet = letter_page(2, ["Atentamente", "Tel. 55 1234 5678"])
    (doc_id,) = ingest_read_pages(app, settings, [[volante, sheet]])
    doc = db.get(Document, doc_id)
    phone = list(union_box(w.box for w in sheet.words if w.text in ("55", "1234", "5678")))
    farmacia = [list(w.box) for w in volante.words if w.text == "farmacia"][0]
    stored = doc.proposal.provenance
    assert stored["nombre"] == {"page": 1, "zone": "nombre", "source": "formulario",
                                "box": [307, 461, 1169, 520]}
    assert stored["nss"] == {"page": 1, "zone": "nss", "source": "pagina",
                             "box": [366, 543, 1000, 602]}
    assert stored["telefono"] == {"page": 2, "zone": None, "source": "texto", "box": phone}
    assert stored["servicio"] == {"page": 1, "zone": None, "source": "texto",
                                  "box": farmacia}

    html = ana.get(f"/documentos/{doc_id}").text
    pages = {p.page_no: p.id for p in doc.page_rows}
    x0, y0, x1, y1 = phone
    assert (f'class="hl hl-telefono" x="{x0 - 3}" y="{y0 - 3}" width="{x1 - x0 + 6}" '
            f'height="{y1 - y0 + 6}"') in html
    assert f"/paginas/{pages[2]}/recorte?caja={x0},{y0},{x1},{y1}" in html
    assert f"/paginas/{pages[1]}/recorte?caja=307,461,1169,520" in html
    assert "Casilla «Nombre» del volante, página 1" in html
    assert "Leído de nuevo en la casilla «NSS» del volante, página 1" in html
    assert "Texto de la página 2" in html


def test_the_view_draws_the_stored_place_not_the_first_words_that_match(ana, db,
                                                                        make_document):
    """GIVEN a page where the NSS is written twice and a proposal that stored where it was
    read (the second time) WHEN the document is opened THEN the stored place is drawn; a
    proposal stored before provenance was kept is drawn where the words first match."""
    from models.schema import Proposal

    doc = make_document(fields={"nombre": None, "nss": VALID_NSS, "telefono": None})
    page = _with_words(db, doc)
    page.ocr = {"words": [*WORDS, {"text": VALID_NSS, "confidence": 80,
                                   "box": [2, 40, 50, 48]}], "volante": None}
    row = db.get(Proposal, doc.proposals[0].id)
    db.commit()
    assert 'class="hl hl-nss" x="11" y="17"' in ana.get(f"/documentos/{doc.id}").text
    row.provenance = {"nss": {"page": 1, "zone": None, "source": "texto",
                              "box": [2, 40, 50, 48]}}
    db.commit()
    html = ana.get(f"/documentos/{doc.id}").text
    assert 'class="hl hl-nss" x="-1" y="37" width="54" height="14"' in html
    assert "Texto de la página 1" in html
