"""Issue 11: short informal comments are petitions, discards need evidence, urgency in
ordinary words, and the independent test set never reaches training."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from rapidfuzz import fuzz, process

from classifier.corpus import load_corpus
from classifier.model import Bundle
from classifier.profile import load_profile
from classifier.propose import propose
from classifier.speech import cue_tokens, delexicalised, discard_evidence, petition_cues
from classifier.text import fold
from classifier.urgency import LEARNED_REASON, detect_urgency


class _DiscardingModel:
    """A classifier stand-in whose best guess is always a discard, with given scores."""

    def __init__(self, discard: float) -> None:
        self.profile = load_profile("imss")
        self.labels = list(self.profile.labels)
        rest = (1 - discard) / (len(self.labels) - 1)
        self.scores = {k: (discard if k == "no_peticion" else rest) for k in self.labels}
        self.scores["queja_servicio"] += 0.0001  # the best petition type
        self.version = "falso-descarte"
        self.bundle = Bundle(2, "", "", {}, "", "falso", None)  # type: ignore[arg-type]

    def predict(self, text, hint=None):  # type: ignore[no-untyped-def]
        confidence = self.scores["no_peticion"]
        return "no_peticion", confidence, dict(self.scores), confidence < 0.6

    def urgency_score(self, text: str) -> None:
        return None


@pytest.mark.parametrize("text", ["el baño no tiene agua", "pongan más sillas",
                                  "la doctora fue un amor", "no sirve el elevador",
                                  "que haya agua en los bebederos", "poner más ventiladores"])
def test_a_petition_cue_keeps_a_short_text_out_of_desechar(text: str) -> None:
    """GIVEN a model sure (0.97) that a short comment is no petition WHEN it shows a petition
    cue (complains, proposes, thanks) THEN it is proposed as a petition, for review."""
    assert petition_cues(text)
    p = propose(text, _DiscardingModel(0.97))  # type: ignore[arg-type]
    assert p.type != "no_peticion" and p.route != "desechar" and p.needs_review


def test_an_abstention_between_discard_and_petition_is_reviewed_and_not_desechar() -> None:
    """GIVEN no petition cue and a discard score below the profile's discard threshold
    THEN the proposal abstains: needs_review and a route other than desechar."""
    text = "Toño te espero afuera a las cinco en la tienda de la esquina"
    assert not petition_cues(text)
    p = propose(text, _DiscardingModel(0.45))  # type: ignore[arg-type]
    assert p.needs_review and p.route != "desechar" and p.type != "no_peticion"


def test_a_discard_is_automatic_only_on_evidence() -> None:
    advert = "Vendo gelatinas y flanes, pedidos al whatsapp 55 1234 5678, precio 15 pesos"
    assert discard_evidence(advert)
    p = propose(advert, _DiscardingModel(0.95))  # type: ignore[arg-type]
    assert (p.type, p.route, p.needs_review) == ("no_peticion", "desechar", False)
    note = "Toño te espero afuera a las cinco en la tienda de la esquina"
    assert discard_evidence(note) is None
    p = propose(note, _DiscardingModel(0.95))  # type: ignore[arg-type]
    assert p.type == "no_peticion" and p.needs_review  # a person decides


def test_delexicalised_text_hides_the_topic_and_cues_name_the_act() -> None:
    assert delexicalised("No sirve el elevador") == delexicalised("no sirve el wifi")
    assert "c_que_subj" in cue_tokens("que haya agua en los bebederos")
    assert "c_infinitivo_inicial" in cue_tokens("Poner más ventiladores en la sala")
    assert "c_gracias" in cue_tokens("Gracias a la enfermera del tercer piso")
    assert "c_no_sirve" in cue_tokens("NO SIRVE EL ELEVADOR")


@pytest.mark.parametrize("text", [
    "mi papá no respira bien y nadie lo pasa",
    "el niño se puso morado en la sala de espera",
    "mi hermano lleva horas convulsionando en el pasillo",
    "mi hijo dijo que se iba a matar, está aquí afuera",
    "el guardia me empujó y me quiere sacar a la fuerza",
])
def test_urgency_is_caught_in_ordinary_words(text: str) -> None:
    urgent, reason = detect_urgency(text)
    assert urgent and reason


def test_the_learned_urgency_score_flags_what_no_rule_words() -> None:
    text = "por favor vengan rapido a la sala dos"
    assert detect_urgency(text) == (False, None)
    assert detect_urgency(text, score=0.9, threshold=0.5) == (True, LEARNED_REASON)
    # A past story a rule matches, with no sign of the present, needs the score too.
    story = "mi vecino se desmayó en la fila de farmacia"
    assert detect_urgency(story, score=0.05, threshold=0.5) == (False, None)


def _test_only(name: str) -> list[dict]:
    data = resources.files("classifier").joinpath("data", "test_only", name)
    return [json.loads(x) for x in data.read_text("utf-8").splitlines() if x.strip()]


def _test_only_files() -> list[str]:
    folder = resources.files("classifier").joinpath("data", "test_only")
    return sorted(f.name for f in folder.iterdir() if f.name.endswith(".jsonl"))


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(re.sub(r"\{[A-Z]+\}", " ", text))))


def test_the_independent_sets_never_leak_into_training() -> None:
    """No independent text (of any test-only file), nor a near copy of one (edit similarity
    >= 90 %), is in the corpus that training reads (every corpus_*.jsonl, both of its splits,
    and the texts a profile adds, such as ISSSTE's)."""
    from classifier.corpus import load_profile_corpus

    own = [item for code in ("imss", "issste") if (p := load_profile(code)).extra_corpus
           for item in load_profile_corpus(p.extra_corpus, p.labels, p.discard_type,
                                           strict=True)]
    assert own
    training = [_key(item.text) for item in [*load_corpus(strict=True), *own]]
    held = [_key(o["text"]) for name in _test_only_files() for o in _test_only(name)]
    assert len(held) >= 800 and len(training) > 2000
    # Blank cards and two-word scribbles are the same everywhere; they carry no writer.
    long_enough = [h for h in held if len(h.split()) >= 4]
    assert not set(long_enough) & set(training)
    scores = process.cdist(long_enough, training, scorer=fuzz.ratio,
                           score_cutoff=90, workers=1)
    near = [(long_enough[i], training[j]) for i, j in zip(*scores.nonzero(), strict=True)]
    assert not near, near[:3]


def test_the_independent_set_has_what_the_issue_asks() -> None:
    rows = _test_only("independiente.jsonl")
    short = sum(len(r["text"].split()) <= 15 for r in rows)
    assert len(rows) >= 300 and short >= len(rows) / 3
    assert sum(r["urgent"] for r in rows) >= 40
    assert sum(r.get("tema") == "no_medico" for r in rows) >= len(rows) / 5
