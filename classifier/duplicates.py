"""Possible duplicates (IMSS policy 5.9): same NSS or name, a similar text, close in time.

Pure: plain records in, proposed links out. The pipeline stores the link and the review
station shows it; a person decides whether the item is a new petition.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from classifier._text import fold
from classifier.model import normalize

log = logging.getLogger(__name__)

DEFAULT_WINDOW_DAYS = 30
# Same corpus text filled for two people and OCR-damaged: cosine 0.44-1.0 (mean 0.79);
# two different petitions: at most 0.27 (mean 0.10). Measured on the bundled corpus.
DEFAULT_MIN_SIMILARITY = 0.35


@dataclass(frozen=True)
class PetitionRecord:
    """What duplicate detection needs to know about one petition."""

    id: int | str
    text: str
    received_on: dt.date
    nss: str | None = None
    nombre: str | None = None


@dataclass(frozen=True)
class DuplicateLink:
    """`document_id` may repeat `duplicate_of` (earlier); the reason is shown in Spanish."""

    document_id: int | str
    duplicate_of: int | str
    similarity: float
    same: str  # "nss" or "nombre"
    reason: str


def name_key(name: str | None) -> str | None:
    """A name compared without case, accents, punctuation or word order; None if too short."""
    words = sorted(w for w in re.findall(r"[a-z]+", fold(name or "")) if len(w) > 1)
    return " ".join(words) if len(words) >= 2 else None


def _nss_key(nss: str | None) -> str | None:
    digits = re.sub(r"\D", "", nss or "")
    return digits if len(digits) == 11 else None


def _order(r: PetitionRecord) -> tuple[dt.date, str]:
    return r.received_on, str(r.id)


def find_duplicates(
    records: Sequence[PetitionRecord], *, window_days: int = DEFAULT_WINDOW_DAYS,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> list[DuplicateLink]:
    """Proposed links from each later petition to the most similar earlier one.

    Two petitions are candidates when they share the NSS or the name and were received at
    most `window_days` apart; a link is proposed when the TF-IDF cosine of their texts
    (character n-grams, personal numbers masked) reaches `min_similarity`.

    Args:
        records: the day's petitions together with the earlier ones to check against.
        window_days: how far apart two receptions may be.
        min_similarity: cosine threshold in [0, 1].

    Returns:
        At most one link per record (to its best earlier match), in reception order.
    """
    ordered = sorted(records, key=_order)
    rank = {id(r): i for i, r in enumerate(ordered)}
    buckets: dict[tuple[str, str], list[PetitionRecord]] = defaultdict(list)
    for r in ordered:
        for kind, key in (("nss", _nss_key(r.nss)), ("nombre", name_key(r.nombre))):
            if key:
                buckets[(kind, key)].append(r)
    pairs: dict[tuple[int, int], str] = {}
    window = dt.timedelta(days=window_days)
    for (kind, _key), group in buckets.items():
        for i, later in enumerate(group):
            for earlier in group[:i]:
                if later.received_on - earlier.received_on <= window:
                    pair = (rank[id(later)], rank[id(earlier)])
                    if pairs.get(pair) != "nss":  # the NSS is the stronger reason
                        pairs[pair] = kind
    if not pairs:
        return []
    involved = sorted({i for pair in pairs for i in pair})
    column = {i: n for n, i in enumerate(involved)}
    texts = [ordered[i].text or "" for i in involved]
    if not any(t.strip() for t in texts):
        return []
    vectors = TfidfVectorizer(preprocessor=normalize, analyzer="char_wb", ngram_range=(3, 5),
                              sublinear_tf=True).fit_transform(texts)
    best: dict[int, tuple[float, int, str]] = {}
    for (later, earlier), kind in pairs.items():
        sim = float(cosine_similarity(vectors[column[later]], vectors[column[earlier]])[0, 0])
        if sim >= min_similarity and sim > best.get(later, (-1.0, 0, ""))[0]:
            best[later] = (sim, earlier, kind)
    links = []
    for later, (sim, earlier, kind) in sorted(best.items()):
        a, b = ordered[later], ordered[earlier]
        days = (a.received_on - b.received_on).days
        reason = (f"Mismo {'NSS' if kind == 'nss' else 'nombre'} y texto parecido "
                  f"({round(100 * sim)} %) a una petición recibida "
                  f"{'el mismo día' if days == 0 else f'{days} día(s) antes'}.")
        links.append(DuplicateLink(a.id, b.id, round(sim, 4), kind, reason))
    log.info("duplicate check: %d records, %d candidate pairs, %d links",
             len(records), len(pairs), len(links))
    return links
