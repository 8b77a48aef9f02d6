"""Originals are stored once, read-only, by content; folders are walked for scans only."""

from __future__ import annotations

import os
from pathlib import Path

from intake import store
from intake.config import Settings
from intake.discovery import discover


def test_original_is_stored_once_and_read_only(settings: Settings) -> None:
    data = b"%PDF-1.4 fake"
    digest = store.sha256_bytes(data)
    rel = store.store_original(settings, data, digest, "pdf")
    path = settings.data_dir / rel
    assert path.read_bytes() == data
    assert not os.access(path, os.W_OK) or os.geteuid() == 0  # root ignores modes
    assert oct(path.stat().st_mode & 0o777) == "0o444"
    assert store.store_original(settings, data, digest, "pdf") == rel


def test_quarantine_keeps_the_file_and_its_reason(settings: Settings) -> None:
    rel = store.quarantine(settings, b"", store.sha256_bytes(b""), "vacio.jpg", "archivo vacío")
    assert (settings.data_dir / rel).exists()
    note = (settings.data_dir / rel).with_suffix(".json").read_text(encoding="utf-8")
    assert "archivo vacío" in note and "vacio.jpg" in note


def test_discovery_walks_folders_for_scans_and_keeps_named_files(tmp_path: Path) -> None:
    (tmp_path / "caja" / "sub").mkdir(parents=True)
    for name in ("a.pdf", "sub/b.JPG", "truth.jsonl", ".oculto.png"):
        (tmp_path / "caja" / name).write_bytes(b"x")
    (tmp_path / "nota.txt").write_bytes(b"x")
    found = discover([tmp_path / "caja", tmp_path / "nota.txt", tmp_path / "no-existe.pdf"])
    assert [c.path.name for c in found.files] == ["a.pdf", "b.JPG", "nota.txt"]
    # Not read, but named with the reason (a hidden file, a name without a scan extension).
    assert [(Path(r.path).name, r.reason.split(":")[0]) for r in found.skipped] == [
        (".oculto.png", "archivo oculto"),
        ("truth.jsonl", "no tiene extensión de escaneo (.pdf, .jpg, .jpeg, .png, .tif, .tiff)")]
    assert found.missing == [str(tmp_path / "no-existe.pdf")]
