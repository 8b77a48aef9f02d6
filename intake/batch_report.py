"""What a batch did: per-file outcomes, totals by type and route, in Spanish and as JSON."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from intake.discovery import Refused


@dataclass
class FileReport:
    given_as: str
    status: str  # nuevo | repetido | cuarentena
    documents: int = 0
    pages: int = 0
    reason: str | None = None
    notes: list[str] = field(default_factory=list)  # Spanish warnings on a stored file
    # Pages stored unread (the engine failed on them): (page number, Spanish reason).
    unread: list[tuple[int, str]] = field(default_factory=list)
    retried: bool = False  # it was in quarantine and was read again


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    skipped: list[Refused] = field(default_factory=list)  # hidden, or not scans: not read
    missing: list[str] = field(default_factory=list)
    links_out: list[Refused] = field(default_factory=list)  # links out of a folder: not read
    unreadable: list[Refused] = field(default_factory=list)  # folders that could not be listed
    not_regular: list[Refused] = field(default_factory=list)  # pipes, devices: not read
    by_type: Counter[str] = field(default_factory=Counter)
    by_route: Counter[str] = field(default_factory=Counter)
    workers: int = 0  # Dask workers the run used; 0 when it ran in this process
    seconds: float = 0.0  # the whole run
    reading_seconds: float = 0.0  # from the cluster being ready to the last file written
    writing_seconds: float = 0.0  # spent in the single writer (database and page images)
    started: float = field(default_factory=time.monotonic, repr=False)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "cuarentena"]

    @property
    def refused(self) -> list[Refused]:
        """What was met in the folders and not read: the run did not do all it was asked."""
        return [*self.unreadable, *self.links_out, *self.not_regular]

    @property
    def documents(self) -> int:
        return sum(f.documents for f in self.files)

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files)

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON (`buzon ingest --report F`). Paths only, no document text."""
        return {
            "archivos": {"nuevos": self.count("nuevo"), "repetidos": self.count("repetido"),
                         "cuarentena": self.count("cuarentena"),
                         "reintentados": sum(f.retried for f in self.files),
                         "no_existen": len(self.missing), "omitidos": len(self.skipped),
                         "carpetas_ilegibles": len(self.unreadable),
                         "enlaces_no_seguidos": len(self.links_out),
                         "no_regulares": len(self.not_regular)},
            "documentos": self.documents,
            "paginas": self.pages,
            "por_tipo": dict(sorted(self.by_type.items())),
            "por_ruta": dict(sorted(self.by_route.items())),
            "fallas": [{"archivo": f.given_as, "motivo": f.reason} for f in self.failed]
            + [{"archivo": m, "motivo": "no existe"} for m in self.missing],
            "carpetas_ilegibles": [{"carpeta": r.path, "motivo": r.reason}
                                   for r in self.unreadable],
            "enlaces_no_seguidos": [{"enlace": r.path, "motivo": r.reason}
                                    for r in self.links_out],
            "no_regulares": [{"archivo": r.path, "motivo": r.reason} for r in self.not_regular],
            "omitidos": [{"archivo": r.path, "motivo": r.reason} for r in self.skipped],
            "avisos": [{"archivo": f.given_as, "aviso": n} for f in self.files for n in f.notes],
            "paginas_sin_leer": [{"archivo": f.given_as, "pagina": n, "motivo": why}
                                 for f in self.files for n, why in f.unread],
            "trabajadores": self.workers,
            "segundos": round(self.seconds, 1),
            "segundos_lectura": round(self.reading_seconds, 1),
            "segundos_escritura": round(self.writing_seconds, 2),
            "paginas_por_segundo": round(self.pages / self.seconds, 3) if self.seconds else None,
            "paginas_por_segundo_lectura": (round(self.pages / self.reading_seconds, 3)
                                            if self.reading_seconds else None),
        }

    def summary_lines(self) -> list[str]:
        """The summary printed at the end of a run, in Spanish."""
        lines = [f"Archivos nuevos: {self.count('nuevo')}, ya ingresados: "
                 f"{self.count('repetido')}, en cuarentena: {len(self.failed)}; "
                 f"documentos: {self.documents}; páginas: {self.pages}"]
        if retried := sum(f.retried for f in self.files):
            lines.append(f"Reintentados (estaban en cuarentena): {retried}")
        if self.seconds and self.pages:
            lines.append(f"Tiempo: {self.seconds:.1f} s ({self.pages / self.seconds:.2f} "
                         f"páginas/s, {self.workers or 1} proceso(s) de lectura)")
        if self.by_type:
            lines.append("Por tipo: " + ", ".join(f"{k} {v}" for k, v in
                                                  sorted(self.by_type.items())))
        if self.by_route:
            lines.append("Por ruta: " + ", ".join(f"{k} {v}" for k, v in
                                                  sorted(self.by_route.items())))
        if self.refused:
            counts = [(len(self.unreadable), "carpeta(s) ilegible(s)"),
                      (len(self.links_out), "enlace(s) no seguido(s)"),
                      (len(self.not_regular), "archivo(s) especial(es)")]
            lines.append("No se leyeron: " + ", ".join(f"{n} {what}" for n, what in counts
                                                        if n))
        lines += [f"  CUARENTENA {f.given_as}: {f.reason}" for f in self.failed]
        lines += [f"  NO EXISTE {m}" for m in self.missing]
        lines += [f"  CARPETA ILEGIBLE {r.path}: {r.reason}" for r in self.unreadable]
        lines += [f"  ENLACE NO SEGUIDO {r.path}: {r.reason}" for r in self.links_out]
        lines += [f"  NO SE LEE {r.path}: {r.reason}" for r in self.not_regular]
        lines += [f"  AVISO {f.given_as}: {n}" for f in self.files for n in f.notes]
        lines += [f"  PÁGINA SIN LEER {f.given_as}, página {n}: {why} (guardada para leerla "
                  "a mano)" for f in self.files for n, why in f.unread]
        if self.skipped:
            lines.append(f"  Omitidos (ocultos o no son escaneos; ver --report): "
                         f"{len(self.skipped)}")
        return lines
