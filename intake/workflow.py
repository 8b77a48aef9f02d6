"""One document workflow: propose a document from its pages, and store a proposal on it.

Ingest (`intake.batch_task` on the workers, `intake.pipeline` the writer) and the review
station's merge and split (`review_ui.regroup`) both come here, so a document is proposed
the same way, with its volante's boxes and checkboxes, whichever path made it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from classifier.identifiers import candidates_of
from classifier.propose import propose
from intake.provenance import provenance_of
from intake.split import document_text
from models import schema
from models.states import DocumentStatus
from ocr.types import PageRead

if TYPE_CHECKING:
    from classifier.model import Classifier
    from classifier.name_lexicon import Choices
    from classifier.types import Proposal
    from intake.split import DocumentGroup

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProposedDocument:
    """The machine's proposal for one document and the unit it belongs to (plain data)."""

    proposal: Proposal
    unit: str | None  # the volante's QR unit when it has one, else the box's


# What the review station calls to propose again after a merge or split: `propose_document`
# over its model, loaded once (review_ui.proposer).
DocumentProposer = Callable[[Sequence[PageRead], "str | None"], ProposedDocument]


def propose_document(pages: Sequence[PageRead], model: Classifier, unit: str | None
                     ) -> ProposedDocument:
    """The proposal for the document made of `pages`, in order.

    Args:
        pages: the document's pages as read (at ingest) or rebuilt from their stored
            reading (`page_of`, after a merge or split).
        model: the trained classifier.
        unit: the unit whose box the papers came from; a volante's QR unit overrides it.

    The first page's volante gives its boxes (as values) and checkboxes (as a hint); every
    page's identifier regions are candidates, searched under each identifier's rules. A
    document with a page nobody could read always goes to a person.
    """
    first = pages[0] if pages else None
    form_fields: dict[str, str] | None = None
    form_second: dict[str, Choices] | None = None
    checked: list[str] = []
    if first is not None and first.volante is not None:
        vol = first.volante
        if vol.qr and vol.qr.get("unit"):
            unit = vol.qr["unit"]
        # The boxes' identifiers are candidates of the page (their alternatives searched
        # under each identifier's rules, as in running text), not values taken as read.
        from_page = {i.kind for i in first.identifiers}
        form_fields = {k: f.value for k, f in vol.fields.items()
                       if f.value.strip() and k not in from_page}
        form_second = {k: [s.alternatives or [(s.text, s.confidence / 100)] for s in f.second]
                       for k, f in vol.fields.items() if f.second and k not in from_page}
        checked = vol.checked_types
    candidates = candidates_of((p.page_no, [asdict(i) for i in p.identifiers]) for p in pages)
    # A letter is signed on its last page with text.
    last = next((p for p in reversed(pages) if p.text.strip()), None)
    proposal = propose(document_text(pages), model, form_fields=form_fields,
                       form_second=form_second, checked=checked, unit=unit,
                       candidates=candidates, closing=last.closing if last else ())
    if any(p.error for p in pages):  # a page nobody read yet: a person must
        proposal = replace(proposal, needs_review=True)
    return ProposedDocument(proposal, unit)


def refine_kind(group: DocumentGroup, proposal: Proposal) -> str:
    """volante and blank pages keep their kind; a non-petition with little text is 'otro'."""
    if group.kind != "escrito_libre":
        return group.kind
    words = len(group.text.split())
    if proposal.type == "no_peticion" and words < 25:
        return "otro"
    return "escrito_libre"


def page_of(row: schema.Page) -> PageRead:
    """A stored page's reading as the OCR gave it (`Page.ocr` is `PageRead.to_dict()`);
    the row's own columns stand in for what a reading stored without them lacks."""
    columns = {"page_no": row.page_no, "text": row.text or "", "confidence": row.confidence,
               "method": row.method, "rotation": row.rotation, "is_blank": row.is_blank,
               "width": row.width, "height": row.height, "error": row.read_error}
    return PageRead.from_dict({**(row.ocr or {}), **columns})


def pages_of(doc: schema.Document) -> list[PageRead]:
    """The document's stored pages, in page order, as readings to propose from."""
    return [page_of(p) for p in sorted(doc.page_rows, key=lambda p: p.page_no)]


def store_proposal(doc: schema.Document, pages: Sequence[PageRead], proposal: Proposal, *,
                   review: bool = False) -> schema.Proposal:
    """Keep `proposal` as the document's latest machine proposal, with where each value was
    read, and make its values the document's current ones (pending again).

    Args:
        doc: the document, new (ingest) or stored (a merge or split).
        pages: the pages the proposal was made from, in order.
        proposal: the machine's proposal for them.
        review: a person must look at it whatever the machine's confidence (the pages
            changed by hand).

    An urgency already on the document (the machine's or a reviewer's) stays.
    """
    row = schema.Proposal(
        model_version=proposal.model_version, type=proposal.type,
        confidence=proposal.confidence, scores=dict(proposal.scores),
        fields=dict(proposal.fields), spans={k: asdict(v) for k, v in proposal.spans.items()},
        missing=list(proposal.missing), candidates=list(proposal.candidates),
        provenance=provenance_of(pages, proposal), route=proposal.route,
        route_reason=proposal.route_reason, urgent=proposal.urgent,
        urgent_reason=proposal.urgent_reason, needs_review=proposal.needs_review)
    doc.proposals.append(row)
    doc.text = document_text(pages)
    doc.type, doc.fields, doc.missing = proposal.type, dict(proposal.fields), list(
        proposal.missing)
    doc.route, doc.route_reason = proposal.route, proposal.route_reason
    doc.urgent = bool(doc.urgent) or proposal.urgent
    doc.urgent_reason = doc.urgent_reason or proposal.urgent_reason
    doc.needs_review = proposal.needs_review or review
    doc.status = DocumentStatus.PENDING
    return row
