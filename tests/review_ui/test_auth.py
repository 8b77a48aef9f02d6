"""Login, logout, anonymous access, app set-up (secret key, headers, error pages), login
throttling, password policy, revocable sessions, unsafe redirects and early body limits."""

from __future__ import annotations

import io
import stat
from datetime import timedelta

import pytest
from review_ui_testing import PASSWORD, build_app, csrf_token_of, login
from sqlalchemy import select, update

from intake.config import Settings
from models.schema import User
from review_ui.accounts import authenticate, create_user
from review_ui.errors import ReviewError, UserExistsError

_ANONYMOUS = [
    ("get", "/"),
    ("get", "/cola/"),
    ("get", "/documentos/1"),
    ("get", "/documentos/1/siguiente"),
    ("post", "/documentos/1/confirmar"),
    ("post", "/documentos/1/cambiar_tipo"),
    ("post", "/documentos/1/editar_campos"),
    ("post", "/documentos/1/descartar"),
    ("post", "/documentos/1/contactar"),
    ("post", "/documentos/1/urgente"),
    ("post", "/documentos/1/unir"),
    ("post", "/documentos/1/separar"),
    ("post", "/documentos/deshacer"),
    ("get", "/paginas/1"),
    ("get", "/paginas/1/recorte?caja=0,0,5,5"),
    ("get", "/registro/"),
    ("get", "/registro/siade.csv"),
    ("get", "/registro/siade.xlsx"),
    ("post", "/registro/1/folio"),
    ("get", "/contactos/"),
    ("post", "/contactos/1/resultado"),
    ("post", "/seguimiento/1/turnar"),
    ("post", "/seguimiento/1/turnos/1/recordatorio"),
    ("post", "/seguimiento/1/turnos/1/respuesta"),
    ("post", "/seguimiento/1/informar"),
    ("post", "/seguimiento/1/archivar"),
    ("post", "/seguimiento/1/intento"),
    ("get", "/seguimiento/turnos/1/hoja.pdf"),
    ("get", "/seguimiento/turnos/1/respuesta"),
    ("get", "/supervision/auditoria"),
    ("post", "/supervision/reentrenar"),
    ("get", "/supervision/modelo"),
    ("get", "/supervision/avisos"),
    ("get", "/supervision/informe"),
    ("get", "/supervision/informe.pdf"),
    ("post", "/supervision/avisos/1/reintentar"),
    ("get", "/cargas/"),
    ("post", "/cargas/"),
    ("get", "/cargas/estado"),
    ("post", "/auth/logout"),
    ("get", "/admin/cuentas"),
    ("post", "/admin/cuentas"),
    ("post", "/admin/cuentas/1/contrasena"),
    ("post", "/admin/cuentas/1/desactivar"),
    ("post", "/admin/cuentas/1/activar"),
]


@pytest.mark.parametrize("method,url", _ANONYMOUS)
def test_anonymous_access_redirects_to_login(client, make_document, method, url):
    make_document()
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_every_route_is_covered_by_the_anonymous_test(app, client):
    """A new view must be added to the list above (or be public on purpose)."""
    public = {"static", "auth.login"}
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - public
    adapter = app.url_map.bind("localhost")
    covered = set()
    for method, url in _ANONYMOUS:
        covered.add(adapter.match(url.split("?")[0], method=method.upper())[0])
    assert endpoints == covered


def test_login_success_and_logout(client):
    response = login(client)
    assert response.status_code == 302 and response.headers["Location"] == "/cola/"
    page = client.get("/cola/")
    assert page.status_code == 200 and "Ana TAOD" in page.text
    client.post("/auth/logout")
    assert client.get("/cola/").status_code == 302


def test_login_failure_shows_spanish_message(client):
    response = login(client, password="incorrecta")
    assert response.status_code == 401
    assert "Usuario o contraseña incorrectos." in response.text
    assert login(client, username="nadie").status_code == 401
    assert client.get("/cola/").status_code == 302


def test_login_never_redirects_off_site(client):
    response = client.post("/auth/login?next=https://malo.example/x",
                           data={"username": "ana", "password": PASSWORD})
    assert response.headers["Location"] == "/cola/"


def test_login_follows_local_next(client, make_document):
    doc = make_document()
    response = client.post(f"/auth/login?next=/documentos/{doc.id}",
                           data={"username": "ana", "password": PASSWORD})
    assert response.headers["Location"] == f"/documentos/{doc.id}"


def test_create_user_rules(db):
    with pytest.raises(UserExistsError):
        create_user(db, "ana", PASSWORD)
    with pytest.raises(ReviewError, match="Rol no válido"):
        create_user(db, "carla", PASSWORD, role="jefe")
    with pytest.raises(ReviewError, match="al menos 10"):
        create_user(db, "dora", "corta", units=["UMF 20"])
    user = db.scalar(select(User).where(User.username == "ana"))
    assert user.password_hash != PASSWORD and user.units == ["UMF 20"]
    assert authenticate(db, "ana", PASSWORD) is not None
    user.active = False
    assert authenticate(db, "ana", PASSWORD) is None


def test_secret_key_generated_once_with_private_mode(tmp_path, new_database_url):
    data = tmp_path / "d"
    settings = Settings(data_dir=data, database_url=new_database_url(data))
    first = build_app(settings)
    second = build_app(settings)
    key_file = data / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.secret_key == second.secret_key == key_file.read_text()
    for app in (first, second):
        app.extensions["buzon_engine"].dispose()


def test_cookies_and_security_headers(client):
    response = login(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/cola/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


def test_error_pages_are_spanish(ana):
    response = ana.get("/no-existe")
    assert response.status_code == 404
    assert "No encontrado" in response.text and "Volver a la cola" in response.text
    assert ana.get("/documentos/1/confirmar").status_code == 405


def test_unhandled_error_gives_spanish_500_without_personal_data_in_log(settings, caplog):
    app = build_app(settings, TESTING=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("NSS 92919084431 de Juana Pérez")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Error interno" in response.text
    assert "92919084431" not in caplog.text and "Juana" not in caplog.text
    assert "RuntimeError" in caplog.text
    app.extensions["buzon_engine"].dispose()


# --- login throttling, failed-login audit, password policy (issue 12, item 12) -----------

def _backdate_failures(db, minutes: int) -> None:
    """Move every failed attempt `minutes` into the past (the window passing, without
    waiting for it)."""
    from models.schema import LoginAttempt

    db.execute(update(LoginAttempt).values(
        created_at=LoginAttempt.created_at - timedelta(minutes=minutes)))
    db.commit()


def test_five_failures_lock_the_account_even_for_the_right_password(client, db):
    """GIVEN 5 wrong passwords for ana WHEN the right one is sent THEN 429 with a Spanish
    message and no session; another account from the same address still logs in; once the
    15-minute window has passed, ana logs in again."""
    for _ in range(5):
        assert login(client, password="incorrecta-de-nuevo").status_code == 401
    refused = login(client)
    assert refused.status_code == 429
    assert "Demasiados intentos fallidos" in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/cola/").status_code == 302
    other = client.application.test_client()
    assert login(other, "carla").status_code == 302
    _backdate_failures(db, 16)
    assert login(client).status_code == 302


def test_twenty_failures_from_one_address_lock_every_account_there(app, db):
    attacker = app.test_client()
    for i in range(20):  # 4 per name: under the per-account limit
        assert login(attacker, f"nombre{i % 5}", "adivinanza-123").status_code == 401
    assert login(attacker).status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    assert login(elsewhere).status_code == 302
    _backdate_failures(db, 16)
    assert login(attacker).status_code == 302


def test_failed_and_refused_logins_are_audited_with_username_and_address(client, db):
    from models.schema import AuditEvent

    login(client, "ana", "incorrecta")
    login(client, "nadie", "incorrecta")
    events = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "login_fallido")
                             .order_by(AuditEvent.id)))
    assert [e.detail for e in events] == [{"usuario": "ana", "direccion": "127.0.0.1"},
                                          {"usuario": "nadie", "direccion": "127.0.0.1"}]
    assert all(e.user_id is None for e in events)
    assert "incorrecta" not in str([e.detail for e in events])
    for _ in range(4):
        login(client, "ana", "incorrecta")
    login(client)
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "login_bloqueado"))


@pytest.mark.parametrize("password,message", [
    ("corta", "al menos 10 caracteres"),
    ("contraseña", "demasiado común"),
    ("Contraseña123", "demasiado común"),
    ("1234567890", "demasiado común"),
    ("qwertyuiop", "demasiado común"),
    ("aaaaaaaaaaaa", "demasiado común"),
    ("doradoradora", "nombre de usuario"),
])
def test_password_policy_refuses_short_and_common_passwords(db, password, message):
    with pytest.raises(ReviewError, match=message):
        create_user(db, "doradoradora", password, units=["UMF 20"])
    assert create_user(db, "doradoradora", PASSWORD, units=["UMF 20"]).id


# --- revocable sessions (item 13) ---------------------------------------------------------

def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, client):
    login(client)
    stolen = client.get_cookie("buzon_session").value
    assert client.post("/auth/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("buzon_session", stolen)
    assert thief.get("/cola/").status_code == 302


def test_password_change_and_disabling_end_open_sessions(client, db):
    from review_ui.accounts import find_user, set_active, set_password

    login(client)
    assert client.get("/cola/").status_code == 200
    set_password(db, find_user(db, "ana"), "otra-frase-bastante-larga")
    db.commit()
    assert client.get("/cola/").status_code == 302
    assert login(client, password="otra-frase-bastante-larga").status_code == 302
    assert client.get("/cola/").status_code == 200
    set_active(db, find_user(db, "ana"), False)
    db.commit()
    assert client.get("/cola/").status_code == 302


# --- unsafe login targets (item 18) -------------------------------------------------------

@pytest.mark.parametrize("target", ["/cola/%0d%0aSet-Cookie:%20x=1", "/cola/%0aX", "/%09/malo",
                                    "/\\malo.example/x", "/%5Cmalo.example"])
def test_login_next_with_control_characters_or_backslash_is_ignored(client, target):
    response = client.post(f"/auth/login?next={target}",
                           data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/cola/"


# --- request bodies before login (item 19) ------------------------------------------------

class _Body(io.RawIOBase):
    """A request body of `size` bytes (what the test client declares as Content-Length)
    that sends at most `sent` of them and counts what the server reads."""

    def __init__(self, size: int, sent: int) -> None:
        self.size, self.sent, self.pos, self.read_bytes = size, sent, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: offset, 1: self.pos + offset, 2: self.size + offset}[whence]
        return self.pos

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        n = max(0, min(len(b), self.sent - self.pos))
        b[:n] = b"x" * n
        self.pos += n
        self.read_bytes += n
        return n


@pytest.mark.parametrize("url", ["/cargas/", "/auth/login", "/documentos/1/confirmar"])
def test_anonymous_big_post_is_refused_before_its_body_is_read(settings, url):
    """GIVEN no session WHEN a 150 MB POST arrives (upload route included, CSRF on) THEN 413
    before a byte of the body is read."""
    app = build_app(settings, WTF_CSRF_ENABLED=True)
    body = _Body(150 * 1024 * 1024, sent=2 * 1024 * 1024)
    response = app.test_client().post(url, input_stream=body,
                                      content_type="multipart/form-data; boundary=limite")
    assert response.status_code == 413
    assert "Demasiado grande" in response.text
    assert body.read_bytes == 0
    app.extensions["buzon_engine"].dispose()


def test_signed_in_upload_still_takes_a_large_scan(ana, app, monkeypatch, make_document):
    from types import SimpleNamespace

    from review_ui import uploads
    from review_ui.background import jobs_of

    monkeypatch.setattr(uploads, "_ingest", lambda paths, unit, on_file, received_on:
                        SimpleNamespace(documents=1, failed=[]))
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    response = ana.post("/cargas/", data={"archivos": [(io.BytesIO(big), "grande.pdf")]},
                        content_type="multipart/form-data")
    assert response.status_code == 303
    jobs_of(app).join(10)
    doc = make_document()
    assert ana.post(f"/documentos/{doc.id}/confirmar", data={"x": "0" * (2 * 1024 * 1024)}
                    ).status_code == 413  # the large limit is for uploads only


def test_login_page_works_with_csrf_on(settings):
    app = build_app(settings, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token_of(client.get("/auth/login").text)
    assert client.post("/auth/login", data={"username": "x", "password": "y",
                                            "csrf_token": token}).status_code == 401
    app.extensions["buzon_engine"].dispose()
