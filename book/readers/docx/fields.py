"""Word fields that make links: ``HYPERLINK``, ``REF`` and ``NOTEREF``.

A complex field (ECMA-376 Part 1 §17.16.18) is a ``begin`` fldChar, its
instruction in ``instrText`` runs, a ``separate`` fldChar, the result runs
and an ``end`` fldChar; fields nest.  mammoth reads a ``HYPERLINK`` field
itself, but with two weaknesses real files meet:

* its pattern takes everything up to the *last* quote as the target, so
  ``HYPERLINK "https://a.org/" \\o "Tip"`` links to ``https://a.org/" \\o
  "Tip`` (an invalid URL: EPUBCheck RSC-020);
* a field nested inside the instruction (a date, a macro) wipes the
  instruction text it has read so far.

So every ``HYPERLINK`` field is rewritten here in the form mammoth reads
right, ``HYPERLINK "target"`` or ``HYPERLINK \\l "bookmark"``, with the
switches (§17.16.5.25: ``\\l`` bookmark, ``\\o`` tooltip, ``\\t`` target
frame, ``\\m``, ``\\n``) parsed and fields nested in the instruction
removed.  The links pass then checks the target is a valid URL
(book/passes/links.py).  ``REF``/``NOTEREF`` fields with ``\\h`` ("insert
as hyperlink", §17.16.5.51) become ``HYPERLINK \\l`` fields, which mammoth
links to the bookmark.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from .wordml import W, remove_element

_REF_FIELD = re.compile(r"^\s*(?:REF|NOTEREF)\s+(\S+)(.*)$", re.S)
_HYPERLINK = re.compile(r"^\s*HYPERLINK\b", re.I)
#: Switches of HYPERLINK that take an argument.
_ARGUMENT_SWITCHES = frozenset({"l", "o", "t"})


@dataclass
class Field:
    """One complex field, its instruction pieces and the fields nested in it."""

    begin: etree._Element
    instr: list[etree._Element] = field(default_factory=list)
    separate: etree._Element | None = None
    end: etree._Element | None = None
    #: Fields that began between this field's begin and its separate.
    in_instruction: list[Field] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(piece.text or "" for piece in self.instr)


def complex_fields(root: etree._Element) -> Iterator[Field]:
    """Every complete complex field of a part, inner fields first."""
    stack: list[Field] = []
    for el in root.iter(W + "fldChar", W + "instrText"):
        if el.tag == W + "instrText":
            if stack and stack[-1].separate is None:
                stack[-1].instr.append(el)
            continue
        kind = el.get(W + "fldCharType")
        if kind == "begin":
            current = Field(el)
            if stack and stack[-1].separate is None:
                stack[-1].in_instruction.append(current)
            stack.append(current)
        elif kind == "separate" and stack:
            stack[-1].separate = el
        elif kind == "end" and stack:
            current = stack.pop()
            current.end = el
            yield current


def _words(instruction: str) -> list[str]:
    """An instruction split into words; quoted words keep their spaces."""
    words: list[str] = []
    index, end = 0, len(instruction)
    while index < end:
        char = instruction[index]
        if char.isspace():
            index += 1
        elif char == '"':
            close = instruction.find('"', index + 1)
            close = end if close < 0 else close
            words.append(instruction[index + 1:close])
            index = close + 1
        else:
            start = index
            while index < end and not instruction[index].isspace():
                index += 1
            words.append(instruction[start:index])
    return words


def parse_hyperlink(instruction: str) -> tuple[str, str]:
    """``(target, bookmark)`` of a HYPERLINK instruction (either may be "")."""
    words = _words(instruction)[1:]
    target = bookmark = ""
    index = 0
    while index < len(words):
        word = words[index]
        if word.startswith("\\") and len(word) == 2:
            switch = word[1].lower()
            if switch in _ARGUMENT_SWITCHES and index + 1 < len(words):
                if switch == "l":
                    bookmark = words[index + 1]
                index += 2
                continue
            index += 1
            continue
        if not target:
            target = word.replace("\\\\", "\\")
        index += 1
    return target.strip(), bookmark.strip()


def _run_of(el: etree._Element) -> etree._Element:
    parent = el.getparent()
    return parent if parent is not None and parent.tag == W + "r" else el


def _remove_field(inner: Field) -> None:
    """Take a field nested in an instruction out: its runs up to its end."""
    start, stop = _run_of(inner.begin), _run_of(inner.end) if inner.end is not None else None
    node = start
    while node is not None:
        following = node.getnext()
        remove_element(node)
        if node is stop:
            break
        node = following


def normalize_hyperlinks(root: etree._Element) -> int:
    """Rewrite HYPERLINK fields as mammoth reads them; returns how many."""
    count = 0
    for found in list(complex_fields(root)):
        if not found.instr or not _HYPERLINK.match(found.text):
            continue
        for inner in found.in_instruction:
            if inner.end is not None:
                _remove_field(inner)
        target, bookmark = parse_hyperlink(found.text)
        if target:
            target = f"{target}#{bookmark}" if bookmark else target
            instruction = f' HYPERLINK "{target.replace(chr(34), "%22")}" '
        elif bookmark:
            instruction = f' HYPERLINK \\l "{bookmark.replace(chr(34), "")}" '
        else:
            instruction = " "  # no target: the result text stays, unlinked
        live = [piece for piece in found.instr if piece.getparent() is not None]
        if not live:
            continue
        live[0].text = instruction
        for extra in live[1:]:
            extra.text = ""
        count += 1
    return count


def link_cross_references(root: etree._Element) -> None:
    """``REF``/``NOTEREF`` with ``\\h`` → ``HYPERLINK \\l`` to the bookmark."""
    for found in list(complex_fields(root)):
        match = _REF_FIELD.match(found.text)
        if not match or "\\h" not in match.group(2) or not found.instr:
            continue
        bookmark = match.group(1).strip('"')
        found.instr[0].text = f' HYPERLINK \\l "{bookmark}" '
        for extra in found.instr[1:]:
            extra.text = ""


def field_texts(root: etree._Element) -> Iterator[tuple[str, etree._Element, etree._Element]]:
    """``(instruction, begin, end)`` of every complete complex field."""
    for found in complex_fields(root):
        if found.end is not None:
            yield found.text, found.begin, found.end
