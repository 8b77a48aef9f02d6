"""Merge and split pages when the separation was wrong; undo of the last decision."""

from __future__ import annotations

from review_ui_testing import VALID_NSS, ingest_read_pages, letter_page, login, volante_page
from sqlalchemy import select

from models.schema import Decision, Document, Page, Proposal


def test_merge_joins_the_next_document_of_the_same_file_and_proposes_again(
        ana, db, make_document):
    first = make_document(text="Hoja uno.")
    second = make_document(text="Hoja dos.", source_file_id=first.source_file_id,
                           first_page=2)
    other_file = make_document()
    html = ana.get(f"/documentos/{first.id}").text
    assert f"Unir con el documento #{second.id}" in html
    response = ana.post(f"/documentos/{first.id}/unir", data={"version_id": first.version_id})
    assert response.headers["Location"] == f"/documentos/{first.id}"
    merged, gone = db.get(Document, first.id), db.get(Document, second.id)
    assert merged.pages == [1, 2] and [p.page_no for p in merged.page_rows] == [1, 2]
    assert merged.text == "Hoja uno.\n\nHoja dos."
    assert len(merged.proposals) == 2 and merged.needs_review  # proposed again
    assert (gone.status, gone.pages, gone.merged_into_id) == ("fusionado", [], first.id)
    assert "se unió al" in ana.get(f"/documentos/{second.id}").text
    assert f"Unir con el documento #{other_file.id}" not in ana.get(
        f"/documentos/{first.id}").text
    refused = ana.post(f"/documentos/{first.id}/unir",
                       data={"version_id": merged.version_id}, follow_redirects=True)
    assert "No hay otro documento de la misma unidad después" in refused.text


def test_merge_never_crosses_units(app, ana, db, make_document):
    """GIVEN a scan holding a UMF 20 volante followed by a UMF 7 one
    WHEN a TAOD of UMF 20 (or an admin who sees every unit) opens the first and asks to merge
    THEN no merge is offered, the POST is refused and the UMF 7 document stays as it was."""
    first = make_document(unit="UMF 20", text="Hoja de la UMF 20.")
    second = make_document(unit="UMF 7", text="Hoja de la UMF 7.",
                           source_file_id=first.source_file_id, first_page=2)
    assert "Unir con el documento #" not in ana.get(f"/documentos/{first.id}").text
    refused = ana.post(f"/documentos/{first.id}/unir", data={"version_id": first.version_id},
                       follow_redirects=True)
    assert "No hay otro documento de la misma unidad" in refused.text
    kept, other = db.get(Document, first.id), db.get(Document, second.id)
    assert kept.pages == [1] and (other.status, other.pages) == ("pendiente", [2])
    assert ana.get(f"/documentos/{second.id}").status_code == 404
    admin = app.test_client()
    login(admin, "admin")
    assert "Unir con el documento #" not in admin.get(f"/documentos/{first.id}").text
    admin.post(f"/documentos/{first.id}/unir", data={"version_id": first.version_id})
    db.expire_all()
    assert db.get(Document, second.id).status == "pendiente"


def test_split_makes_a_new_document_from_a_page(ana, db, make_document):
    doc = make_document(pages=3, text="Texto.")
    response = ana.post(f"/documentos/{doc.id}/separar",
                        data={"version_id": doc.version_id, "pagina": "3"})
    assert response.status_code == 303
    kept = db.get(Document, doc.id)
    new = db.scalar(select(Document).where(Document.id != doc.id))
    assert kept.pages == [1, 2] and new.pages == [3]
    assert [p.page_no for p in db.scalars(select(Page).where(Page.document_id == new.id))] == [3]
    assert new.source_file_id == doc.source_file_id and new.status == "pendiente"
    assert db.scalar(select(Proposal).where(Proposal.document_id == new.id)) is not None
    bad = ana.post(f"/documentos/{doc.id}/separar",
                   data={"version_id": kept.version_id, "pagina": "1"}, follow_redirects=True)
    assert "Elija una página del documento" in bad.text


def test_undo_restores_the_document_and_reopens_it(ana, db, make_document):
    doc = make_document()
    ana.post(f"/documentos/{doc.id}/descartar",
             data={"version_id": doc.version_id, "motivo": "por error"})
    response = ana.post("/documentos/deshacer")
    assert response.headers["Location"] == f"/documentos/{doc.id}"
    stored = db.get(Document, doc.id)
    assert (stored.status, stored.type, stored.route, stored.discard_reason) == (
        "pendiente", "queja_servicio", "registrar", None)
    actions = [d.action for d in db.scalars(select(Decision).where(
        Decision.document_id == doc.id).order_by(Decision.id))]
    assert actions == ["descartar", "deshacer"]
    again = ana.post("/documentos/deshacer", follow_redirects=True)
    assert "no se puede deshacer" in again.text


def test_undo_refused_when_someone_decided_after(app, db, make_document):
    doc = make_document()
    ana, carla = app.test_client(), app.test_client()
    login(ana, "ana")
    login(carla, "carla")
    ana.post(f"/documentos/{doc.id}/cambiar_tipo",
             data={"version_id": doc.version_id, "tipo": "sugerencia"})
    carla.post(f"/documentos/{doc.id}/confirmar", data={"version_id": doc.version_id + 1})
    page = ana.post("/documentos/deshacer", follow_redirects=True)
    assert "Otra persona decidió después" in page.text
    assert db.get(Document, doc.id).status == "confirmado"


BOX_NAME, TEXT_NSS = "ROSA ELENA JUAREZ PAZ", "12345678903"
AS_PROPOSED = "Rosa Elena Juárez Paz"  # in a name's case, with the accent names know
DESCRIPTION = ["Me llamo Juana Pérez López con NSS 1234 5678 903",
               "porque en la farmacia no me surtieron la receta"]
NEXT_SHEET = ["y tuvo que volver tres veces sin respuesta.", "Atentamente",
              "Tel. 55 1234 5678"]
_COMPARED = ("model_version", "type", "confidence", "scores", "fields", "spans", "missing",
             "candidates", "provenance", "route", "route_reason", "urgent", "urgent_reason",
             "needs_review")


def _columns(row: Proposal) -> dict[str, object]:
    return {c: getattr(row, c) for c in _COMPARED}


def test_merging_a_volante_keeps_the_nss_and_name_read_from_its_boxes(app, settings, ana, db):
    """GIVEN a scan whose volante (name in its box, NSS in its digit row, a description
    naming another person and another NSS) and next sheet were ingested as two documents
    WHEN the TAOD merges them THEN the new proposal keeps the boxes' NSS and name, and
    is the one ingest stores for the same two pages as one document; a split gives the
    volante's part its boxes back and the sheet none of them."""
    from classifier.propose import propose
    from intake.split import document_text

    volante = volante_page(1, name=BOX_NAME, nss=VALID_NSS, description=DESCRIPTION)
    sheet = letter_page(2, NEXT_SHEET)
    first, second = ingest_read_pages(app, settings, [[volante], [sheet]])
    # The text alone gives the other person: what the boxes must win over.
    from_text = propose(document_text([volante, sheet]), app.extensions["buzon_model"])
    assert (from_text.fields["nss"], from_text.fields["nombre"]) == (
        TEXT_NSS, "Juana Pérez López")

    doc = db.get(Document, first)
    assert (doc.fields["nss"], doc.fields["nombre"]) == (VALID_NSS, AS_PROPOSED)
    ana.post(f"/documentos/{first}/unir", data={"version_id": doc.version_id})
    db.expire_all()
    merged = db.get(Document, first)
    assert merged.pages == [1, 2] and db.get(Document, second).status == "fusionado"
    assert (merged.fields["nss"], merged.fields["nombre"]) == (
        VALID_NSS, AS_PROPOSED)
    assert merged.fields["telefono"] == "5512345678"  # from the sheet's text
    assert merged.needs_review and len(merged.proposals) == 2

    (together,) = ingest_read_pages(app, settings, [[volante, sheet]], name="otra.pdf")
    ingested = db.get(Document, together)
    assert _columns(merged.proposal) == _columns(ingested.proposal)
    assert (merged.type, merged.fields, merged.missing, merged.route, merged.text) == (
        ingested.type, ingested.fields, ingested.missing, ingested.route, ingested.text)

    ana.post(f"/documentos/{first}/separar",
             data={"version_id": merged.version_id, "pagina": "2"})
    db.expire_all()
    kept = db.get(Document, first)
    new = db.scalar(select(Document).where(Document.id.not_in([first, second, together])))
    assert kept.pages == [1] and new.pages == [2]
    assert (kept.fields["nss"], kept.fields["nombre"]) == (VALID_NSS, AS_PROPOSED)
    assert new.fields["nss"] is None and new.fields["nombre"] != AS_PROPOSED
