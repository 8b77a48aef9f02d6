"""Errors raised by intake; the CLI turns each into its exit code (common.errors)."""

from __future__ import annotations

import errno

from common.errors import BuzonError, ExitCode


class IntakeError(BuzonError):
    """Root of intake failures."""

    exit_code = ExitCode.INTAKE


class ConfigError(IntakeError):
    """Configuration file or variables are wrong."""

    exit_code = ExitCode.CONFIG


class UnsupportedFileError(IntakeError):
    """A file is empty, corrupt, too large or of a kind we do not read."""

    exit_code = ExitCode.UNSUPPORTED_FILE


class SomeFilesFailed(IntakeError):
    """Ingest finished, but some files went to quarantine or some paths were not read."""

    exit_code = ExitCode.FILES_FAILED


class SomeRowsFailed(IntakeError):
    """A command kept its good input lines, but some lines had errors (historial, classify)."""

    exit_code = ExitCode.ROWS_FAILED


class ClusterError(IntakeError):
    """The Dask cluster could not be started or reached."""

    exit_code = ExitCode.CLUSTER


# Spanish for the operating system's reasons, by errno: its own strerror is English
# ("Permission denied") whatever the locale the batch runs under.
_OS_REASONS = {
    errno.EACCES: "sin permiso de lectura",
    errno.EPERM: "sin permiso de lectura",
    errno.ENOENT: "ya no existe (se movió o se borró durante el lote)",
    errno.ENOTDIR: "una parte de la ruta no es una carpeta",
    errno.EISDIR: "es una carpeta, no un archivo",
    errno.ELOOP: "es un enlace simbólico en ciclo",
    errno.ENAMETOOLONG: "el nombre es demasiado largo",
    errno.EIO: "falla de lectura del disco",
    errno.ENXIO: "no es un archivo normal (dispositivo)",
    errno.ENODEV: "no es un archivo normal (dispositivo)",
    errno.EBUSY: "está en uso por otro programa",
    errno.ETXTBSY: "está en uso por otro programa",
    errno.ENOMEM: "no hay memoria suficiente",
    errno.EMFILE: "hay demasiados archivos abiertos",
    errno.ENFILE: "hay demasiados archivos abiertos",
    errno.ESTALE: "la unidad de red ya no responde",
    errno.ETIMEDOUT: "la unidad de red no responde",
    errno.EHOSTDOWN: "la unidad de red no responde",
    errno.ENOTCONN: "la unidad de red no responde",
}


def os_reason(e: OSError) -> str:
    """The Spanish reason for an operating system error, for users and quarantine notes."""
    if e.errno in _OS_REASONS:
        return _OS_REASONS[e.errno]
    name = errno.errorcode.get(e.errno or 0)
    return f"falla del sistema operativo ({name})" if name else "falla del sistema operativo"


class NoticesNotSent(IntakeError):
    """Some e-mail notices could not be sent; they stay in the outbox to be retried."""

    exit_code = ExitCode.NOTICES_NOT_SENT


class IsolatedIngestError(IntakeError):
    """An ingest run in a child process stopped before its end (its time limit, its memory,
    a database it may not migrate); the message is Spanish, for the person who asked."""

    exit_code = ExitCode.INGEST_STOPPED

