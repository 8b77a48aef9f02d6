"""Shared fixtures: isolated settings, a classifier trained once per session, and the
PostgreSQL URL when a server is reachable.

The suite runs on SQLite by default. With BUZON_TEST_DATABASE=postgresql every test that
takes `settings`, `new_database_url` or `cli_env` gets a throw-away PostgreSQL schema instead
(on BUZON_TEST_POSTGRES_URL or the local server); if no server answers, the whole pass is
skipped with a message rather than failed.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from intake.config import Settings, default_database_url, ensure_dirs, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ocr.digits import DigitModels

# The hostile corpus is imported as tests.hostile.corpus, by tests and by bench/: the
# repository root must be importable however pytest was started.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEST_DATABASE_ENV = "BUZON_TEST_DATABASE"
MODEL_FILE = "clasificador-imss.joblib"  # classifier.model.bundle_path of the default
_DATABASES = {"": "sqlite", "sqlite": "sqlite", "postgresql": "postgresql",
              "postgres": "postgresql"}


def _test_database() -> str:
    """'sqlite' or 'postgresql', from BUZON_TEST_DATABASE (unset: SQLite)."""
    value = os.environ.get(TEST_DATABASE_ENV, "").strip().lower()
    if value not in _DATABASES:
        raise pytest.UsageError(f"{TEST_DATABASE_ENV}={value!r} no es válido: use sqlite o "
                                "postgresql")
    return _DATABASES[value]


def _postgres_base_url() -> str:
    return os.environ.get("BUZON_TEST_POSTGRES_URL", DEFAULT_PG_URL)


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _pg_reachable(url: str) -> bool:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    try:
        with socket.create_connection((u.host or "127.0.0.1", u.port or 5432), timeout=1):
            return True
    except OSError:
        return False


def pytest_configure(config: pytest.Config) -> None:
    _test_database()  # a typo in the switch stops the run before anything else


def pytest_report_header(config: pytest.Config) -> str:
    if _test_database() == "postgresql":
        scope = ("todas las pruebas" if os.environ.get(RUN_ALL_ENV) else
                 f"solo las pruebas que usan la base de datos (las demás ya corrieron en la "
                 f"pasada SQLite; {RUN_ALL_ENV}=1 las corre también)")
        return (f"base de datos de prueba: PostgreSQL ({_shown(_postgres_base_url())}), "
                f"{scope}")
    return "base de datos de prueba: SQLite"


# A test that takes none of these fixtures (directly or through another fixture) never
# opens the pass's database: a PostgreSQL pass would run it exactly as the SQLite pass did.
_DATABASE_FIXTURES = frozenset({"settings", "new_database_url", "new_session_database_url",
                                "cli_env", "postgres_url"})
RUN_ALL_ENV = "BUZON_TEST_ALL"  # =1: a PostgreSQL pass runs the database-free tests too


def _uses_database(item: pytest.Item) -> bool:
    return bool(_DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A PostgreSQL pass runs only the tests that use the database; with no server to talk
    to, it skips the whole pass at once."""
    if _test_database() != "postgresql":
        return
    if not os.environ.get(RUN_ALL_ENV):
        kept = [i for i in items if _uses_database(i)]
        if len(kept) < len(items):
            config.hook.pytest_deselected(items=[i for i in items if not _uses_database(i)])
            items[:] = kept
    if _pg_reachable(_postgres_base_url()):
        return
    skip = pytest.mark.skip(reason=(
        f"PostgreSQL no disponible en {_shown(_postgres_base_url())}: se omite la pasada "
        f"de pruebas sobre PostgreSQL ({TEST_DATABASE_ENV}=postgresql); defina "
        "BUZON_TEST_POSTGRES_URL para usar otro servidor"))
    for item in items:
        item.add_marker(skip)


@contextmanager
def _throwaway_schema(base_url: str) -> Iterator[str]:
    """A URL whose search_path is a new, empty schema; the schema is dropped on exit."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from models.db import make_engine

    name = f"t_{uuid.uuid4().hex[:10]}"
    base = make_url(base_url)
    # application_name tags the schema's connections so teardown can end leftovers
    # (an undisposed pool, a killed child's session) that would make DROP SCHEMA wait.
    url = base.update_query_dict({"options": f"-csearch_path={name}",
                                  "application_name": name})
    admin = make_engine(base_url)
    try:
        with admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {name}"))
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as c:
            c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE application_name = :name AND pid <> pg_backend_pid()"),
                      {"name": name})
            c.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        admin.dispose()


def _database_factory(request: pytest.FixtureRequest) -> Callable[[Path], str]:
    if _test_database() == "sqlite":
        return default_database_url
    base_url = request.getfixturevalue("postgres_url")
    schemas = ExitStack()
    request.addfinalizer(schemas.close)
    return lambda data_dir: schemas.enter_context(_throwaway_schema(base_url))


@pytest.fixture
def new_database_url(request: pytest.FixtureRequest) -> Callable[[Path], str]:
    """A factory of fresh, empty databases for a data dir: the SQLite file the app would use
    there by default, or, on a PostgreSQL pass, a throw-away schema dropped after the test."""
    return _database_factory(request)


@pytest.fixture(scope="session")
def new_session_database_url(request: pytest.FixtureRequest) -> Callable[[Path], str]:
    """`new_database_url` for session fixtures (templates built once): PostgreSQL schemas
    are dropped at the end of the run."""
    return _database_factory(request)


@pytest.fixture
def settings(tmp_path: Path, new_database_url: Callable[[Path], str]) -> Settings:
    """Settings on a fresh data dir, with a fresh database: SQLite under tmp_path, or a
    throw-away PostgreSQL schema on a PostgreSQL pass."""
    data_dir = tmp_path / "datos"
    return load_settings(env={}, data_dir=data_dir, database_url=new_database_url(data_dir))


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus trained once (the same code path `buzon train` uses)."""
    from classifier.model import save_bundle
    from classifier.profile import load_profile
    from classifier.training import train_from_corpus

    path = tmp_path_factory.mktemp("modelo") / MODEL_FILE
    save_bundle(train_from_corpus(load_profile("imss")), path)
    return path


@pytest.fixture(scope="session")
def trained_issste_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ISSSTE's bundle (the corpus through its label mapping, plus its own texts), trained
    once."""
    from classifier.model import bundle_path, save_bundle
    from classifier.profile import load_profile
    from classifier.training import train_from_corpus

    path = bundle_path(tmp_path_factory.mktemp("modelo-issste"), "issste")
    save_bundle(train_from_corpus(load_profile("issste")), path)
    return path


@pytest.fixture(scope="session")
def digit_models(tmp_path_factory: pytest.TempPathFactory) -> DigitModels:
    """The handwritten-digit model, trained once per session into a folder of its own (the
    code path `buzon train` uses); readers in tests share it, and `ready_settings` copies
    its file, so no test trains it again."""
    from ocr.digits import DigitModels

    models = DigitModels(tmp_path_factory.mktemp("digitos"))
    models.keep()
    return models


@pytest.fixture
def ready_settings(settings: Settings, trained_model: Path,
                   digit_models: DigitModels) -> Settings:
    """Settings on a fresh data dir that already holds the trained models (the classifier
    and the digit model)."""
    from ocr.digits import MODEL_FILE as DIGITS_FILE

    ensure_dirs(settings)
    shutil.copy(trained_model, settings.models_dir / MODEL_FILE)
    assert digit_models.folder is not None
    shutil.copy(digit_models.folder / DIGITS_FILE, settings.models_dir / DIGITS_FILE)
    return settings


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[Settings], Settings]:
    """Point the `buzon` command (in this process, or a child that copies os.environ) at a
    data dir and database, with no config file and no external Dask scheduler."""

    def point(settings: Settings) -> Settings:
        monkeypatch.setenv("BUZON_DATA_DIR", str(settings.data_dir))
        if settings.database_url == default_database_url(settings.data_dir):
            monkeypatch.delenv("BUZON_DATABASE_URL", raising=False)  # as users get it
        else:
            monkeypatch.setenv("BUZON_DATABASE_URL", settings.database_url)
        for var in ("BUZON_CONFIG", "BUZON_DASK_SCHEDULER"):
            monkeypatch.delenv(var, raising=False)
        return settings

    return point


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL (BUZON_TEST_POSTGRES_URL or the local server); skips if none."""
    url = _postgres_base_url()
    if not _pg_reachable(url):
        pytest.skip(f"PostgreSQL no disponible en {_shown(url)}: se omiten las pruebas "
                    "solo-PostgreSQL")
    return url


@pytest.fixture
def pg_schema_url(postgres_url: str) -> Iterator[str]:
    """A URL whose search_path is a throw-away schema, dropped after the test."""
    with _throwaway_schema(postgres_url) as url:
        yield url


@pytest.fixture
def pg_engine(pg_schema_url: str) -> Iterator[Engine]:
    from models.db import make_engine

    engine = make_engine(pg_schema_url)
    yield engine
    engine.dispose()


class SmtpSink:
    """What a loopback aiosmtpd server received; `fail_next` makes it refuse the next
    messages with a temporary error (451), as a busy relay would."""

    def __init__(self) -> None:
        import threading

        self.messages: list[object] = []
        self.logins: list[str] = []
        self.fail_next = 0
        self.received = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.fail_next:
            self.fail_next -= 1
            return "451 4.3.0 Intente más tarde"
        with self.received:
            self.messages.append(envelope)
            self.received.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 15) -> list[object]:
        """Wait until `count` messages arrived (a condition, not a sleep)."""
        with self.received:
            assert self.received.wait_for(lambda: len(self.messages) >= count, timeout), (
                f"se esperaban {count} mensajes, llegaron {len(self.messages)}")
            return list(self.messages)

    def email(self, i: int):  # type: ignore[no-untyped-def]
        """Message `i` parsed, with its decoded body."""
        from email import message_from_bytes, policy

        return message_from_bytes(self.messages[i].original_content,  # type: ignore[attr-defined]
                                  policy=policy.default)


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpSink, int]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that accepts the login buzon/secreto."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    sink = SmtpSink()

    def authenticator(server, session, envelope, mechanism, data):  # type: ignore[no-untyped-def]
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"buzon", b"secreto")
        if ok:
            sink.logins.append(data.login.decode())
        return AuthResult(success=ok)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def mail_on(smtp_server: tuple[SmtpSink, int]) -> Callable[..., Settings]:
    """Turns e-mail on in a Settings, towards the loopback server of `smtp_server`."""
    from dataclasses import replace

    def on(settings: Settings, **extra: object) -> Settings:
        return replace(settings, correo_activo=True, smtp_host="127.0.0.1",
                       smtp_port=smtp_server[1], smtp_tls="ninguno", smtp_user="buzon",
                       smtp_password="secreto", smtp_timeout=10.0,
                       correo_remitente="buzon@umf20.example",
                       url_estacion="https://buzon.example.org", **extra)

    return on
