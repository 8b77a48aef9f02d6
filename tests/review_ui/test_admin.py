"""The admin's accounts page (issue 12, item 14): list, create, change password, disable
and enable; admin role only; CSRF-protected; the unit rules of `buzon user add`."""

from __future__ import annotations

import pytest
from review_ui_testing import PASSWORD, build_app, csrf_token_of, login
from sqlalchemy import select

from models.schema import AuditEvent, User

NEW = {"usuario": "elena", "nombre": "Elena TAOD", "rol": "taod", "unidades": "UMF 20, HGZ 1",
       "contrasena": "una-frase-de-acceso", "confirmacion": "una-frase-de-acceso"}


def _user(db, name: str) -> User:
    db.expire_all()
    return db.scalar(select(User).where(User.username == name))


@pytest.fixture()
def admin(client):
    assert login(client, "admin").status_code == 302
    return client


@pytest.mark.parametrize("who", ["ana", "sofia"])
def test_only_the_admin_role_opens_the_accounts_page(client, db, who):
    login(client, who)
    assert client.get("/admin/cuentas").status_code == 403
    assert client.post("/admin/cuentas", data=NEW).status_code == 403
    ana_id = _user(db, "ana").id
    assert client.post(f"/admin/cuentas/{ana_id}/desactivar").status_code == 403
    assert _user(db, "ana").active and _user(db, "elena") is None


def test_admin_lists_and_creates_accounts(admin, app, db):
    page = admin.get("/admin/cuentas")
    assert page.status_code == 200 and "Nueva cuenta" in page.text
    assert "beto" in page.text and "HGZ 1" in page.text
    assert 'href="/admin/cuentas"' in page.text  # linked from the top bar
    response = admin.post("/admin/cuentas", data=NEW)
    assert response.status_code == 303
    assert "Cuenta elena creada." in admin.get("/admin/cuentas").text
    elena = _user(db, "elena")
    assert (elena.role, elena.units, elena.display_name) == ("taod", ["UMF 20", "HGZ 1"],
                                                             "Elena TAOD")
    assert login(app.test_client(), "elena", NEW["contrasena"]).status_code == 302
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "crear_cuenta"))
    assert event.user_id == _user(db, "admin").id and event.detail["cuenta"] == "elena"


@pytest.mark.parametrize("change,message", [
    ({"unidades": ""}, "al menos una unidad"),
    ({"unidades": "", "todas_las_unidades": "1"}, "TAOD no puede ver todas"),
    ({"rol": "supervisor", "unidades": ""}, "todas las unidades de forma explícita"),
    ({"confirmacion": "otra-cosa-distinta"}, "Las contraseñas no coinciden."),
    ({"contrasena": "contraseña123", "confirmacion": "contraseña123"}, "demasiado común"),
    ({"usuario": "ana"}, "Ya existe el usuario ana."),
])
def test_account_creation_errors_are_shown_in_spanish(admin, db, change, message):
    response = admin.post("/admin/cuentas", data={**NEW, **change})
    assert response.status_code == 422 and message in response.text
    assert 'value="Elena TAOD"' in response.text  # the form keeps what was typed
    assert NEW["contrasena"] not in response.text
    assert _user(db, "elena") is None


def test_supervisor_with_all_units_only_when_asked(admin, db):
    data = {**NEW, "rol": "supervisor", "unidades": "", "todas_las_unidades": "1"}
    assert admin.post("/admin/cuentas", data=data).status_code == 303
    assert _user(db, "elena").units == []
    assert "todas" in admin.get("/admin/cuentas").text


def test_admin_changes_a_password_and_ends_that_accounts_sessions(admin, app, db):
    taod = app.test_client()
    login(taod)
    assert taod.get("/cola/").status_code == 200
    ana_id = _user(db, "ana").id
    weak = admin.post(f"/admin/cuentas/{ana_id}/contrasena",
                      data={"contrasena": "1234567890", "confirmacion": "1234567890"},
                      follow_redirects=True)
    assert "No se cambió la contraseña de ana" in weak.text
    assert taod.get("/cola/").status_code == 200
    done = admin.post(f"/admin/cuentas/{ana_id}/contrasena",
                      data={"contrasena": "frase-nueva-de-ana", "confirmacion":
                            "frase-nueva-de-ana"}, follow_redirects=True)
    assert "Contraseña de ana cambiada" in done.text
    assert taod.get("/cola/").status_code == 302
    assert login(taod).status_code == 401
    assert login(taod, password="frase-nueva-de-ana").status_code == 302


def test_admin_changing_their_own_password_stays_signed_in(admin, db):
    me = _user(db, "admin").id
    admin.post(f"/admin/cuentas/{me}/contrasena",
               data={"contrasena": "frase-nueva-admin", "confirmacion": "frase-nueva-admin"})
    assert admin.get("/admin/cuentas").status_code == 200


def test_admin_disables_and_enables_an_account(admin, app, db):
    taod = app.test_client()
    login(taod)
    ana_id = _user(db, "ana").id
    assert admin.post(f"/admin/cuentas/{ana_id}/desactivar").status_code == 303
    assert not _user(db, "ana").active
    assert taod.get("/cola/").status_code == 302  # the open session ended at once
    assert login(taod).status_code == 401
    assert "Desactivada" in admin.get("/admin/cuentas").text
    assert admin.post(f"/admin/cuentas/{ana_id}/activar").status_code == 303
    assert login(taod).status_code == 302
    actions = [e.action for e in db.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(("desactivar_cuenta", "activar_cuenta"))).order_by(AuditEvent.id))]
    assert actions == ["desactivar_cuenta", "activar_cuenta"]


def test_admin_cannot_disable_their_own_account(admin, db):
    me = _user(db, "admin").id
    response = admin.post(f"/admin/cuentas/{me}/desactivar", follow_redirects=True)
    assert "No puede desactivar su propia cuenta." in response.text
    assert _user(db, "admin").active


def test_unknown_account_is_404(admin):
    assert admin.post("/admin/cuentas/999999/desactivar").status_code == 404


def test_account_forms_need_the_csrf_token(settings, db):
    app = build_app(settings, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token_of(client.get("/auth/login").text)
    client.post("/auth/login", data={"username": "admin", "password": PASSWORD,
                                     "csrf_token": token})
    ana_id = _user(db, "ana").id
    refused = client.post(f"/admin/cuentas/{ana_id}/desactivar")
    assert refused.status_code == 400 and "El formulario expiró" in refused.text
    assert _user(db, "ana").active
    token = csrf_token_of(client.get("/admin/cuentas").text)
    assert client.post(f"/admin/cuentas/{ana_id}/desactivar",
                       data={"csrf_token": token}).status_code == 303
    assert not _user(db, "ana").active
    app.extensions["buzon_engine"].dispose()


def test_a_taod_row_without_units_sees_no_unit(app, db, make_document):
    """GIVEN a TAOD account from before units were required (units []) WHEN it logs in
    THEN it sees no document, where it used to see every unit's."""
    from werkzeug.security import generate_password_hash

    doc = make_document()
    db.add(User(username="vieja", password_hash=generate_password_hash(PASSWORD), role="taod",
                units=[]))
    db.commit()
    client = app.test_client()
    login(client, "vieja")
    assert f"#{doc.id}" not in client.get("/cola/?estado=todos").text
    assert client.get(f"/documentos/{doc.id}").status_code == 404
    assert "Sin unidad asignada" in client.get("/cola/").text
