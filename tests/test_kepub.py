"""The Kobo edition (``--format kepub``): Kobo's spans by sentence, the
wrappers, a valid EPUB, and the text intact in Chromium."""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from book.build import build
from book.check.ace import find_ace
from book.context import BuildOptions
from book.writers.kepub import write_kepub
from book.writers.kepub.sentences import split_sentences
from conftest import epubcheck_messages

REPO = Path(__file__).resolve().parents[1]
X = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
SPAN_ID = re.compile(r"^kobo\.(\d+)\.(\d+)$")


@pytest.mark.parametrize("lang, text, expected", [
    ("en", "Dr. Watson came in. He sat down! Did he? Yes.",
     ["Dr. Watson came in. ", "He sat down! ", "Did he? ", "Yes."]),
    ("en", "J. R. R. Tolkien wrote it, e.g. in 1937. Then “Why?” she asked. Fine.",
     ["J. R. R. Tolkien wrote it, e.g. in 1937. ", "Then “Why?” she asked. ", "Fine."]),
    ("fr", "M. Dupont arriva. Il dit : « Bonjour. » Puis il partit.",
     ["M. Dupont arriva. ", "Il dit : « Bonjour. » ", "Puis il partit."]),
    ("pl", "Mamy np. jabłka. Prof. Nowak przyszedł w 1918 r. do domu. Koniec.",
     ["Mamy np. jabłka. ", "Prof. Nowak przyszedł w 1918 r. do domu. ", "Koniec."]),
    ("de", "Am 3. Mai kam er, z. B. mit dem Zug. Dann ging er.",
     ["Am 3. Mai kam er, z. B. mit dem Zug. ", "Dann ging er."]),
    ("ru", "Это т. е. пример. В г. Москве тихо. Конец.",
     ["Это т. е. пример. ", "В г. Москве тихо. ", "Конец."]),
    ("ja", "吾輩は猫である。名前はまだ無い。", ["吾輩は猫である。", "名前はまだ無い。"]),
])
def test_sentences_split_by_the_language(lang, text, expected):
    assert split_sentences(text, lang) == expected
    assert "".join(split_sentences(text, lang)) == text


def test_an_abbreviation_of_one_language_ends_a_sentence_in_another():
    # "np." is Polish for "e.g."; in English "np." is no abbreviation.
    assert len(split_sentences("Mamy np. Jabłka.", "pl")) == 1
    assert len(split_sentences("It was np. Then it was done.", "en")) == 2


@pytest.fixture(scope="module")
def editions(corpus_book, tmp_path_factory):
    """(EPUB, kepub) pairs: the sample book (verse, notes, an SVG, figures)
    built by the CLI's code path, and the Markdown guide (code blocks, tables,
    lists) from the shared corpus build."""
    folder = tmp_path_factory.mktemp("kepub")
    sample = build([REPO / "sources"], BuildOptions(formats=("epub", "kepub"), outdir=folder))
    built = corpus_book("guide")
    guide = folder / "guide.kepub.epub"
    guide.write_bytes(write_kepub(built.book, built.ctx))
    return [(sample.outputs["epub"], sample.outputs["kepub"]), (built.epub_path, guide)]


def spine_documents(path: Path) -> dict[str, etree._Element]:
    """Spine XHTML documents (the navigation document left out), by ZIP path."""
    with zipfile.ZipFile(path) as archive:
        opf_path = next(n for n in archive.namelist() if n.endswith(".opf"))
        opf = etree.fromstring(archive.read(opf_path))
        base = opf_path.rpartition("/")[0]
        items = {i.get("id"): i for i in opf.iter(f"{OPF}item")}
        docs = {}
        for ref in opf.iter(f"{OPF}itemref"):
            item = items[ref.get("idref")]
            if "nav" in (item.get("properties") or "").split():
                continue
            name = f"{base}/{item.get('href')}"
            docs[name] = etree.fromstring(archive.read(name))
        return docs


def is_kobo_span(el) -> bool:
    return el.tag == f"{X}span" and "koboSpan" in (el.get("class") or "").split()


def test_the_kepub_is_named_for_kobo_and_valid(editions):
    for epub, kepub in editions:
        assert kepub.name.endswith(".kepub.epub")
        assert epubcheck_messages(kepub) == []


def test_structure_rules(editions):
    checked_text_nodes = 0
    for _, kepub in editions:
        for name, root in spine_documents(kepub).items():
            body = root.find(f"{X}body")
            assert [c.get("id") for c in body] == ["book-columns"], name
            assert [c.get("id") for c in body[0]] == ["book-inner"], name
            spans = [el for el in body.iter(f"{X}span") if is_kobo_span(el)]
            assert spans, name
            ids = [SPAN_ID.match(el.get("id")) for el in spans]
            assert all(ids), name
            pairs = [(int(m.group(1)), int(m.group(2))) for m in ids]
            assert pairs[0] == (1, 1)
            for before, after in zip(pairs, pairs[1:]):  # sequential, hence unique
                assert after in ((before[0], before[1] + 1), (before[0] + 1, 1)), (name, before, after)
            for span in spans:
                ancestors = [a for a in span.iterancestors()]
                assert not any(is_kobo_span(a) for a in ancestors), name
                assert not any(a.tag in (f"{X}pre", "{http://www.w3.org/2000/svg}svg",
                                         "{http://www.w3.org/1998/Math/MathML}math")
                               for a in ancestors), name
            # Every text node inside a paragraph sits inside exactly one span.
            for p in body.iter(f"{X}p"):
                for node in p.iter():
                    texts = [(node.text, node)] if node is not p or node.text else []
                    if node is not p:
                        texts.append((node.tail, node.getparent()))
                    for text, holder in texts:
                        if not text:
                            continue
                        owners = [holder, *holder.iterancestors()]
                        owners = owners[:owners.index(p) + 1] if p in owners else owners
                        assert sum(is_kobo_span(o) for o in owners) == 1, (name, text)
                        checked_text_nodes += 1
    assert checked_text_nodes > 500


def test_no_spans_in_preformatted_text(editions):
    pres = [pre for _, kepub in editions for root in spine_documents(kepub).values()
            for pre in root.iter(f"{X}pre")]
    assert pres, "the guide has code blocks"
    assert all(not any(is_kobo_span(el) for el in pre.iter()) for pre in pres)


def test_the_text_is_the_epubs_to_the_character(editions):
    for epub, kepub in editions:
        plain, kobo = spine_documents(epub), spine_documents(kepub)
        assert list(plain) == list(kobo)
        for name in plain:
            assert "".join(kobo[name].find(f"{X}body").itertext()) == \
                   "".join(plain[name].find(f"{X}body").itertext()), name


def test_chromium_shows_the_same_text(editions, tmp_path):
    """Each document of the kepub, opened in headless Chromium (the engine the
    tests read EPUBs with), shows the same text as the EPUB's."""
    setup = find_ace()
    assert not hasattr(setup, "code"), f"Node, Chromium or the npm modules are missing: {setup}"
    epub, kepub = editions[0]
    files: dict[str, tuple[Path, Path]] = {}
    for label, path in (("epub", epub), ("kepub", kepub)):
        with zipfile.ZipFile(path) as archive:
            archive.extractall(tmp_path / label)
    for name in spine_documents(kepub):
        files[name] = (tmp_path / "epub" / name, tmp_path / "kepub" / name)
    env = dict(os.environ, NODE_PATH=str(setup.modules), PUPPETEER_EXECUTABLE_PATH=setup.browser,
               PUPPETEER_SKIP_DOWNLOAD="1", XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    order = [p for pair in files.values() for p in pair]
    run = subprocess.run([setup.node, str(REPO / "tests" / "render_text.js"), *map(str, order)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr
    seen = {Path(entry["file"]): entry for entry in json.loads(run.stdout)}
    for name, (plain, kobo) in files.items():
        assert seen[kobo]["errors"] == [] and seen[plain]["errors"] == []
        assert seen[kobo]["spans"] > 0, name
        assert " ".join(seen[kobo]["text"].split()) == " ".join(seen[plain]["text"].split()), name
        assert len(seen[kobo]["text"].strip()) > 0 or "cover" in name
