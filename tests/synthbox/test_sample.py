"""The sample box: deterministic files, truth that matches them, every kind and type."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from classifier.validate import is_valid_nss
from synthbox import TRUTH_FILE, generate, ink, write_sample
from synthbox.errors import SampleFontsMissing

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


def test_fields_are_canonical(box: tuple[Path, list[dict]]) -> None:
    _out, truth = box
    for rec in truth:
        f = rec["fields"]
        assert set(f) == FIELDS
        if f["nss"] is not None:
            assert re.fullmatch(r"\d{11}", f["nss"]) and is_valid_nss(f["nss"])
        if f["telefono"] is not None:
            assert re.fullmatch(r"\d{10}", f["telefono"])
        assert f["unidad"]


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

    from ocr import digits
    from synthbox import ink
    from synthbox import volante as sv

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


def test_hands_are_tuning_hands_unless_held_out_ones_are_asked_for() -> None:
    """GIVEN many writers WHEN hands are picked with and without held-out hands THEN
    without, none is held out; with, about a third are, and every other writer keeps the
    very hand it had without."""
    import random

    from synthbox import ink

    tuning = set(ink.HANDS)
    plain = [ink.pick_hand(random.Random(i)) for i in range(600)]
    mixed = [ink.pick_hand(random.Random(i), held_out=True) for i in range(600)]
    assert set(plain) <= tuning and len(set(plain)) == len(tuning)
    held = [m for m in mixed if m in ink.HELD_OUT_HANDS]
    assert set(held) == set(ink.HELD_OUT_HANDS)
    assert 0.2 <= len(held) / len(mixed) <= 0.4
    assert all(p == m for p, m in zip(plain, mixed, strict=True) if m in tuning)
    assert {h.capitals for h in ink.HELD_OUT_HANDS} == {True, False}  # caps and not


def test_the_digit_model_never_trains_on_a_held_out_hand() -> None:
    from ocr import digits
    from synthbox import ink

    trained = {Path(f).name for f in digits.PRINT_FONTS}
    assert trained.isdisjoint(Path(h.path).name for h in ink.HELD_OUT_HANDS)


def test_the_default_box_says_which_tuning_hand_drew_each_document(
        box: tuple[Path, list[dict]]) -> None:
    from synthbox import ink

    _out, truth = box
    names = {h.name for h in ink.HANDS}
    for rec in truth:
        assert rec["held_out"] is False
        drawn_by_hand = rec["style"] in ("volante", "manuscrito", "nota")
        assert (rec["hand"] in names) if drawn_by_hand else rec["hand"] is None
    assert len({r["hand"] for r in truth if r["hand"]}) >= 4


def test_a_benchmark_box_changes_only_the_hands_it_holds_out(tmp_path: Path) -> None:
    """GIVEN one seed WHEN drawn with and without held-out hands THEN the same documents
    with the same texts; only those drawn in a held-out hand changed hand."""
    from synthbox import ink

    plain = write_sample(tmp_path / "a", count=8, seed=3)
    bench = write_sample(tmp_path / "b", count=8, seed=3, held_out=True)
    held = {h.name for h in ink.HELD_OUT_HANDS}
    # some documents, and only hand-drawn ones, went to a held-out hand (which ones depends
    # on the corpus the texts are drawn from)
    styles = {r["style"] for r in bench if r["held_out"]}
    assert styles and styles <= {"volante", "manuscrito", "nota"}
    assert all(r["hand"] in held for r in bench if r["held_out"])
    for p, b in zip(plain, bench, strict=True):
        assert (p["type"], p["fields"], p["corpus_ids"]) == (b["type"], b["fields"],
                                                             b["corpus_ids"])
        assert p["text"].upper() == b["text"].upper()
        if not b["held_out"]:
            assert (p["hand"], p["text"], p["page_texts"]) == (b["hand"], b["text"],
                                                               b["page_texts"])


def test_a_hand_that_writes_in_capitals_is_read_back_in_capitals() -> None:
    import random

    from synthbox import hand, ink

    caps = next(h for h in ink.HANDS if h.capitals)
    _pages, texts = hand.render([("body", "Les pido que me atiendan, gracias.")],
                                random.Random(1), 100, caps, numbered=False)
    assert texts == ["LES PIDO QUE ME ATIENDAN, GRACIAS."]


def test_a_missing_font_is_named_before_anything_is_drawn(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from synthbox import ink

    gone = ink.Hand("perdida", "/usr/share/fonts/no-existe/Perdida.ttf", 1)
    monkeypatch.setattr(ink, "HELD_OUT_HANDS", (gone,))
    write_sample(tmp_path / "ok", count=1, seed=1)  # held-out hands are not needed here
    with pytest.raises(SampleFontsMissing, match="Perdida.ttf"):
        write_sample(tmp_path / "b", count=1, seed=1, held_out=True)
    assert not (tmp_path / "b").exists()


def _long_hand_letters(count: int) -> list[tuple[dict, list[str]]]:
    """`count` long handwritten letters drawn the way a box draws them (truth, page texts).

    Drawn directly rather than taken from a box: how many long letters a 30-document box
    holds depends on the corpus's texts, and the corpus grows.
    """
    import random

    from synthbox import _source
    from synthbox.plan import DocPlan, _Texts
    from synthbox.render import render_doc

    texts = _Texts(_source.test_items(), random.Random("long-letters"))
    drawn = []
    for i, type_ in enumerate(("queja_servicio", "reconocimiento", "sugerencia",
                               "queja_administrativa", "gestion", "orientacion")[:count]):
        item = texts.next(type_)
        doc = DocPlan(i, "hand", item, texts.companions(item, 4))
        r = render_doc(doc, seed=11, unit="UMF 20", dpi=100)
        drawn.append((r.truth, r.page_texts))
    return drawn


def test_long_letters_go_on_over_the_page_mid_sentence_and_sign_on_the_last() -> None:
    """GIVEN long handwritten letters WHEN they run over the page THEN some second page
    starts mid-sentence in lower case, and the contact block sits on the last page."""
    multi = [(t, pages) for t, pages in _long_hand_letters(6) if len(pages) > 1]
    assert len(multi) >= 3  # a letter airing several matters by hand mostly runs over

    def body(text: str) -> list[str]:
        return [ln for ln in text.split("\n") if not PAGE_MARK.fullmatch(ln)]

    assert any(body(pages[1])[0][:1].islower() for _t, pages in multi)
    signed = [(t, p) for t, p in multi if t["fields"]["telefono"] or t["fields"]["correo"]]
    assert signed
    for t, pages in signed:
        written = t["fields"]["correo"] or t["fields"]["telefono"]
        squeeze = [p.replace(" ", "").replace("-", "").lower() for p in pages]
        assert written in squeeze[-1] and written not in squeeze[0]


def test_buzon_sample_draws_held_out_hands_only_when_asked(tmp_path: Path) -> None:
    from intake.cli import main
    from synthbox.truth import load_jsonl

    args = ["sample", "--count", "6", "--seed", "14"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b"), "--estilos-reservados"]) == 0
    plain, bench = (load_jsonl(tmp_path / d / TRUTH_FILE) for d in "ab")
    assert not any(r["held_out"] for r in plain)
    held = [r for r in bench if r["held_out"]]
    assert held and {r["hand"] for r in held} <= {h.name for h in ink.HELD_OUT_HANDS}
