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
    assert "inconformidad" in p.labels and "queja_servicio" not in p.labels
    assert "nss" not in p.minimum_data


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
