"""What an EPUB rebuild of a text-only book loads: not Pillow, not the cover
renderer (WeasyPrint), not the PDF writer, not the checker package.

Each of them costs tens of milliseconds of imports in every process, and
an author saving a chapter pays them on every rebuild; they are imported
where an image, a cover to draw, a page or a stylesheet to check is
actually there (book/passes/images.py, book/covers, book/cache/keys.py,
book/passes/accessibility.py).  The build runs in a fresh interpreter so
that nothing another test imported hides a regression.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Modules a cached EPUB rebuild of plain text must not load.
HEAVY = ("PIL", "weasyprint", "book.covers.render", "book.writers.pdf", "book.check",
         "book.images.convert")

PROBE = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from book.build import build
    from book.context import BuildOptions

    source, outdir = Path(sys.argv[1]), Path(sys.argv[2])
    result = build([source], BuildOptions(formats=("epub",), outdir=outdir, cache=True))
    print(json.dumps({"loaded": sorted(m for m in %r if m in sys.modules),
                      "outputs": sorted(p.name for p in result.outputs.values())}))
""" % (HEAVY,))


def _build(source: Path, outdir: Path, cache: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(source), str(outdir)],
                          capture_output=True, text=True, cwd=REPO, timeout=300,
                          env={**_env(), "MAKE_BOOK_CACHE_DIR": str(cache)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _env() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def test_cached_epub_rebuild_loads_no_image_cover_pdf_or_check_code(tmp_path: Path) -> None:
    source = tmp_path / "story.txt"
    paragraphs = [f"Paragraph {n} of a story told in plain words, with nothing but text in it."
                  for n in range(40)]
    source.write_text("A Quiet Story\n\nby Ann Writer\n\n\n" + "\n\n".join(paragraphs) + "\n",
                      encoding="utf-8")
    cache, outdir = tmp_path / "cache", tmp_path / "out"
    first = _build(source, outdir, cache)
    # The first build draws the generated cover: the renderer is loaded
    # (the probe can tell a module loaded from one that is not).
    assert "book.covers.render" in first["loaded"]
    source.write_text(source.read_text(encoding="utf-8").replace("Paragraph 7 ", "Paragraph seven "),
                      encoding="utf-8")
    second = _build(source, outdir, cache)
    assert second["outputs"] == first["outputs"] and second["outputs"]
    assert second["loaded"] == []
