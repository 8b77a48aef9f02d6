"""Merge and split pages when the separation was wrong; undo of the last decision."""

from __future__ import annotations

from review_ui_testing import login
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
    assert merged.proposal.model_version == "falso-1" and merged.needs_review
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


def test_merging_a_volante_keeps_the_nss_read_from_its_boxes(ana, db, make_document):
    """GIVEN a volante whose NSS and name were read from its boxes, and the next page of the
    scan WHEN the TAOD merges them THEN the new proposal still has the boxes' NSS and name
    (the text alone would give another), and a split keeps them on the volante's part."""
    boxes_nss, boxes_name = "12345678903", "Rosa Elena Juárez Paz"
    volante = make_document(text="Volante. Queja de farmacia.", pages=2)
    sheet = make_document(text="Hoja dos.", source_file_id=volante.source_file_id,
                          first_page=3)
    row = db.scalar(select(Proposal).where(Proposal.document_id == volante.id))
    row.spans = {"nss": {"value": boxes_nss, "start": -1, "end": -1, "source": "formulario",
                         "valid": True},
                 "nombre": {"value": boxes_name, "start": -1, "end": -1,
                            "source": "formulario", "valid": True},
                 "telefono": {"value": "5512345678", "start": 3, "end": 13,
                              "source": "texto", "valid": True}}
    db.commit()
    ana.post(f"/documentos/{volante.id}/unir", data={"version_id": volante.version_id})
    db.expire_all()
    merged = db.get(Document, volante.id)
    assert merged.pages == [1, 2, 3] and merged.proposal.model_version == "falso-1"
    assert db.get(Document, sheet.id).status == "fusionado"
    assert (merged.fields["nss"], merged.fields["nombre"]) == (boxes_nss, boxes_name)
    ana.post(f"/documentos/{volante.id}/separar",
             data={"version_id": merged.version_id, "pagina": "3"})
    db.expire_all()
    kept = db.get(Document, volante.id)
    new = db.scalar(select(Document).where(Document.id.not_in([volante.id, sheet.id])))
    assert new.pages == [3]
    assert kept.fields["nss"] == boxes_nss and new.fields["nss"] != boxes_nss
