"""PDF standards: PDF/X for the press, PDF/UA for screens.

``[pdf] variant`` (print): ``pdf/x-4`` (default; ISO 15930-7, live
transparency and ICC colour allowed), ``pdf/x-3`` and ``pdf/x-1a``
(ISO 15930-6/-4, PDF 1.4, what IngramSpark asks for) or ``none``.  The
PDF/X variants need an output intent: a CMYK ICC profile of the printing
condition.  ``[pdf] output_profile`` names one in the book folder (the
print shop's, e.g. FOGRA39 or GRACoL); otherwise a CMYK profile shipped by
the system is used (Debian's ``libgs-common`` has Ghostscript's
``default_cmyk.icc``).  Text and rules are set in pure black ink
(``device-cmyk(0 0 0 1)``), so black text never prints as four-colour
black.  PDF/X-1a also forbids RGB images and transparency: raster images
are flattened on white and converted to CMYK for it.

``[pdf] screen_variant``: ``pdf/ua-1`` (ISO 14289-1: tagged, /Lang, title
shown) or ``none``; the screen PDF stays RGB.

Codes: PDF001 no CMYK profile found (the PDF/X output intent then names the
registered FOGRA39 condition without embedding a profile).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ...cmyk_profiles import SYSTEM_CMYK_PROFILES
from ...context import BuildContext
from ...limits import MAX_ASSET_BYTES

PROFILE_URL = "mb-internal:output-intent.icc"

#: Colours of the shipped sheets restated in pure K for the press.
CMYK_CSS = """
html, body { color: device-cmyk(0 0 0 1); }
pre { background: device-cmyk(0 0 0 0.05); border-left-color: device-cmyk(0 0 0 0.4); }
.callout { background: device-cmyk(0 0 0 0.04); border-left-color: device-cmyk(0 0 0 0.6); }
hr, th, td { border-color: device-cmyk(0 0 0 0.7); }
"""


@dataclass
class VariantSetup:
    """What a variant adds to the render: options, CSS, internal resources."""

    pdf_variant: str | None
    css: str = ""
    internal: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    cmyk_images: bool = False
    profile_name: str = ""
    options: dict[str, object] = field(default_factory=dict)


def _profile_description(data: bytes, fallback: str) -> str:
    try:
        from PIL import ImageCms

        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
        return (ImageCms.getProfileDescription(profile) or fallback).strip() or fallback
    except Exception:  # noqa: BLE001 - a profile without a readable name keeps its file name
        return fallback


def _load_profile(ctx: BuildContext) -> tuple[bytes, str] | None:
    ref = ctx.config.pdf.output_profile
    config_display = ctx.config.file.name if ctx.config.file else "book.toml"
    if ref:
        path = ctx.sandbox.resolve(ref, file=config_display)
        data = ctx.sandbox.read_bytes(path, limit=MAX_ASSET_BYTES, file=config_display)
        return data, _profile_description(data, Path(ref).name)
    for candidate in SYSTEM_CMYK_PROFILES:
        path = Path(candidate)
        if path.is_file():
            data = path.read_bytes()
            return data, _profile_description(data, path.name)
    return None


def print_setup(ctx: BuildContext) -> VariantSetup:
    variant = ctx.config.pdf.variant
    if variant == "none":
        return VariantSetup(None)
    setup = VariantSetup(variant, css=CMYK_CSS, cmyk_images=variant == "pdf/x-1a")
    profile = _load_profile(ctx)
    if profile is None:
        ctx.diag.warn("PDF001", f"no CMYK colour profile found for {variant.upper()}; the output "
                      "intent names FOGRA39 without embedding a profile",
                      hint="set [pdf] output_profile to your printer's ICC file, or install "
                           "Debian's libgs-common")
        setup.profile_name = "FOGRA39"
        return setup
    data, name = profile
    setup.internal[PROFILE_URL.split(":", 1)[1]] = (data, "application/vnd.iccprofile")
    setup.css += (f'@color-profile device-cmyk {{ src: url("{PROFILE_URL}"); '
                  'components: cyan, magenta, yellow, black; }\n')
    setup.profile_name = name
    return setup


def screen_setup(ctx: BuildContext) -> VariantSetup:
    variant = ctx.config.pdf.screen_variant
    if variant == "none":
        return VariantSetup(None, options={"pdf_tags": True})
    return VariantSetup(variant)


def to_cmyk(data: bytes, media_type: str) -> tuple[bytes, str]:
    """Flatten transparency on white and convert a raster image to CMYK JPEG
    (greyscale images stay greyscale), as PDF/X-1a requires."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
                rgba = image.convert("RGBA")
                flat = Image.new("RGB", rgba.size, "white")
                flat.paste(rgba, mask=rgba.getchannel("A"))
                image = flat
            target = "L" if image.mode in ("L", "1", "I", "I;16") else "CMYK"
            out = io.BytesIO()
            image.convert(target).save(out, "JPEG", quality=92)
            return out.getvalue(), "image/jpeg"
    except Exception:  # noqa: BLE001 - SVG or an unreadable image: served as it is
        return data, media_type
