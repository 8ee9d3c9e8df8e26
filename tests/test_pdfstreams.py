"""Issue 12: every PDF stream is deflated once, at level 6, and still says
what it said (book/writers/pdf/pdfstreams.py)."""

from __future__ import annotations

import io

import pikepdf
import pytest

from book.writers.pdf import pdfstreams

HTML = ("<html lang='en'><body>" + "".join(
    f"<h1>Part {n}</h1><p>{'The mill by the river turned all night. ' * 40}</p>"
    for n in range(1, 6)) + "</body></html>")


@pytest.fixture(scope="module")
def document():
    from weasyprint import HTML as Html

    pdfstreams.install()
    return Html(string=HTML).render()


def _contents(data: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [page.Contents.read_bytes() if not isinstance(page.Contents, pikepdf.Array)
                else b"".join(part.read_bytes() for part in page.Contents)
                for page in pdf.pages]


def test_each_stream_is_built_once_per_write(document, monkeypatch):
    built: list[int] = []
    real = pdfstreams._stream_bytes

    def counting(stream, level):
        built.append(id(stream))
        return real(stream, level)

    monkeypatch.setattr(pdfstreams, "_stream_bytes", counting)
    data = document.write_pdf(pdf_identifier=b"test")  # an identifier: pydyf reads twice
    assert built, "the streams go through pdfstreams"
    assert len(built) == len(set(built)), "a stream was deflated twice"
    assert data.startswith(b"%PDF-")


def test_the_deflated_pages_say_what_the_uncompressed_ones_say(document):
    packed = document.write_pdf(pdf_identifier=b"test")
    plain = document.write_pdf(pdf_identifier=b"test", uncompressed_pdf=True)
    assert len(packed) < len(plain) / 2
    assert _contents(packed) == _contents(plain)
    assert len(_contents(packed)) >= 2
    with pikepdf.open(io.BytesIO(packed)) as pdf:
        assert pdf.check_pdf_syntax() == [], "qpdf finds the file sound"


def test_the_same_document_gives_the_same_bytes(document):
    assert document.write_pdf(pdf_identifier=b"x") == document.write_pdf(pdf_identifier=b"x")


def test_outside_a_write_nothing_is_remembered(document):
    import pydyf

    stream = pydyf.Stream([b"BT ET"], compress=True)
    first = stream.data
    stream.stream.append(b"0 0 m")
    assert stream.data != first, "a stream read outside a write is built afresh"
