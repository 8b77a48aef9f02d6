"""End to end in Debian's Chromium: log in, clear a day's box with the keyboard only, then
check the database, the export line and the SIADE worksheet."""

from __future__ import annotations

import csv
import io
import os
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from review_ui_testing import PASSWORD, VALID_NSS, build_app
from sqlalchemy import select

from intake.export import document_record
from models.schema import Decision, Document, Page

CHROMIUM = "/usr/bin/chromium"
# Screenshots go to a temporary folder; `make screenshots` points this at docs/screenshots
# to refresh the README's pictures (a test run never dirties the checkout).
SCREENSHOTS_ENV = "BUZON_SCREENSHOTS"
HANDWRITING = Path("/usr/share/fonts/truetype/fifthhorseman/dkg.ttf")
OTHER_NSS = "12345678903"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no está {CHROMIUM} (apt install chromium) para la prueba de "
                              "navegador"),
]


def _letter_png(path: Path, lines: list[str]) -> list[dict]:
    """A page that looks like a handwritten letter, for realistic screenshots; returns the
    words with their boxes, as the OCR stores them."""
    img = Image.new("RGB", (850, 1100), (252, 251, 246))
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype(str(HANDWRITING), 30)
    except OSError:
        font = ImageFont.load_default(size=28)
    for y in range(140, 1060, 46):
        draw.line([(60, y + 38), (790, y + 38)], fill=(200, 214, 230), width=1)
    y = 140
    words = []
    for line in lines:
        for chunk in textwrap.wrap(line, 44) or [""]:
            x = 70
            for word in chunk.split():
                box = draw.textbbox((x, y), word, font=font)
                draw.text((x, y), word, fill=(30, 40, 110), font=font)
                words.append({"text": word, "confidence": 70.0, "box": list(box)})
                x = box[2] + draw.textlength(" ", font=font)
            y += 46
    img.save(path)
    return words


@pytest.fixture()
def live_server(app, settings) -> Iterator[str]:
    """The app with CSRF on, served on a free port in a thread (same database as `app`)."""
    served = build_app(settings, WTF_CSRF_ENABLED=True)
    served.extensions["buzon_model"] = app.extensions["buzon_model"]
    with serving(served) as url:
        yield url


@contextmanager
def serving(app):  # type: ignore[no-untyped-def]
    """`app` served on a free loopback port in a thread; its URL. Stopped and its database
    engine disposed on exit."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        app.extensions["buzon_engine"].dispose()


LETTER = ("Buenos días. El día de hoy esperé más de tres horas en el área de Farmacia y al "
          "final me dijeron que no había metformina. Solicito que se surta el medicamento.")


def _box(make_document, db, settings) -> list[Document]:
    """A day's box of 11 documents of UMF 20 (plus one of another unit, never shown)."""
    docs = [
        make_document(type="queja_servicio", confidence=0.93),                      # 0 confirm
        make_document(type="sugerencia", confidence=0.55, text=LETTER,              # 1 retype
                      scores={"sugerencia": 0.55, "queja_servicio": 0.40},
                      fields={"nombre": "María Fernanda López Ruiz", "nss": None,
                              "telefono": "5512345678", "correo": None, "curp": None,
                              "unidad": "UMF 20", "servicio": "Farmacia"},
                      missing=["nss"], route="contactar",
                      route_reason="Hay datos de contacto pero falta NSS: contactar."),
        make_document(type="orientacion", confidence=0.6, text="Publicidad."),      # 2 discard
        make_document(type="gestion", route="contactar", missing=["nss"],           # 3 contact
                      fields={"nombre": "Luis Mora", "nss": None,
                              "telefono": "5511112222"}),
        make_document(type="queja_servicio", route="contactar", missing=["nss"],    # 4 fix NSS
                      fields={"nombre": "Eva Ríos", "nss": None, "telefono": "5533334444",
                              "correo": None, "curp": None, "unidad": "UMF 20",
                              "servicio": None}),
    ]
    first_half = make_document(type="sugerencia", text="Primera hoja de la carta.")  # 5 merge
    docs.append(first_half)
    docs.append(make_document(type="orientacion", text="Segunda hoja, firma.",       # 6 merged
                              source_file_id=first_half.source_file_id, first_page=2))
    docs += [make_document(type="reconocimiento", confidence=0.95) for _ in range(4)]  # 7-10
    make_document(unit="HGZ 1")
    page = db.get(Page, docs[1].page_rows[0].id)
    words = _letter_png(settings.data_dir / page.image_path,
                        ["UMF 20, Farmacia", "", LETTER, "", "María Fernanda López Ruiz",
                         "Tel. 55 1234 5678"])
    page.ocr, page.width, page.height = {"words": words}, 850, 1100
    db.commit()
    return docs


def _launch(p):  # type: ignore[no-untyped-def]
    return p.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"])


def _signed_in_page(browser, live_server: str, username: str, **options):  # type: ignore[no-untyped-def]
    """A new page signed in as `username` through the login form."""
    page = browser.new_page(locale="es-MX", **options)
    page.set_default_timeout(15_000)
    page.goto(live_server + "/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page


@pytest.fixture()
def shots(tmp_path: Path) -> Path:
    """Where the tests' screenshots go: BUZON_SCREENSHOTS, else a temporary folder."""
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path / "capturas")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_clear_a_days_box_by_keyboard(live_server, make_document, db, settings, shots):
    """GIVEN a day's box of 11 documents WHEN a TAOD works it with the keyboard only
    (confirm, retype, discard, contact, fix a field, merge two pages, urgent, undo)
    THEN the database, the export line and the SIADE worksheet hold what was decided."""
    sync_api = pytest.importorskip("playwright.sync_api")
    d = _box(make_document, db, settings)
    with sync_api.sync_playwright() as p:
        browser = _launch(p)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 960}, locale="es-MX")
            page.set_default_timeout(15_000)
            key = page.keyboard

            def ready() -> None:
                # keys.js sets this once its handlers are bound (deferred scripts run before
                # DOMContentLoaded): the page's own signal, not visible text.
                page.wait_for_selector("html[data-keys=listo]", state="attached")

            def at(doc: Document) -> None:
                page.wait_for_url(f"**/documentos/{doc.id}")
                ready()

            def reloads(k: str) -> None:
                """Press a key that posts and comes back to the same document."""
                with page.expect_navigation():
                    key.press(k)
                ready()

            page.goto(live_server + "/")
            assert "/auth/login" in page.url
            key.type("ana")  # the username field has autofocus
            key.press("Tab")
            key.type(PASSWORD)
            key.press("Enter")
            page.wait_for_selector("table.queue")
            ready()
            assert page.locator("tr[data-href]").count() == 11
            page.screenshot(path=str(shots / "queue.png"), full_page=True)

            key.press("Enter")
            at(d[0])
            key.press("?")
            assert page.locator("#shortcuts").is_visible()
            key.press("Escape")
            key.press("c")                       # right proposal: one key
            at(d[1])
            assert page.locator("rect.hl-nombre").count() == 1  # read here on the page
            assert page.locator("rect.hl-telefono").count() == 1
            assert page.locator("img.crop").count() >= 2
            page.wait_for_function("Array.from(document.querySelectorAll('img.crop'))"
                                   ".every(i => i.complete && i.naturalWidth > 0)")
            page.screenshot(path=str(shots / "document.png"), full_page=True)
            width = page.locator(".zoom svg").first.bounding_box()["width"]
            key.press("+")                       # zoom in, then back
            assert page.locator(".zoom svg").first.bounding_box()["width"] > width * 1.2
            key.press("0")
            reloads("4")                         # retype: queja administrativa
            assert "Tipo del documento" in page.locator(".flash-ok").inner_text()
            key.press("e")                       # live check while typing a bad NSS
            key.press("Tab")
            key.type("12345")
            assert "El NSS debe tener 11 dígitos" in page.locator(".live:visible").inner_text()
            key.press("Escape")
            key.press("c")
            at(d[2])
            key.press("d")                       # discard with a reason
            key.type("Publicidad, no es una petición")
            key.press("Enter")
            at(d[3])
            key.press("k")                       # flag for contact
            at(d[4])
            key.press("e")                       # fix a field: NSS
            key.press("Tab")
            key.type(VALID_NSS)
            reloads("Enter")
            assert "Datos del documento" in page.locator(".flash-ok").inner_text()
            key.press("c")
            at(d[5])
            reloads("m")                         # merge the next page of the same file
            assert "Se unieron las páginas" in page.locator(".flash-ok").inner_text()
            assert page.locator("figure.scan").count() == 2
            key.press("c")
            at(d[7])                             # d[6] was merged away
            key.press("a")                       # urgent, supervisor notified
            key.type("Amenaza a un trabajador")
            key.press("Enter")
            at(d[8])
            key.press("c")
            at(d[7])                             # urgent comes first now
            key.press("c")
            at(d[9])
            key.press("u")                       # undo: d[7] is pending again
            at(d[7])
            assert "Se deshizo" in page.locator(".flash-ok").inner_text()
            key.press("c")
            at(d[9])
            key.press("c")
            at(d[10])
            key.press("c")
            page.wait_for_url("**/cola/")
            assert "No quedan documentos pendientes" in page.content()

            csv_body = page.request.get(live_server + "/registro/siade.csv").text()
            page.goto(live_server + "/contactos/")
            page.screenshot(path=str(shots / "contacts.png"), full_page=True)
        finally:
            browser.close()

    db.expire_all()
    rec = {i: document_record(db.get(Document, doc.id)) for i, doc in enumerate(d)}
    assert rec[0]["status"] == "confirmado" and rec[0]["type"] == "queja_servicio"
    assert (rec[1]["status"], rec[1]["type"]) == ("confirmado", "queja_administrativa")
    assert rec[1]["fields"]["nss"] is None  # the bad NSS was never sent
    assert (rec[2]["status"], rec[2]["route"]) == ("descartado", "desechar")
    assert rec[3]["status"] == "contactar"
    assert rec[4]["fields"]["nss"] == VALID_NSS and rec[4]["route"] == "registrar"
    assert rec[4]["missing"] == [] and rec[4]["status"] == "confirmado"
    assert rec[5]["pages"] == [1, 2] and rec[5]["status"] == "confirmado"
    assert "Primera hoja" in rec[5]["text"] and "Segunda hoja" in rec[5]["text"]
    assert rec[6]["pages"] == [] and rec[6]["status"] == "fusionado"
    assert rec[7]["urgent"] is True and rec[7]["status"] == "confirmado"
    assert all(rec[i]["status"] == "confirmado" for i in (8, 9, 10))
    merged = db.get(Document, d[5].id)
    assert [pg.page_no for pg in merged.page_rows] == [1, 2]
    urgent = db.get(Document, d[7].id)
    assert urgent.escalated_at is not None and urgent.urgent_reason == "Amenaza a un trabajador"
    actions = [a for a in db.scalars(select(Decision.action).where(
        Decision.document_id == d[7].id).order_by(Decision.id))]
    assert actions == ["urgente", "confirmar", "deshacer", "confirmar"]
    rows = list(csv.reader(io.StringIO(csv_body.lstrip("\ufeff"))))
    assert rows[0][0] == "Folio buzón"
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(
        d[i].id for i in (0, 1, 4, 5, 7, 8, 9, 10))
    page_row = db.get(Page, d[1].page_rows[0].id)
    assert page_row.width == 850
    for name in ("queue.png", "document.png", "contacts.png"):
        assert (shots / name).stat().st_size > 10_000


def test_a_key_pressed_while_the_page_loads_is_not_lost(live_server, make_document, db):
    """GIVEN a document page whose keys.js has not arrived yet (the browser holds it)
    WHEN the TAOD presses "c" at once THEN, once the script runs, the key confirms it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    first, second = make_document(confidence=0.95), make_document(confidence=0.95)
    with sync_api.sync_playwright() as p:
        browser = _launch(p)
        try:
            page = _signed_in_page(browser, live_server, "ana")
            held: list = []

            def hold_first(route) -> None:  # type: ignore[no-untyped-def]
                if held:
                    route.continue_()  # later pages load as usual
                else:
                    held.append(route)

            page.route("**/static/keys.js", hold_first)
            page.goto(f"{live_server}/documentos/{first.id}", wait_until="commit")
            page.wait_for_selector('button[data-key="c"]', state="attached")
            while not held:  # the request reaches us through Playwright's own event loop
                page.evaluate("1")
            assert page.evaluate("document.documentElement.dataset.keys") is None
            page.keyboard.press("c")
            held[0].continue_()
            page.wait_for_url(f"**/documentos/{second.id}")
        finally:
            browser.close()
    db.expire_all()
    assert db.get(Document, first.id).status == "confirmado"


def test_the_report_page_shows_its_charts(live_server, make_document, db, shots):
    """GIVEN a month of documents WHEN a supervisor opens the monthly report in Chromium
    THEN the three charts (rendered on the server) are loaded and visible beside the
    tables; the page is the README's screenshot."""
    from datetime import date, timedelta

    from sqlalchemy import func, update

    sync_api = pytest.importorskip("playwright.sync_api")
    kinds = ["queja_servicio"] * 5 + ["sugerencia"] * 3 + ["reconocimiento"] * 2 + [
        "gestion"] * 4 + ["orientacion"] * 2 + ["queja_administrativa"]
    services = ["Farmacia", "Urgencias", "Laboratorio", "Farmacia", "Medicina Familiar"]
    for i, kind in enumerate(kinds):
        make_document(type=kind, received_on=date(2026, 11, 2 + (i * 7) % 26),
                      status="confirmado" if i % 3 else "pendiente",
                      fields={"nombre": None, "nss": None, "telefono": None,
                              "servicio": services[i % len(services)], "unidad": "UMF 20"})
    for reason in ("Publicidad de una farmacia", "Hoja en blanco", "publicidad de una farmacia"):
        make_document(type="no_peticion", route="desechar", status="descartado",
                      received_on=date(2026, 11, 9))
        db.execute(update(Document).where(Document.id == db.scalar(select(func.max(
            Document.id)))).values(discard_reason=reason))
        db.commit()
    for i, doc in enumerate(db.scalars(select(Document).where(
            Document.status == "confirmado"))):
        doc.registered_on = doc.received_on + timedelta(days=i % 3)
    db.commit()
    with sync_api.sync_playwright() as p:
        browser = _launch(p)
        try:
            page = _signed_in_page(browser, live_server, "sofia",
                                   viewport={"width": 1440, "height": 960})
            page.goto(live_server + "/supervision/informe?mes=2026-11")
            assert page.locator("h1").inner_text() == "Informe mensual: noviembre de 2026"
            charts = page.locator(".report-charts img")
            assert charts.count() == 3
            page.wait_for_function("Array.from(document.querySelectorAll('.report-charts img'))"
                                   ".every(i => i.complete && i.naturalWidth > 300)")
            for i in range(3):
                chart = charts.nth(i)
                assert chart.is_visible()
                assert chart.bounding_box()["height"] > 150
            assert "peticiones por tipo" in page.locator("#grafica-tipos").get_attribute("alt")
            assert page.locator(".report-table").first.is_visible()
            page.screenshot(path=str(shots / "report.png"), full_page=True)
        finally:
            browser.close()


def test_a_repeat_is_marked_and_one_key_confirms_it(live_server, app, make_document, db):
    """GIVEN a complaint and its repeat, linked as at ingest WHEN the TAOD opens the queue
    THEN the repeat carries its mark with the first one's folio; WHEN she opens it THEN the
    first one is beside it; WHEN she presses "v" THEN the link is confirmed (audited)."""
    from datetime import timedelta

    from review_ui_testing import TODAY

    from intake.links import refresh_links
    from models.schema import AuditEvent, DuplicateLink

    sync_api = pytest.importorskip("playwright.sync_api")
    person = {"nombre": "Rosa Díaz Pérez", "nss": VALID_NSS, "telefono": "5512345678",
              "correo": None, "curp": None, "unidad": "UMF 20", "servicio": "Farmacia"}
    first = make_document(text=LETTER, fields=person, received_on=TODAY - timedelta(days=2),
                          status="confirmado")
    again = make_document(text="Vuelvo a escribir: " + LETTER.replace("Buenos días. ", ""),
                          fields=person)
    for doc in (first, again):
        refresh_links(db, db.get(Document, doc.id), app.extensions["buzon_links"])
    db.commit()
    with sync_api.sync_playwright() as p:
        browser = _launch(p)
        try:
            page = _signed_in_page(browser, live_server, "ana")
            page.wait_for_selector("html[data-keys=listo]", state="attached")
            row = page.locator(f'tr[data-href$="/documentos/{again.id}"]')
            assert row.locator(".dup-badge").inner_text() == "Posible repetición"
            assert f"Posible duplicado de folio buzón {first.id}" in row.inner_text()
            page.keyboard.press("Enter")  # the repeat is the only pending one: selected
            page.wait_for_url(f"**/documentos/{again.id}")
            page.wait_for_selector("html[data-keys=listo]", state="attached")
            twin = page.locator(".side-by-side").first
            assert twin.is_visible()
            assert f"Folio buzón {first.id}" in twin.inner_text()
            assert "Solicito que se surta el medicamento" in twin.inner_text()
            with page.expect_navigation():
                page.keyboard.press("v")
            page.wait_for_url(f"**/documentos/{again.id}")
            page.wait_for_selector("html[data-keys=listo]", state="attached")
            assert "confirmado" in page.locator(".flash-ok").inner_text()
            assert "confirmado" in page.locator(".dup-status").first.inner_text()
        finally:
            browser.close()
    db.expire_all()
    [link] = db.scalars(select(DuplicateLink)).all()
    assert (link.document_id, link.other_document_id, link.status) == (
        again.id, first.id, "confirmado")
    assert db.scalars(select(AuditEvent.document_id).where(
        AuditEvent.action == "confirmar_vinculo")).all() == [again.id]


def test_an_unsure_nss_leaves_the_field_empty_beside_its_crop(live_server, make_document,
                                                             db, settings):
    """GIVEN a letter whose NSS the machine saw on the page but could not read surely (the
    proposal keeps the region, the field is empty) WHEN the TAOD opens it THEN the crop is
    shown beside the empty NSS field, labelled "posible NSS", served (and audited) by the
    crop route; a field that has its value shows no such crop."""
    from models.schema import AuditEvent
    from models.schema import Proposal as ProposalRow

    sync_api = pytest.importorskip("playwright.sync_api")
    doc = make_document(type="gestion", route="contactar", missing=["nss"], text=LETTER,
                        fields={"nombre": "Eva Ríos", "nss": None, "telefono": "5533334444",
                                "correo": None, "curp": None, "unidad": "UMF 20",
                                "servicio": None})
    page_row = db.get(Page, doc.page_rows[0].id)
    words = _letter_png(settings.data_dir / page_row.image_path,
                        [LETTER, "", "Eva Ríos", "NSS 9291 9084 431", "Tel. 55 3333 4444"])
    page_row.ocr, page_row.width, page_row.height = {"words": words}, 850, 1100
    nss_words = [w["box"] for w in words if w["text"] in ("9291", "9084", "431")]
    box = [round(min(b[0] for b in nss_words)), round(min(b[1] for b in nss_words)),
           round(max(b[2] for b in nss_words)), round(max(b[3] for b in nss_words))]
    region = {"field": "nss", "label": "posible NSS", "page": 1, "box": box, "kind": "nss"}
    phone_region = {**region, "field": "telefono", "label": "posible teléfono"}
    db.get(ProposalRow, doc.proposals[0].id).candidates = [region, phone_region]
    db.commit()
    with sync_api.sync_playwright() as p:
        browser = _launch(p)
        try:
            page = _signed_in_page(browser, live_server, "ana")
            page.goto(f"{live_server}/documentos/{doc.id}")
            crop = page.locator('label:has(input[name="nss"]) figure.candidate-crop')
            assert crop.locator("figcaption").inner_text() == "posible NSS"
            assert page.locator('input[name="nss"]').input_value() == ""
            page.wait_for_function(
                "Array.from(document.querySelectorAll('figure.candidate-crop img'))"
                ".every(i => i.complete && i.naturalWidth > 0)")
            width = crop.locator("img").evaluate("i => i.naturalWidth")
            assert width == box[2] - box[0] + 12  # the crop route's 6 px on each side
            assert page.locator("figure.candidate-crop").count() == 1  # not the phone's
        finally:
            browser.close()
    crops = db.scalars(select(AuditEvent.detail).where(
        AuditEvent.action == "ver_recorte", AuditEvent.document_id == doc.id)).all()
    assert {"pagina": 1, "caja": box} in crops
