"""The stylesheets: the shipped theme sheets plus the user's own CSS.

``styles/`` holds ``base.css`` (shared by every output), one sheet per output
(``epub.css``, ``print.css``, ``screen.css``) and the themes.  The cascade
is base → theme → output → user CSS, so a user's rule always wins.  The
folder ships inside the installed package as ``book.styles`` and is read
from the repository when running from a checkout.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .context import BuildContext
from .errors import ConfigError, SourceError
from .fonts.css import fallback_css
from .limits import MAX_ASSET_BYTES
from .model import Stylesheet
from .styles_folder import styles_dir

if TYPE_CHECKING:
    from .cache import Store


def shipped_css(output: str, theme: str, languages: Iterable[str] | None = None,
                store: Store | None = None) -> str:
    """base + theme + output sheet (``output`` is epub, print or screen),
    then their font stacks again with the fallback fonts (book/fonts), with
    ``:lang()`` variants for the CJK ``languages`` of the book (all of them
    when not given: see book/fonts/languages.py).  With a build cache
    (``store``), the fallback rules come from it when these sheets and
    languages were seen before: parsing the sheets for them is most of the
    call."""
    folder = styles_dir()
    names = ["base.css", f"themes/{theme}.css", f"{output}.css"]
    parts = []
    for name in names:
        path = folder / name
        if not path.is_file():
            raise ConfigError(f"stylesheet {name} is missing from the installation")
        parts.append(f"/* {name} */\n" + path.read_text(encoding="utf-8"))
    text = "\n".join(parts)
    return text + "\n" + _fallbacks(text, languages, store)


#: The build cache's stage of the shipped sheets' fallback rules.
FALLBACKS_STAGE = "css-fallbacks"


def _fallbacks(text: str, languages: Iterable[str] | None, store: Store | None) -> str:
    """:func:`~book.fonts.css.fallback_css` of ``text``, kept in ``store``
    under the sheets, the languages and make-book with the fonts installed
    (the key's base): the same inputs give the same rules."""
    wanted = None if languages is None else sorted(set(languages))
    if store is None:
        return fallback_css(text, languages=wanted)
    from .cache.keys import Hasher, base_key

    key = Hasher(base_key(), FALLBACKS_STAGE, text, repr(wanted)).hexdigest()
    found = store.get(FALLBACKS_STAGE, key)
    if found is not None:
        try:
            return found.decode("utf-8")
        except UnicodeDecodeError:
            pass  # not what was kept: made again below
    rules = fallback_css(text, languages=wanted)
    store.put(FALLBACKS_STAGE, key, rules.encode("utf-8"))
    return rules


def with_fallbacks(sheet: Stylesheet, languages: Iterable[str] | None = None) -> str:
    """A user's stylesheet followed by its font stacks with the fallbacks."""
    return f"/* {sheet.name} */\n{sheet.text}\n{fallback_css(sheet.text, languages=languages)}"


def load_user_styles(ctx: BuildContext, extra: list[Path] | None = None) -> list[Stylesheet]:
    """The user's CSS: ``[style] css`` (inside the book folder) then ``--css``.

    Files named in book.toml resolve through the sandbox; files given on the
    command line are the user's explicit choice and are read as given.
    """
    sheets: list[Stylesheet] = []
    config_display = str(ctx.config.file.name) if ctx.config.file else "book.toml"
    for ref in ctx.config.style.css:
        path = ctx.sandbox.resolve(ref, file=config_display)
        data = ctx.sandbox.read_bytes(path, limit=MAX_ASSET_BYTES, file=config_display)
        sheets.append(Stylesheet(ref, _decode(data, ref)))
    for path in extra or []:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read stylesheet: {exc.strerror}", file=str(path)) from None
        if len(data) > MAX_ASSET_BYTES:
            raise SourceError("stylesheet is too large", file=str(path))
        sheets.append(Stylesheet(Path(path).name, _decode(data, str(path))))
    return sheets


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError("stylesheet is not valid UTF-8", file=name, line=line) from None
