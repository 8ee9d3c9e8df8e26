"""One name per font subset in a merged book (ISO 32000-1 §9.6.4).

An embedded subset is named with a six-letter tag and a plus sign before
the font's name ("MIHKDJ+Linux-Libertine-O"), and "different subsets in
the same PDF file shall have different tags".  WeasyPrint derives the tag
from the font file, not from the glyphs it kept, so every chunk of a chunked
layout names its own, different subset of a font with the same tag.  A
viewer copes; a RIP or a preflight that takes fonts by name may draw one
chunk's pages with another chunk's glyphs, or refuse the file.

:func:`retag` gives each further subset that shares a name with a
different font program a tag of its own, made from that program's bytes:
the same subset keeps the same name from one build to the next, and the
output stays deterministic.  Fonts whose programs are the same (one subset
used by several chunks, deduplicated by the merge) keep their shared name.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterator

import pikepdf
from pikepdf import Dictionary, Name

_PROGRAMS = ("/FontFile", "/FontFile2", "/FontFile3")
_TAG_LENGTH = 6


def retag(pdf: pikepdf.Pdf) -> int:
    """Rename the subsets of ``pdf`` that share a tagged name with a
    different font program; returns how many were renamed."""
    fonts = fonts_in_use(pdf)
    names = {str(font.get("/BaseFont", "")) for font in fonts}
    programs: dict[str, bytes] = {}  # name → digest of the first program seen under it
    renamed = 0
    for font in fonts:
        name = str(font.get("/BaseFont", ""))
        tag, plus, rest = name.lstrip("/").partition("+")
        if not plus or not _is_tag(tag):
            continue
        program = _program(font)
        if program is None:
            continue
        digest = hashlib.sha256(program.read_raw_bytes()).digest()
        first = programs.setdefault(name, digest)
        if first == digest:
            continue
        new = _free_name(rest, digest, names)
        names.add(new)
        programs[new] = digest
        _rename(font, new)
        renamed += 1
    return renamed


def font_resources(pdf: pikepdf.Pdf) -> Iterator[tuple[Dictionary, str]]:
    """Every ``/Font`` resource dictionary the pages draw with (theirs and,
    in them, the forms', the patterns' and Type 3 fonts'), with each name
    in it: (dictionary, name), each dictionary once, in page order."""
    seen: set[tuple[int, int]] = set()

    def visit(resources) -> Iterator[tuple[Dictionary, str]]:
        if not isinstance(resources, Dictionary):
            return
        if resources.is_indirect:
            if resources.objgen in seen:
                return
            seen.add(resources.objgen)
        fonts = resources.get("/Font")
        if isinstance(fonts, Dictionary):
            for name in sorted(fonts.keys()):
                yield fonts, name
                font = fonts[name]
                if isinstance(font, Dictionary):
                    yield from visit(font.get("/Resources"))  # a Type 3 font's glyphs
        for kind in ("/XObject", "/Pattern"):
            group = resources.get(kind)
            if isinstance(group, Dictionary):
                for name in sorted(group.keys()):
                    yield from visit(group[name].get("/Resources"))

    for page in pdf.pages:
        yield from visit(page.obj.get("/Resources"))


def fonts_in_use(pdf: pikepdf.Pdf) -> list[Dictionary]:
    """The font dictionaries the pages draw with, each once, in page order."""
    found: dict[tuple[int, int], Dictionary] = {}
    for fonts, name in font_resources(pdf):
        font = fonts[name]
        if isinstance(font, Dictionary) and font.is_indirect:
            found.setdefault(font.objgen, font)
    return list(found.values())


def _is_tag(tag: str) -> bool:
    return len(tag) == _TAG_LENGTH and all(c in string.ascii_uppercase for c in tag)


def _descriptor_holder(font: Dictionary) -> Dictionary:
    """The dictionary holding the font descriptor: a composite font's
    descendant (§9.7.1), or the font itself."""
    descendants = font.get("/DescendantFonts")
    if descendants is not None and len(descendants):
        return descendants[0]
    return font


def _program(font: Dictionary) -> pikepdf.Stream | None:
    descriptor = _descriptor_holder(font).get("/FontDescriptor")
    if descriptor is None:
        return None
    for key in _PROGRAMS:
        if key in descriptor:
            return descriptor[key]
    return None


def _free_name(rest: str, digest: bytes, taken: set[str]) -> str:
    """A tagged name for ``rest`` no other font has, the tag drawn from
    ``digest`` (and hashed again on the rare clash)."""
    while True:
        tag = "".join(string.ascii_uppercase[byte % 26] for byte in digest[:_TAG_LENGTH])
        name = f"/{tag}+{rest}"
        if name not in taken:
            return name
        digest = hashlib.sha256(digest).digest()


def _rename(font: Dictionary, name: str) -> None:
    """The new name everywhere the subset's name is written: the font, its
    descendant and the font descriptor (§9.6.4, §9.8.1)."""
    font.BaseFont = Name(name)
    holder = _descriptor_holder(font)
    if holder is not font:
        holder.BaseFont = Name(name)
    descriptor = holder.get("/FontDescriptor")
    if descriptor is not None:
        descriptor.FontName = Name(name)
