"""The EPUB's stylesheet: shipped CSS plus the user's, with its files packed.

User CSS may reference fonts and images with ``url()``.  Local files are
resolved through the sandbox and packed into the EPUB (fonts under
``fonts/``); remote URLs are never fetched for the EPUB (a reading system
should not need the network, and EPUB 3.3 §3.6 would require the
``remote-resources`` property): their declarations are dropped with a
warning.

Codes: CSS001 a remote url() dropped; CSS002 a referenced file that cannot
be packed.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable
from pathlib import PurePosixPath

import tinycss2

from ...context import BuildContext
from ...fonts.css import fallback_css
from ...errors import MakeBookError
from ...limits import MAX_ASSET_BYTES
from ...model import Asset, Book
from ...sandbox import is_data_uri, is_remote
from ...xhtml import slugify

_FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


def package_stylesheet(shipped: str, book: Book, ctx: BuildContext,
                       languages: Iterable[str] | None = None) -> tuple[str, list[Asset]]:
    """The single ``book.css`` and the assets its user rules reference (the
    fallback stacks with the ``:lang()`` variants of ``languages``)."""
    assets: dict[str, Asset] = {}
    parts = [shipped]
    for sheet in book.stylesheets:
        rules = tinycss2.parse_stylesheet(sheet.text, skip_comments=True, skip_whitespace=False)
        parts.append(f"/* {sheet.name} */\n" + _rewrite(rules, sheet.name, ctx, assets))
        parts.append(fallback_css(sheet.text, languages=languages))
    return "\n".join(parts), list(assets.values())


def _rewrite(nodes: list, name: str, ctx: BuildContext, assets: dict[str, Asset]) -> str:
    out: list[str] = []
    for node in nodes:
        if node.type in ("qualified-rule", "at-rule") and node.content is not None:
            if node.type == "at-rule" and node.lower_at_keyword in ("media", "supports", "document"):
                inner = tinycss2.parse_rule_list(node.content, skip_comments=True)
                body = _rewrite(inner, name, ctx, assets)
            else:
                decls = tinycss2.parse_blocks_contents(node.content, skip_comments=True)
                body = _declarations(decls, name, ctx, assets, node.source_line)
            prelude = tinycss2.serialize(node.prelude)
            head = f"@{node.at_keyword}{prelude}" if node.type == "at-rule" else prelude
            out.append(f"{head.strip()} {{{body}}}\n")
        elif node.type == "at-rule" and node.lower_at_keyword == "import":
            ctx.diag.warn("CSS001", "@import is not supported in book stylesheets; list the file in "
                          "[style] css instead", file=name, line=node.source_line)
        else:
            out.append(tinycss2.serialize([node]))
    return "".join(out)


def _declarations(decls: list, name: str, ctx: BuildContext, assets: dict[str, Asset],
                  line: int) -> str:
    kept: list[str] = []
    for decl in decls:
        if decl.type == "declaration":
            value = _urls(decl.value, name, ctx, assets, decl.source_line)
            if value is None:
                continue
            important = " !important" if decl.important else ""
            kept.append(f"{decl.name}: {tinycss2.serialize(value).strip()}{important};")
        elif decl.type in ("qualified-rule", "at-rule"):
            kept.append(_rewrite([decl], name, ctx, assets))
    return " ".join(kept)


def _urls(tokens: list, name: str, ctx: BuildContext, assets: dict[str, Asset], line: int):
    """Rewrite url() tokens; None when the declaration must be dropped."""
    result = []
    for token in tokens:
        ref = None
        if token.type == "url":
            ref = token.value
        elif token.type == "function" and token.lower_name == "url" and token.arguments:
            ref = next((t.value for t in token.arguments if t.type == "string"), None)
        if ref is None:
            if token.type == "function":
                inner = _urls(token.arguments, name, ctx, assets, line)
                if inner is None:
                    return None
            result.append(token)
            continue
        if is_data_uri(ref) or ref.startswith("#"):
            result.append(token)
            continue
        if is_remote(ref):
            ctx.diag.warn("CSS001", f"remote url({ref}) dropped from the stylesheet", file=name,
                          line=line)
            return None
        try:
            path = ctx.sandbox.resolve(ref, file=name, line=line)
            data = ctx.sandbox.read_bytes(path, limit=MAX_ASSET_BYTES, file=name, line=line)
        except MakeBookError as exc:
            ctx.diag.warn("CSS002", f"url({ref}) cannot be packed: {exc.message}", file=name, line=line)
            return None
        suffix = PurePosixPath(path.name).suffix.lower()
        folder = "fonts" if suffix in _FONT_TYPES else "images"
        digest = hashlib.sha256(data).hexdigest()[:8]
        href = f"{folder}/{slugify(path.stem)}-{digest}{suffix}"
        media = _FONT_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        assets.setdefault(href, Asset(href, media, data, source=name))
        result.append(tinycss2.ast.URLToken(token.source_line, token.source_column, f"../{href}",
                                            f'url("../{href}")'))
    return result
