"""Raw LaTeX in Pandoc Markdown: figures kept, page breaks kept, the rest dropped.

Pandoc passes raw TeX (``\\newpage``, ``\\includegraphics{…}``,
``\\begin{figure}`` … ``\\end{figure}``; Pandoc's ``raw_tex`` extension) to
LaTeX output only; an ebook must never print it.  These rules read it into
``mb_tex`` (inline) and ``mb_tex_block`` (an environment starting a block)
tokens, and :class:`LatexRendering` decides:

* ``\\newpage``, ``\\clearpage``, ``\\pagebreak``, ``\\cleardoublepage``: the
  next block starts a new page in print (``page-break-before``);
* ``\\includegraphics[…]{file}``, and any macro whose argument names an
  image file in the book folder (``\\fig{maps/north.png}{The north}``), is
  an image: a figure when it stands alone, captioned by a ``\\caption{…}``
  or by the macro's other text argument;
* a few text macros keep their text (``\\emph``, ``\\textbf``, ``\\texttt``,
  ``\\LaTeX``…);
* anything else is left out with a warning naming the file and line (MD071),
  as is the content of ``<latex>``/``<tex>`` elements (:data:`TEX_ELEMENTS`;
  the HTML cleaner hands their text to :meth:`LatexRendering.tex_source`).

A backslash after a letter, digit or colon (``C:\\Users``) is not TeX, nor
a name alone inside a sentence that takes no argument (only known commands
or commands with ``{``/``[`` arguments are read), so text is not lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from ...xhtml import append_text, xml_safe

#: Commands that start a new page in print.
PAGE_BREAKS = frozenset({"newpage", "clearpage", "pagebreak", "cleardoublepage"})
#: Commands whose one argument is text in a style.
TEXT_STYLES: dict[str, tuple[str, str | None]] = {
    "emph": ("em", None), "textit": ("em", None), "textsl": ("em", None),
    "textbf": ("strong", None), "texttt": ("code", None), "underline": ("u", None),
    "textsc": ("span", "small-caps"), "textup": ("span", None), "textrm": ("span", None),
    "textsf": ("span", None), "mbox": ("span", None), "text": ("span", None),
}
#: Argument-less commands that print text.
TEXT_SYMBOLS: dict[str, str] = {
    "LaTeX": "LaTeX", "TeX": "TeX", "ldots": "…", "dots": "…", "textendash": "–",
    "textemdash": "—", "S": "§", "P": "¶", "copyright": "©", "textregistered": "®",
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "aa": "å", "AA": "Å", "l": "ł",
    "L": "Ł", "quad": "\u2003", "qquad": "\u2003\u2003", "noindent": "", "centering": "",
    "par": "", "bigskip": "", "medskip": "", "smallskip": "", "hfill": "", "vfill": "",
    "maketitle": "", "tableofcontents": "", "listoffigures": "", "listoftables": "",
}
#: Commands read even without arguments (the rest need ``{`` or ``[``).
_KNOWN_BARE = PAGE_BREAKS | set(TEXT_SYMBOLS) | {"appendix", "frontmatter", "mainmatter",
                                                 "backmatter", "item", "hline", "toprule",
                                                 "midrule", "bottomrule", "linebreak",
                                                 "newline", "clearpage", "protect", "relax"}
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
#: Elements whose content is raw TeX in Markdown written for some converters.
TEX_ELEMENTS = frozenset({"latex", "tex"})

_NAME = re.compile(r"[A-Za-z]{1,40}\*?")
_NOT_BEFORE = re.compile(r"[\w:\\/.]")
_MAX_ARGS = 9
_MAX_ARG = 4000
#: How far ``\\begin{x}`` looks for its ``\\end{x}`` (characters).
_MAX_ENVIRONMENT = 64_000


@dataclass(frozen=True)
class Command:
    """One TeX command: its name and ``[…]``/``{…}`` arguments, as written."""

    name: str
    args: tuple[tuple[str, str], ...]  # ("[", text) or ("{", text)
    source: str

    def braced(self) -> list[str]:
        return [text for kind, text in self.args if kind == "{"]


_SPECIAL = re.compile(r"[\\{}\[\]]")


class Budget:
    """Characters the TeX rules may still scan in one document.

    A group that never closes is scanned to its window's end each time a
    command starts inside it; on hostile input (``\\x{`` a million times)
    that would be quadratic, so the scanning stops (the rest stays text)
    once a few times the document's length has been looked at.
    """

    def __init__(self, size: int) -> None:
        self.left = 4 * size + 100_000

    def spend(self, amount: int) -> bool:
        self.left -= amount
        return self.left > 0


def _group(src: str, pos: int, limit: int, opening: str, budget: Budget) -> int:
    """End (exclusive) of the balanced group opening at ``pos``, or -1."""
    closing = "}" if opening == "{" else "]"
    depth = 0
    end = min(limit, pos + _MAX_ARG)
    skip = -1
    for match in _SPECIAL.finditer(src, pos, end):
        index = match.start()
        if index == skip:
            continue
        char = src[index]
        if char == "\\":
            skip = index + 1
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                budget.spend(index + 1 - pos)
                return index + 1
    budget.spend(end - pos)
    return -1


def parse_command(src: str, pos: int, limit: int,
                  budget: Budget | None = None) -> tuple[Command, int] | None:
    """The command starting with the backslash at ``pos`` and where it ends."""
    budget = budget if budget is not None else Budget(limit)
    if pos + 1 >= limit or src[pos] != "\\" or budget.left <= 0:
        return None
    match = _NAME.match(src, pos + 1, limit)
    if not match:
        return None
    name = match.group(0)
    index = match.end()
    args: list[tuple[str, str]] = []
    while index < limit and len(args) < _MAX_ARGS:
        probe = index
        while probe < limit and src[probe] in " \t" and probe - index < 2:
            probe += 1
        if probe >= limit or src[probe] not in "{[":
            break
        end = _group(src, probe, limit, src[probe], budget)
        if end < 0:
            break
        args.append((src[probe], src[probe + 1:end - 1]))
        index = end
    if name.rstrip("*") == "begin" and args:
        environment = args[0][1]
        window = min(limit, index + _MAX_ENVIRONMENT)
        close = src.find(f"\\end{{{environment}}}", index, window)
        budget.spend((close if close >= 0 else window) - index)
        if close < 0:
            return None
        body = src[index:close]
        index = close + len(environment) + 6
        args.append(("body", body))
    bare = name.rstrip("*")
    if not args and bare not in _KNOWN_BARE:
        return None
    return Command(bare, tuple(args), src[pos:index]), index


def _budget(env: dict, src: str) -> Budget:
    budget = env.get("mb_tex_budget")
    if not isinstance(budget, Budget):
        budget = env["mb_tex_budget"] = Budget(len(src))
    return budget


def tex_inline_rule(state: StateInline, silent: bool) -> bool:
    """``\\command[opt]{arg}`` in running text → an ``mb_tex`` token."""
    pos = state.pos
    if state.src[pos] != "\\" or (pos > 0 and _NOT_BEFORE.match(state.src[pos - 1])):
        return False
    found = parse_command(state.src, pos, state.posMax, _budget(state.env, state.src))
    if found is None:
        return False
    command, end = found
    if not silent:
        token = state.push("mb_tex", "", 0)
        token.meta = {"command": command}
        token.content = command.source
    state.pos = end
    return True


def tex_block_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``\\begin{env}`` at the start of a block, to its ``\\end{env}`` (blank
    lines included): an ``mb_tex_block`` token."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    first = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("\\begin{", first):
        return False
    limit = state.eMarks[min(end - 1, start + 2000)] if end > start else state.eMarks[start]
    found = parse_command(state.src, first, limit, _budget(state.env, state.src))
    if found is None:
        return False
    command, stop = found
    line = start
    while line < end and state.eMarks[line] < stop:
        line += 1
    if silent:
        return True
    token = state.push("mb_tex_block", "", 0)
    token.meta = {"command": command}
    token.content = command.source
    token.map = [start, line + 1]
    state.line = line + 1
    return True


def latex_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("html_block", "mb_tex_block", tex_block_rule,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.inline.ruler.before("escape", "mb_tex", tex_inline_rule)


def commands_in(tex: str) -> list[Command]:
    """The commands of a piece of TeX, outermost first, in order."""
    found: list[Command] = []
    budget = Budget(len(tex))
    pos = tex.find("\\")
    while 0 <= pos < len(tex) and budget.left > 0:
        parsed = parse_command(tex, pos, len(tex), budget)
        if parsed is None:
            pos = tex.find("\\", pos + 1)
            continue
        command, end = parsed
        found.append(command)
        pos = tex.find("\\", end)
    return found


def _plain(tex: str) -> str:
    """The words of a short TeX argument (``A \\emph{big} map`` → ``A big map``)."""
    text = re.sub(r"\\[A-Za-z]+\*?", " ", tex)
    return " ".join(text.replace("{", "").replace("}", "").replace("~", " ").split())


class LatexRendering:
    """What the Markdown renderer does with TeX tokens (mixed into it)."""

    warn: Callable[[str, str, int | None], None]
    #: ``name → src`` of an image file in the book folder, or None.
    image_file: Callable[[str], str | None]
    page_break_pending: bool

    def _tex_drop(self, command: Command, line: int | None) -> None:
        shown = command.source if len(command.source) <= 60 else command.source[:57] + "…"
        self.warn("MD071", f"raw LaTeX {' '.join(shown.split())!r} left out (only LaTeX output "
                  "could use it)", line)

    def _tex_image(self, command: Command) -> tuple[str, str] | None:
        """``(src, caption)`` when the command shows an image file."""
        braced = command.braced()
        candidates = braced[-1:] if command.name == "includegraphics" else braced
        for arg in candidates:
            src = self.image_file(arg.strip())
            if not src and command.name == "includegraphics" and arg.strip():
                src = arg.strip()  # missing: the images pass reports it like any image
            if src:
                others = [_plain(a) for a in braced if a is not arg]
                caption = next((t for t in others if " " in t and "=" not in t), "")
                return src, caption
        return None

    def _tex_inline(self, command: Command, parent: etree._Element, line: int | None) -> None:
        """An inline TeX command, into ``parent`` (or dropped with a warning)."""
        if command.name in PAGE_BREAKS:
            self.page_break_pending = True
            return
        if command.name in TEXT_SYMBOLS:
            append_text(parent, TEXT_SYMBOLS[command.name])
            return
        if command.name in TEXT_STYLES and command.braced():
            tag, css = TEXT_STYLES[command.name]
            el = etree.SubElement(parent, tag)
            if css:
                el.set("class", css)
            el.text = xml_safe(_plain(command.braced()[0]))
            return
        image = self._tex_image(command)
        if image is not None:
            _tex_img(parent, image[0], image[1], line)
            return
        if command.name == "begin":
            self._tex_environment(command, parent, line)
            return
        self._tex_drop(command, line)

    def _tex_environment(self, command: Command, parent: etree._Element,
                         line: int | None) -> None:
        """A figure environment keeps its image and caption; others go."""
        inner = commands_in(dict(command.args).get("body", ""))
        images = [found for found in (self._tex_image(c) for c in inner) if found]
        if not images:
            self._tex_drop(command, line)
            return
        caption = next((_plain(c.braced()[-1]) for c in inner
                        if c.name == "caption" and c.braced()), "") or images[0][1]
        for src, _ in images:
            _tex_img(parent, src, caption, line)
            caption = ""

    def tex_source(self, tex: str, parent: etree._Element, line: int | None) -> None:
        """Raw TeX written in an element (``<latex>…</latex>``): its images
        are kept in ``parent``, the rest is reported."""
        kept = False
        for command in commands_in(tex):
            if command.name in PAGE_BREAKS:
                self.page_break_pending = True
                continue
            if TEXT_SYMBOLS.get(command.name) == "" and not command.args:
                continue  # layout only (\hfill, \noindent): nothing to print
            image = self._tex_image(command) if command.name != "begin" else None
            if command.name == "begin":
                before = len(parent)
                self._tex_environment(command, parent, line)
                kept = kept or len(parent) > before
            elif image is not None:
                _tex_img(parent, image[0], image[1], line)
                kept = True
            else:
                self._tex_drop(command, line)
        if not kept and not commands_in(tex) and tex.strip():
            self.warn("MD071", f"raw LaTeX {' '.join(tex.split())[:60]!r} left out (only LaTeX "
                      "output could use it)", line)


def _tex_img(parent: etree._Element, src: str, caption: str, line: int | None) -> None:
    img = etree.SubElement(parent, "img", {"src": xml_safe(src), "data-mb-tex": "1"})
    if line is not None:
        img.set("data-mb-line", str(line))
    if caption:
        img.set("data-mb-caption", xml_safe(caption))


def figures_from_tex_images(block: etree._Element) -> etree._Element:
    """A paragraph holding only images read from TeX becomes a figure
    (captioned when the TeX gave a caption); returns the block to keep."""
    images = [img for img in block.iter("img") if img.attrib.pop("data-mb-tex", None)]
    if not images or len(block) != len(images) or (block.text or "").strip() or any(
            (img.tail or "").strip() for img in images):
        for img in images:
            img.attrib.pop("data-mb-caption", None)
        return block
    block.tag = "figure"
    block.text = None
    caption = ""
    for img in images:
        caption = caption or img.attrib.pop("data-mb-caption", "")
        img.attrib.pop("data-mb-caption", None)
        img.tail = None
    if caption:
        etree.SubElement(block, "figcaption").text = caption
    return block
