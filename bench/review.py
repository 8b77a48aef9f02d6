"""Review station figures: keystrokes per document on a day where every proposal is right,
and server time of the queue and document pages with 5,000 documents in SQLite.

Usage: python -m bench.review [--documents 5000] [--requests 60] [--day-size 12]
Prints the figures and writes bench/results/review.json. Runs in a temporary data dir.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

from intake.config import Settings
from models.schema import Decision, Document, Page, Proposal, SourceFile, User, utcnow
from review_ui import create_app
from review_ui.accounts import create_user

RESULTS = Path(__file__).resolve().parent / "results"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "clave-de-banco-1"
TYPES = ("queja_servicio", "queja_administrativa", "sugerencia", "reconocimiento",
         "gestion", "orientacion")
UNITS = ("UMF 20", "HGZ 1", "UMF 7", "HGR 72")
TODAY = date(2026, 11, 20)


def _populate(app, n: int, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    """n documents over 60 days and 4 units, with pages, proposals and some decisions,
    inserted in bulk (Core) so the set-up takes seconds."""
    engine = app.extensions["buzon_engine"]
    now = utcnow()
    with app.extensions["buzon_sessionmaker"]() as s:
        create_user(s, "ana", PASSWORD, units=["UMF 20"])
        create_user(s, "jefa", PASSWORD, role="supervisor", all_units=True)
        s.commit()
    text = ("Me presento para manifestar que en el área de Farmacia no había medicamento. "
            "Solicito que se atienda. " * 6)
    with engine.begin() as conn:
        conn.execute(insert(SourceFile), [
            {"id": i, "sha256": f"{i:064d}", "source_path": f"escaneo{i}.pdf",
             "stored_path": f"originales/{i}.pdf", "size": 1000, "file_kind": "pdf",
             "unit": UNITS[i % 4], "status": "ok", "page_count": 1, "ingested_at": now}
            for i in range(1, n + 1)])
        docs, pages, props, decs = [], [], [], []
        for i in range(1, n + 1):
            t = rng.choice(TYPES)
            status = rng.choices(("pendiente", "confirmado", "descartado", "contactar"),
                                 (5, 3, 1, 1))[0]
            # Mostly different people; every 50th repeats an earlier one (a duplicate).
            person = i - 7 if i % 50 == 0 else i
            fields = {"nombre": f"Persona {_word(person)} Ejemplo", "nss": f"{person:011d}",
                      "telefono": "5512345678", "correo": None, "curp": None,
                      "unidad": UNITS[i % 4], "servicio": "Farmacia"}
            docs.append({"id": i, "source_file_id": i, "pages": [1], "kind": "escrito_libre",
                         "unit": UNITS[i % 4], "received_on": TODAY - timedelta(days=i % 60),
                         "text": text, "type": t, "fields": fields, "missing": [],
                         "route": "registrar", "urgent": i % 97 == 0,
                         "needs_review": i % 3 == 0, "status": status,
                         "created_at": now, "updated_at": now, "version_id": 1})
            pages.append({"document_id": i, "page_no": 1, "image_path": None, "width": 1240,
                          "height": 1754, "method": "tesseract", "confidence": 85.0,
                          "rotation": 0, "is_blank": False, "text": text, "ocr": {}})
            props.append({"document_id": i, "model_version": "banco", "type": t,
                          "confidence": 0.8, "scores": {t: 0.8, "sugerencia": 0.2},
                          "fields": fields, "spans": {}, "missing": [], "route": "registrar",
                          "route_reason": "Datos completos.", "urgent": False,
                          "needs_review": False, "created_at": now})
            if status != "pendiente":
                decs.append({"document_id": i, "user_id": 1, "action": "confirmar",
                             "before": {}, "after": {}, "created_at": now})
        conn.execute(insert(Document), docs)
        conn.execute(insert(Page), pages)
        conn.execute(insert(Proposal), props)
        conn.execute(insert(Decision), decs)
    _ = User


def _word(n: int) -> str:
    """A surname-like word per number (names compare on letters only)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 26)
        out += letters[r]
        if n == 0:
            return out.capitalize() + "ez"


def _timed(client, url: str) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def server_times(data: Path, n: int, requests: int) -> dict[str, object]:
    settings = Settings(data_dir=data, database_url=f"sqlite:///{data / 'banco.sqlite3'}",
                        secret_key="banco")
    app = create_app(settings, {"TESTING": True, "WTF_CSRF_ENABLED": False, "TODAY": TODAY})
    rng = random.Random(5)
    _populate(app, n, rng)
    out: dict[str, object] = {}
    for user in ("ana", "jefa"):
        client = app.test_client()
        client.post("/auth/login", data={"username": user, "password": PASSWORD})
        scope = "UMF 20" if user == "ana" else "todas"
        ids = list(range(4, n + 1, 4)) if user == "ana" else list(range(1, n + 1))
        pages = {
            "cola": ["/cola/"] * requests,
            "cola_filtrada": [f"/cola/?estado=todos&tipo={rng.choice(TYPES)}&pagina=3"
                              for _ in range(requests)],
            "documento": [f"/documentos/{rng.choice(ids)}" for _ in range(requests)],
            "registro_siade": ["/registro/"] * (requests // 4),
        }
        if user == "jefa":
            pages["auditoria"] = ["/supervision/auditoria"] * (requests // 4)
        for name, urls in pages.items():
            _timed(client, urls[0])  # warm-up (templates, caches)
            ms = [_timed(client, u) for u in urls]
            out[f"{name} ({user}, {scope})"] = {
                "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(_p95(ms), 1),
                "max_ms": round(max(ms), 1), "requests": len(ms)}
    app.extensions["buzon_engine"].dispose()
    return out


def keystrokes(data: Path, day_size: int) -> dict[str, object]:
    """Drive Chromium through a day where every proposal is right, counting key presses."""
    import logging

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    settings = Settings(data_dir=data, database_url=f"sqlite:///{data / 'dia.sqlite3'}",
                        secret_key="banco")
    app = create_app(settings, {"TESTING": True, "TODAY": TODAY})
    _populate_day(app, day_size)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    presses = 0
    started = time.perf_counter()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(base + "/auth/login")
            page.fill("input[name=username]", "ana")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("table.queue")
            page.keyboard.press("Enter")  # open the first: once per day, not per document
            page.wait_for_url("**/documentos/*")
            started = time.perf_counter()
            while "/documentos/" in page.url:
                url = page.url
                page.keyboard.press("c")
                presses += 1
                page.wait_for_url(lambda u, url=url: u != url)
            elapsed = time.perf_counter() - started
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        app.extensions["buzon_engine"].dispose()
    return {"documents": day_size, "keys": presses,
            "keys_per_document": round(presses / day_size, 2),
            "seconds_per_document": round(elapsed / day_size, 2)}


def _populate_day(app, n: int) -> None:  # type: ignore[no-untyped-def]
    with app.extensions["buzon_sessionmaker"]() as s:
        create_user(s, "ana", PASSWORD, units=["UMF 20"])
        for i in range(n):
            src = SourceFile(sha256=f"{i:064d}", source_path=f"d{i}.pdf",
                             stored_path=f"o/{i}.pdf", size=1, file_kind="pdf", unit="UMF 20")
            doc = Document(source_file=src, pages=[1], kind="volante", unit="UMF 20",
                           received_on=TODAY, text="Queja por falta de medicamento.",
                           type="queja_servicio", route="registrar", needs_review=False,
                           fields={"nombre": "Persona", "nss": "92919084431"})
            s.add(doc)
            s.add(Proposal(document=doc, model_version="banco", type="queja_servicio",
                           confidence=0.95, route="registrar", needs_review=False))
        s.commit()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--documents", type=int, default=5000)
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--day-size", type=int, default=12)
    args = ap.parse_args()
    result: dict[str, object] = {"documents": args.documents}
    with tempfile.TemporaryDirectory() as tmp:
        result["server_time"] = server_times(Path(tmp) / "a", args.documents, args.requests)
        if Path(CHROMIUM).exists():
            result["keystrokes"] = keystrokes(Path(tmp) / "b", args.day_size)
    worst = max(v["p95_ms"] for v in result["server_time"].values())  # type: ignore[union-attr]
    result["worst_p95_ms"] = worst
    result["target_p95_ms"] = 150
    print(json.dumps(result, indent=2, ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "review.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
