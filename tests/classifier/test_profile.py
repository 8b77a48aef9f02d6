"""Institution profiles load and are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.errors import ProfileError
from classifier.profile import load_profile
from classifier.types import ROUTES


def test_imss_profile() -> None:
    p = load_profile("imss")
    assert p.labels == ("orientacion", "gestion", "queja_servicio", "queja_administrativa",
                        "sugerencia", "reconocimiento", "no_peticion")
    assert p.types["queja_servicio"] == "Queja de servicio"
    assert p.minimum_data == ("nombre", "nss", "contacto")
    assert set(p.routes) == set(ROUTES)
    assert p.hints["queja"] == ("queja_servicio", "queja_administrativa")
    assert 0 < p.threshold("gestion") < 1


def test_issste_profile_has_its_own_taxonomy() -> None:
    p = load_profile("issste")
    assert p.labels == ("inconformidad", "reconocimiento", "sugerencia", "solicitud_servicio",
                        "orientacion", "no_peticion")
    assert "nss" not in p.minimum_data and "nss" not in p.fields
    assert p.minimum_data == ("nombre", "personal_involucrado", "domicilio", "telefono",
                              "correo")
    assert (p.case_system, p.short_name) == ("SINAPP", "ISSSTE")
    # Trained from the corpus through its mapping: every corpus label lands on one of its.
    assert p.corpus_label("gestion") == "solicitud_servicio"
    assert p.corpus_label("queja_administrativa") == "inconformidad"


def test_a_mapping_to_an_unknown_type_is_refused(tmp_path: Path) -> None:
    src = Path(__file__).parents[2] / "classifier" / "profiles" / "issste.toml"
    broken = tmp_path / "broken.toml"
    broken.write_text(src.read_text("utf-8").replace('gestion = "solicitud_servicio"',
                                                     'gestion = "tramite"'), "utf-8")
    with pytest.raises(ProfileError, match="tramite"):
        load_profile(broken)


def test_bad_profiles(tmp_path: Path) -> None:
    with pytest.raises(ProfileError):
        load_profile("no-existe")
    bad = tmp_path / "bad.toml"
    bad.write_text('[institution]\ncode = "x"\n', encoding="utf-8")
    with pytest.raises(ProfileError):
        load_profile(bad)
    src = Path(__file__).parents[2] / "classifier" / "profiles" / "imss.toml"
    broken = tmp_path / "broken.toml"
    broken.write_text(src.read_text("utf-8").replace('sugerencia = ["sugerencia"]',
                                                     'sugerencia = ["opinion"]'), "utf-8")
    with pytest.raises(ProfileError, match="opinion"):
        load_profile(broken)
