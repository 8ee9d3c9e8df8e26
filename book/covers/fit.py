"""Breaking cover texts into lines and sizing them to fit their zone.

Pure geometry, no rendering: the renderer measures every *unit* (a word,
or one CJK character with the punctuation that must stay with it) once at a
reference size, and widths scale linearly with the font size (the PDF and
its raster are unhinted).

* **Units and breaks.**  Text breaks at spaces; CJK text (Han, kana) breaks
  between characters except where Japanese and Chinese line-breaking rules
  forbid it (no line starts with 、。」… and none ends with 「（…; JIS X 4051
  "kinsoku", W3C "Requirements for Japanese Text Layout" §3.1.7).
* **Balanced lines.**  For the fewest lines the text needs at a size, the
  breaks are chosen to make the longest line as short as possible (then
  the lines as even as possible), so a title is never one long line over a
  lone word.
* **Size.**  The largest size between the style's maximum and minimum at
  which the text fits its width in at most ``max_lines`` lines and its
  height; :func:`fit_block` returns None when even the minimum fails and the
  caller shrinks further (with a warning) rather than lose text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

#: Characters that may not start a line (closing brackets, stops, small kana...).
NO_LINE_START = frozenset(
    "、。，．・：；？！‼⁇⁈⁉)）]］}｝〕〉》」』】〙〗〟'\"”’»›ヽヾーァィゥェォッャュョヮヵヶ"
    "ぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻‐゠–〜～…‥")
#: Characters that may not end a line (opening brackets and quotes).
NO_LINE_END = frozenset("(（[［{｛〔〈《「『【〘〖〝‘“«‹")


def is_cjk(char: str) -> bool:
    """Han ideographs, kana and CJK punctuation: scripts written without spaces."""
    code = ord(char)
    return (0x3000 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
            or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFF60 or 0x20000 <= code <= 0x3FFFF
            or 0x31F0 <= code <= 0x31FF)


@dataclass(frozen=True)
class Unit:
    """An unbreakable piece of text and what follows it: a space or nothing."""

    text: str
    space_after: bool


#: Spaces that allow a break (no-break spaces U+00A0, U+2007, U+202F do not).
_BREAKING_SPACE = re.compile(r"[ \t\n\r\f\v\u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]+")
#: Languages whose one-letter words never end a line (Polish, Czech, Slovak
#: typography; the same rule as the typography pass for body text).
_BIND_ONE_LETTER = frozenset({"pl", "cs", "sk"})


def units(text: str, lang: str = "") -> list[Unit]:
    """The break units of ``text`` (NFC, breaking whitespace collapsed)."""
    words = [w for w in _BREAKING_SPACE.split(unicodedata.normalize("NFC", text)) if w]
    if lang.split("-")[0].lower() in _BIND_ONE_LETTER:
        bound: list[str] = []
        for word in words:
            if bound and len(bound[-1].split("\u00a0")[-1]) == 1 and bound[-1][-1].isalpha():
                bound[-1] += "\u00a0" + word
            else:
                bound.append(word)
        words = bound
    found: list[Unit] = []
    for index, word in enumerate(words):
        pieces = _cjk_pieces(word) if any(is_cjk(ch) for ch in word) else [word]
        last = index == len(words) - 1
        for number, piece in enumerate(pieces):
            found.append(Unit(piece, number == len(pieces) - 1 and not last))
    return found


def _cjk_pieces(word: str) -> list[str]:
    """Split a run written without spaces between its characters, keeping
    Latin runs whole and honouring the line-start and line-end rules."""
    pieces: list[str] = []
    for char in word:
        attach = bool(pieces) and (
            char in NO_LINE_START
            or pieces[-1][-1] in NO_LINE_END
            or not (is_cjk(char) or is_cjk(pieces[-1][-1]))  # inside a Latin run
            or unicodedata.combining(char))
        if attach:
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def line_text(line: list[Unit]) -> str:
    """The text of a line of units."""
    return "".join(unit.text + (" " if unit.space_after and n < len(line) - 1 else "")
                   for n, unit in enumerate(line))


def greedy_count(widths: list[float], spaces: list[float], measure: float) -> int | None:
    """The fewest lines the units need (None when one unit is wider than the measure)."""
    if not widths:
        return 0
    if max(widths) > measure:
        return None
    lines, width = 1, widths[0]
    for index in range(1, len(widths)):
        extended = width + spaces[index - 1] + widths[index]
        if extended > measure:
            lines, width = lines + 1, widths[index]
        else:
            width = extended
    return lines


def balanced_lines(widths: list[float], spaces: list[float], measure: float,
                   max_lines: int) -> list[int] | None:
    """Where lines start (unit indexes) for the fewest, most even lines.

    ``widths[i]`` is unit *i*'s width, ``spaces[i]`` the space after it (0
    when none) at the size being tried.  None when a unit is wider than the
    measure or more than ``max_lines`` lines would be needed.
    """
    count = len(widths)
    lines = greedy_count(widths, spaces, measure)
    if lines is None or lines > max_lines:
        return None
    if count == 0:
        return []
    # prefix[i]: units 0..i-1 with the spaces after each; a line i..end-1
    # is prefix[end] - prefix[i] minus the space after its last unit.
    prefix = [0.0]
    for width, space in zip(widths, spaces):
        prefix.append(prefix[-1] + width + space)

    def span(start: int, end: int) -> float:
        return prefix[end] - prefix[start] - spaces[end - 1]

    # best[k][i]: (longest line, sum of squared slack) setting units i.. in k lines.
    inf = (float("inf"), float("inf"))
    best: list[list[tuple[float, float]]] = [[inf] * (count + 1) for _ in range(lines + 1)]
    choice: list[list[int]] = [[count] * (count + 1) for _ in range(lines + 1)]
    best[0][count] = (0.0, 0.0)
    for k in range(1, lines + 1):
        for i in range(count - 1, -1, -1):
            for end in range(i + 1, count + 1):
                width = span(i, end)
                if width > measure:
                    break
                rest = best[k - 1][end]
                if rest == inf:
                    continue
                score = (max(width, rest[0]), rest[1] + (measure - width) ** 2)
                if score < best[k][i]:
                    best[k][i], choice[k][i] = score, end
    if best[lines][0] == inf:
        return None
    starts, position = [], 0
    for k in range(lines, 0, -1):
        starts.append(position)
        position = choice[k][position]
    return starts


@dataclass
class Fitted:
    """A text broken into lines at one size."""

    lines: list[str]
    size: float  # font size, in the panel's unit
    line_height: float  # in the panel's unit
    widths: list[float]  # of each line

    @property
    def height(self) -> float:
        return len(self.lines) * self.line_height


def fit_block(pieces: list[Unit], width_at: Callable[[str], float], space_at: float,
              reference: float, measure: float, sizes: tuple[float, float], line_height: float,
              max_lines: int, max_height: float) -> Fitted | None:
    """The largest size in ``sizes`` (max, min) at which the text fits.

    ``width_at(unit)`` and ``space_at`` are widths at the ``reference``
    size.  Sizes are tried from the largest down in steps of 2 %.
    """
    largest, smallest = sizes
    size = largest
    while size >= smallest * 0.999:
        fitted = try_size(pieces, width_at, space_at, reference, measure, size, line_height,
                          max_lines, max_height)
        if fitted is not None:
            return fitted
        size *= 0.98
    return None


def try_size(pieces: list[Unit], width_at: Callable[[str], float], space_at: float,
             reference: float, measure: float, size: float, line_height: float, max_lines: int,
             max_height: float) -> Fitted | None:
    """The text at one size, or None when it does not fit."""
    scale = size / reference
    widths = [width_at(unit.text) * scale for unit in pieces]
    spaces = [space_at * scale if unit.space_after else 0.0 for unit in pieces]
    needed = greedy_count(widths, spaces, measure)  # cheap: most sizes fail here
    if needed is None or needed > max_lines or \
            (needed + 2 * VERTICAL_PAD / line_height) * size * line_height > max_height:
        return None
    starts = balanced_lines(widths, spaces, measure, max_lines)
    if starts is None:
        return None
    lines: list[str] = []
    line_widths: list[float] = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(pieces)
        lines.append(line_text(pieces[start:end]))
        line_widths.append(sum(widths[start:end]) + sum(spaces[start:end - 1]))
    fitted = Fitted(lines, size, size * line_height, line_widths)
    if fitted.height + size * 2 * VERTICAL_PAD > max_height:
        return None
    return fitted


#: Room kept above the first line and below the last, in em: CJK and some
#: accented capitals reach beyond a tight line box (Noto CJK's ascent and
#: descent span 1.44 em against a line height of 1.1).
VERTICAL_PAD = 0.2
