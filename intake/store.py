"""Content-addressed storage of originals and quarantine; originals are never modified."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from common.files import write_atomic
from intake.config import Settings
from intake.errors import UnsupportedFileError

_EXT_BY_KIND = {"pdf": ".pdf", "tiff": ".tif", "jpeg": ".jpg", "png": ".png"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_once(path: Path, data: bytes) -> None:
    """Write atomically and make read-only; an existing copy (same hash) is left as is."""
    if path.exists():
        return
    write_atomic(path, data, mode=0o444)


def store_original(settings: Settings, data: bytes, digest: str, kind: str) -> str:
    """Keep the original under originales/ab/<sha256>.<ext>; returns the data-dir path."""
    rel = Path("originales") / digest[:2] / f"{digest}{_EXT_BY_KIND.get(kind, '.bin')}"
    _write_once(settings.data_dir / rel, data)
    return rel.as_posix()


def quarantine(settings: Settings, data: bytes, digest: str, given_as: str,
               reason: str) -> str:
    """Keep an unreadable file with its reason beside it; returns the data-dir path."""
    rel = Path("cuarentena") / f"{digest}.bin"
    _write_once(settings.data_dir / rel, data)
    note = settings.data_dir / "cuarentena" / f"{digest}.json"
    note.write_text(json.dumps({
        "archivo": given_as,
        "sha256": digest,
        "motivo": reason,
        "fecha": datetime.now(UTC).isoformat(timespec="seconds"),
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return rel.as_posix()


def release_quarantine(settings: Settings, digest: str) -> None:
    """Drop the quarantine copy and note of a file read again and stored as an original."""
    for name in (f"{digest}.bin", f"{digest}.json"):
        (settings.data_dir / "cuarentena" / name).unlink(missing_ok=True)


def save_page_image(settings: Settings, digest: str, page_no: int, png: bytes) -> str:
    """Keep the cleaned page image the review UI shows; returns the data-dir path."""
    rel = Path("paginas") / digest[:2] / f"{digest}-p{page_no:04d}.png"
    _write_once(settings.data_dir / rel, png)
    return rel.as_posix()


def store_attachment(settings: Settings, data: bytes) -> str:
    """Keep a document's attachment (an area's scanned answer: PDF or image) under
    respuestas/ab/<sha256>.<ext>, by content; returns the data-dir path."""
    from ocr.loading import sniff_kind

    kind = sniff_kind(data)
    if not data or kind not in _EXT_BY_KIND:
        raise UnsupportedFileError("El archivo debe ser PDF, JPG, PNG o TIFF.")
    digest = sha256_bytes(data)
    rel = Path("respuestas") / digest[:2] / f"{digest}{_EXT_BY_KIND[kind]}"
    _write_once(settings.data_dir / rel, data)
    return rel.as_posix()
