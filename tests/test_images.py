"""The images pass and book/images/ (convert, decode, svg, remote...): named cases, exact outcomes."""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import make_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image
from scaling import assert_linear

from book.context import BuildContext
from book.errors import LimitError, SandboxError, SourceError, StrictError
from book.images import convert, decode, remote, resolution, svg
from book.model import Asset, Book, Chapter, SourceRef
from book.passes import images

# ---------------------------------------------------------------- helpers


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def photo(width: int, height: int) -> Image.Image:
    """A photograph-like RGB image (thousands of colours, smooth gradients)."""
    base = Image.effect_mandelbrot((width, height), (-2.2, -1.2, 0.8, 1.2), 64)
    gradient = Image.linear_gradient("L").resize((width, height))
    return Image.merge("RGB", (base, gradient, base.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (50.0, 3.0, 1.0)}  # GPS IFD
    return exif


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header declares a huge image."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + png_chunk(b"IEND", b""))


def chapter_from(html: str, folder: Path, name: str = "chapter.md") -> Chapter:
    """A chapter whose source file is ``folder/name`` and whose tree is ``html``."""
    tree = etree.fromstring(f"<section>{html}</section>")
    return Chapter("c1", tree, source=SourceRef(name), source_path=folder / name)


def run_pass(folder: Path, html: str, *, ctx: BuildContext | None = None,
             assets: dict[str, Asset] | None = None) -> tuple[Book, BuildContext]:
    ctx = ctx or make_context(folder)
    book = Book(chapters=[chapter_from(html, folder)], assets=dict(assets or {}))
    images.run(book, ctx)
    return book, ctx


def imgs(book: Book) -> list[etree._Element]:
    return list(book.chapters[0].tree.iter("img"))


def warnings_of(ctx: BuildContext, code: str) -> list:
    return [d for d in ctx.diag.warnings if d.code == code]


def notes_of(ctx: BuildContext, code: str) -> list:
    return [d for d in ctx.diag.notes if d.code == code]


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    (book / "images").mkdir(parents=True)
    (book / "chapter.md").write_text("# Chapter\n", encoding="utf-8")
    return book


# ---------------------------------------------------------------- a server that counts


class _Counting(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests.append(self.path)
        status, headers, body = self.routes.get(self.path, (404, {}, b"missing"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Counting]]]:
    handler = type("Handler", (_Counting,), {"routes": {}, "requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


# ---------------------------------------------------------------- formats kept


def test_local_png_kept_pixel_for_pixel(folder: Path) -> None:
    source = Image.new("RGBA", (120, 80), (10, 200, 30, 128))
    (folder / "images" / "Logo Été.png").write_bytes(encode(source, "PNG"))
    book, ctx = run_pass(folder, '<p data-mb-line="3"><img src="images/Logo%20%C3%89t%C3%A9.png" alt="Logo"/></p>')
    asset = book.assets["images/logo-ete.png"]
    assert asset.media_type == "image/png"
    assert (asset.width, asset.height) == (120, 80)
    assert asset.print_data is None
    assert decoded(asset.data).tobytes() == source.tobytes()
    assert imgs(book)[0].get("src") == "images/logo-ete.png"
    assert [w.code for w in ctx.diag.warnings] == ["IMG010"]  # 120 px prints at 96 ppi


def test_local_jpeg_kept_without_recompression_and_metadata_stripped(folder: Path) -> None:
    original = encode(photo(400, 300), "JPEG", quality=90, exif=exif_with_gps(), comment=b"secret")
    (folder / "images" / "photo.jpg").write_bytes(original)
    book, _ = run_pass(folder, '<p><img src="images/photo.jpg" alt="A photo"/></p>')
    asset = book.assets["images/photo.jpg"]
    assert asset.media_type == "image/jpeg"
    result = decoded(asset.data)
    assert result.tobytes() == decoded(original).tobytes()  # same DCT data: no generation loss
    assert len(result.getexif()) == 0
    assert "comment" not in result.info
    assert b"SecretCam" not in asset.data and b"secret" not in asset.data


def test_local_animated_gif_kept_with_its_frames(folder: Path) -> None:
    frames = [Image.new("RGB", (40, 40), (i * 50, 0, 0)) for i in range(5)]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], loop=0,
                 duration=100, comment=b"made by someone")
    (folder / "images" / "spin.gif").write_bytes(gif)
    book, _ = run_pass(folder, '<p><img src="images/spin.gif" alt="Spinner"/></p>')
    asset = book.assets["images/spin.gif"]
    result = Image.open(io.BytesIO(asset.data))
    assert asset.media_type == "image/gif"
    assert result.n_frames == 5
    assert result.info["loop"] == 0
    assert "comment" not in result.info


def test_local_webp_kept_and_noted(folder: Path) -> None:
    exif = exif_with_gps().tobytes()
    (folder / "images" / "pic.webp").write_bytes(encode(photo(200, 100), "WEBP", quality=80, exif=exif))
    book, ctx = run_pass(folder, '<p><img src="images/pic.webp" alt="Pic"/></p>')
    asset = book.assets["images/pic.webp"]
    assert asset.media_type == "image/webp"
    assert (asset.width, asset.height) == (200, 100)
    assert b"EXIF" not in asset.data and b"SecretCam" not in asset.data
    assert decoded(asset.data).size == (200, 100)
    assert [n.code for n in ctx.diag.notes if n.code == "IMG016"] == ["IMG016"]


def test_png_metadata_stripped_colour_chunks_kept(folder: Path) -> None:
    from PIL import ImageCms, PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Secret")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>gps</x:xmpmeta>")
    info.add(b"tIME", struct.pack(">HBBBBB", 2024, 1, 2, 3, 4, 5))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = photo(64, 48)
    (folder / "images" / "meta.png").write_bytes(encode(source, "PNG", pnginfo=info, icc_profile=icc))
    book, _ = run_pass(folder, '<p><img src="images/meta.png" alt="Meta"/></p>')
    data = book.assets["images/meta.png"].data
    for chunk in (b"tEXt", b"iTXt", b"tIME", b"Jane Secret"):
        assert chunk not in data
    result = decoded(data)
    assert result.info["icc_profile"] == icc
    assert result.tobytes() == source.tobytes()


def test_unterminated_png_and_gif_are_completed(folder: Path) -> None:
    (folder / "images" / "cut.png").write_bytes(encode(photo(40, 30), "PNG")[:-12])
    (folder / "images" / "cut.gif").write_bytes(encode(Image.new("P", (10, 10), 3), "GIF")[:-1])
    book, ctx = run_pass(folder, '<p><img src="images/cut.png" alt="P"/> <img src="images/cut.gif" alt="G"/></p>')
    assert book.assets["images/cut.png"].data.endswith(b"IEND\xaeB`\x82")
    assert book.assets["images/cut.gif"].data.endswith(b"\x3b")
    assert decoded(book.assets["images/cut.gif"].data).size == (10, 10)
    assert [w.code for w in ctx.diag.warnings if w.code != "IMG010"] == []


def test_sixteen_bit_png_kept(folder: Path) -> None:
    deep = Image.new("I;16", (64, 64))
    deep.putdata([i * 16 for i in range(64 * 64)])
    (folder / "images" / "deep.png").write_bytes(encode(deep, "PNG"))
    book, _ = run_pass(folder, '<p><img src="images/deep.png" alt="Deep"/></p>')
    assert decoded(book.assets["images/deep.png"].data).mode == "I;16"


# ---------------------------------------------------------------- conversions


def test_tiff_photo_converted_to_jpeg(folder: Path) -> None:
    (folder / "images" / "scan.tiff").write_bytes(encode(photo(300, 200), "TIFF"))
    book, ctx = run_pass(folder, '<p><img src="images/scan.tiff" alt="Scan"/></p>')
    assert list(book.assets) == ["images/scan.jpg"]
    assert book.assets["images/scan.jpg"].media_type == "image/jpeg"
    assert decoded(book.assets["images/scan.jpg"].data).format == "JPEG"
    assert imgs(book)[0].get("src") == "images/scan.jpg"
    assert [n.code for n in ctx.diag.notes if n.code == "IMG014"] == ["IMG014"]


def test_tiff_with_transparency_converted_to_png(folder: Path) -> None:
    (folder / "images" / "cut.tif").write_bytes(encode(Image.new("RGBA", (50, 50), (0, 0, 0, 0)), "TIFF"))
    book, _ = run_pass(folder, '<p><img src="images/cut.tif" alt="Cut-out"/></p>')
    asset = book.assets["images/cut.png"]
    assert decoded(asset.data).mode == "RGBA"


def test_bmp_with_few_colours_converted_to_png(folder: Path) -> None:
    chart = Image.new("RGB", (80, 60), "white")
    chart.paste((200, 0, 0), (10, 10, 40, 50))
    (folder / "images" / "chart.bmp").write_bytes(encode(chart, "BMP"))
    book, _ = run_pass(folder, '<p><img src="images/chart.bmp" alt="Chart"/></p>')
    asset = book.assets["images/chart.png"]
    assert asset.media_type == "image/png"
    assert decoded(asset.data).convert("RGB").tobytes() == chart.tobytes()  # lossless


def test_cmyk_jpeg_is_rgb_in_epub_and_cmyk_in_print(folder: Path) -> None:
    cmyk = photo(300, 200).convert("CMYK")
    (folder / "images" / "press.jpg").write_bytes(encode(cmyk, "JPEG", quality=90))
    book, _ = run_pass(folder, '<p><img src="images/press.jpg" alt="Press"/></p>')
    asset = book.assets["images/press.jpg"]
    assert decoded(asset.data).mode == "RGB"
    assert asset.print_data is not None and decoded(asset.print_data).mode == "CMYK"


def test_eps_is_refused_without_running_ghostscript(folder: Path) -> None:
    (folder / "images" / "art.eps").write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n")
    book, ctx = run_pass(folder, '<p data-mb-line="2"><img src="images/art.eps" alt="Art"/></p>')
    assert book.assets == {}
    [warning] = warnings_of(ctx, "IMG005")
    assert "PostScript/EPS" in warning.message and warning.line == 2


# ---------------------------------------------------------------- sizes


def test_oversize_image_downscaled_for_epub_print_keeps_full(folder: Path) -> None:
    original = encode(photo(5000, 3000), "JPEG", quality=90)
    (folder / "images" / "wide.jpg").write_bytes(original)
    book, ctx = run_pass(folder, '<p><img src="images/wide.jpg" alt="Wide"/></p>')
    asset = book.assets["images/wide.jpg"]
    assert (asset.width, asset.height) == (2048, 1228)
    assert decoded(asset.data).size == (2048, 1228)
    assert asset.print_data == original  # no metadata to strip: the very same bytes
    assert decoded(asset.print_data).size == (5000, 3000)
    [note] = notes_of(ctx, "IMG013")
    assert "5000×3000 to 2048×1228" in note.message


def test_square_image_capped_at_four_megapixels(folder: Path) -> None:
    (folder / "images" / "square.png").write_bytes(encode(photo(3000, 3000), "PNG"))
    book, _ = run_pass(folder, '<p><img src="images/square.png" alt="Square"/></p>')
    asset = book.assets["images/square.png"]
    assert (asset.width, asset.height) == (2000, 2000)
    assert asset.width * asset.height <= convert.EPUB_MAX_PIXELS
    assert decoded(asset.print_data).size == (3000, 3000)


def test_max_image_side_from_config(folder: Path) -> None:
    (folder / "images" / "wide.png").write_bytes(encode(photo(1600, 400), "PNG"))
    ctx = make_context(folder)
    ctx.config.epub.max_image_side = 1024
    book, _ = run_pass(folder, '<p><img src="images/wide.png" alt="Wide"/></p>', ctx=ctx)
    assert (book.assets["images/wide.png"].width, book.assets["images/wide.png"].height) == (1024, 256)


def test_exif_orientation_honoured(folder: Path) -> None:
    stored = Image.new("RGB", (300, 200), (255, 0, 0))
    stored.paste((0, 0, 255), (0, 0, 150, 200))  # left half blue as stored
    (folder / "images" / "turned.jpg").write_bytes(
        encode(stored, "JPEG", quality=95, exif=exif_with_gps(orientation=6)))
    book, _ = run_pass(folder, '<p><img src="images/turned.jpg" alt="Turned"/></p>')
    asset = book.assets["images/turned.jpg"]
    result = decoded(asset.data)
    assert (asset.width, asset.height) == (200, 300) == result.size
    # Orientation 6 = rotate 90° clockwise to display: the stored left half is now on top.
    top, bottom = result.getpixel((100, 20)), result.getpixel((100, 280))
    assert top[2] > 200 and top[0] < 60
    assert bottom[0] > 200 and bottom[2] < 60
    assert len(result.getexif()) == 0


def test_exif_orientation_with_downscale_keeps_print_upright(folder: Path) -> None:
    (folder / "images" / "tall.jpg").write_bytes(
        encode(photo(4000, 3000), "JPEG", quality=90, exif=exif_with_gps(orientation=8)))
    book, _ = run_pass(folder, '<p><img src="images/tall.jpg" alt="Tall"/></p>')
    asset = book.assets["images/tall.jpg"]
    assert (asset.width, asset.height) == (1536, 2048)
    printed = decoded(asset.print_data)
    assert printed.size == (3000, 4000) and len(printed.getexif()) == 0


# ---------------------------------------------------------------- sharing and naming


def test_identical_images_deduplicated(folder: Path) -> None:
    data = encode(Image.new("RGB", (30, 30), (1, 2, 3)), "PNG")
    (folder / "images" / "a.png").write_bytes(data)
    (folder / "images" / "copy.png").write_bytes(data)
    html = ('<p><img src="images/a.png" alt="One"/></p><p><img src="images/copy.png" alt="Two"/></p>'
            '<p><img src="images/a.png" alt="Three"/></p>')
    book, _ = run_pass(folder, html)
    assert list(book.assets) == ["images/a.png"]
    assert [img.get("src") for img in imgs(book)] == ["images/a.png"] * 3


def test_different_images_with_same_name_get_unique_hrefs(folder: Path) -> None:
    (folder / "images" / "fig.png").write_bytes(encode(Image.new("RGB", (10, 10), "red"), "PNG"))
    (folder / "other").mkdir()
    (folder / "other" / "FIG.png").write_bytes(encode(Image.new("RGB", (10, 10), "blue"), "PNG"))
    book, _ = run_pass(folder, '<p><img src="images/fig.png" alt="R"/> and <img src="other/FIG.png" alt="B"/></p>')
    assert [img.get("src") for img in imgs(book)] == ["images/fig.png", "images/fig-2.png"]


# ---------------------------------------------------------------- refused and missing


def test_missing_file_warns_with_file_and_line(folder: Path) -> None:
    book, ctx = run_pass(folder, '<p data-mb-line="1055"><a href="https://example.org/">'
                         '<img src="images/shiprock.jpg" alt="An old rock in the desert"/></a></p>')
    [warning] = warnings_of(ctx, "IMG001")
    assert (warning.file, warning.line) == ("chapter.md", 1055)
    assert "images/shiprock.jpg" in warning.message
    assert imgs(book) == []
    span = book.chapters[0].tree.find(".//a/span")
    assert span.get("class") == "image-alt" and span.text == "An old rock in the desert"


def test_missing_file_is_an_error_under_strict(folder: Path) -> None:
    with pytest.raises(StrictError) as caught:
        run_pass(folder, '<p data-mb-line="7"><img src="images/nope.png" alt="x"/></p>',
                 ctx=make_context(folder, strict=True))
    assert caught.value.location == "chapter.md:7"


def _escape_cases(folder: Path) -> dict[str, str]:
    outside = folder.parent / "secret.png"
    outside.write_bytes(encode(Image.new("RGB", (5, 5)), "PNG"))
    (folder / "images" / "link.png").symlink_to(outside)
    return {"absolute": str(outside), "dotdot": "../secret.png", "symlink": "images/link.png"}


@pytest.mark.parametrize("case", ["absolute", "dotdot", "symlink"])
def test_references_leaving_the_book_are_refused(folder: Path, case: str) -> None:
    src = _escape_cases(folder)[case]
    book, ctx = run_pass(folder, f'<p data-mb-line="4">See <img src="{src}" alt="Secret"/>.</p>')
    [warning] = warnings_of(ctx, "IMG002")
    assert (warning.file, warning.line) == ("chapter.md", 4)
    assert book.assets == {}
    paragraph = book.chapters[0].tree.find("p")
    assert etree.tostring(paragraph, encoding="unicode") == (
        '<p data-mb-line="4">See <span class="image-alt">Secret</span>.</p>')


@pytest.mark.parametrize("case", ["absolute", "dotdot", "symlink"])
def test_references_leaving_the_book_are_errors_under_strict(folder: Path, case: str) -> None:
    src = _escape_cases(folder)[case]
    with pytest.raises(StrictError) as caught:
        run_pass(folder, f'<p data-mb-line="4"><img src="{src}" alt="Secret"/></p>',
                 ctx=make_context(folder, strict=True))
    assert caught.value.code == "MB600" and caught.value.line == 4
    assert "IMG002" in caught.value.message


def test_dropped_image_without_alt_leaves_nothing(folder: Path) -> None:
    book, _ = run_pass(folder, '<p>Before.</p><p><img src="images/gone.png" alt=""/></p><p>After.</p>')
    tree = book.chapters[0].tree
    assert [p.text for p in tree.iter("p")] == ["Before.", "After."]
    assert tree.find(".//span") is None


def test_img_without_src_dropped(folder: Path) -> None:
    book, ctx = run_pass(folder, '<p data-mb-line="9">A <img alt="ghost"/> here</p>')
    assert [w.line for w in warnings_of(ctx, "IMG009")] == [9]
    assert book.chapters[0].tree.find(".//span").text == "ghost"


# ---------------------------------------------------------------- remote


def test_remote_image_dropped_without_any_request(folder: Path, server) -> None:
    base, handler = server
    handler.routes["/pic.png"] = (200, {"Content-Type": "image/png"}, encode(Image.new("RGB", (8, 8)), "PNG"))
    html = (f'<p data-mb-line="12"><img src="{base}/pic.png" alt="Remote"/></p>'
            f'<p data-mb-line="13"><img src="//127.0.0.1:{base.rsplit(":", 1)[1]}/pic.png" alt=""/></p>')
    book, ctx = run_pass(folder, html)
    time.sleep(0.2)
    assert handler.requests == []
    assert [(w.file, w.line) for w in warnings_of(ctx, "IMG003")] == [("chapter.md", 12), ("chapter.md", 13)]
    assert book.assets == {}
    assert [s.text for s in book.chapters[0].tree.iter("span")] == ["Remote"]


def test_remote_image_fetched_with_allow_remote(folder: Path, server) -> None:
    base, handler = server
    pixels = Image.new("RGB", (8, 8), (9, 99, 199))
    handler.routes["/img/Photo%201.png"] = (200, {"Content-Type": "image/png"}, encode(pixels, "PNG"))
    ctx = make_context(folder)
    ctx.options.allow_remote = True
    html = (f'<p><img src="{base}/img/Photo%201.png" alt="First"/></p>'
            f'<p><img src="{base}/img/Photo%201.png" alt="Again"/></p>')
    book, ctx = run_pass(folder, html, ctx=ctx)
    assert handler.requests == ["/img/Photo%201.png"]  # fetched once, used twice
    assert list(book.assets) == ["images/photo-1.png"]
    assert decoded(book.assets["images/photo-1.png"].data).tobytes() == pixels.tobytes()
    assert [img.get("src") for img in imgs(book)] == ["images/photo-1.png"] * 2


def test_remote_redirect_to_a_file_url_is_refused(folder: Path, server) -> None:
    base, handler = server
    handler.routes["/sneaky.png"] = (302, {"Location": "file:///etc/passwd"}, b"")
    handler.routes["/ftp.png"] = (301, {"Location": "ftp://127.0.0.1/x.png"}, b"")
    ctx = make_context(folder)
    ctx.options.allow_remote = True
    html = (f'<p data-mb-line="5"><img src="{base}/sneaky.png" alt="S"/></p>'
            f'<p data-mb-line="6"><img src="{base}/ftp.png" alt="F"/></p>')
    book, ctx = run_pass(folder, html, ctx=ctx)
    file_url, ftp_url = warnings_of(ctx, "IMG004")
    assert (file_url.line, ftp_url.line) == (5, 6)
    assert "file:///etc/passwd' is not allowed" in file_url.message  # urllib's own refusal
    assert "only http and https" in ftp_url.message  # ours, for schemes urllib would follow
    assert book.assets == {}
    assert handler.requests == ["/sneaky.png", "/ftp.png"]


def test_remote_http_error_and_web_page_are_warnings(folder: Path, server) -> None:
    base, handler = server
    handler.routes["/page.png"] = (200, {"Content-Type": "text/html"}, b"<html></html>")
    ctx = make_context(folder)
    ctx.options.allow_remote = True
    html = (f'<p data-mb-line="1"><img src="{base}/missing.png" alt="M"/></p>'
            f'<p data-mb-line="2"><img src="{base}/page.png" alt="P"/></p>')
    _, ctx = run_pass(folder, html, ctx=ctx)
    first, second = warnings_of(ctx, "IMG004")
    assert "HTTP 404" in first.message and first.line == 1
    assert "web page" in second.message and second.line == 2


def test_remote_fetch_refuses_without_the_flag_and_over_the_limit(server) -> None:
    base, handler = server
    handler.routes["/big.bin"] = (200, {"Content-Type": "image/png"}, b"x" * 5000)
    with pytest.raises(SandboxError):
        remote.fetch(f"{base}/big.bin", allow_remote=False, limit=10_000)
    assert handler.requests == []
    with pytest.raises(LimitError):
        remote.fetch(f"{base}/big.bin", allow_remote=True, limit=1000)
    assert remote.fetch(f"{base}/big.bin", allow_remote=True, limit=10_000).data == b"x" * 5000


def test_remote_refuses_metadata_addresses_and_other_schemes() -> None:
    with pytest.raises(SandboxError, match="link-local"):
        remote.check_url("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(SandboxError, match="only http and https"):
        remote.check_url("ftp://127.0.0.1/x.png")


# ---------------------------------------------------------------- data: URIs


def test_data_uri_png_becomes_an_asset(folder: Path) -> None:
    pixels = Image.new("RGB", (4, 4), (1, 2, 3))
    uri = "data:image/png;base64," + base64.b64encode(encode(pixels, "PNG")).decode()
    book, _ = run_pass(folder, f'<p>An <img src="{uri}" alt="dot"/> inline.</p>')
    assert list(book.assets) == ["images/image.png"]
    assert decoded(book.assets["images/image.png"].data).tobytes() == pixels.tobytes()
    assert book.chapters[0].tree.find("p") is not None  # inline: no figure


def test_data_uri_svg_percent_encoded(folder: Path) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'
    book, _ = run_pass(folder, f'<p><img src="data:image/svg+xml,{quote(svg)}" alt="Box"/></p>')
    asset = book.assets["images/image.svg"]
    assert asset.media_type == "image/svg+xml" and (asset.width, asset.height) == (20, 10)


def test_malformed_data_uris_warn(folder: Path) -> None:
    html = ('<p data-mb-line="1"><img src="data:image/png;base64,@@@@" alt="a"/></p>'
            '<p data-mb-line="2"><img src="data:text/html,&lt;b&gt;x" alt="b"/></p>'
            '<p data-mb-line="3"><img src="data:image/png;base64" alt="c"/></p>')
    book, ctx = run_pass(folder, html)
    assert [w.line for w in warnings_of(ctx, "IMG007")] == [1, 2, 3]
    assert book.assets == {}


# ---------------------------------------------------------------- hostile images


def test_decompression_bomb_refused_cleanly(folder: Path) -> None:
    (folder / "images" / "bomb.png").write_bytes(bomb_png())
    started = time.monotonic()
    book, ctx = run_pass(folder, '<p data-mb-line="8"><img src="images/bomb.png" alt="Boom"/></p>')
    assert time.monotonic() - started < 2
    [warning] = warnings_of(ctx, "IMG006")
    assert warning.line == 8 and "10,000 megapixels" in warning.message
    assert "120-megapixel limit" in warning.message
    assert book.assets == {}
    with pytest.raises(LimitError):
        convert.prepare_image(bomb_png(), convert.content_policy(2048))


def test_bomb_just_over_our_pixel_limit_refused(folder: Path) -> None:
    with pytest.raises(LimitError, match="megapixel limit"):
        convert.prepare_image(bomb_png(12_000, 10_001), convert.content_policy(2048))


def test_jpeg_scan_bomb_refused_before_decoding(folder: Path) -> None:
    parts = list(decode.jpeg_parts(encode(photo(64, 64), "JPEG", progressive=True)))
    last = max(i for i, (marker, _) in enumerate(parts) if marker == 0xDA)
    repeated = (parts[last][1] + parts[last + 1][1]) * 1000
    (folder / "images" / "scans.jpg").write_bytes(
        b"".join(piece for _, piece in parts[:last]) + repeated + b"\xff\xd9")
    book, ctx = run_pass(folder, '<p data-mb-line="2"><img src="images/scans.jpg" alt="S"/></p>')
    [warning] = warnings_of(ctx, "IMG006")
    assert "more than 256 scans" in warning.message and warning.line == 2
    assert book.assets == {}


@pytest.mark.parametrize("payload", [
    b"\x00\x01garbage" * 50,
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
    "truncated-jpeg",
])
def test_corrupt_bytes_dropped_with_warning(folder: Path, payload) -> None:
    if payload == "truncated-jpeg":
        payload = encode(photo(200, 200), "JPEG")[:1500]
    (folder / "images" / "bad.jpg").write_bytes(payload)
    book, ctx = run_pass(folder, '<p data-mb-line="6"><img src="images/bad.jpg" alt="Bad"/></p>')
    [warning] = warnings_of(ctx, "IMG005")
    assert warning.line == 6 and "images/bad.jpg" in warning.message
    assert book.assets == {}


def test_bad_image_used_twice_warns_at_each_place(folder: Path) -> None:
    (folder / "images" / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    html = ('<p data-mb-line="1"><img src="images/bad.png" alt="a"/></p>'
            '<p data-mb-line="2"><img src="./images/bad.png" alt="b"/></p>')
    _, ctx = run_pass(folder, html)
    assert [w.line for w in warnings_of(ctx, "IMG005")] == [1, 2]


def test_running_the_pass_twice_changes_nothing(folder: Path) -> None:
    (folder / "images" / "big.jpg").write_bytes(encode(photo(3000, 2000), "JPEG"))
    (folder / "images" / "scan.tif").write_bytes(encode(photo(100, 80), "TIFF"))
    book, ctx = run_pass(folder, '<p><img src="images/big.jpg" alt="B"/> <img src="images/scan.tif" alt="S"/></p>')
    before = {h: (a.data, a.print_data, a.width, a.height) for h, a in book.assets.items()}
    tree_before = etree.tostring(book.chapters[0].tree)
    images.run(book, ctx)
    assert {h: (a.data, a.print_data, a.width, a.height) for h, a in book.assets.items()} == before
    assert etree.tostring(book.chapters[0].tree) == tree_before


HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     width="100" height="50" onload="alert(1)" inkscape:version="1.0">
  <metadata><author>Someone</author></metadata>
  <style>@import url(http://evil.example/x.css); rect { fill: red }
    .b { background: url(http://evil.example/track.png) }</style>
  <script>alert(2)</script>
  <defs><linearGradient id="g"><stop offset="0"/></linearGradient><circle id="dot" r="2"/></defs>
  <rect width="10" height="10" fill="url(#g)" onclick="steal()"/>
  <rect width="10" height="10" style="fill: url('http://evil.example/f.svg#x')"/>
  <use xlink:href="#dot"/>
  <use href="http://evil.example/sprite.svg#icon"/>
  <image href="file:///etc/passwd" width="5" height="5"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="5" height="5"/>
  <a xlink:href="javascript:alert(3)"><text>link<tspan>!</tspan> tail</text></a>
  <set attributeName="href" to="javascript:alert(4)"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>
</svg>"""


def test_svg_scripts_and_external_references_removed(folder: Path) -> None:
    (folder / "images" / "drawing.svg").write_bytes(HOSTILE_SVG)
    book, ctx = run_pass(folder, '<p data-mb-line="3"><img src="images/drawing.svg" alt="Drawing"/></p>')
    asset = book.assets["images/drawing.svg"]
    assert asset.media_type == "image/svg+xml" and (asset.width, asset.height) == (100, 50)
    text = asset.data.decode("utf-8")
    for gone in ("script", "alert", "onload", "onclick", "evil.example", "file:", "javascript",
                 "foreignObject", "metadata", "inkscape", "@import", "<set"):
        assert gone not in text, gone
    root = etree.fromstring(asset.data)
    ns = {"s": svg.SVG_NS}
    assert root.find("s:rect", ns).get("fill") == "url(#g)"  # internal reference kept
    assert len(root.findall("s:use", ns)) == 1
    assert [i.get("href") for i in root.findall("s:image", ns)] == ["data:image/png;base64,iVBORw0KGgo="]
    assert "".join(root.find(".//s:text", ns).itertext()) == "link! tail"
    assert "rect { fill: red }" in root.find("s:style", ns).text
    [warning] = warnings_of(ctx, "IMG008")
    assert warning.line == 3
    assert "script" in warning.message and "external references" in warning.message


def test_svg_with_entities_refused(folder: Path) -> None:
    (folder / "images" / "lol.svg").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>')
    book, ctx = run_pass(folder, '<p><img src="images/lol.svg" alt="x"/></p>')
    assert book.assets == {}
    assert "entities" in warnings_of(ctx, "IMG005")[0].message


# ---------------------------------------------------------------- cover


def cover_context(folder: Path, name: str, data: bytes) -> BuildContext:
    (folder / name).write_bytes(data)
    (folder / "book.toml").write_text(f'[metadata]\ntitle = "T"\ncover = "{name}"\n', encoding="utf-8")
    ctx = make_context(folder)
    ctx.config.file = ctx.sandbox.root / "book.toml"
    ctx.config.metadata.cover = Path(name)
    return ctx


def test_cover_registered_as_cover_image_and_reduced(folder: Path) -> None:
    ctx = cover_context(folder, "cover art.png", encode(photo(1800, 2880), "PNG"))
    book, ctx = run_pass(folder, "<p>Text.</p>", ctx=ctx)
    [cover] = [a for a in book.assets.values() if "cover-image" in a.properties]
    assert cover.href == "images/cover.jpg" and cover.media_type == "image/jpeg"
    # At most 1600 × 2560 and 4 million pixels (Apple's limit for images in a book).
    assert (cover.width, cover.height) == (1581, 2529)
    assert decoded(cover.print_data).size == (1800, 2880)
    assert book.facts["images"] == 0  # the cover is not a content image
    assert warnings_of(ctx, "IMG012") == []


def test_transparent_cover_stays_png(folder: Path) -> None:
    art = Image.new("RGBA", (700, 1100), (0, 0, 0, 0))
    ctx = cover_context(folder, "cover.png", encode(art, "PNG"))
    book, _ = run_pass(folder, "<p>Text.</p>", ctx=ctx)
    assert book.assets["images/cover.png"].properties == {"cover-image"}


def test_small_cover_warns(folder: Path) -> None:
    ctx = cover_context(folder, "tiny.jpg", encode(photo(300, 450), "JPEG"))
    _, ctx = run_pass(folder, "<p>Text.</p>", ctx=ctx)
    [warning] = warnings_of(ctx, "IMG012")
    assert (warning.file, warning.line) == ("book.toml", 3) and "300×450" in warning.message


def test_missing_cover_is_an_error_naming_book_toml(folder: Path) -> None:
    ctx = cover_context(folder, "cover.jpg", b"")
    (folder / "cover.jpg").unlink()
    with pytest.raises(SourceError) as caught:
        run_pass(folder, "<p>Text.</p>", ctx=ctx)
    assert caught.value.location == "book.toml:3"
    assert "cover image not found: cover.jpg" in str(caught.value)


def test_cover_outside_the_book_is_refused(folder: Path) -> None:
    ctx = cover_context(folder, "cover.jpg", encode(photo(700, 1100), "JPEG"))
    ctx.config.metadata.cover = Path("../elsewhere/cover.jpg")
    with pytest.raises(SandboxError) as caught:
        run_pass(folder, "<p>Text.</p>", ctx=ctx)
    assert caught.value.file == "book.toml"


def test_corrupt_or_svg_cover_is_an_error(folder: Path) -> None:
    ctx = cover_context(folder, "cover.jpg", b"not an image at all")
    with pytest.raises(SourceError, match="cover image cover.jpg"):
        run_pass(folder, "<p>Text.</p>", ctx=ctx)
    ctx = cover_context(folder, "cover.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    with pytest.raises(SourceError, match="SVG"):
        run_pass(folder, "<p>Text.</p>", ctx=ctx)


def test_content_image_identical_to_cover_shares_it(folder: Path) -> None:
    data = encode(photo(700, 1100), "JPEG")
    ctx = cover_context(folder, "cover.jpg", data)
    book, _ = run_pass(folder, '<p><img src="cover.jpg" alt="The cover"/></p>', ctx=ctx)
    assert list(book.assets) == ["images/cover.jpg"]
    assert imgs(book)[0].get("src") == "images/cover.jpg"


# ---------------------------------------------------------------- markup


def test_alt_kept_exactly_and_facts_counted(folder: Path) -> None:
    for name in ("a", "b", "c", "d"):
        (folder / "images" / f"{name}.png").write_bytes(
            encode(Image.new("RGB", (20, 20), (ord(name), 0, 0)), "PNG"))
    html = ('<p><img src="images/a.png" alt="  Spaced &amp; “quoted”  "/></p>'
            '<p><img src="images/b.png" alt=""/></p>'
            '<p><img src="images/c.png"/></p>'
            '<p><img src="images/d.png" alt="Plain"/> <img src="images/gone.png" alt="Gone"/></p>')
    book, _ = run_pass(folder, html)
    alts = [img.get("alt") for img in imgs(book)]
    assert alts == ["  Spaced & “quoted”  ", "", None, "Plain"]
    assert book.facts == {"images": 4, "images_with_alt": 2, "images_decorative": 1,
                          "images_without_alt": 1}


def test_standalone_images_become_figures(folder: Path) -> None:
    (folder / "images" / "a.png").write_bytes(encode(Image.new("RGB", (20, 20)), "PNG"))
    html = ('<p id="p1" data-mb-line="1"> <img src="images/a.png" alt="Alone"/> </p>'
            '<p><a href="https://example.org"><img src="images/a.png" alt="Linked"/></a></p>'
            '<p>Text with <img src="images/a.png" alt="inline"/> image.</p>'
            '<figure><p><img src="images/a.png" alt="Captioned"/></p><figcaption>Caption</figcaption></figure>')
    book, _ = run_pass(folder, html)
    tree = book.chapters[0].tree
    out = [etree.tostring(el, encoding="unicode") for el in tree]
    assert out[0] == '<figure id="p1" data-mb-line="1"><img src="images/a.png" alt="Alone"/></figure>'
    assert out[1] == ('<figure><a href="https://example.org"><img src="images/a.png" alt="Linked"/>'
                      '</a></figure>')
    assert out[2].startswith("<p>Text with")
    assert out[3] == ('<figure><img src="images/a.png" alt="Captioned"/>'
                      '<figcaption>Caption</figcaption></figure>')


def test_picture_sources_srcset_and_dimensions_cleaned(folder: Path) -> None:
    (folder / "images" / "a.png").write_bytes(encode(Image.new("RGB", (20, 20)), "PNG"))
    html = ('<p>x <picture><source srcset="images/big.webp"/><img src="images/a.png" srcset="images/a2.png 2x" '
            'sizes="50vw" width="300px" height="auto" alt="Pic"/></picture> y</p>'
            '<p><img src="images/a.png" width="50%" alt="Half"/></p>')
    book, _ = run_pass(folder, html)
    first, second = imgs(book)
    assert book.chapters[0].tree.find(".//picture") is None
    assert dict(first.attrib) == {"src": "images/a.png", "width": "300", "alt": "Pic"}
    assert second.get("style") == "width: 50%" and second.get("width") is None


# ---------------------------------------------------------------- reader assets


def test_reader_asset_left_as_is(folder: Path) -> None:
    data = encode(Image.new("RGB", (40, 30), (5, 5, 5)), "PNG")
    extracted = Asset("media/image1.png", "image/png", data, source="word/media/image1.png")
    book, ctx = run_pass(folder, '<p><img src="media/image1.png" alt="From Word"/></p>',
                         assets={"media/image1.png": extracted})
    assert imgs(book)[0].get("src") == "media/image1.png"
    assert list(book.assets) == ["media/image1.png"]
    assert (book.assets["media/image1.png"].width, book.assets["media/image1.png"].height) == (40, 30)
    assert decoded(book.assets["media/image1.png"].data).tobytes() == decoded(data).tobytes()
    assert [w.code for w in ctx.diag.warnings] == ["IMG010"]


def test_reader_asset_in_a_non_core_format_converted(folder: Path) -> None:
    extracted = Asset("media/image2.tiff", "image/tiff", encode(photo(60, 40), "TIFF"))
    book, _ = run_pass(folder, '<p><img src="media/image2.tiff" alt="Scan"/></p>',
                       assets={"media/image2.tiff": extracted})
    assert list(book.assets) == ["images/image2.jpg"]
    assert imgs(book)[0].get("src") == "images/image2.jpg"


# ---------------------------------------------------------------- print preflight


def test_print_resolution_warning_and_note(folder: Path) -> None:
    (folder / "images" / "icon.png").write_bytes(encode(photo(200, 200), "PNG"))
    (folder / "images" / "mid.png").write_bytes(encode(photo(1000, 500), "PNG"))
    (folder / "images" / "big.png").write_bytes(encode(photo(1400, 500), "PNG"))
    html = ('<p data-mb-line="1"><img src="images/icon.png" alt="i"/></p>'
            '<p data-mb-line="2"><img src="images/mid.png" alt="m"/></p>'
            '<p data-mb-line="3"><img src="images/big.png" alt="b"/></p>')
    book, ctx = run_pass(folder, html)
    # Default trim 5.5 in with 0.75 in + 0.55 in margins: a 4.2 in text block.
    [warning] = warnings_of(ctx, "IMG010")
    assert (warning.file, warning.line) == ("chapter.md", 1) and "96 ppi" in warning.message
    [note] = notes_of(ctx, "IMG011")
    assert "images/mid.png prints at 238 ppi" in note.message and note.message.startswith("line 2:")
    ctx_epub_only = make_context(folder)
    ctx_epub_only.options.formats = ("epub",)
    _, ctx_epub_only = run_pass(folder, html, ctx=ctx_epub_only)
    assert warnings_of(ctx_epub_only, "IMG010") == [] and notes_of(ctx_epub_only, "IMG011") == []


def test_print_ppi_formula() -> None:
    assert resolution.print_ppi(125, 302.4) == pytest.approx(96.0)
    assert resolution.print_ppi(1260, 302.4) == pytest.approx(300.0)
    assert resolution.print_ppi(4000, 302.4) == pytest.approx(4000 / 4.2)
    assert resolution.print_ppi(390, 302.4, percent=40) == pytest.approx(390 / 1.68)
    assert resolution.print_ppi(1000, 302.4, css_width_px=96) == pytest.approx(1000.0)


def test_print_check_follows_width_hints(folder: Path) -> None:
    (folder / "images" / "small.png").write_bytes(encode(photo(400, 100), "PNG"))
    html = ('<p data-mb-line="1"><img src="images/small.png" alt="natural"/></p>'
            '<p data-mb-line="2"><img src="images/small.png" style="width: 40%" alt="40 %"/></p>'
            '<p data-mb-line="3"><img src="images/small.png" width="96" alt="one inch"/></p>'
            '<p data-mb-line="4"><img src="images/small.png" width="100%" alt="full"/></p>'
            '<p data-mb-line="5"><img src="images/small.png" alt="natural again"/></p>')
    _, ctx = run_pass(folder, html)
    # natural: 400 px over 4.17 in = 96 ppi; full width (4.2 in) = 95 ppi;
    # 40 % of 4.2 in = 238 ppi (note); 96 CSS px = 1 in = 400 ppi (fine).
    assert [w.line for w in warnings_of(ctx, "IMG010")] == [1, 4]
    assert [n.message.split(":")[0] for n in notes_of(ctx, "IMG011")] == ["line 2"]


# ---------------------------------------------------------------- determinism and scale


def _every_kind(folder: Path) -> str:
    files = {
        "photo.jpg": encode(photo(2600, 1800), "JPEG", quality=90, exif=exif_with_gps(6)),
        "scan.tiff": encode(photo(400, 300), "TIFF"),
        "art.png": encode(photo(2500, 2500), "PNG"),
        "pic.webp": encode(photo(2400, 600), "WEBP", quality=80),
        "shape.svg": HOSTILE_SVG,
    }
    for name, data in files.items():
        (folder / "images" / name).write_bytes(data)
    return "".join(f'<p><img src="images/{name}" alt="{name}"/></p>' for name in files)


def test_same_input_gives_identical_bytes(folder: Path) -> None:
    html = _every_kind(folder)
    first, _ = run_pass(folder, html)
    second, _ = run_pass(folder, html)
    digest = lambda book: {h: (hashlib.sha256(a.data).hexdigest(),  # noqa: E731
                               a.print_data and hashlib.sha256(a.print_data).hexdigest())
                           for h, a in book.assets.items()}
    assert digest(first) == digest(second)
    assert len(first.assets) == 5


def test_book_without_images_is_fast(folder: Path) -> None:
    def prepare(n: int) -> Callable[[], object]:
        html = "".join(f"<p>Paragraph {i} with some words.</p>" for i in range(n))
        book = Book(chapters=[chapter_from(html, folder)], assets={})
        return lambda: images.run(book, make_context(folder))

    assert_linear(prepare, 25_000)
    book, ctx = run_pass(folder, "<p>Paragraph with some words.</p>")
    assert book.facts["images"] == 0 and ctx.diag.items == []


def test_many_references_to_one_image(folder: Path) -> None:
    """The image is decoded and converted once, however often it is used."""
    (folder / "images" / "dot.png").write_bytes(encode(Image.new("RGB", (2, 2)), "PNG"))

    def prepare(n: int) -> Callable[[], object]:
        html = "".join(f'<p>n {i} <img src="images/dot.png" alt=""/></p>' for i in range(n))
        ctx = make_context(folder)
        ctx.options.formats = ("epub",)
        book = Book(chapters=[chapter_from(html, folder)], assets={})
        return lambda: images.run(book, ctx)

    assert_linear(prepare, 1_250)
    ctx = make_context(folder)
    ctx.options.formats = ("epub",)
    html = "".join(f'<p>n {i} <img src="images/dot.png" alt=""/></p>' for i in range(5_000))
    book, _ = run_pass(folder, html, ctx=ctx)
    assert list(book.assets) == ["images/dot.png"] and book.facts["images_decorative"] == 5_000


# ---------------------------------------------------------------- the real Markdown guide


def test_markdown_guide_images(corpus: Path) -> None:
    """The guide's real image files, referenced as its Markdown reader renders them.

    Lines and ``width-NN`` classes are those of the rendered images.  The
    guide names ``images/shiprock.jpg`` (which does not exist) only inside
    code samples (chapter3.md:1055 and 1060); here it is a live reference,
    to check that a missing image names its file and line.
    """
    root = corpus / "md-en-markdown-guide"
    html = ('<p data-mb-line="11"><img src="images/atom.png" alt="This is a Markdown file in the Atom text editor."/></p>'
            '<p data-mb-line="39"><img src="images/dillinger.png" alt="The Dillinger Markdown editor"/></p>'
            '<p data-mb-line="56"><img src="images/process.png" class="width-100" alt="The Markdown process."/></p>'
            '<p data-mb-line="705"><img src="images/tux.png" alt="Tux"/></p>'
            '<p data-mb-line="1047"><img src="images/san-juan-mountains.jpg" '
            'alt="The San Juan Mountains are beautiful!" title="San Juan Mountains"/></p>'
            '<p data-mb-line="1055"><a href="https://en.wikipedia.org/wiki/Shiprock">'
            '<img src="images/shiprock.jpg" alt="An old rock in the desert"/></a></p>'
            '<p data-mb-line="362"><img src="images/tasklist.png" class="width-40" alt="Task list"/></p>')

    def chapter() -> Chapter:
        return Chapter("c3", etree.fromstring(f"<section>{html}</section>"),
                       source=SourceRef("chapter3.md"), source_path=root / "chapter3.md")

    ctx = make_context(root)
    book = Book(chapters=[chapter()])
    images.run(book, ctx)
    assert sorted(book.assets) == ["images/atom.png", "images/dillinger.png", "images/process.png",
                                   "images/san-juan-mountains.jpg", "images/tasklist.png",
                                   "images/tux.png"]
    [missing] = warnings_of(ctx, "IMG001")
    assert (missing.file, missing.line) == ("chapter3.md", 1055)
    assert "images/shiprock.jpg" in missing.message
    assert book.chapters[0].tree.find(".//a/span").text == "An old rock in the desert"
    mountains = book.assets["images/san-juan-mountains.jpg"]
    assert (mountains.width, mountains.height) == (2048, 1364)
    original = decoded((root / "images" / "san-juan-mountains.jpg").read_bytes())
    assert decoded(mountains.print_data).tobytes() == original.tobytes()  # full size, not re-encoded
    assert (book.assets["images/tux.png"].width, book.assets["images/tux.png"].height) == (125, 149)
    # Print (the ppi pdfimages reports for the built PDF): Tux prints at
    # natural size, 96 ppi; the task list at {width=40%} of the 4.2 in text
    # block, 232 ppi; Dillinger fills the text block at 242 ppi; atom (310),
    # process (430), mountains (689) are fine.
    assert [(w.line, w.message.split(" prints at ")[1][:6]) for w in warnings_of(ctx, "IMG010")] == [
        (705, "96 ppi")]
    notes = sorted(n.message for n in notes_of(ctx, "IMG011"))
    assert notes[0].startswith("line 362: image images/tasklist.png prints at 232 ppi")
    assert notes[1].startswith("line 39: image images/dillinger.png prints at 242 ppi")
    assert book.facts == {"images": 6, "images_with_alt": 6, "images_decorative": 0,
                          "images_without_alt": 0}
    assert len(list(book.chapters[0].tree.iter("figure"))) == 6
    for asset in book.assets.values():
        assert asset.media_type in {"image/png", "image/jpeg"}
        assert b"tEXt" not in asset.data and b"Exif" not in asset.data[:65536]
    with pytest.raises(StrictError):
        images.run(Book(chapters=[chapter()]), make_context(root, strict=True))


# ---------------------------------------------------------------- fuzzing


def _seeds() -> list[bytes]:
    small = photo(24, 16)
    frames = [Image.new("RGB", (8, 8), (i * 80, 0, 0)) for i in range(3)]
    return [
        encode(small, "PNG"), encode(small, "JPEG", exif=exif_with_gps(6)), encode(small, "WEBP"),
        encode(frames[0], "GIF", save_all=True, append_images=frames[1:]), encode(small, "TIFF"),
        encode(small, "BMP"), HOSTILE_SVG,
    ]


SEEDS = _seeds()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)),
                                                   max_size=6),
       cut=st.integers(0, 10**6))
def test_mutated_images_never_crash(seed: bytes, edits: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(seed)
    for position, value in edits:
        data[position % len(data)] = value
    data = bytes(data[: max(1, cut % (len(data) + 1))])
    try:
        result = convert.prepare_image(data, convert.content_policy(64))
    except (LimitError, SourceError):
        return
    assert result.media_type in convert.EXTENSIONS
    if result.media_type != "image/svg+xml":
        assert decoded(result.data).size == (result.width, result.height)
    else:
        etree.fromstring(result.data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_data_uris_never_crash(text: str) -> None:
    try:
        data, media_type = decode.decode_data_uri("data:" + text)
    except (LimitError, SourceError):
        return
    assert media_type.startswith("image/") and data
