"""Atomic writes: the file at the path is the old one or the whole new one, never a part."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from common.files import atomic_writer, write_atomic


def test_writes_the_whole_file_and_sets_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "nueva" / "carpeta" / "original.pdf"
    write_atomic(target, b"%PDF-1.7 datos", mode=0o444)
    assert target.read_bytes() == b"%PDF-1.7 datos"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert [p.name for p in target.parent.iterdir()] == ["original.pdf"]


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    """GIVEN a model file on disk WHEN rewriting it fails halfway THEN the old bytes are
    still there and the half-written temp file is gone."""
    target = tmp_path / "clasificador.joblib"
    target.write_bytes(b"modelo anterior")
    with pytest.raises(RuntimeError), atomic_writer(target) as f:
        f.write(b"modelo nuevo a me")
        raise RuntimeError("el disco se llenó")
    assert target.read_bytes() == b"modelo anterior"
    assert [p.name for p in tmp_path.iterdir()] == ["clasificador.joblib"]


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "digitos.pkl"
    target.write_bytes(b"viejo")
    with atomic_writer(target) as f:
        f.write(b"nuevo")
    assert target.read_bytes() == b"nuevo"
