"""Mis-decoded text repaired, and control characters kept out.

Text that was decoded with the wrong code page before it was saved
("mojibake") cannot be fixed by choosing the right encoding when reading:
the damage is in the characters.  The commonest case in old e-texts is
Windows-1252 read as Latin-1, which turns „ and ” into the C1 control
characters U+0084 and U+0094 (they print as boxes); the next is UTF-8 read
as Latin-1 or Windows-1252 (``Ã©`` for ``é``).  ftfy (Robyn Speer's "fixes
text for you") recognizes these by their statistics and undoes them; this
module runs it, with the options that touch nothing else (quotation marks,
ligatures, widths, HTML entities and line breaks stay as written), only on
lines that look damaged, and reports what it changed.

Whatever ftfy leaves, no C0 or C1 control character (other than tab and
line breaks) passes: they are removed and counted, so none reaches an
output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..xhtml import printable_but_breaks

#: C1 controls, and the characters that give mojibake away: Ã Â Å Ä Ð Ñ Ø
#: followed by a character of the Latin-1 upper half.
_SUSPECT = re.compile("[\u0080-\u009f]|[\u00c2-\u00c5\u00d0-\u00d1\u00d8\u00e2\u00c3][\u0080-\u00bf\u2018-\u203a\u20ac\u0152-\u0192]")
#: The characters a suspect sequence opens with.
_SUSPECT_STARTS = "".join(map(chr, [*range(0x80, 0xA0), *range(0xC2, 0xC6), 0xD0, 0xD1, 0xD8,
                                    0xE2, 0xC3]))
#: Control characters no document may hold (tab, line feed, carriage return kept).
_CONTROLS = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]")


@dataclass
class Repairs:
    """What :func:`repair_text` changed."""

    #: (1-based line, text before, text after) of each repaired line (the
    #: first few only), and how many lines were repaired in all.
    examples: list[tuple[int, str, str]] = field(default_factory=list)
    lines: int = 0
    #: How ftfy explained the fixes ("fix_c1_controls", "decode utf-8"...).
    kinds: set[str] = field(default_factory=set)
    #: Control characters removed because nothing could repair them.
    controls: int = 0
    #: The text came back as it was, every character printable or a tab
    #: or line break (no control, surrogate or noncharacter: callers need
    #: not look for them again).
    printable: bool = False


def _config():
    import ftfy

    return ftfy.TextFixerConfig(unescape_html=False, remove_terminal_escapes=True,
                                fix_encoding=True, restore_byte_a0=True,
                                replace_lossy_sequences=True, decode_inconsistent_utf8=True,
                                fix_c1_controls=True, fix_latin_ligatures=False,
                                fix_character_width=False, uncurl_quotes=False,
                                fix_line_breaks=False, fix_surrogates=True,
                                remove_control_chars=False, normalization=None, explain=True)


def repair_text(text: str, *, examples: int = 3) -> tuple[str, Repairs]:
    """``text`` with mojibake undone and stray control characters removed."""
    repairs = Repairs()
    ascii_text = text.isascii()  # nothing mis-decoded, only controls to drop
    suspect = not ascii_text and _suspect(text)
    if not suspect:
        if printable_but_breaks(text):
            repairs.printable = True
            return text, repairs
        if not _CONTROLS.search(text):
            return text, repairs
    if suspect:
        import ftfy

        config = _config()
        lines = text.split("\n")
        for number, line in enumerate(lines):
            if not _SUSPECT.search(line):
                continue
            fixed, explanation = ftfy.fix_and_explain(line, config=config)
            if fixed != line:
                repairs.lines += 1
                repairs.kinds.update(_kinds(explanation or []))
                if len(repairs.examples) < examples:
                    repairs.examples.append((number + 1, line.strip(), fixed.strip()))
                lines[number] = fixed
        text = "\n".join(lines)
    text, repairs.controls = _CONTROLS.subn("", text)
    return text, repairs


def _suspect(text: str) -> bool:
    """``_SUSPECT.search(text)``, tried only where a suspect sequence can
    open: a text with "â" in words ("château") costs a few tries, not a
    scan of every character by the alternation.  Those places are found
    with ``str.find``, one character at a time (a scan in C, four times
    faster on War and Peace than a regular expression's class)."""
    for char in _SUSPECT_STARTS:
        start = text.find(char)
        while start != -1:
            if _SUSPECT.match(text, start):
                return True
            start = text.find(char, start + 1)
    return False


def _kinds(explanation: list[tuple[str, str]]) -> list[str]:
    """ftfy's steps in words: "Windows-1252 read as Latin-1"..."""
    out = []
    encoded = ""
    for action, step in explanation:
        if action == "encode":
            encoded = step
        elif action == "decode" and encoded:
            out.append(f"{step} text read as {encoded}")
            encoded = ""
        elif step == "fix_c1_controls":
            out.append("C1 control characters for Windows-1252 punctuation")
        elif action == "transcode" and step not in ("restore_byte_a0",):
            out.append(step.replace("_", " "))
    return out


def _shown(text: str) -> str:
    """A line for a message: control characters written as escapes."""
    text = " ".join(text.split())[:60]
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def describe(repairs: Repairs) -> str:
    """A one-line account of the repairs for the build report."""
    parts = []
    if repairs.lines:
        kinds = "; ".join(sorted(repairs.kinds)) or "mis-decoded characters"
        example = ""
        if repairs.examples:
            line, before, after = repairs.examples[0]
            example = f"; e.g. line {line}: “{_shown(before)}” → “{_shown(after)}”"
        parts.append(f"repaired mis-decoded text on {repairs.lines} line"
                     f"{'s' * (repairs.lines != 1)} ({kinds}){example}")
    return "; ".join(parts)
