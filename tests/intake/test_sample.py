"""The sample box: deterministic files, truth that matches them, every kind and type."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from classifier.profile import load_profile
from classifier.route import route_for
from classifier.validate import is_valid_nss
from intake.sample import TRUTH_FILE, generate, write_sample

TYPES = {"orientacion", "gestion", "queja_servicio", "queja_administrativa", "sugerencia",
         "reconocimiento", "no_peticion"}
PAGE_MARK = re.compile(r"-?\s*\d+\s*-?|\d+/\d+|(?:[Hh]oja|Pág\.) \d+(?: de \d+)?")
FIELDS = {"nombre", "nss", "telefono", "correo", "curp", "unidad", "servicio", "domicilio",
          "personal_involucrado"}


def _hashes(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


def _page_count(path: Path) -> int:
    """Pages in a file, read the way the pipeline will read it when ocr.loading exists."""
    try:
        from ocr.loading import load_file
    except ImportError:
        load_file = None
    if load_file is not None:
        return len(load_file(path.read_bytes(), path.name, max_pixels=150_000_000, dpi=100))
    if path.suffix == ".pdf":
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(path.read_bytes())
        try:
            return len(doc)
        finally:
            doc.close()
    with Image.open(path) as im:
        return getattr(im, "n_frames", 1)


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("box")
    return out, write_sample(out, count=30, seed=7)


def test_same_seed_same_bytes_serial_or_parallel(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN one seed WHEN drawn serially and with two worker processes THEN same bytes."""
    monkeypatch.setattr(generate, "PARALLEL_MIN_FILES", 2)
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    done: list[int] = []
    ta = write_sample(a, count=6, seed=3, workers=1, progress=done.append)
    tb = write_sample(b, count=6, seed=3, workers=2)
    write_sample(c, count=6, seed=4, workers=1)
    assert ta == tb
    assert _hashes(a) == _hashes(b)
    assert _hashes(a) != _hashes(c)
    assert sum(done) == 6
    lines = (a / TRUTH_FILE).read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == ta


def test_truth_references_existing_files_and_pages(box: tuple[Path, list[dict]]) -> None:
    out, truth = box
    by_file: dict[str, list[int]] = {}
    for rec in truth:
        assert (out / rec["source"]).is_file()
        assert rec["pages"] == list(range(rec["pages"][0], rec["pages"][-1] + 1))
        by_file.setdefault(rec["source"], []).extend(rec["pages"])
    for name, pages in by_file.items():
        # every page of every file belongs to exactly one document, in order
        assert pages == list(range(1, _page_count(out / name) + 1)), name
    written = {p.name for p in out.iterdir()} - {TRUTH_FILE}
    assert written == set(by_file)


def test_every_kind_type_and_format_shows_up(box: tuple[Path, list[dict]]) -> None:
    _out, truth = box
    assert len(truth) == 30
    assert {r["kind"] for r in truth} == {"volante", "escrito_libre", "otro"}
    assert {r["type"] for r in truth} == TYPES
    assert {r["source"].rsplit(".", 1)[1] for r in truth} == {"pdf", "jpg", "png", "tif"}
    assert any(len(r["pages"]) > 1 for r in truth)
    per_file = Counter(r["source"] for r in truth)
    assert max(per_file.values()) > 1  # a scanner batch holding several documents
    assert any(r["urgent"] for r in truth)
    kinds = Counter(r["kind"] for r in truth)
    assert 0.2 <= kinds["volante"] / 30 <= 0.4
    assert all(r["type"] == "no_peticion" for r in truth if r["kind"] == "otro")


def test_fields_are_canonical_and_routes_agree(box: tuple[Path, list[dict]]) -> None:
    _out, truth = box
    for rec in truth:
        f = rec["fields"]
        assert set(f) == FIELDS
        if f["nss"] is not None:
            assert re.fullmatch(r"\d{11}", f["nss"]) and is_valid_nss(f["nss"])
        if f["telefono"] is not None:
            assert re.fullmatch(r"\d{10}", f["telefono"])
        assert f["unidad"]
        assert rec["route"] == route_for(rec["type"], f, load_profile("imss"))[0]
    assert {r["route"] for r in truth} >= {"desechar", "registrar"}


def test_letters_start_like_letters_and_continue(box: tuple[Path, list[dict]]) -> None:
    _out, truth = box
    letters = [r for r in truth if r["kind"] == "escrito_libre" and r["text"]]
    assert letters
    for rec in letters:
        lines = rec["page_texts"][0].split("\n")
        first = lines[1] if PAGE_MARK.fullmatch(lines[0]) and len(lines) > 1 else lines[0]
        assert first[:1].isupper() or first[:1].isdigit() or first[:1] in "¿¡", first[:40]
        # the truth text is what the pages hold, minus page numbers
        words = set(rec["text"].split())
        page_words = set(" ".join(rec["page_texts"]).split())
        assert words <= page_words


def test_volantes_tick_matching_boxes(box: tuple[Path, list[dict]]) -> None:
    _out, truth = box
    volantes = [r for r in truth if r["kind"] == "volante"]
    assert volantes
    for rec in volantes:
        assert set(rec["checked"]) <= {"queja", "sugerencia", "reconocimiento", "gestion",
                                       "orientacion"}
    matching = sum(1 for r in volantes if r["checked"] and
                   (r["checked"][0] in r["type"] or r["type"].startswith(r["checked"][0])))
    assert matching >= len(volantes) // 2


def test_digital_pdf_has_a_text_layer(box: tuple[Path, list[dict]]) -> None:
    import pypdfium2 as pdfium

    out, truth = box
    digital = [r for r in truth if r["source"].startswith("carta_")]
    assert digital
    rec = digital[0]
    doc = pdfium.PdfDocument((out / rec["source"]).read_bytes())
    try:
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    longest = max(rec["text"].split(), key=len)
    assert longest in text


def test_digit_boxes_hold_real_handwriting_the_digit_model_never_saw() -> None:
    """GIVEN the sample's volante digit pool WHEN compared with the model's training images
    THEN every image is a held-out MNIST digit of the right label, and drawing a number
    puts one in each box, inside the box."""
    import random

    import numpy as np

    from intake.sample import ink
    from intake.sample import volante as sv
    from ocr import digits

    images, labels = digits._mnist()
    train = {im.tobytes() for im in images[:digits.TRAIN_IMAGES]}
    held = dict(zip((im.tobytes() for im in digits.held_out_digits()[0]),
                    digits.held_out_digits()[1], strict=True))
    pool = sv._mnist_by_digit()
    for d, imgs in pool.items():
        assert imgs
        for im in imgs:
            key = np.asarray(im).tobytes()
            assert key not in train and held[key] == int(d)
    t = sv.template()
    zones = [z.to_px(150) for z in t.digit_zones("telefono")]
    layer = ink.InkLayer(t.page_px(150))
    sv._digits(layer, zones, "5512345678", random.Random(1))
    mask = np.asarray(layer.mask)
    for x0, y0, x1, y1 in zones:
        assert (mask[y0:y1, x0:x1] > 128).sum() > 20  # a digit in every box
    inside = sum(int((mask[y0:y1, x0:x1] > 0).sum()) for x0, y0, x1, y1 in zones)
    assert inside >= 0.99 * int((mask > 0).sum())  # and (all but a faint edge) inside them
