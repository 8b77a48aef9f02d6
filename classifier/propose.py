"""One proposal per document: type, fields, missing data, route and urgency."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from classifier._places import normalize_unit
from classifier.extract import extract_fields
from classifier.identifiers import resolve
from classifier.route import missing_data, route_for
from classifier.speech import discard_evidence, petition_cues
from classifier.types import FIELD_NAMES, Proposal
from classifier.urgency import detect_urgency

if TYPE_CHECKING:
    import datetime as dt

    from classifier.identifiers import Candidate
    from classifier.model import Classifier
    from classifier.name_lexicon import Choices

log = logging.getLogger(__name__)

MIN_WORDS = 3  # fewer real words than this is a blank or a doodle
_WORD = re.compile(r"[^\W\d_]{2,}")


_DIGITS_REQUIRED = {"nss": 11, "telefono": 10}


def _well_formed(name: str, value: str) -> bool:
    """Identifiers go into `fields` only at their full length (export contract); a partial
    reading stays in `spans`, marked invalid, for the reviewer to complete."""
    n = _DIGITS_REQUIRED.get(name)
    return n is None or (value.isdigit() and len(value) == n)


def _too_short(text: str) -> bool:
    return len(_WORD.findall(text or "")) < MIN_WORDS


def _discard_on_evidence(text: str, label: str, scores: Mapping[str, float],
                         model: Classifier) -> tuple[str, float, bool]:
    """(label, confidence, needs_review) when the model's best guess is a discard.

    Discarding a petition is the worst error (activity 42 discards only what is not one),
    so a discard needs positive evidence. A text that asks, proposes, thanks or complains,
    or one the model is unsure of, is proposed as its best petition type for a person to
    decide (never routed to desechar); a discard without evidence (an advert, scribbles)
    is never accepted without review.
    """
    confidence = scores[label]
    petitions = sorted((k for k in scores if k != label), key=scores.__getitem__, reverse=True)
    unsure = confidence < model.profile.threshold(label)
    if petitions and (petition_cues(text) or unsure):
        best = petitions[0]
        return best, scores[best], True
    return label, confidence, discard_evidence(text) is None or unsure


def propose(
    text: str,
    model: Classifier,
    *,
    form_fields: Mapping[str, str] | None = None,
    form_second: Mapping[str, Choices] | None = None,
    checked: Sequence[str] | None = (),
    unit: str | None = None,
    received_on: dt.date | None = None,
    candidates: Sequence[Candidate] = (),
    closing: Sequence[str] = (),
) -> Proposal:
    """The proposal for one document's text (scans and `buzon classify` both come here).

    Args:
        text: the OCR text (for a volante, its description box and any other text).
        model: the trained classifier.
        form_fields: values read from the volante's boxes; valid ones win over the text.
        form_second: boxes the second recognizer read too (the name), as it read them:
            per character, (character, probability) best first.
        checked: checkboxes marked on the volante ("queja", "sugerencia", ...): a hint.
        unit: the unit where the box is (e.g. "UMF 20"), used when the text names none.
        received_on: the day the box was emptied; dates the event ("ayer", "el 3 de
            marzo") found in the text, kept in `spans["fecha_evento"]`.
        candidates: the pages' identifier regions, read again with their alternatives
            (`classifier.identifiers`); an accepted reading fills its field, a doubtful
            one leaves it empty and its region goes to `Proposal.candidates`.
        closing: the letter's last lines as the second recognizer read them: where the
            writer's name in them reads more like a name, it is the name.
    """
    text = text or ""
    checked = [c for c in (checked or ()) if c]
    page = resolve(candidates)
    extracted = extract_fields(text, form_fields, received_on, page_values=page.values,
                               form_second=form_second, closing=closing,
                               page_claimed=page.claimed)
    fields: dict[str, str | None] = {name: None for name in FIELD_NAMES}
    for name, found in extracted.items():
        doubted = found.source == "pagina" and not found.valid  # empty, with its crop
        if name in fields and _well_formed(name, found.value) and not doubted:
            fields[name] = found.value
    if fields["unidad"] is None and unit:
        fields["unidad"] = normalize_unit(unit) or unit.strip() or None

    filled_form = any((v or "").strip() for v in (form_fields or {}).values())
    if _too_short(text) and not checked and not filled_form:
        # Blank or unreadable: no evidence either way (illegible handwriting also reads as
        # almost nothing), so the scores are uniform and a person decides the discard.
        label, needs_review = model.profile.discard_type, True
        scores = {name: 1.0 / len(model.labels) for name in model.labels}
        confidence = scores[label]
    else:
        label, confidence, scores, needs_review = model.predict(text, checked or None)
        if label == model.profile.discard_type:
            label, confidence, needs_review = _discard_on_evidence(text, label, scores, model)

    # Invalid identifiers are shown for correction but do not count as minimum data.
    valid_fields = {
        k: (v if k not in extracted or extracted[k].valid else None) for k, v in fields.items()
    }
    # An identifier seen on the page but not read surely is there all the same: the route
    # counts it (the person has a phone, say), while its field stays empty for the crop.
    seen = dict(valid_fields)
    for region in page.regions:
        if seen.get(region["field"]) is None:
            seen[region["field"]] = region["label"]
    route, reason = route_for(label, seen, model.profile)
    urgent, urgent_reason = (False, None)
    if label != model.profile.discard_type:
        urgent, urgent_reason = detect_urgency(text, label, score=model.urgency_score(text),
                                               threshold=model.bundle.urgency_threshold)
    log.debug("proposal: type=%s confidence=%.2f route=%s urgent=%s",
              label, confidence, route, urgent)
    return Proposal(
        type=label,
        confidence=confidence,
        scores=scores,
        needs_review=needs_review,
        fields=fields,
        spans=extracted,
        missing=missing_data(seen, model.profile, label),
        route=route,
        route_reason=reason,
        urgent=urgent,
        urgent_reason=urgent_reason,
        model_version=model.version,
        candidates=[r for r in page.regions if valid_fields.get(r["field"]) is None],
    )
