"""One bundle per profile: ISSSTE's is trained from the corpus through its label mapping
plus its own texts, and answers in ISSSTE's types."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from classifier.corpus import CORPUS_LABELS, load_corpus, split
from classifier.model import Classifier
from classifier.profile import load_profile
from classifier.propose import propose
from classifier.training import item_samples, profile_items, train

ISSSTE = load_profile("issste")
OWN_TEXTS = "perfiles/issste.jsonl"


def test_the_corpus_reaches_issste_through_its_mapping() -> None:
    corpus = load_corpus()
    items = profile_items(ISSSTE)
    assert {i.type for i in items} == set(ISSSTE.labels)
    mapped = {c.id: i.type for c, i in zip(corpus, items, strict=False)}
    gestion = next(c for c in corpus if c.type == "gestion")
    administrative = next(c for c in corpus if c.type == "queja_administrativa")
    assert mapped[gestion.id] == "solicitud_servicio"
    assert mapped[administrative.id] == "inconformidad"
    own = [i for i in items if i.source == OWN_TEXTS]
    assert len(own) >= 30 and {i.type for i in own} == set(ISSSTE.labels)
    # Its own texts are read only for ISSSTE: the shared corpus (and so IMSS) never has them.
    assert not {i.id for i in own} & {c.id for c in corpus}
    assert [i.type for i in profile_items(load_profile("imss"))] == [c.type for c in corpus]
    assert set(load_profile("imss").labels) == set(CORPUS_LABELS)


@pytest.fixture(scope="module")
def issste_model() -> Classifier:
    """A small ISSSTE model: 25 train items per type of its corpus, own texts included."""
    per_type: dict[str, list] = defaultdict(list)
    own = [i for i in split(profile_items(ISSSTE))[0] if i.source == OWN_TEXTS]
    for item in [*own, *split(profile_items(ISSSTE))[0]]:
        if len(per_type[item.type]) < 25:
            per_type[item.type].append(item)
    samples = item_samples([i for c in per_type.values() for i in c], random.Random(0), ISSSTE)
    return Classifier(train(samples, ISSSTE), ISSSTE)


def test_an_issste_model_answers_in_issste_types_and_asks_no_nss(
        issste_model: Classifier) -> None:
    """GIVEN the ISSSTE bundle WHEN a complaint with every ISSSTE datum but no NSS is
    proposed THEN its type is an ISSSTE one, nothing is missing and it is registered in
    SINAPP; without the address, the address is what is missing."""
    assert issste_model.bundle.profile == "issste"
    assert set(issste_model.labels) == set(ISSSTE.labels)
    text = ("La Dra. Martínez del consultorio 5 me gritó y no me quiso atender, me fui sin "
            "consulta. Ana Ruiz Soto. Vivo en Calle Pino 45, Col. Centro, C.P. 06000. "
            "Tel 5512345678, correo ana.ruiz@gmail.com")
    p = propose(text, issste_model)
    assert p.type in ISSSTE.labels and set(p.scores) == set(ISSSTE.labels)
    assert p.fields["domicilio"] == "Calle Pino 45, Col. Centro, C.P. 06000"
    assert p.fields["personal_involucrado"] == "Dra. Martínez"
    if p.type == "inconformidad":
        assert p.missing == [] and p.route == "registrar" and "SINAPP" in p.route_reason
    no_address = propose(text.replace("Vivo en Calle Pino 45, Col. Centro, C.P. 06000. ", ""),
                         issste_model)
    assert "domicilio" in no_address.missing and "nss" not in no_address.missing
