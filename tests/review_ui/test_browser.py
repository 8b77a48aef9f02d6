"""End to end in Debian's Chromium: log in, work the queue with the keyboard, check the DB."""

from __future__ import annotations

import shutil
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from review_ui_testing import PASSWORD, build_app
from sqlalchemy import select
from werkzeug.serving import make_server

from models.schema import Decision, Document, Page

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
HANDWRITING = Path("/usr/share/fonts/truetype/fifthhorseman/dkg.ttf")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no está {CHROMIUM} (apt install chromium) para la prueba de "
                              "navegador"),
]


def _letter_png(path: Path, lines: list[str]) -> None:
    """A page that looks like a handwritten letter, for realistic screenshots."""
    img = Image.new("RGB", (850, 1100), (252, 251, 246))
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype(str(HANDWRITING), 30)
    except OSError:
        font = ImageFont.load_default(size=28)
    for y in range(140, 1060, 46):
        draw.line([(60, y + 38), (790, y + 38)], fill=(200, 214, 230), width=1)
    y = 140
    for line in lines:
        for chunk in textwrap.wrap(line, 44) or [""]:
            draw.text((70, y), chunk, fill=(30, 40, 110), font=font)
            y += 46
    img.save(path)


@pytest.fixture()
def live_server(app, settings) -> Iterator[str]:
    """The app with CSRF on, served on a free port in a thread (same database as `app`)."""
    served = build_app(settings, WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    served.extensions["buzon_engine"].dispose()


def _documents(make_document, db, settings) -> list[Document]:
    letter = ("Buenos días. El día de hoy esperé más de tres horas en el área de Farmacia y "
              "al final me dijeron que no había metformina. Solicito que se surta el "
              "medicamento y que se mejore la atención.")
    urgent = make_document(
        type="queja_administrativa", confidence=0.62, needs_review=True,
        scores={"queja_administrativa": 0.62, "queja_servicio": 0.31, "gestion": 0.07},
        urgent=True, urgent_reason="menciona un traslado de paciente en estado grave",
        text="Mi padre lleva dos días en el pasillo de Urgencias esperando traslado.")
    second = make_document(
        type="sugerencia", confidence=0.55, needs_review=True,
        scores={"sugerencia": 0.55, "queja_servicio": 0.40, "orientacion": 0.05},
        fields={"nombre": "María Fernanda López Ruiz", "nss": None,
                "telefono": "5512345678", "correo": "mflopez@correo.mx", "curp": None,
                "unidad": "UMF 20", "servicio": "Farmacia"},
        missing=["nss"], route="contactar", text=letter,
        route_reason="Hay datos de contacto pero falta NSS: contactar.")
    third = make_document(type="reconocimiento", confidence=0.93,
                          fields={"nombre": "José Pérez", "nss": None, "telefono": None},
                          missing=["nss", "contacto"], route="publico_general")
    make_document(type="orientacion", confidence=0.88, unit="UMF 20")
    make_document(type="gestion", status="confirmado")
    # Nicer page images than the factory's plain squares, for the screenshots.
    for doc, lines in ((urgent, ["Al módulo de atención:", "",
                                 "Mi padre lleva dos días en el pasillo de Urgencias "
                                 "esperando traslado. Nadie nos informa nada.",
                                 "", "Atentamente, Laura G."]),
                       (second, ["UMF 20, Farmacia", "", letter, "",
                                 "María Fernanda López Ruiz", "Tel. 55 1234 5678",
                                 "mflopez@correo.mx"])):
        page = db.get(Page, doc.page_rows[0].id)
        _letter_png(settings.data_dir / page.image_path, lines)
    return [urgent, second, third]


def test_review_with_keyboard(live_server, make_document, db, settings):
    sync_api = pytest.importorskip("playwright.sync_api")
    urgent, second, third = _documents(make_document, db, settings)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 960}, locale="es-MX")
            page.set_default_timeout(10_000)
            page.goto(live_server + "/")
            assert "/auth/login" in page.url
            page.fill("input[name=username]", "ana")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("table.queue")
            rows = page.locator("tr[data-href]")
            assert rows.count() == 4
            page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)

            # Queue keys: arrows move the selection, Enter opens it.
            page.keyboard.press("ArrowDown")
            assert "selected" in (rows.nth(1).get_attribute("class") or "")
            page.keyboard.press("ArrowUp")
            page.keyboard.press("Enter")
            page.wait_for_url(f"**/documentos/{urgent.id}")

            page.keyboard.press("?")
            assert page.locator("#shortcuts").is_visible()
            page.keyboard.press("Escape")
            assert not page.locator("#shortcuts").is_visible()

            page.keyboard.press("c")  # confirm: the next pending document opens
            page.wait_for_url(f"**/documentos/{second.id}")
            assert "confirmado" in page.locator(".flash-ok").inner_text()
            page.screenshot(path=str(SCREENSHOTS / "document.png"), full_page=True)

            page.keyboard.press("4")  # retype: queja administrativa, stays on the document
            page.wait_for_selector("text=Tipo del documento")
            assert page.url.endswith(f"/documentos/{second.id}")
            assert "Queja administrativa" in page.locator(".current-type").inner_text()

            page.keyboard.press("e")  # typing in a field must not trigger shortcuts
            page.keyboard.type("c")
            assert page.url.endswith(f"/documentos/{second.id}")
            page.keyboard.press("Escape")

            page.keyboard.press("d")  # discard asks for a reason, Enter sends it
            page.keyboard.type("Es una nota de prueba, no una petición")
            page.keyboard.press("Enter")
            page.wait_for_url(f"**/documentos/{third.id}")
            assert "descartado" in page.locator(".flash-ok").inner_text()
        finally:
            browser.close()

    db.expire_all()
    assert db.get(Document, urgent.id).status == "confirmado"
    done = db.get(Document, second.id)
    assert (done.status, done.type, done.route) == ("descartado", "no_peticion", "desechar")
    assert done.discard_reason == "Es una nota de prueba, no una petición"
    actions = list(db.scalars(select(Decision.action).where(Decision.document_id == second.id)
                              .order_by(Decision.id)))
    assert actions == ["cambiar_tipo", "descartar"]
    retype = db.scalar(select(Decision).where(Decision.document_id == second.id,
                                              Decision.action == "cambiar_tipo"))
    assert retype.after["type"] == "queja_administrativa"
    assert db.get(Document, third.id).status == "pendiente"
    assert shutil.disk_usage(SCREENSHOTS)  # screenshots were written
    assert (SCREENSHOTS / "queue.png").stat().st_size > 10_000
    assert (SCREENSHOTS / "document.png").stat().st_size > 10_000
