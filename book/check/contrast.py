"""Colour contrast of stylesheets (WCAG 2.2 SC 1.4.3, contrast minimum).

Text needs a contrast ratio of at least 4.5:1 against its background
(3:1 for large text; we hold all text to 4.5:1, since a reader's font size
is not ours to know).  The ratio is WCAG's: (L1 + 0.05) / (L2 + 0.05) with
L the relative luminance of the lighter and darker colour.

A stylesheet is checked rule by rule: a rule that sets ``color`` is
measured against the background the same rule sets, else against the page
(white, the background every reading system and paper starts from); a rule
that sets only a background is measured against the text colour in effect
(black unless the sheet's ``body``/``html`` rule says otherwise).  This
finds the mistakes a designer makes (grey text, a tinted box) without a
browser; Ace measures the rendered pages on top of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import tinycss2
import tinycss2.color3

#: WCAG 2.2 SC 1.4.3 minimum for body text.
MINIMUM_RATIO = 4.5

RGB = tuple[float, float, float]
WHITE: RGB = (1.0, 1.0, 1.0)
BLACK: RGB = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class ContrastProblem:
    """A rule whose text would be too faint on its background."""

    selector: str
    line: int
    foreground: str
    background: str
    ratio: float

    def describe(self) -> str:
        return (f"{self.selector}: text {self.foreground} on {self.background} has a contrast "
                f"ratio of {self.ratio:.2f}:1 (WCAG AA needs {MINIMUM_RATIO}:1)")


def _channel(value: float) -> float:
    """sRGB channel → linear light (WCAG 2.2 relative luminance definition)."""
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: RGB, second: RGB) -> float:
    """WCAG contrast ratio between two opaque colours (1 to 21)."""
    a, b = luminance(first), luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def _blend(color: tinycss2.color3.RGBA, under: RGB) -> RGB:
    """A translucent colour as it shows over ``under``."""
    alpha = color.alpha
    return tuple(alpha * c + (1 - alpha) * u for c, u in zip(color[:3], under))  # type: ignore[return-value]


def _hex(rgb: RGB) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _color_of(tokens: list) -> tinycss2.color3.RGBA | str | None:
    """The colour a declaration value names (the first colour token of a
    ``background`` shorthand), ``"currentColor"``, or None."""
    for token in tokens:
        if token.type in ("whitespace", "comment"):
            continue
        parsed = tinycss2.color3.parse_color(token)
        if parsed is not None:
            return parsed
    return None


def _declarations(rule) -> dict[str, list]:
    found: dict[str, list] = {}
    for decl in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
        if decl.type == "declaration":
            found[decl.lower_name] = decl.value
    return found


def _rules(nodes: list):
    """Qualified rules, including those inside @media/@supports blocks."""
    for node in nodes:
        if node.type == "qualified-rule":
            yield node
        elif node.type == "at-rule" and node.lower_at_keyword in ("media", "supports") and node.content:
            yield from _rules(tinycss2.parse_rule_list(node.content, skip_comments=True,
                                                       skip_whitespace=True))


def check_stylesheet(css: str, *, page: RGB = WHITE) -> list[ContrastProblem]:
    """Every rule of ``css`` whose text colour is too close to its background."""
    rules = list(_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))
    text: RGB = BLACK
    background: RGB = page
    # The sheet's own page colours (html/body) are the defaults of the rest.
    for rule in rules:
        selectors = {s.strip() for s in tinycss2.serialize(rule.prelude).split(",")}
        if selectors & {"html", "body", ":root"}:
            decls = _declarations(rule)
            bg = _color_of(decls.get("background-color", decls.get("background", [])))
            if isinstance(bg, tinycss2.color3.RGBA) and bg.alpha > 0:
                background = _blend(bg, background)
            fg = _color_of(decls.get("color", []))
            if isinstance(fg, tinycss2.color3.RGBA):
                text = _blend(fg, background)
    problems: list[ContrastProblem] = []
    for rule in rules:
        decls = _declarations(rule)
        fg = _color_of(decls["color"]) if "color" in decls else None
        bg_tokens = decls.get("background-color", decls.get("background"))
        bg = _color_of(bg_tokens) if bg_tokens is not None else None
        if not isinstance(fg, tinycss2.color3.RGBA) and not isinstance(bg, tinycss2.color3.RGBA):
            continue
        under = _blend(bg, background) if isinstance(bg, tinycss2.color3.RGBA) else background
        over = _blend(fg, under) if isinstance(fg, tinycss2.color3.RGBA) else text
        if isinstance(fg, tinycss2.color3.RGBA) and fg.alpha == 0:
            continue  # invisible text is a design choice we cannot judge (e.g. hidden labels)
        ratio = contrast_ratio(over, under)
        if ratio < MINIMUM_RATIO:
            problems.append(ContrastProblem(tinycss2.serialize(rule.prelude).strip(),
                                            rule.source_line, _hex(over), _hex(under), ratio))
    return problems


__all__ = ["MINIMUM_RATIO", "ContrastProblem", "check_stylesheet", "contrast_ratio", "luminance"]
