"""From lines to blocks: how a plain-text manuscript lays out its paragraphs.

Plain text marks paragraphs in one of a few ways, and a file rarely says
which.  ``measure.py`` measures the file once (:func:`~.measure.analyze_layout`):

* **hard wrapping** (Project Gutenberg's ~70 columns): most lines end near
  one width, and a line ends only where the next word would not have fitted;
  the wrap width is the 90th percentile of line lengths;
* **first-line indents**: a line indented further than the line after it
  starts a paragraph;
* **one paragraph per line**: long unwrapped lines with no blank lines
  between them.

:func:`split_blocks` then cuts the text into :class:`Block` s, the units
the structure reader classifies (heading, paragraph, verse, note...): runs of
lines between blank lines, split further at first-line indents, where
indentation starts or stops, at heading lines and, in unwrapped text, at
every line.  :func:`is_verse_block` tells a stanza (lines kept as lines)
from a paragraph of wrapped prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .headings import match_heading

#: Columns a tab counts for when measuring indentation.
TAB_WIDTH = 4
#: Leading columns from which a line counts as indented (one space is noise:
#: Project Gutenberg puts one before "said he" after a quotation).
INDENT = 2
#: Lines longer than this are not hard-wrapped text.
MAX_WRAP = 100
#: The longest line a run of verse with changing indentation may hold.
MAX_VERSE_LINE = 72
#: Lines shorter than this (the median of a run) are verse, not paragraphs.
SHORT_LINE = 50
#: A line at least this long may be a line of wrapped prose.
PROSE_LINE = 55
#: A line of wrapped prose plus the next word overflows this share of the width.
FIT = 0.85
_SENTENCE_END = re.compile(r"[.!?…:;]['\"’”»)\]]*$")
#: A line ending in an initial or a title's abbreviation: "M.", "Dr.", "St.".
_ABBREVIATION_END = re.compile(
    r"(?:^|[\s(])(?:[A-ZÀ-ÞĀ-ſ]|Mr|Mrs|Ms|Dr|St|Mme|Mlle|Mgr|Prof|Sr|Jr|Hr|Fr|Nr|ks|św|dr|"
    r"prof|inż|mgr)\.$")
_INNER_END = re.compile(r"\w{2,}[.!?]['\"’”»)]*\s+\S")
#: Lines of speech: a dash or an opening quotation mark first.
DIALOGUE_START = re.compile(r"(?:[-–—]\s|[-–—]{2}|[\"“„«»‘‚'])")


#: Characters an indented line can open with.
_INDENT_CHARS = " \t\u00a0\u3000"


def indent_of(line: str) -> int:
    """Leading columns of ``line`` (tabs count :data:`TAB_WIDTH`)."""
    if not line or line[0] not in _INDENT_CHARS:
        return 0
    expanded = line.expandtabs(TAB_WIDTH) if "\t" in line else line
    return len(expanded) - len(expanded.lstrip())


def width_of(line: str) -> int:
    return len(line.expandtabs(TAB_WIDTH)) if "\t" in line else len(line)


def first_word(line: str) -> str:
    parts = line.split(None, 1)
    return parts[0] if parts else ""


@dataclass
class Block:
    """Lines that belong together: a paragraph, a heading, a stanza..."""

    lines: list[str]
    #: 0-based index of the first line in the decoded text.
    first: int
    gap_before: int = 1
    gap_after: int = 1
    #: Cut out of a larger run of lines (no blank line of its own).
    own_line: bool = False
    #: Filled by the structure reader: "heading", "prose", "verse"...
    role: str = ""
    data: dict = field(default_factory=dict)

    @property
    def line(self) -> int:
        """1-based source line of the block's first line."""
        return self.first + 1

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines)

    @property
    def single(self) -> bool:
        return len(self.lines) == 1

    def __post_init__(self) -> None:
        #: Leading columns of each line (lines only ever change inside).
        self.indents = [indent_of(line) if line and line[0] in _INDENT_CHARS else 0
                        for line in self.lines]
        #: Every line is indented.
        self.indented = all(i >= INDENT for i in self.indents)


@dataclass(frozen=True)
class Layout:
    """How the file marks paragraphs (see the module docstring)."""

    #: Column at which the file is hard-wrapped, or None.
    wrap: int | None
    #: A line indented more than the next starts a paragraph.
    indent_paragraphs: bool
    #: Share of non-blank lines that are indented.
    indented_share: float
    #: The file has no blank lines at all between its lines.
    blankless: bool
    #: How paragraphs were decided: "auto" (measured), or what ``[structure]
    #: paragraphs`` says: "blank-lines", "indent" or "one-per-line".
    mode: str = "auto"


def forced_layout(layout: Layout, mode: str) -> Layout:
    """``layout`` with the paragraph convention the user chose."""
    if mode == "auto":
        return layout
    return Layout(layout.wrap, mode == "indent", layout.indented_share,
                  layout.blankless and mode != "blank-lines", mode)


def wrapped_share(block_lines: list[str], wrap: int) -> float:
    """Share of the block's line breaks explained by hard wrapping at ``wrap``."""
    if len(block_lines) < 2:
        return 1.0
    limit = FIT * wrap
    fitted = 0
    for a, b in zip(block_lines, block_lines[1:]):
        a = a.rstrip()
        word = b.split(None, 1)
        if (len(a) if "\t" not in a else width_of(a)) + 1 + (len(word[0]) if word else 0) \
                > limit:
            fitted += 1
    return fitted / (len(block_lines) - 1)


def split_blocks(lines: list[str], start: int, end: int, layout: Layout,
                 forced: set[int] | frozenset[int] = frozenset(),
                 matcher: Callable[[str], object | None] = match_heading) -> list[Block]:
    """Cut ``lines[start:end]`` into blocks (see the module docstring).

    ``forced`` holds line indexes before which a block must start (headings
    found from the source's contents list or the user's patterns);
    ``matcher`` reads a line as a heading.
    """
    blocks: list[Block] = []
    run: list[str] = []
    run_start = start
    gap = 1
    for index in range(start, end + 1):
        line = lines[index] if index < end else ""
        filled = bool(line) and not line.isspace()  # as line.strip(), without the copy
        if filled and run and index in forced:
            pieces = split_run(run, run_start, layout, forced, matcher)
            pieces[0].gap_before = gap
            blocks.extend(pieces)
            run = []
            gap = 0
        if filled:
            if not run:
                run_start = index
            run.append(line.rstrip())
            continue
        if run:
            pieces = split_run(run, run_start, layout, forced, matcher)
            pieces[0].gap_before = gap
            blocks.extend(pieces)
            run = []
            gap = 0
        gap += 1
    for before, after in zip(blocks, blocks[1:]):
        before.gap_after = after.gap_before
    if blocks:
        blocks[-1].gap_after = max(1, gap - 1)
    return blocks


def split_run(run: list[str], first: int, layout: Layout, forced: set[int] | frozenset[int],
               matcher: Callable[[str], object | None]) -> list[Block]:
    """Split a run of non-blank lines into paragraph blocks."""
    if len(run) == 1:
        return [Block(run, first)]
    cuts = _cuts(run, layout, matcher)
    if forced:
        cuts.update(i for i in range(1, len(run)) if first + i in forced)
    if not cuts:
        return [Block(run, first)]
    pieces = []
    bounds = [0, *sorted(cuts), len(run)]
    for a, b in zip(bounds, bounds[1:]):
        if a < b:
            pieces.append(Block(run[a:b], first + a, gap_before=0, gap_after=0, own_line=True))
    return pieces


def _cuts(run: list[str], layout: Layout, matcher: Callable[[str], object | None]) -> set[int]:
    """Indexes in ``run`` before which a new block starts."""
    cuts: set[int] = set()
    if layout.mode == "one-per-line":
        return set(range(1, len(run)))
    # Heading lines stand alone whatever the layout ("CHAPTER I" then text).
    if (layout.blankless or layout.indent_paragraphs) and len(run) > 3:
        for i, line in enumerate(run):
            if len(line) > 120 or not _standalone_line(run, i, layout):
                continue
            found = matcher(line)
            if found is not None and not (getattr(found, "rank", "") == "numeral"
                                          and getattr(found, "title", "")):
                cuts.update({i, i + 1})
    if layout.mode == "blank-lines":
        return {c for c in cuts if 0 < c < len(run)}
    indents = [indent_of(line) if line[0] in _INDENT_CHARS else 0 for line in run]
    # With no line indented, indentation neither starts nor stops in the run.
    if not layout.indent_paragraphs and layout.indented_share < 0.5 and \
            max(indents) >= INDENT:
        # Where indentation starts or stops inside a run, a quotation or a
        # stanza starts or stops ("She sang:" then indented lines).  A run
        # whose first line alone is indented is one paragraph or stanza with
        # a first-line indent, not a line standing on its own.
        # Verse whose indentation comes and goes line after line (a sonnet's
        # flush first lines, a ballad's indented even lines) is one stanza
        # with indented lines, kept together as the source sets it.
        first_line_indent = indents[0] >= INDENT and all(i < INDENT for i in indents[1:])
        if not _indented_verse(run, indents):
            for i in range(1, len(run)):
                if (indents[i] >= INDENT) != (indents[i - 1] >= INDENT) and not (
                        first_line_indent and i == 1):
                    cuts.add(i)
    if layout.indent_paragraphs:
        cuts.update(indent_cuts(run))
    elif layout.wrap is None:
        if _paragraph_lines(run, layout.blankless):
            cuts.update(range(1, len(run)))
    elif layout.blankless:
        cuts.update(sentence_cuts(run, layout.wrap))
    return {c for c in cuts if 0 < c < len(run)}


def _indented_verse(run: list[str], indents: list[int]) -> bool:
    """Lines of verse whose indentation changes again and again: at least
    two lines go in and one comes back out, every line is short and the
    lines open with capitals and close with punctuation, as verse does.  A
    quotation or a song set off inside prose changes indentation once on
    the way in and once on the way out, and its prose lines are long."""
    if len(run) < 4:
        return False
    steps = list(zip(indents, indents[1:]))
    ins = sum(1 for a, b in steps if a < INDENT <= b)
    outs = sum(1 for a, b in steps if b < INDENT <= a)
    if ins < 2 or outs < 1:
        return False
    return max(width_of(line) for line in run) <= MAX_VERSE_LINE and _verse_lines(run)


def _standalone_line(run: list[str], i: int, layout: Layout) -> bool:
    """Could line ``i`` of a run be a heading of its own?  Not when it is a
    line of wrapped prose: one the next word would not have fitted on, or
    one that ends mid-sentence while the text goes on in lower case."""
    line = run[i].rstrip()
    if i + 1 < len(run):
        after = run[i + 1].strip()
        if layout.wrap and width_of(line) + 1 + len(first_word(after)) > FIT * layout.wrap:
            return False
        if line.endswith((",", ";", "-")) or after[:1].islower():
            return False
    return True


def indent_cuts(run: list[str]) -> set[int]:
    """Paragraphs marked by first-line indents: a line indented further
    than the next line starts one."""
    indents = [indent_of(line) for line in run]
    cuts = set()
    for i in range(1, len(run)):
        nxt = indents[i + 1] if i + 1 < len(run) else 0
        if indents[i] >= INDENT and indents[i] > nxt and indents[i - 1] <= indents[i]:
            cuts.add(i)
    return cuts


def sentence_cuts(run: list[str], wrap: int) -> set[int]:
    """Wrapped text without blank lines or indents: a line that ends a
    sentence although the next word would have fitted on it ends a
    paragraph (wrapping alone never breaks a line that early)."""
    cuts = set()
    for i in range(len(run) - 1):
        line = run[i].rstrip()
        if _SENTENCE_END.search(line) and \
                width_of(line) + 1 + len(first_word(run[i + 1])) <= FIT * wrap:
            cuts.add(i + 1)
    return cuts


def _paragraph_lines(run: list[str], blankless: bool) -> bool:
    """In unwrapped text: are these lines paragraphs (not lines of verse)?

    Yes when most open with a dialogue dash or quotation mark (one speech per
    line), or are longer than any wrapped line; in a file with no blank
    lines at all, when they are not mostly short (a poem).
    """
    speech = sum(1 for line in run if DIALOGUE_START.match(line.strip()))
    if speech >= len(run) / 2:
        return True
    if blankless:
        widths = sorted(width_of(line) for line in run)
        return widths[len(widths) // 2] >= SHORT_LINE
    long = sum(1 for line in run if width_of(line) > MAX_WRAP)
    return long >= len(run) / 2


def join_lines(lines: list[str]) -> str:
    """Re-join hard-wrapped lines into one paragraph's text.

    A line ending in a word-hyphen joins the next without a space
    ("twenty-\\none" → "twenty-one"), as does a line ending in an unspaced
    dash ("Antichrist—\\nI"); otherwise lines join with one space.
    """
    parts = [line.strip() for line in lines]
    joined = " ".join(part for part in parts if part)
    if "- " not in joined and "— " not in joined and "– " not in joined:
        return joined  # no line before the last ends in a hyphen or a dash
    out = ""
    for line in parts:
        if not line:
            continue
        if not out:
            out = line
        elif (out.endswith(("—", "–")) and not out.endswith((" —", " –"))) or (
                out.endswith("-") and not out.endswith(("--", " -")) and line[:1].isalpha()
                and line[:1].islower()):
            out += line
        else:
            out += " " + line
    return out


# ------------------------------------------------------------------ verse or prose


def is_verse_block(block: Block, layout: Layout) -> bool:
    """Lines to keep as lines: a stanza, not a paragraph of prose.

    Prose wraps: each line ends only because the next word would not fit
    (measured against the file's wrap width, or, in a file too small or too
    mixed to have one, against the block's own longest line when that is
    prose-long).  Short lines that do not fill the width, or indented lines
    in a file whose paragraphs are not indented, are verse.
    """
    widths = [len(line) if "\t" not in line else width_of(line) for line in block.lines]
    indented = block.indented and not layout.indent_paragraphs and layout.indented_share < 0.5
    if block.single:
        limit = 0.75 * layout.wrap if layout.wrap else MAX_WRAP
        return indented and widths[0] < limit
    longest = max(widths)
    if layout.wrap is None and longest > MAX_WRAP:
        return False
    wrap = layout.wrap or (longest if longest >= PROSE_LINE else None)
    if wrap is None:
        return True  # several short lines, none of prose length
    if indented:
        return wrapped_share(block.lines, wrap) < 0.75 or longest < 0.6 * wrap
    if longest <= wrap and wrapped_share(block.lines, wrap) < 0.5:
        return True
    # In a file with no wrap width of its own, judge the block by its lines.
    return layout.wrap is None and len(block.lines) >= 3 and _verse_lines(block.lines)


def _verse_lines(lines: list[str]) -> bool:
    """Lines that open with a capital and close with punctuation, as verse
    lines traditionally do; wrapped prose mostly breaks mid-sentence, so its
    lines end in a word and the next opens in small letters."""
    # A line ending in an initial or an abbreviation ("M.", "Dr.") is cut in
    # mid-sentence, and the capital after it opens a name, not a line of verse.
    cut = [bool(_ABBREVIATION_END.search(line.rstrip())) for line in lines]
    # Sentences that end inside lines, the next one going on on the same line,
    # are prose ("… were awake. Mme"); verse ends its sentences with its lines.
    inner = sum(1 for line in lines if _INNER_END.search(line.strip()))
    if inner >= len(lines) / 2:
        return False
    opens = [line.strip().lstrip("\"'“„«»‘‚([—–-… ") for line in lines[1:]]
    capital = sum(1 for text, after_cut in zip(opens, cut) if text[:1].isupper()
                  and not after_cut) / len(opens)
    closed = sum(1 for line, is_cut in zip(lines, cut)
                 if line.rstrip()[-1:] in ",;:.!?…—–-\"'”’»)" and not is_cut) / len(lines)
    return capital >= 0.75 and closed >= 0.6


def is_quotation_block(block: Block, layout: Layout) -> bool:
    """An indented paragraph of prose (a letter, a quotation)."""
    return (block.indented and not layout.indent_paragraphs and layout.indented_share < 0.5
            and not is_verse_block(block, layout))
