"""Page images: by page id only, inside the data dir, and only for the document's unit."""

from __future__ import annotations

from review_ui_testing import login
from sqlalchemy import select

from models.schema import AuditEvent, Page
from review_ui.pages import resolve_image


def test_page_image_is_served(ana, make_document):
    doc = make_document(pages=2)
    response = ana.get(f"/paginas/{doc.page_rows[1].id}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert "no-store" in response.headers["Cache-Control"]


def test_page_image_and_crop_views_are_audited(ana, db, make_document):
    """Every view of a page image or of a crop of it is in the audit trail, with the
    document, the page and (for a crop) the box (issue 12, item 16)."""
    doc = make_document(pages=2)
    page = doc.page_rows[1]
    assert ana.get(f"/paginas/{page.id}").status_code == 200
    assert ana.get(f"/paginas/{page.id}/recorte?caja=1,2,30,40").status_code == 200
    events = list(db.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(("ver_pagina", "ver_recorte"))).order_by(AuditEvent.id)))
    assert [(e.action, e.document_id, e.detail) for e in events] == [
        ("ver_pagina", doc.id, {"pagina": 2}),
        ("ver_recorte", doc.id, {"pagina": 2, "caja": [1, 2, 30, 40]})]
    assert all(e.user.username == "ana" for e in events)


def test_other_units_document_and_image_are_hidden(client, db, make_document):
    theirs = make_document(unit="HGZ 1")
    login(client, "ana")
    assert client.get(f"/documentos/{theirs.id}").status_code == 404
    assert client.get(f"/paginas/{theirs.page_rows[0].id}").status_code == 404
    response = client.post(f"/documentos/{theirs.id}/confirmar",
                           data={"version_id": theirs.version_id})
    assert response.status_code == 404
    assert list(db.scalars(select(AuditEvent).where(
        AuditEvent.document_id == theirs.id))) == []


def test_owner_unit_can_see_it(client, make_document):
    theirs = make_document(unit="HGZ 1")
    login(client, "beto")
    assert client.get(f"/documentos/{theirs.id}").status_code == 200
    assert client.get(f"/paginas/{theirs.page_rows[0].id}").status_code == 200


def test_no_path_traversal_through_the_url(ana, settings, make_document):
    make_document()
    (settings.data_dir.parent / "secreto.png").write_bytes(b"\x89PNG secreto")
    for url in ("/paginas/../secreto.png", "/paginas/..%2F..%2Fsecreto.png",
                "/paginas/%2e%2e/secreto.png", "/paginas/paginas/doc1_p1.png",
                "/paginas/-1"):
        response = ana.get(url)
        assert response.status_code == 404, url
        assert b"secreto" not in response.data


def test_no_path_traversal_through_a_stored_path(ana, db, settings, make_document):
    """GIVEN a page row whose image_path points outside the data dir (corrupt or hostile)
    WHEN its image is requested THEN 404, the file is not read."""
    doc = make_document()
    secret = settings.data_dir.parent / "secreto.png"
    secret.write_bytes(b"\x89PNG secreto")
    page = db.get(Page, doc.page_rows[0].id)
    for bad in ("../secreto.png", str(secret), "paginas/../../secreto.png"):
        page.image_path = bad
        db.commit()
        assert ana.get(f"/paginas/{page.id}").status_code == 404, bad


def test_resolve_image_rules(tmp_path):
    (tmp_path / "paginas").mkdir()
    (tmp_path / "paginas" / "a.png").write_bytes(b"x")
    (tmp_path / "paginas" / "a.txt").write_bytes(b"x")
    assert resolve_image(tmp_path, "paginas/a.png") == (tmp_path / "paginas" / "a.png").resolve()
    assert resolve_image(tmp_path, "paginas/a.txt") is None
    assert resolve_image(tmp_path, "paginas/falta.png") is None
    assert resolve_image(tmp_path, None) is None
    (tmp_path / "paginas" / "enlace.png").symlink_to(tmp_path.parent / "fuera.png")
    (tmp_path.parent / "fuera.png").write_bytes(b"x")
    assert resolve_image(tmp_path, "paginas/enlace.png") is None
