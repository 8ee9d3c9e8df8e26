"""make-book serve end to end, in a real browser (Playwright driving
Debian's Chromium): both views show the book, an edit shows up in both
without a reload while the ebook view stays in its chapter, and a build
error shows in the page until it is fixed.

One server and one browser for the module (its steps run in order).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from book.serve import Preview, ServeOptions

from .conftest import REPO

CHROMIUM = Path(os.environ.get("MAKE_BOOK_CHROMIUM", "/usr/bin/chromium"))
NEW_SENTENCE = "A lighthouse keeper once counted every quotation mark by candlelight."
#: The text of the ebook view's loaded sections (foliate-js renders each in an iframe).
EBOOK_TEXT = """() => (window.preview.view?.renderer?.getContents?.() ?? [])
    .map(c => c.doc?.body?.textContent ?? '').join('\\n')"""
#: The text of the print pages loaded so far (each page carries its text for screen readers).
PRINT_TEXT = """() => [...document.querySelectorAll('#spreads .page-text')]
    .map(p => p.textContent).join('\\n')"""


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("serve-browser") / "book"
    shutil.copytree(REPO / "sources", folder, ignore=shutil.ignore_patterns(".make_book"))
    return folder


@pytest.fixture(scope="module")
def preview(book: Path):
    running = Preview([book], ServeOptions(jobs=2))
    running.start()
    try:
        yield running
    finally:
        running.close()


@pytest.fixture(scope="module")
def page(preview: Preview):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.is_file(), f"Chromium is missing: {CHROMIUM} (.ci/setup-system --test)"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(preview.url)
        tab.wait_for_function("() => document.body.dataset.epub && document.body.dataset.pdf",
                              timeout=90_000)
        yield tab
        browser.close()
        assert errors == [], errors


def wait_text(page, script: str, text: str, timeout: float = 60) -> None:
    page.wait_for_function(f"() => ({script})().includes({text!r})", timeout=timeout * 1000)


def test_ebook_view_shows_the_first_chapter(page) -> None:
    wait_text(page, EBOOK_TEXT, "A page is a window with a frame.")
    assert page.locator("#ebook-toc option").count() >= 6  # the EPUB's navigation
    assert page.locator("#error").is_hidden()
    assert page.locator("#status").get_attribute("data-state") in ("ok", "busy")


def test_print_view_shows_spreads(page) -> None:
    page.click("#tab-print")
    spreads = page.locator("#spreads .spread")
    assert spreads.count() >= 6
    # page 1 (a recto) alone on the right, then versos left and rectos right
    first = spreads.nth(0)
    assert first.locator(".page.blank").count() == 1
    assert first.locator("figure.page.recto").get_attribute("data-page") == "0"
    second = spreads.nth(1).locator("figure.page")
    assert [second.nth(i).get_attribute("data-page") for i in range(2)] == ["1", "2"]
    assert "verso" in second.nth(0).get_attribute("class")
    assert "recto" in second.nth(1).get_attribute("class")
    # folios from the PDF's page labels: roman front matter, arabic body
    labels = page.locator("#spreads figcaption").all_text_contents()
    assert labels[0] == "i" and "1" in labels
    page.wait_for_function("() => [...document.querySelectorAll('#spreads img')]"
                           ".some(i => i.naturalWidth > 0)", timeout=30_000)
    outline = page.locator("#print-toc option").all_text_contents()
    assert any("Quotation Marks" in item for item in outline)


def test_an_edit_updates_both_views_in_place(page, book: Path) -> None:
    page.click("#tab-ebook")
    chapter = page.locator("#ebook-toc option", has_text="Quotation Marks")
    page.select_option("#ebook-toc", chapter.get_attribute("value"))
    wait_text(page, EBOOK_TEXT, "Quotation marks look like a solved problem")
    section = page.evaluate("() => document.body.dataset.ebookSection")
    before = {"epub": page.evaluate("() => document.body.dataset.epub"),
              "pdf": page.evaluate("() => document.body.dataset.pdf")}
    page.evaluate("() => { window.notReloaded = true }")  # gone if the page reloads

    source = book / "chapters" / "02-quotation-marks.md"
    text = source.read_text(encoding="utf-8")
    start = time.monotonic()
    source.write_text(text.replace("Quotation marks look like a solved problem",
                                   f"{NEW_SENTENCE} Quotation marks look like a solved problem", 1),
                      encoding="utf-8")
    wait_text(page, EBOOK_TEXT, NEW_SENTENCE, timeout=60)
    ebook_seconds = time.monotonic() - start
    assert page.evaluate("() => document.body.dataset.epub") != before["epub"]
    assert page.evaluate("() => document.body.dataset.ebookSection") == section
    assert page.evaluate("() => document.body.dataset.ebookChapter") == chapter.text_content().strip()

    page.click("#tab-print")
    page.wait_for_function(f"() => document.body.dataset.pdf !== {before['pdf']!r}",
                           timeout=90_000)
    target = page.locator("#print-toc option", has_text="Quotation Marks")
    page.select_option("#print-toc", target.get_attribute("value"))
    wait_text(page, PRINT_TEXT, NEW_SENTENCE, timeout=30)
    assert page.evaluate("() => window.notReloaded") is True
    print(f"save -> ebook view {ebook_seconds:.2f} s, -> print view "
          f"{time.monotonic() - start:.2f} s")


def test_a_build_error_shows_and_clears(page, book: Path) -> None:
    config = book / "book.toml"
    good = config.read_text(encoding="utf-8")
    epub = page.evaluate("() => document.body.dataset.epub")
    config.write_text(good.replace('title = "The Quiet Craft"', 'title = "The Quiet Craft', 1),
                      encoding="utf-8")
    page.locator("#error").wait_for(state="visible", timeout=30_000)
    assert page.locator("#error-code").text_content().startswith("MB")
    assert "book.toml" in page.locator("#error-where").text_content()
    assert page.locator("#error-where").text_content().rsplit(":", 1)[-1].isdigit()
    assert page.locator("#error-message").text_content().strip()
    # the last good book stays on show
    assert page.evaluate("() => document.body.dataset.epub") == epub
    wait_text(page, EBOOK_TEXT, NEW_SENTENCE, timeout=5)

    config.write_text(good, encoding="utf-8")
    page.locator("#error").wait_for(state="hidden", timeout=60_000)
    page.wait_for_function("() => document.getElementById('status').dataset.state === 'ok'",
                           timeout=90_000)


def test_the_print_view_shows_what_build_writes(preview: Preview, book: Path, tmp_path: Path) -> None:
    """The preview renders through the library as ``make-book build`` does:
    the same print PDF, byte for byte (the cache makes this build quick)."""
    from book.build import build
    from book.context import BuildOptions

    result = build([book], BuildOptions(outdir=tmp_path, cache=True, jobs=2))
    assert result.outputs["pdf"].read_bytes() == preview.state.pdf.data
