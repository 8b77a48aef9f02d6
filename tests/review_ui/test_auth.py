"""Login, logout, anonymous access, app set-up (secret key, headers, error pages)."""

from __future__ import annotations

import stat

import pytest
from review_ui_testing import PASSWORD, build_app, login
from sqlalchemy import select

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
    ("get", "/supervision/auditoria"),
    ("post", "/supervision/reentrenar"),
    ("get", "/supervision/modelo"),
    ("get", "/cargas/"),
    ("post", "/cargas/"),
    ("get", "/cargas/estado"),
    ("post", "/auth/logout"),
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
    with pytest.raises(ReviewError, match="al menos 8"):
        create_user(db, "carla", "corta")
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
