"""Document view and decisions: each stores a Decision and an AuditEvent and changes the
Document; stale versions and bad data change nothing."""

from __future__ import annotations

import pytest
from review_ui_testing import VALID_NSS, build_app, csrf_token_of, login
from sqlalchemy import select

from models.schema import AuditEvent, Decision, Document


def _decisions(db, doc_id):
    return list(db.scalars(select(Decision).where(Decision.document_id == doc_id)))


def _audits(db, doc_id, action):
    return list(db.scalars(select(AuditEvent).where(
        AuditEvent.document_id == doc_id, AuditEvent.action == action)))


def test_view_shows_proposal_and_audits_the_view(ana, db, make_document):
    doc = make_document(type="queja_servicio", confidence=0.7,
                        scores={"queja_servicio": 0.7, "sugerencia": 0.2, "gestion": 0.1},
                        urgent=True, urgent_reason="menciona código infarto",
                        text="La farmacia no tenía medicamento.")
    page = ana.get(f"/documentos/{doc.id}")
    assert page.status_code == 200
    html = page.text
    assert "Queja de servicio" in html and "Sugerencia" in html and "70 %" in html
    assert "Gestión</span>" not in html  # only the top two scores are listed
    assert "La farmacia no tenía medicamento." in html
    assert "menciona código infarto" in html
    assert "Motivo de la propuesta." in html
    assert f'href="/paginas/{doc.page_rows[0].id}"' in html
    assert f'name="version_id" value="{doc.version_id}"' in html
    assert len(_audits(db, doc.id, "ver_documento")) == 1


def test_missing_minimum_data_is_marked(ana, make_document):
    doc = make_document(fields={"nombre": "Persona", "nss": None, "telefono": None},
                        missing=["nss", "contacto"], route="publico_general")
    html = ana.get(f"/documentos/{doc.id}").text
    assert "Faltan datos mínimos" in html
    assert html.count("missing-field") >= 3  # nss, telefono, correo


def test_confirm_stores_decision_audit_and_goes_to_next_pending(ana, db, make_document):
    first = make_document(urgent=True, urgent_reason="urgencia", needs_review=True)
    second = make_document()
    response = ana.post(f"/documentos/{first.id}/confirmar",
                        data={"version_id": first.version_id})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/documentos/{second.id}"
    doc = db.get(Document, first.id)
    assert doc.status == "confirmado" and doc.needs_review is False
    assert doc.version_id == first.version_id + 1
    [decision] = _decisions(db, first.id)
    assert decision.action == "confirmar" and decision.user.username == "ana"
    assert decision.before["status"] == "pendiente"
    assert decision.after["status"] == "confirmado"
    [audit] = _audits(db, first.id, "confirmar")
    assert audit.detail == {"decision_id": decision.id, "cambios": ["needs_review", "status"]}


def test_last_decision_returns_to_queue(ana, make_document):
    doc = make_document()
    response = ana.post(f"/documentos/{doc.id}/confirmar", data={"version_id": doc.version_id})
    assert response.headers["Location"] == "/cola/"


def test_change_type_recomputes_route(ana, db, make_document):
    doc = make_document(type="queja_servicio", route="registrar")
    response = ana.post(f"/documentos/{doc.id}/cambiar_tipo",
                        data={"version_id": doc.version_id, "tipo": "no_peticion"})
    assert response.headers["Location"] == f"/documentos/{doc.id}"
    stored = db.get(Document, doc.id)
    assert stored.type == "no_peticion" and stored.route == "desechar"
    assert stored.status == "pendiente"
    assert stored.proposal.type == "queja_servicio"  # the machine's proposal is kept
    [decision] = _decisions(db, doc.id)
    assert decision.before["type"] == "queja_servicio"
    assert decision.after["route"] == "desechar"
    assert _audits(db, doc.id, "cambiar_tipo")


def test_unknown_type_is_refused(ana, db, make_document):
    doc = make_document()
    response = ana.post(f"/documentos/{doc.id}/cambiar_tipo",
                        data={"version_id": doc.version_id, "tipo": "inventado"},
                        follow_redirects=True)
    assert "Tipo de petición desconocido." in response.text
    assert db.get(Document, doc.id).type == "queja_servicio"
    assert _decisions(db, doc.id) == []


def test_edit_fields_normalises_and_reroutes(ana, db, make_document):
    doc = make_document(fields={"nombre": "Persona", "nss": None, "telefono": None},
                        missing=["nss", "contacto"], route="publico_general")
    data = {"version_id": doc.version_id, "nombre": " María  López ", "nss": "9291-908-4431",
            "telefono": "+52 (55) 1234 5678", "correo": "Maria@Correo.MX", "curp": "",
            "unidad": "UMF 20", "servicio": "Farmacia"}
    response = ana.post(f"/documentos/{doc.id}/editar_campos", data=data)
    assert response.status_code == 303
    stored = db.get(Document, doc.id)
    assert stored.fields["nombre"] == "María López"
    assert stored.fields["nss"] == VALID_NSS
    assert stored.fields["telefono"] == "5512345678"
    assert stored.fields["correo"] == "maria@correo.mx"
    assert stored.fields["curp"] is None
    assert stored.missing == [] and stored.route == "registrar"
    [decision] = _decisions(db, doc.id)
    assert decision.before["route"] == "publico_general"
    assert decision.after["fields"]["nss"] == VALID_NSS
    assert _audits(db, doc.id, "editar_campos")


def test_invalid_fields_get_spanish_messages_and_nothing_changes(ana, db, make_document):
    doc = make_document()
    data = {"version_id": doc.version_id, "nombre": "Persona", "nss": "92919084432",
            "telefono": "12345", "correo": "no-es-correo", "curp": "XXXX"}
    response = ana.post(f"/documentos/{doc.id}/editar_campos", data=data)
    assert response.status_code == 422
    html = response.text
    assert "El NSS debe tener 11 dígitos y un dígito verificador válido" in html
    assert "El teléfono debe tener 10 dígitos" in html
    assert "El correo electrónico no es válido" in html
    assert "La CURP no es válida" in html
    assert 'value="no-es-correo"' in html  # what was typed is kept for correction
    stored = db.get(Document, doc.id)
    assert stored.fields["nss"] == VALID_NSS and stored.version_id == doc.version_id
    assert _decisions(db, doc.id) == []


def test_discard_needs_a_reason(ana, db, make_document):
    doc = make_document()
    response = ana.post(f"/documentos/{doc.id}/descartar",
                        data={"version_id": doc.version_id, "motivo": "  "},
                        follow_redirects=True)
    assert "Indique por qué no es una petición." in response.text
    assert db.get(Document, doc.id).status == "pendiente"


def test_discard_stores_reason(ana, db, make_document):
    doc = make_document()
    ana.post(f"/documentos/{doc.id}/descartar",
             data={"version_id": doc.version_id, "motivo": "Publicidad de una farmacia"})
    stored = db.get(Document, doc.id)
    assert (stored.status, stored.route, stored.type) == ("descartado", "desechar", "no_peticion")
    assert stored.discard_reason == "Publicidad de una farmacia"
    [decision] = _decisions(db, doc.id)
    assert decision.action == "descartar" and decision.reason == "Publicidad de una farmacia"
    assert _audits(db, doc.id, "descartar")


def test_mark_for_contact(ana, db, make_document):
    doc = make_document()
    ana.post(f"/documentos/{doc.id}/contactar", data={"version_id": doc.version_id})
    assert db.get(Document, doc.id).status == "contactar"
    assert [d.action for d in _decisions(db, doc.id)] == ["contactar"]


def test_stale_version_is_refused_and_nothing_changes(ana, db, make_document):
    """GIVEN two reviewers opened the same document
    WHEN the first changes its type and the second then confirms with the old version
    THEN the second gets a Spanish message and the first reviewer's change stands."""
    doc = make_document()
    old_version = doc.version_id
    ana.post(f"/documentos/{doc.id}/cambiar_tipo",
             data={"version_id": old_version, "tipo": "sugerencia"})
    response = ana.post(f"/documentos/{doc.id}/confirmar", data={"version_id": old_version},
                        follow_redirects=True)
    assert "Otra persona modificó este documento" in response.text
    stored = db.get(Document, doc.id)
    assert stored.status == "pendiente" and stored.type == "sugerencia"
    assert [d.action for d in _decisions(db, doc.id)] == ["cambiar_tipo"]


def test_missing_version_is_refused(ana, db, make_document):
    doc = make_document()
    ana.post(f"/documentos/{doc.id}/confirmar", data={})
    assert db.get(Document, doc.id).status == "pendiente"


def test_concurrent_commit_raises_stale_data_and_is_refused(app, db, make_document,
                                                            monkeypatch):
    """GIVEN the version matches when checked
    WHEN another session commits before this one flushes (StaleDataError)
    THEN the decision is refused with the Spanish message, not a 500."""
    from review_ui import decide

    doc = make_document()
    real_check = decide._check_version

    def check_then_race(d, version_id):
        real_check(d, version_id)
        other = app.extensions["buzon_sessionmaker"]()
        rival = other.get(Document, d.id)
        rival.status = "contactar"
        other.commit()
        other.close()

    monkeypatch.setattr(decide, "_check_version", check_then_race)
    client = app.test_client()
    login(client)
    response = client.post(f"/documentos/{doc.id}/confirmar",
                           data={"version_id": doc.version_id}, follow_redirects=True)
    assert "Otra persona modificó este documento" in response.text
    assert db.get(Document, doc.id).status == "contactar"
    assert _decisions(db, doc.id) == []


def test_post_without_csrf_token_is_refused(settings, make_document, db):
    app = build_app(settings, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/auth/login")
    client.post("/auth/login", data={"username": "ana", "password": "clave-segura-123",
                                     "csrf_token": csrf_token_of(page.text)})
    doc = make_document()
    refused = client.post(f"/documentos/{doc.id}/confirmar", data={"version_id": 1})
    assert refused.status_code == 400 and "El formulario expiró" in refused.text
    assert db.get(Document, doc.id).status == "pendiente"
    token = csrf_token_of(client.get(f"/documentos/{doc.id}").text)
    accepted = client.post(f"/documentos/{doc.id}/confirmar",
                           data={"version_id": doc.version_id, "csrf_token": token})
    assert accepted.status_code == 303
    db.expire_all()
    assert db.get(Document, doc.id).status == "confirmado"
    app.extensions["buzon_engine"].dispose()


def test_login_form_without_csrf_is_refused(settings):
    app = build_app(settings, WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/auth/login", data={"username": "ana",
                                                           "password": "x"})
    assert response.status_code == 400
    app.extensions["buzon_engine"].dispose()


def test_next_key_link_cycles_through_pending(ana, make_document):
    a, b = make_document(), make_document()
    assert ana.get(f"/documentos/{a.id}/siguiente").headers["Location"] == f"/documentos/{b.id}"
    assert ana.get(f"/documentos/{b.id}/siguiente").headers["Location"] == f"/documentos/{a.id}"


def test_unknown_action_is_404(ana, make_document):
    doc = make_document()
    assert ana.post(f"/documentos/{doc.id}/borrar", data={"version_id": 1}).status_code == 404


# Past PostgreSQL's INTEGER (2**31) and past SQLite's and Python drivers' 64 bits.
_HUGE = [str(2**31), str(2**63), "9" * 20]


@pytest.mark.parametrize("huge", _HUGE)
@pytest.mark.parametrize("method,url", [
    ("get", "/documentos/{}"),
    ("get", "/documentos/{}/siguiente"),
    ("post", "/documentos/{}/confirmar"),
    ("get", "/paginas/{}"),
    ("get", "/paginas/{}/recorte?caja=0,0,5,5"),
    ("post", "/registro/{}/folio"),
    ("post", "/contactos/{}/resultado"),
    ("post", "/admin/cuentas/{}/desactivar"),
])
def test_ids_no_database_can_hold_are_not_found(client, method, url, huge):
    """GIVEN an id beyond the id columns WHEN it is asked for THEN 404, not a driver
    overflow turned into a 500 (issue 12, item 18)."""
    login(client, "admin")
    assert getattr(client, method)(url.format(huge), data={"version_id": 1}).status_code == 404


@pytest.mark.parametrize("value", [*_HUGE, "²", "-1", "abc"])
def test_audit_filter_by_an_impossible_document_id_finds_nothing(client, value):
    login(client, "sofia")
    response = client.get(f"/supervision/auditoria?documento={value}")
    assert response.status_code == 200 and "0 eventos" in response.text


def test_logs_carry_no_personal_data(ana, make_document, caplog):
    caplog.set_level("DEBUG")
    doc = make_document(fields={"nombre": "Rosa Quintero", "nss": VALID_NSS,
                                "telefono": "5598765432"}, text="Rosa Quintero se queja.")
    ana.get(f"/documentos/{doc.id}")
    ana.post(f"/documentos/{doc.id}/editar_campos",
             data={"version_id": doc.version_id, "nombre": "Rosa Quintero Díaz",
                   "nss": "123", "telefono": "5598765432"})
    ana.post(f"/documentos/{doc.id}/editar_campos",
             data={"version_id": doc.version_id, "nombre": "Rosa Quintero Díaz",
                   "nss": VALID_NSS, "telefono": "5598765432", "correo": "rosa@correo.mx"})
    ana.post(f"/documentos/{doc.id}/descartar",
             data={"version_id": doc.version_id + 1, "motivo": "Rosa pidió retirarlo"})
    assert "editar_campos on document" in caplog.text  # something was logged
    for secret in ("Rosa", "Quintero", VALID_NSS, "5598765432", "rosa@correo.mx", "ana"):
        assert secret not in caplog.text, secret


def test_a_page_stored_unread_says_so_on_the_document(ana, app, make_document):
    """GIVEN a document one of whose pages the OCR engine failed on (stored with its reason)
    WHEN the TAOD opens it THEN the page shows its image and says it was not read, and why
    (issue 14: one bad page loses no file)."""
    from models.schema import Page

    doc = make_document(pages=2)
    with app.extensions["buzon_sessionmaker"]() as s:
        page = s.scalars(select(Page).where(Page.document_id == doc.id,
                                            Page.page_no == 2)).one()
        page.read_error = "Tesseract excedió el tiempo límite de 120 s"
        s.commit()
    html = ana.get(f"/documentos/{doc.id}").text
    assert ("Esta página no se pudo leer (Tesseract excedió el tiempo límite de 120 s): "
            "léala en la imagen y capture los datos a mano.") in html
    assert html.count("no se pudo leer") == 1
