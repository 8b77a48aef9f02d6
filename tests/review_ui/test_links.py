"""Possible duplicates in the review station (policy 5.9): the mark in the queue, the two
petitions side by side, the worksheet column, one decision per link (audited), links that
follow an edit, and nothing shown of another unit's petition."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from review_ui_testing import TODAY, VALID_NSS, login
from sqlalchemy import select

from intake.history import import_history
from intake.links import refresh_links
from models.schema import AuditEvent, Document, DuplicateLink

COMPLAINT = ("Solicito que se surta la metformina en la farmacia de la UMF 20, llevo tres "
             "semanas sin medicamento y nadie me da solución.")
AGAIN = ("Otra vez vengo a pedir que me surtan la metformina en la farmacia de la UMF 20: "
         "ya son tres semanas sin medicamento y nadie me da solución.")
THANKS = "Felicito al personal de enfermería del turno nocturno por su trato amable."
ROSA = {"nombre": "Rosa Díaz Pérez", "nss": VALID_NSS, "telefono": "5512345678",
        "correo": None, "curp": None, "unidad": "UMF 20", "servicio": "Farmacia"}


def linked(app, db, *docs: Document) -> None:
    """Store the links as ingest does (the same function), in creation order."""
    db.expire_all()  # requests changed rows behind this session's back
    for d in docs:
        refresh_links(db, db.get(Document, d.id), app.extensions["buzon_links"])
    db.commit()


def _pair(app, db, make_document, *, first_unit: str = "UMF 20", text: str = AGAIN):
    first = make_document(unit=first_unit, text=COMPLAINT, fields={**ROSA, "unidad": first_unit},
                          received_on=TODAY - timedelta(days=3))
    again = make_document(text=text, fields=ROSA)
    linked(app, db, first, again)
    return first, again


def test_a_repeat_is_marked_in_the_queue_and_shown_beside_its_twin(app, db, ana,
                                                                    make_document):
    """GIVEN a complaint and its repeat three days later WHEN the TAOD opens the queue and
    the repeat THEN the queue marks it with the first one's folio, and the document shows
    both petitions side by side with the reason; seeing the twin is audited."""
    first, again = _pair(app, db, make_document)
    queue = ana.get("/cola/").text
    assert "Posible repetición" in queue
    assert f"Posible duplicado de folio buzón {first.id}" in queue
    html = ana.get(f"/documentos/{again.id}").text
    assert "Posibles duplicados" in html and 'class="side-by-side"' in html
    assert f'href="/documentos/{first.id}">folio buzón {first.id}</a>' in html
    assert "Mismo NSS, mismo teléfono, mismo nombre, texto 0." in html
    assert f"Este documento (folio buzón {again.id})" in html
    assert "llevo tres semanas sin medicamento" in html  # the first one's text, beside
    assert 'data-key="v"' in html and 'data-key="x"' in html
    assert "no registrar" in html
    seen = db.scalars(select(AuditEvent).where(AuditEvent.action == "ver_duplicado")).all()
    assert [(e.document_id, e.detail["desde"]) for e in seen] == [(first.id, again.id)]
    # The first one shows the later repeat too, from its side.
    assert f"folio buzón {again.id}</a>, posterior, podría repetir este" in ana.get(
        f"/documentos/{first.id}").text


def test_one_post_confirms_the_link_and_is_audited(app, db, ana, make_document):
    first, again = _pair(app, db, make_document)
    r = ana.post(f"/documentos/{again.id}/confirmar_vinculo")  # what the "v" key sends
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/documentos/{again.id}")
    db.expire_all()
    [link] = db.scalars(select(DuplicateLink)).all()
    assert (link.status, link.decided_by is not None) == ("confirmado", True)
    [event] = db.scalars(select(AuditEvent).where(
        AuditEvent.action == "confirmar_vinculo")).all()
    assert event.document_id == again.id and event.detail["vinculo"] == link.id
    assert "Vínculo del documento" in ana.get(f"/documentos/{again.id}").text
    # Nothing left to review: the key says so, and the document is unchanged.
    r = ana.post(f"/documentos/{again.id}/confirmar_vinculo", follow_redirects=True)
    assert "No hay ningún posible duplicado por revisar." in r.text
    assert db.get(Document, again.id).status == "pendiente"


def test_rejecting_a_link_is_kept_through_a_relink(app, db, ana, make_document):
    first, again = _pair(app, db, make_document)
    [link] = db.scalars(select(DuplicateLink)).all()
    ana.post(f"/documentos/{again.id}/rechazar_vinculo", data={"vinculo": link.id})
    linked(app, db, again)  # the data change again: the reviewer's "no" stays
    db.expire_all()
    assert [x.status for x in db.scalars(select(DuplicateLink))] == ["rechazado"]
    assert "Posible repetición" not in ana.get("/cola/").text
    assert db.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "rechazar_vinculo")).all() == ["rechazar_vinculo"]


def test_the_worksheet_says_which_folio_a_document_may_repeat(app, db, ana, make_document):
    first, again = _pair(app, db, make_document)
    related = make_document(text=THANKS, fields=ROSA, status="confirmado")
    linked(app, db, related)
    db.get(Document, again.id).status = "confirmado"
    db.commit()
    html = ana.get("/registro/").text
    assert "Posible duplicado" in html
    assert f"Posible duplicado de folio buzón {first.id}" in html
    ana.post(f"/documentos/{again.id}/confirmar_vinculo")
    body = ana.get(f"/registro/siade.csv?dia={TODAY.isoformat()}").data.decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(body))}
    column = rows["Folio buzón"].index("Posible duplicado")
    assert rows[str(again.id)][column] == (
        f"Repetición confirmada del folio buzón {first.id}: no registrar")
    # A related petition is registered: it stays on the worksheet, linked.
    assert rows[str(related.id)][column].startswith("Relacionada con folio buzón")
    assert rows[str(related.id)][column].endswith(": registrar como nueva")
    assert db.get(Document, related.id).route == "registrar"


def test_a_link_to_another_units_petition_shows_no_detail(app, db, client, make_document):
    """GIVEN a complaint received in HGZ 1 and its repeat in UMF 20 WHEN Ana (UMF 20 only)
    looks THEN she reads that a possible duplicate exists in another unit, and nothing of
    it: no folio, no reason, no name, no text; she cannot decide on it."""
    first, again = _pair(app, db, make_document, first_unit="HGZ 1")
    login(client, "ana")
    for html in (client.get("/cola/").text, client.get(f"/documentos/{again.id}").text):
        assert "Existe un posible duplicado en otra unidad." in html
        assert f"folio buzón {first.id}" not in html
        assert f"/documentos/{first.id}" not in html
        assert "Mismo NSS" not in html and "llevo tres semanas" not in html
    assert 'data-key="v"' not in client.get(f"/documentos/{again.id}").text
    r = client.post(f"/documentos/{again.id}/confirmar_vinculo", follow_redirects=True)
    assert "No hay ningún posible duplicado por revisar." in r.text
    [link] = db.scalars(select(DuplicateLink)).all()
    r = client.post(f"/documentos/{again.id}/confirmar_vinculo", data={"vinculo": link.id},
                    follow_redirects=True)
    assert "no está a su alcance" in r.text
    db.expire_all()
    assert db.get(DuplicateLink, link.id).status == "propuesto"
    assert not db.scalars(select(AuditEvent).where(AuditEvent.action == "ver_duplicado")).all()
    # The other unit's reviewer, from the first one's side, sees as little.
    beto = app.test_client()
    login(beto, "beto")
    html = beto.get(f"/documentos/{first.id}").text
    assert "Existe un posible duplicado en otra unidad." in html
    assert f"/documentos/{again.id}" not in html


def test_an_imported_siade_petition_is_shown_by_its_folio(app, db, ana, make_document):
    data = (f"folio,fecha,nss,nombre,servicio,resumen\nSIADE-77,"
            f"{(TODAY - timedelta(days=5)).strftime('%d/%m/%Y')},{VALID_NSS},"
            f"Rosa Díaz Pérez,Farmacia,\"{COMPLAINT}\"\n").encode()
    import_history(db, data, app.extensions["buzon_links"], unit="UMF 20", today=TODAY)
    db.commit()
    again = make_document(text=AGAIN, fields=ROSA)
    linked(app, db, again)
    html = ana.get(f"/documentos/{again.id}").text
    assert "folio SIADE SIADE-77" in html and "Posible repetición" in html
    assert "Rosa Díaz Pérez" in html.split('class="side-by-side"')[1]
    # History imported for another unit is not Ana's to see either.
    other = data.replace(b"SIADE-77", b"SIADE-78").replace(
        (TODAY - timedelta(days=5)).strftime("%d/%m/%Y").encode(),
        (TODAY - timedelta(days=6)).strftime("%d/%m/%Y").encode())  # now the first one
    import_history(db, other, app.extensions["buzon_links"], unit="HGZ 1", today=TODAY)
    db.commit()
    again2 = make_document(text=AGAIN, fields=ROSA, received_on=TODAY - timedelta(days=4))
    linked(app, db, again2)
    html = ana.get(f"/documentos/{again2.id}").text
    assert "Existe un posible duplicado en otra unidad." in html and "SIADE-78" not in html


def test_editing_the_name_links_the_document(app, db, ana, make_document):
    """GIVEN a repeat whose name and NSS were misread WHEN the TAOD types the right ones
    THEN the link to the first petition appears (the same function as at ingest)."""
    first = make_document(text=COMPLAINT, fields=ROSA, received_on=TODAY - timedelta(days=2))
    again = make_document(text=AGAIN, fields={**ROSA, "nombre": "Ros Dia", "nss": None,
                                               "telefono": None})
    linked(app, db, first, again)
    assert db.scalars(select(DuplicateLink)).all() == []
    ana.get(f"/documentos/{again.id}")
    doc = db.get(Document, again.id)
    r = ana.post(f"/documentos/{again.id}/editar_campos", data={
        "version_id": doc.version_id, **{k: v or "" for k, v in ROSA.items()}})
    assert r.status_code == 303
    db.expire_all()
    assert [(x.document_id, x.other_document_id, x.kind)
            for x in db.scalars(select(DuplicateLink))] == [(again.id, first.id, "repeticion")]


def test_u_undoes_the_link_decision_when_it_came_last(app, db, ana, make_document):
    """GIVEN a TAOD who confirmed a document, then confirmed a link on another WHEN she
    presses "u" THEN the link is to review again (the document decision stays); a second
    "u" is refused: undo goes one step back."""
    other = make_document(text=THANKS, fields={**ROSA, "nss": None, "nombre": "Luz Ruiz Paz"})
    ana.get(f"/documentos/{other.id}")
    ana.post(f"/documentos/{other.id}/confirmar",
             data={"version_id": db.get(Document, other.id).version_id})
    first, again = _pair(app, db, make_document)
    ana.post(f"/documentos/{again.id}/confirmar_vinculo")
    r = ana.post("/documentos/deshacer", follow_redirects=True)
    assert f"Se deshizo su última decisión sobre el documento {again.id}." in r.text
    db.expire_all()
    assert [x.status for x in db.scalars(select(DuplicateLink))] == ["propuesto"]
    assert db.get(Document, other.id).status == "confirmado"
    r = ana.post("/documentos/deshacer", follow_redirects=True)
    assert "no se puede deshacer" in r.text
    assert db.get(Document, other.id).status == "confirmado"
