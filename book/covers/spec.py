"""What a generated cover is made from, and what setting it noticed: plain
data, apart from the renderer (:mod:`.render`, which needs WeasyPrint and
PDFium), so that a build taking its cover from the cache (the key is a
:class:`CoverSpec`) never imports the renderer."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Languages written right to left.
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "dv", "ckb", "syr", "ug"})


@dataclass(frozen=True)
class CoverSpec:
    """Everything a generated cover depends on (hashable: the cache key)."""

    texts: tuple[tuple[str, str], ...]  # (role, text)
    lang: str
    design: str
    theme: str
    background: str  # CSS colours: "#rrggbb" or "device-cmyk(...)"
    foreground: str
    width: float
    height: float
    unit: str = "px"  # "px" (EPUB) or "pt" (the paperback's front panel)
    bleed_right: float = 0.0

    @property
    def rtl(self) -> bool:
        return self.lang.split("-")[0].lower() in RTL_LANGUAGES

    @property
    def text(self) -> dict[str, str]:
        return dict(self.texts)


@dataclass
class CoverFindings:
    """What setting a cover noticed, as plain data (the build cache keeps it
    with the cover): characters no font has, texts set below their
    design's smallest size (role → size), texts left off."""

    missing: list[str] = field(default_factory=list)
    shrunk: dict[str, float] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"missing": list(self.missing), "shrunk": dict(self.shrunk),
                "dropped": list(self.dropped)}

    @classmethod
    def from_dict(cls, data: dict) -> CoverFindings:
        return cls([str(c) for c in data["missing"]],
                   {str(k): float(v) for k, v in data["shrunk"].items()},
                   [str(r) for r in data["dropped"]])
