"""The queue: order, filters, counts of the day, unit scope."""

from __future__ import annotations

import re
from datetime import timedelta

from review_ui_testing import TODAY, login


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<a href="/documentos/(\d+)">#', html)]


def test_order_urgent_then_late_then_needs_review_then_oldest(ana, make_document):
    """GIVEN IMSS documents (registration due the day they were received, policy 5.9)
    WHEN the queue is shown THEN the urgent one comes first, then the late ones (flagged
    "Vencido", unsure before sure), then today's by doubt and age."""
    old = make_document(received_on=TODAY - timedelta(days=2))
    unsure = make_document(needs_review=True)
    urgent = make_document(urgent=True, urgent_reason="amenaza")
    older_unsure = make_document(needs_review=True, received_on=TODAY - timedelta(days=1))
    sure = make_document()
    html = ana.get("/cola/").text
    assert _ids(html) == [urgent.id, older_unsure.id, old.id, unsure.id, sure.id]
    assert "Urgente" in html and "amenaza" in html
    assert html.count('<span class="badge late"') == 2
    assert ('<td class="due" title="Registrar en SIADE el mismo día (política 5.9)">'
            '18/11/2026') in html


def test_columns_show_spanish_names(ana, make_document):
    make_document(type="reconocimiento", confidence=0.91, route="contactar")
    html = ana.get("/cola/").text
    assert "Reconocimiento" in html and "91 %" in html
    assert "Contactar" in html and "Pendiente" in html and "Volante" in html
    assert "20/11/2026" in html and "UMF 20" in html


def test_default_shows_pending_and_filters_apply(ana, make_document):
    pending = make_document(type="sugerencia", route="contactar")
    done = make_document(status="confirmado", type="gestion")
    old = make_document(received_on=TODAY - timedelta(days=3), type="gestion")
    assert _ids(ana.get("/cola/").text) == [old.id, pending.id]
    assert _ids(ana.get("/cola/?estado=confirmado").text) == [done.id]
    assert sorted(_ids(ana.get("/cola/?estado=todos").text)) == sorted(
        [pending.id, done.id, old.id])
    assert _ids(ana.get("/cola/?estado=todos&tipo=gestion").text) == [old.id, done.id]
    assert _ids(ana.get("/cola/?ruta=contactar").text) == [pending.id]
    day = (TODAY - timedelta(days=3)).isoformat()
    assert _ids(ana.get(f"/cola/?dia={day}").text) == [old.id]
    # Nonsense filter values are ignored rather than failing.
    assert ana.get("/cola/?estado=x&tipo=y&ruta=z&dia=ayer").status_code == 200


def test_counts_of_the_day_and_siade_reminder(ana, make_document):
    make_document()
    make_document(status="confirmado")
    make_document(status="descartado")
    make_document(status="contactar")
    make_document(received_on=TODAY - timedelta(days=1))
    make_document(unit="HGZ 1")  # another unit: not counted for this TAOD
    html = ana.get("/cola/").text
    counts = dict((label, int(n)) for n, label in re.findall(
        r'<div class="count[^"]*"><span>(\d+)</span>([^<]+)</div>', html))
    assert counts == {"Recibidos hoy": 4, "Confirmados": 1, "Descartados": 1,
                      "Por contactar": 1, "Pendientes": 1, "Con plazo vencido": 1}
    assert "SIADE" in html and "política 5.9" in html
    assert "Hay 1 pendiente de días anteriores." in html
    assert "1 documento con plazo vencido" in html


def test_taod_sees_only_own_units(client, make_document):
    mine = make_document(unit="UMF 20")
    make_document(unit="HGZ 1")
    make_document(unit=None)
    login(client, "ana")
    assert _ids(client.get("/cola/?estado=todos").text) == [mine.id]


def test_admin_without_units_sees_all(client, make_document):
    docs = [make_document(unit="UMF 20"), make_document(unit="HGZ 1"), make_document(unit=None)]
    login(client, "admin")
    assert sorted(_ids(client.get("/cola/").text)) == sorted(d.id for d in docs)


def test_empty_queue_message(ana):
    assert "No hay documentos con estos filtros." in ana.get("/cola/").text
