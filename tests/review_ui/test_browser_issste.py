"""An ISSSTE station end to end in Debian's Chromium: a typed letter uploaded and read by the
real pipeline (Tesseract, ISSSTE's own bundle), ISSSTE's types and required data on the
document, and a SINAPP worksheet at the end."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from review_ui_testing import build_app
from sqlalchemy import select
from test_browser import CHROMIUM, _launch, _signed_in_page, serving

from classifier.model import bundle_path
from models.schema import Document

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no está {CHROMIUM} (apt install chromium) para la prueba de "
                              "navegador"),
]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LETTER = [
    "A quien corresponda:",
    "El enfermero Ramón Téllez del turno vespertino nos",
    "contestó de mala manera y no quiso cambiar el suero",
    "de mi papá aunque se lo pedimos tres veces. Exijo",
    "que se atienda esta inconformidad.",
    "",
    "Atentamente, Ana Ruiz Soto",
    "Domicilio: Calle Pino 45, Col. Centro, C.P. 06000",
    "Tel. 55 1234 5678",
]


@pytest.fixture()
def institution() -> str:
    return "issste"


def _letter_png(path: Path) -> None:
    """A typed letter as a 200 dpi A4 scan."""
    dpi = 200
    img = Image.new("L", (round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), round(dpi * 12 / 72)) if FONT.exists() else \
        ImageFont.load_default(size=33)
    for i, line in enumerate(LETTER):
        draw.text((dpi, dpi + i * dpi * 12 * 1.7 / 72), line, font=font, fill=0)
    img.save(path)


@pytest.fixture()
def issste_server(app, settings, trained_issste_model) -> Iterator[str]:
    """The ISSSTE app with CSRF on and its trained bundle (the IMSS one is not there)."""
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(trained_issste_model, bundle_path(settings.models_dir, "issste"))
    with serving(build_app(settings, WTF_CSRF_ENABLED=True)) as url:
        yield url


def test_an_issste_station_from_upload_to_the_sinapp_worksheet(
        issste_server, settings, db, tmp_path):
    """GIVEN a station configured for ISSSTE WHEN a TAOD uploads a typed complaint that
    names the nurse involved and gives name, address and phone but no e-mail THEN the page
    says Buzón ISSSTE, the document is proposed as an inconformidad among ISSSTE's types,
    with the address and the staff read and the e-mail asked for, never an NSS; once she
    types the e-mail and confirms, the SINAPP worksheet lists it with ISSSTE's columns."""
    sync_api = pytest.importorskip("playwright.sync_api")
    scan = tmp_path / "carta.png"
    _letter_png(scan)
    with sync_api.sync_playwright() as p:
        browser = _launch(p)
        try:
            page = _signed_in_page(browser, issste_server, "ana")
            assert page.title().endswith("Buzón ISSSTE")
            assert page.locator("nav.topnav").inner_text().count("Registro SINAPP") == 1
            page.goto(issste_server + "/cargas/")
            page.set_input_files("input[name=archivos]", str(scan))
            with page.expect_navigation():
                page.click("#upload-form button[type=submit]")
            # The pipeline runs in the background: OCR, then ISSSTE's model.
            page.wait_for_selector("#upload-progress .job-terminado", timeout=180_000)

            page.goto(issste_server + "/cola/")
            page.wait_for_selector("html[data-keys=listo]", state="attached")
            assert page.locator("tr[data-href]").count() == 1
            assert "Inconformidad" in page.locator("select[name=tipo]").inner_text()
            assert "Queja de servicio" not in page.content()
            with page.expect_navigation():
                page.keyboard.press("Enter")
            page.wait_for_selector("html[data-keys=listo]", state="attached")
            form = page.locator("#fields-form")
            labels = form.inner_text()
            assert "Domicilio completo" in labels and "Personal involucrado" in labels
            assert "NSS" not in labels
            assert form.locator("input[name=domicilio]").input_value() == (
                "Calle Pino 45, Col. Centro, C.P. 06000")
            assert form.locator("input[name=personal_involucrado]").input_value() == (
                "enfermero Ramón Téllez")
            # The e-mail is the one required datum missing, and is asked for by name.
            missing = form.locator("label.missing-field").all_inner_texts()
            assert len(missing) == 1 and missing[0].startswith("Correo electrónico")
            types = " ".join(page.locator("button[name=tipo]").all_inner_texts())
            for name in ("Inconformidad", "Reconocimiento", "Sugerencia",
                         "Solicitud de servicio", "Orientación", "No es petición"):
                assert name in types
            assert "Gestión" not in types

            form.locator("input[name=correo]").fill("ana.ruiz@gmail.com")
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
            page.wait_for_selector("html[data-keys=listo]", state="attached")
            assert "registrar en SINAPP" in page.content()
            with page.expect_navigation():
                page.keyboard.press("c")

            page.goto(issste_server + "/registro/")
            assert "Registro en SINAPP" in page.locator("h1").inner_text()
            download = page.request.get(issste_server + "/registro/hoja.csv")
            assert 'filename="sinapp-' in download.headers["content-disposition"]
            rows = list(csv.DictReader(io.StringIO(download.text().lstrip("\ufeff"))))
        finally:
            browser.close()

    db.expire_all()
    doc = db.scalar(select(Document))
    assert doc.type == "inconformidad" and doc.status == "confirmado"
    assert doc.route == "registrar" and doc.missing == []
    [row] = rows
    assert "NSS" not in row and row["Folio SINAPP"] == "" and row["Acción en SINAPP"]
    assert row["Tipo de petición"] == "Inconformidad"
    assert row["Domicilio completo"] == "Calle Pino 45, Col. Centro, C.P. 06000"
    assert row["Personal involucrado"] == "enfermero Ramón Téllez"
    assert row["Correo electrónico"] == "ana.ruiz@gmail.com"
