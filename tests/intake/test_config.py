"""Settings: defaults < TOML < BUZON_* variables < overrides, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.config import load_settings
from intake.errors import ConfigError


def test_database_defaults_to_sqlite_inside_the_data_dir(tmp_path: Path) -> None:
    s = load_settings(env={"BUZON_DATA_DIR": str(tmp_path / "d")})
    assert s.data_dir == (tmp_path / "d").resolve()
    assert s.database_url == f"sqlite:///{s.data_dir / 'buzon.sqlite3'}"


def test_environment_beats_toml_file(tmp_path: Path) -> None:
    cfg = tmp_path / "buzon.toml"
    cfg.write_text('data_dir = "/tmp/uno"\ndefault_unit = "HGZ 1"\ntesseract_timeout = 30\n')
    s = load_settings(env={"BUZON_CONFIG": str(cfg), "BUZON_DATA_DIR": str(tmp_path)})
    assert s.data_dir == tmp_path.resolve()
    assert s.default_unit == "HGZ 1"
    assert s.tesseract_timeout == 30.0


def test_unknown_option_and_bad_toml_are_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "buzon.toml"
    cfg.write_text('colour = "azul"\n')
    with pytest.raises(ConfigError, match="desconocidas"):
        load_settings(env={"BUZON_CONFIG": str(cfg)})
    cfg.write_text("data_dir = \n")
    with pytest.raises(ConfigError, match="No se pudo leer"):
        load_settings(env={"BUZON_CONFIG": str(cfg)})


def test_the_service_catalogue_and_contact_attempts_are_configured(tmp_path: Path) -> None:
    from intake.config import DEFAULT_SERVICES, Service

    assert load_settings(env={"BUZON_DATA_DIR": str(tmp_path)}).servicios == DEFAULT_SERVICES
    cfg = tmp_path / "buzon.toml"
    cfg.write_text('intentos_contacto = 2\n'
                   '[[servicios]]\nnombre = "Farmacia"\ncorreo = "farmacia@umf20.example"\n'
                   '[[servicios]]\nnombre = "Urgencias"\nunidades = ["HGZ 1"]\n')
    s = load_settings(env={"BUZON_CONFIG": str(cfg), "BUZON_DATA_DIR": str(tmp_path)})
    assert s.intentos_contacto == 2
    assert s.servicios == (Service("Farmacia", "farmacia@umf20.example"),
                           Service("Urgencias", None, ("HGZ 1",)))
    assert s.servicios[1].serves("HGZ 1") and not s.servicios[1].serves("UMF 20")
    env = {"BUZON_DATA_DIR": str(tmp_path), "BUZON_SERVICIOS": "Farmacia, Laboratorio"}
    assert [x.name for x in load_settings(env=env).servicios] == ["Farmacia", "Laboratorio"]
    cfg.write_text('[[servicios]]\nnombre = "Farmacia"\n[[servicios]]\nnombre = "Farmacia"\n')
    with pytest.raises(ConfigError, match="repetido"):
        load_settings(env={"BUZON_CONFIG": str(cfg)})
    with pytest.raises(ConfigError, match="al menos 1"):
        load_settings(env={"BUZON_DATA_DIR": str(tmp_path), "BUZON_INTENTOS_CONTACTO": "0"})


def test_email_is_off_by_default_and_configured_by_file_or_variables(tmp_path: Path) -> None:
    s = load_settings(env={"BUZON_DATA_DIR": str(tmp_path)})
    assert (s.correo_activo, s.smtp_port, s.smtp_tls) == (False, 587, "starttls")
    s = load_settings(env={"BUZON_DATA_DIR": str(tmp_path), "BUZON_CORREO_ACTIVO": "true",
                           "BUZON_SMTP_HOST": "smtp.imss.example", "BUZON_SMTP_PORT": "465",
                           "BUZON_SMTP_TLS": "ssl", "BUZON_SMTP_USER": "buzon",
                           "BUZON_SMTP_PASSWORD": "secreto"})
    assert (s.correo_activo, s.smtp_host, s.smtp_port, s.smtp_tls, s.smtp_user) == (
        True, "smtp.imss.example", 465, "ssl", "buzon")
    assert "secreto" not in repr(s)  # the password never reaches a log line through repr
    with pytest.raises(ConfigError, match="smtp_tls"):
        load_settings(env={"BUZON_DATA_DIR": str(tmp_path), "BUZON_SMTP_TLS": "tls1.3"})
    with pytest.raises(ConfigError, match="verdadero o falso"):
        load_settings(env={"BUZON_DATA_DIR": str(tmp_path), "BUZON_CORREO_ACTIVO": "quizá"})


def test_upload_limits_have_defaults_and_come_from_variables(tmp_path: Path) -> None:
    defaults = load_settings(env={}, data_dir=tmp_path)
    assert (defaults.upload_memory_mb, defaults.upload_timeout) == (1536, 3600.0)
    s = load_settings(env={"BUZON_UPLOAD_MEMORY_MB": "900", "BUZON_UPLOAD_TIMEOUT": "600"},
                      data_dir=tmp_path)
    assert (s.upload_memory_mb, s.upload_timeout) == (900, 600.0)
    with pytest.raises(ConfigError, match="upload_timeout"):
        load_settings(env={"BUZON_UPLOAD_TIMEOUT": "0"}, data_dir=tmp_path)


def test_the_claim_timeout_is_a_setting(tmp_path: Path) -> None:
    """How long an open document stays with its reviewer: 10 minutes unless configured."""
    assert load_settings(env={}, data_dir=tmp_path).claim_timeout == 600.0
    s = load_settings(env={"BUZON_CLAIM_TIMEOUT": "90"}, data_dir=tmp_path)
    assert s.claim_timeout == 90.0
    with pytest.raises(ConfigError, match="claim_timeout"):
        load_settings(env={"BUZON_CLAIM_TIMEOUT": "0"}, data_dir=tmp_path)


def test_the_second_reader_is_on_by_default_and_switched_by_file_or_variable(
        tmp_path: Path) -> None:
    assert load_settings(env={"BUZON_DATA_DIR": str(tmp_path)}).segundo_lector is True
    cfg = tmp_path / "buzon.toml"
    cfg.write_text("segundo_lector = false\n")
    assert load_settings(env={"BUZON_CONFIG": str(cfg)}).segundo_lector is False
    assert load_settings(env={"BUZON_DATA_DIR": str(tmp_path),
                              "BUZON_SEGUNDO_LECTOR": "no"}).segundo_lector is False
    with pytest.raises(ConfigError, match="segundo_lector debe ser verdadero o falso"):
        load_settings(env={"BUZON_DATA_DIR": str(tmp_path), "BUZON_SEGUNDO_LECTOR": "quizá"})


def test_ingest_asked_for_the_second_reader_refuses_in_spanish_when_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN the second reader on (the default) and rapidocr not installed WHEN ingesting
    THEN a Spanish error says how to install it or switch it off, before anything is read
    or stored."""
    from common.errors import ExitCode
    from intake.pipeline import ingest_paths
    from ocr import rapid
    from ocr.errors import EngineError

    monkeypatch.setattr(rapid, "find_spec", lambda _name: None)
    settings = load_settings(env={"BUZON_DATA_DIR": str(tmp_path / "datos")})
    with pytest.raises(EngineError, match="scripts/setup.sh o desactive") as err:
        ingest_paths([str(tmp_path / "nada")], settings)
    assert err.value.exit_code == ExitCode.OCR_ENGINE
    assert not (tmp_path / "datos").exists()
