"""The screen PDF is a tagged PDF/UA-1 document (issue 6, "Screen PDF").

veraPDF is not obtainable here, so these tests walk the structure tree and
the content streams with pikepdf and check what PDF/UA-1 (ISO 14289-1)
asks of a book: a structure tree with headings, paragraphs, lists, tables,
figures with alternative text and notes; page furniture (running heads,
folios) marked as artifacts and kept out of the tree; every piece of
content either tagged or an artifact; ``/Lang``, ``/MarkInfo /Marked`` and
``/ViewerPreferences /DisplayDocTitle`` in the catalog.
"""

from __future__ import annotations

from collections import Counter

import pikepdf
import pytest
from PIL import Image

from book.build import Overrides, build
from book.context import BuildOptions

TITLE = "The Lighthouse Keeper"

CHAPTER_ONE = """# The Keeper

The keeper climbed the stairs every evening before the sun went down.[^steps]

## The Lamp

Before the lamp was lit, three things had to be done:

- trim the wick;
- fill the reservoir;
- polish the lens until it shone.

| Hour | Task |
|------|------|
| Dusk | Light the lamp |
| Midnight | Wind the clockwork |
| Dawn | Put the lamp out |

![A white lighthouse on dark rocks, its lamp lit against an evening sky](lighthouse.png)

[^steps]: There were one hundred and twelve steps, and he counted each of them.
"""

PARAGRAPH = ("The sea kept its own hours, and the keeper kept them with it: the tide came in "
             "over the black rocks, the gulls settled on the rail, and the long beam swept the "
             "water from the headland to the reef and back again, all night, every night. ")


@pytest.fixture(scope="module")
def screen_pdf(tmp_path_factory) -> pikepdf.Pdf:
    folder = tmp_path_factory.mktemp("screen")
    Image.new("RGB", (240, 160), (40, 60, 90)).save(folder / "lighthouse.png")
    (folder / "01-keeper.md").write_text(CHAPTER_ONE, encoding="utf-8")
    long_chapter = "# The Long Night\n\n" + "\n\n".join(PARAGRAPH * 3 for _ in range(24)) + "\n"
    (folder / "02-night.md").write_text(long_chapter, encoding="utf-8")
    result = build([folder / "01-keeper.md", folder / "02-night.md"],
                   BuildOptions(formats=("pdf-screen",), outdir=folder / "out"),
                   Overrides(title=TITLE, authors=["Ada Example"], lang="en"))
    pdf = pikepdf.open(result.outputs["pdf-screen"])
    yield pdf
    pdf.close()


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the root, in tree order."""
    found = []
    root = pdf.Root.StructTreeRoot
    stack = list(root.K) if isinstance(root.K, pikepdf.Array) else [root.K]
    seen = set()
    while stack:
        node = stack.pop(0)
        if not isinstance(node, pikepdf.Dictionary) or node.get("/S") is None:
            continue
        key = node.objgen if node.is_indirect else id(node)
        if key in seen:
            continue
        seen.add(key)
        found.append(node)
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif kids is not None:
            stack.append(kids)
    return found


def _types(pdf: pikepdf.Pdf) -> Counter:
    return Counter(str(el.S) for el in _elements(pdf))


def _tagged_mcids(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """(page index, MCID) of the content the structure tree refers to."""
    pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    refs = set()
    for el in _elements(pdf):
        kids = el.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                page = el.get("/Pg")
                refs.add((pages.get(page.objgen, -1) if page is not None else -1, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                page = kid.get("/Pg") or el.get("/Pg")
                refs.add((pages.get(page.objgen, -1), int(kid.MCID)))
    return refs


def _text_runs(pdf: pikepdf.Pdf, index: int) -> list[tuple[str, int | None, float]]:
    """(mark, MCID, y) for each text-showing operator of a page.

    ``mark`` is the innermost marked-content tag ("Artifact", "Span"... or
    "" outside any), ``y`` the baseline in CSS px from the page top
    (WeasyPrint sets text with absolute ``Tm`` in a flipped, 0.75-scaled
    space).
    """
    runs = []
    stack: list[tuple[str, int | None]] = []
    y = 0.0
    for operands, op in pikepdf.parse_content_stream(pdf.pages[index]):
        name = str(op)
        if name == "BDC":
            props = operands[1]
            mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props \
                else None
            stack.append((str(operands[0]).lstrip("/"), mcid))
        elif name == "BMC":
            stack.append((str(operands[0]).lstrip("/"), None))
        elif name == "EMC" and stack:
            stack.pop()
        elif name == "Tm":
            y = float(operands[5])
        elif name in ("Tj", "TJ", "'", '"'):
            artifact = any(tag == "Artifact" for tag, _ in stack)
            mcid = next((m for _, m in reversed(stack) if m is not None), None)
            runs.append(("Artifact" if artifact else (stack[-1][0] if stack else ""), mcid, y))
    return runs


def test_catalog_declares_language_title_and_marking(screen_pdf):
    root = screen_pdf.Root
    assert str(root.Lang) == "en"
    assert bool(root.MarkInfo.Marked) is True
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    assert "/StructTreeRoot" in root
    with screen_pdf.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") == "1"
        assert xmp.get("dc:title") == TITLE


def test_structure_tree_has_the_book_structure(screen_pdf):
    types = _types(screen_pdf)
    assert types["/H1"] >= 2, types          # two chapter titles
    assert types["/H2"] >= 1, types          # the section heading
    assert types["/P"] >= 20, types
    assert types["/L"] >= 1 and types["/LI"] >= 3, types
    for tag in ("/Table", "/TR", "/TH", "/TD"):
        assert types[tag] >= 1, (tag, types)
    assert types["/TH"] >= 2 and types["/TD"] >= 6, types


def test_figures_have_alternative_text(screen_pdf):
    figures = [el for el in _elements(screen_pdf) if str(el.S) == "/Figure"]
    assert figures, "the image is not tagged as a Figure"
    for figure in figures:
        assert str(figure.get("/Alt", "")).startswith("A white lighthouse"), figure.get("/Alt")


def test_footnotes_are_tagged_as_notes(screen_pdf):
    notes = [el for el in _elements(screen_pdf) if str(el.S) == "/Note"]
    assert notes, f"no Note element; structure types: {dict(_types(screen_pdf))}"
    for note in notes:
        assert note.get("/ID") is not None, "PDF/UA-1 (Matterhorn 19-003) wants an ID on each Note"


def test_page_furniture_is_artifact_and_content_is_tagged(screen_pdf):
    tagged = _tagged_mcids(screen_pdf)
    furniture_pages = 0
    for index, page in enumerate(screen_pdf.pages):
        height = float(page.MediaBox[3]) / 0.75
        runs = _text_runs(screen_pdf, index)
        untagged = [run for run in runs if run[0] == ""]
        assert not untagged, f"page {index + 1}: text outside any marked content"
        for mark, mcid, y in runs:
            if mark == "Artifact":
                continue
            assert (index, mcid) in tagged, (
                f"page {index + 1}: text tagged with MCID {mcid} that no structure element holds "
                "(running heads and folios must be artifacts)")
            assert height * 0.06 < y < height * 0.97, (
                f"page {index + 1}: tagged text at y={y:.0f} of {height:.0f} px, in the margin")
        furniture = [run for run in runs if run[0] == "Artifact"]
        if furniture:
            furniture_pages += 1
            assert all(y < height * 0.12 or y > height * 0.85 for _, _, y in furniture), (
                f"page {index + 1}: artifact text in the text block")
    # The long chapter runs over several pages with running heads and folios.
    assert furniture_pages >= 3
