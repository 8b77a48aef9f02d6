"""The route the IMSS procedure prescribes for a generated case: the sample's own truth.

Written from DOMAIN.md and the procedure beside it (4.12 and activities 41-52), never from
the product's `classifier.route`: tests/synthbox/test_routes.py checks the product's
`route_for` against this table on generated boxes, two readings of one procedure held
against each other. The sample box is an IMSS one (the corpus is written in its types).
"""

from __future__ import annotations

from collections.abc import Mapping

NOT_A_PETITION = "no_peticion"  # activity 42: discard what is not a petition
# Procedure 4.12, "datos mínimos necesarios": the person's name, NSS, and e-mail or phone.
MINIMUM_DATA = ("nombre", "nss")
MINIMUM_CONTACT = ("telefono", "correo")
# DOMAIN.md: "Contact = phone, e-mail (or postal address)"; a reply may go by post
# (activity 51). The generator writes no address today, so every case it draws is decided
# by phone and e-mail alone.
CONTACT_DATA = ("telefono", "correo", "domicilio")

# Activity 43 onwards, one row per situation of DOMAIN.md's table:
# (the person left contact data, the petition holds the minimum data) -> route.
# The minimum data include a phone or an e-mail, so there is no (False, True) row.
ROUTES: dict[tuple[bool, bool], str] = {
    # 44-46: no contact and not the minimum: register as "público en general", forward a
    # copy to the service, archive.
    (False, False): "publico_general",
    # 47-48: contact but not the minimum: ask the person for what is missing.
    (True, False): "contactar",
    # 49-52: contact and the minimum: register, give the folio, forward, inform.
    (True, True): "registrar",
}


def _given(fields: Mapping[str, str | None], key: str) -> bool:
    return bool((fields.get(key) or "").strip())


def expected_route(type_: str, fields: Mapping[str, str | None]) -> str:
    """The route of a generated document of type `type_` whose page holds `fields`."""
    if type_ == NOT_A_PETITION:
        return "desechar"
    contact = any(_given(fields, k) for k in CONTACT_DATA)
    minimum = all(_given(fields, k) for k in MINIMUM_DATA) and \
        any(_given(fields, k) for k in MINIMUM_CONTACT)
    return ROUTES[(contact, minimum)]
