"""Typed settings, built once at the entry point from defaults, a TOML file and BUZON_* vars."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from intake.errors import ConfigError

if TYPE_CHECKING:
    from classifier.profile import Profile

CONFIG_FILE_ENV = "BUZON_CONFIG"


@dataclass(frozen=True)
class Service:
    """An area a petition can be forwarded to ("turnar al área"), from the catalogue."""

    name: str
    email: str | None = None  # where forwarding sheets and reminders go, if known
    units: tuple[str, ...] = ()  # the units that have it; () = every unit

    def serves(self, unit: str | None) -> bool:
        return not self.units or unit in self.units


# The services of a unit (DOMAIN.md) when the configuration names none.
DEFAULT_SERVICES = tuple(Service(n) for n in (
    "Urgencias", "Medicina Familiar", "Farmacia", "Laboratorio", "Rayos X / Imagenología",
    "Hospitalización", "Trabajo Social", "Archivo Clínico", "Vigencia de Derechos",
    "Incapacidades / Prestaciones Económicas", "Guardería", "Atención Médica Continua",
    "Dirección de la unidad"))


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    institution: str = "imss"  # the profile's code (classifier/profiles/) or a TOML path
    default_unit: str | None = None
    tesseract_lang: str = "spa"
    tesseract_timeout: float = 120.0  # seconds per Tesseract call
    # RapidOCR reads every NSS, phone and e-mail region again (ocr.rapid): on by default,
    # as bench/second_reader.py measured it finds values Tesseract misses in handwriting.
    segundo_lector: bool = True
    max_image_pixels: int = 150_000_000  # refuse decompression bombs beyond this
    secret_key: str | None = None  # Flask session key; generated and kept in data_dir if None
    dask_scheduler: str | None = None  # address of an existing Dask scheduler; None: local
    # The institution's own non-working days, on top of the federal holidays (LFT art. 74)
    # that intake.business_days already knows: every deadline skips them.
    dias_inhabiles: tuple[date, ...] = ()
    # The service catalogue (TOML [[servicios]] nombre, correo, unidades).
    servicios: tuple[Service, ...] = DEFAULT_SERVICES
    intentos_contacto: int = 3  # failed contact attempts before closing as desinterés
    # E-mail notices (intake.mail): off unless correo_activo. TLS: starttls | ssl | ninguno.
    correo_activo: bool = False
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_tls: str = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)  # BUZON_SMTP_PASSWORD
    smtp_timeout: float = 30.0  # seconds for connecting and each SMTP command
    correo_remitente: str = "buzon@localhost"  # the From of every notice
    url_estacion: str | None = None  # the station's address, for links in notices
    # An upload in the review station is read in a child process (intake.isolated) with at
    # most this much memory (MiB of data segment, each of its processes; 0: no limit) and
    # stopped after this many seconds; its files stay in data_dir/cargas to be read again.
    upload_memory_mb: int = 1536
    upload_timeout: float = 3600.0
    # A reviewer who opens a pending document holds it this many seconds (review_ui.claims).
    claim_timeout: float = 600.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originales"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "cuarentena"

    @property
    def pages_dir(self) -> Path:
        return self.data_dir / "paginas"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "modelos"

    @property
    def profile(self) -> Profile:
        """The institution profile every layer is given: types, required data, routes,
        deadlines, duplicate rules, the model it trains and the words on screen."""
        from classifier.profile import load_profile  # cached: read once per code

        return load_profile(self.institution)


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("buzon-intake"))


def default_database_url(data_dir: Path) -> str:
    """The SQLite database inside a data dir, used when no database is configured."""
    return f"sqlite:///{Path(data_dir).expanduser().resolve() / 'buzon.sqlite3'}"


def load_settings(env: Mapping[str, str] | None = None, config_file: Path | None = None,
                  **overrides: Any) -> Settings:
    """Defaults < TOML file (BUZON_CONFIG or ./buzon.toml) < BUZON_* variables < overrides."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    path = config_file or (Path(env[CONFIG_FILE_ENV]) if env.get(CONFIG_FILE_ENV) else None)
    if path is None and Path("buzon.toml").is_file():
        path = Path("buzon.toml")
    if path is not None:
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"No se pudo leer la configuración {path}: {e}") from e
    known = {f.name for f in fields(Settings)}
    for name in known - {"extra"}:
        key = f"BUZON_{name.upper()}"
        if env.get(key):
            values[name] = env[key]
    values.update({k: v for k, v in overrides.items() if v is not None})
    unknown = set(values) - known
    if unknown:
        raise ConfigError(f"Opciones de configuración desconocidas: {', '.join(sorted(unknown))}")

    data_dir = Path(values.pop("data_dir", None) or _default_data_dir()).expanduser().resolve()
    db_url = values.pop("database_url", None) or default_database_url(data_dir)
    try:
        for name in ("tesseract_timeout", "smtp_timeout", "upload_timeout", "claim_timeout"):
            if name in values:
                values[name] = float(values[name])
        for name in ("max_image_pixels", "smtp_port", "upload_memory_mb"):
            if name in values:
                values[name] = int(values[name])
    except ValueError as e:
        raise ConfigError(f"Valor de configuración no válido: {e}") from e
    if values.get("claim_timeout", 1.0) <= 0:
        raise ConfigError("claim_timeout debe ser un número de segundos mayor que 0.")
    if values.get("upload_memory_mb", 0) < 0 or values.get("upload_timeout", 1.0) <= 0:
        raise ConfigError("upload_memory_mb debe ser 0 (sin límite) o más, y upload_timeout "
                          "un número de segundos mayor que 0.")
    for name in ("correo_activo", "segundo_lector"):
        if name in values:
            values[name] = _flag(name, values[name])
    if values.get("smtp_tls", "starttls") not in ("starttls", "ssl", "ninguno"):
        raise ConfigError("smtp_tls debe ser starttls, ssl o ninguno.")
    if "dias_inhabiles" in values:
        values["dias_inhabiles"] = _days_off(values["dias_inhabiles"])
    if "servicios" in values:
        values["servicios"] = _services(values["servicios"])
    if "intentos_contacto" in values:
        try:
            values["intentos_contacto"] = int(values["intentos_contacto"])
        except ValueError as e:
            raise ConfigError("intentos_contacto debe ser un número entero.") from e
        if values["intentos_contacto"] < 1:
            raise ConfigError("intentos_contacto debe ser al menos 1.")
    return Settings(data_dir=data_dir, database_url=db_url, **values)


def _days_off(value: Any) -> tuple[date, ...]:
    """A TOML list of dates (or ISO strings), or the variable's comma-separated ISO dates."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ConfigError("dias_inhabiles debe ser una lista de fechas AAAA-MM-DD.")
    days = []
    for item in items:
        if isinstance(item, date):
            days.append(item)
            continue
        try:
            days.append(date.fromisoformat(str(item).strip()))
        except ValueError as e:
            raise ConfigError(f"Día inhábil no válido «{str(item).strip()}»: use AAAA-MM-DD."
                              ) from e
    return tuple(sorted(set(days)))


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "si", "sí", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name} debe ser verdadero o falso (true/false).")


def _services(value: Any) -> tuple[Service, ...]:
    """[[servicios]] tables (nombre, optional correo and unidades), or plain names (the
    variable: comma-separated)."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not value:
        raise ConfigError("servicios debe ser una lista de tablas [[servicios]] con nombre.")
    out, seen = [], set()
    for item in value:
        item = {"nombre": item} if isinstance(item, str) else item
        name = str(item.get("nombre") or "").strip() if isinstance(item, dict) else ""
        if not name or len(name) > 120:
            raise ConfigError("Cada servicio necesita un nombre (máximo 120 caracteres).")
        if name in seen:
            raise ConfigError(f"El servicio «{name}» está repetido.")
        unknown = set(item) - {"nombre", "correo", "unidades"}
        if unknown:
            raise ConfigError(f"Servicio «{name}»: opciones desconocidas "
                              f"{', '.join(sorted(unknown))}")
        email = str(item.get("correo") or "").strip() or None
        if email is not None and "@" not in email:
            raise ConfigError(f"Servicio «{name}»: el correo «{email}» no es válido.")
        seen.add(name)
        out.append(Service(name, email, tuple(str(u) for u in item.get("unidades", ()))))
    return tuple(out)


def ensure_dirs(settings: Settings) -> None:
    """Create the data-dir layout (idempotent)."""
    for d in (settings.data_dir, settings.originals_dir, settings.quarantine_dir,
              settings.pages_dir, settings.models_dir):
        d.mkdir(parents=True, exist_ok=True)


def with_overrides(settings: Settings, **kw: Any) -> Settings:
    return replace(settings, **kw)
