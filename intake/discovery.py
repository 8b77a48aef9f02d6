"""Expand the paths given to ingest into the files to read, in a stable order."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Extensions picked up when walking a folder. A file named explicitly is always tried: its
# content, not its name, decides whether it can be read.
SCAN_EXTENSIONS = frozenset({".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"})


@dataclass(frozen=True)
class Candidate:
    path: Path
    given_as: str  # the path as the user wrote it (or folder/relative for walked files)


@dataclass
class Discovery:
    files: list[Candidate]
    skipped: list[Path]  # files inside folders that are not scans (e.g. notes, truth.jsonl)
    missing: list[str]  # paths given that do not exist


def discover(paths: Iterable[str | Path]) -> Discovery:
    """Files named directly, plus scan files found under the folders named."""
    files: list[Candidate] = []
    skipped: list[Path] = []
    missing: list[str] = []
    seen: set[Path] = set()
    for raw in paths:
        given = str(raw)
        p = Path(raw)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                if f.name.startswith("."):
                    continue
                if f.suffix.lower() not in SCAN_EXTENSIONS:
                    skipped.append(f)
                    continue
                key = f.resolve()
                if key not in seen:
                    seen.add(key)
                    files.append(Candidate(f, str(Path(given) / f.relative_to(p))))
        elif p.is_file():
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                files.append(Candidate(p, given))
        else:
            missing.append(given)
    log.debug("discovered %d files, skipped %d, missing %d", len(files), len(skipped),
              len(missing))
    return Discovery(files, skipped, missing)
