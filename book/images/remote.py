"""The one place where make_book may reach the network.

Nothing else in make_book opens a URL.  A manuscript that names a remote
image gets it fetched only when the user passed ``--allow-remote``; without
it the images pass drops the image before any request is made, and this
module refuses too (defence in depth: :func:`fetch` demands the flag).

When fetching is allowed it is still bounded:

* only ``http`` and ``https``, also after redirects (at most
  :data:`MAX_REDIRECTS`); no ``file:``, ``ftp:`` or ``data:`` handlers are
  even installed in the opener;
* hosts resolving to link-local, multicast or unspecified addresses are
  refused: 169.254.169.254 and its IPv6 twins are the cloud metadata
  services, the classic target of server-side request forgery.  Loopback
  and private networks stay allowed, since the user opted in and local
  image servers are a real use;
* :data:`SOCKET_TIMEOUT` per network operation and :data:`TOTAL_DEADLINE`
  for the whole download, so a server trickling one byte at a time cannot
  hold the build;
* a byte limit checked against ``Content-Length`` and again while reading.

Failures raise :class:`~book.errors.SandboxError` (not allowed),
:class:`~book.errors.LimitError` (too big) or
:class:`~book.errors.SourceError` (network or HTTP error); callers decide
whether that is a warning or an error.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import LimitError, SandboxError, SourceError

#: Schemes we fetch; anything else is refused, also as a redirect target.
FETCH_SCHEMES = frozenset({"http", "https"})
#: Seconds allowed for each connect or read.
SOCKET_TIMEOUT = 15.0
#: Seconds allowed for one whole download, redirects included.
TOTAL_DEADLINE = 60.0
MAX_REDIRECTS = 5
USER_AGENT = "make_book (fetching an image named by a manuscript)"
_CHUNK = 64 * 1024

#: Addresses of cloud metadata services that are not link-local.
_METADATA_ADDRESSES = frozenset({ipaddress.ip_address("fd00:ec2::254")})


@dataclass(frozen=True)
class Fetched:
    """A downloaded resource: the final URL (after redirects) and its bytes."""

    url: str
    data: bytes
    content_type: str


def normalize_url(ref: str) -> str:
    """``//host/x`` (protocol-relative) becomes ``https://host/x``."""
    ref = ref.strip()
    return f"https:{ref}" if ref.startswith("//") else ref


def check_url(url: str, *, file: str | None = None, line: int | None = None) -> None:
    """Refuse URLs we never fetch: other schemes, no host, forbidden hosts."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in FETCH_SCHEMES:
        raise SandboxError(f"only http and https URLs are fetched, not {url!r}", file=file, line=line)
    host = parts.hostname
    if not host:
        raise SandboxError(f"URL {url!r} has no host", file=file, line=line)
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise SandboxError(f"URL {url!r} has an invalid port", file=file, line=line) from None
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise SourceError(f"cannot resolve the host of {url!r}: {exc}", file=file, line=line) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        mapped = getattr(address, "ipv4_mapped", None)
        for candidate in (address, mapped):
            if candidate is not None and _forbidden(candidate):
                raise SandboxError(
                    f"{url!r} resolves to {candidate}, a link-local, multicast or metadata "
                    "address, which is never fetched", file=file, line=line,
                )


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (address.is_link_local or address.is_multicast or address.is_unspecified
            or address in _METADATA_ADDRESSES)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, and only to allowed URLs."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0913
        target = urljoin(req.full_url, newurl)
        check_url(target)
        return super().redirect_request(req, fp, code, msg, headers, target)


def _opener() -> urllib.request.OpenerDirector:
    """An opener with HTTP(S) handlers only (no file:, ftp: or data:)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),  # honours the user's *_proxy variables
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _RedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def fetch(ref: str, *, allow_remote: bool, limit: int, file: str | None = None,
          line: int | None = None, timeout: float = SOCKET_TIMEOUT,
          deadline: float = TOTAL_DEADLINE) -> Fetched:
    """Download ``ref`` (http, https or ``//host``) within the limits above.

    ``allow_remote`` must be the user's ``--allow-remote`` choice; when it is
    false nothing is sent and :class:`SandboxError` is raised.
    """
    url = normalize_url(ref)
    if not allow_remote:
        raise SandboxError(f"remote reference {ref!r} refused", file=file, line=line,
                           hint="pass --allow-remote to fetch it")
    check_url(url, file=file, line=line)
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT,
        "Accept": "image/*",
        "Accept-Encoding": "identity",
    })
    started = time.monotonic()
    try:
        with _opener().open(request, timeout=timeout) as response:
            final_url = response.geturl()
            content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            declared = response.headers.get("Content-Length")
            if declared and declared.strip().isdigit() and int(declared) > limit:
                raise LimitError(f"{url!r} is {int(declared) / 2**20:.1f} MiB, over the "
                                 f"{limit / 2**20:.0f} MiB image limit", file=file, line=line)
            if content_type in {"text/html", "application/xhtml+xml"}:
                raise SourceError(f"{url!r} returned a web page, not an image", file=file, line=line)
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() - started > deadline:
                    raise SourceError(f"downloading {url!r} took longer than {deadline:.0f} s",
                                      file=file, line=line)
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise LimitError(f"{url!r} is over the {limit / 2**20:.0f} MiB image limit",
                                     file=file, line=line)
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        raise SourceError(f"{url!r}: HTTP {exc.code} {exc.reason}", file=file, line=line) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (SandboxError, SourceError, LimitError)):
            raise reason from None
        raise SourceError(f"cannot fetch {url!r}: {reason}", file=file, line=line) from None
    except (SandboxError, SourceError, LimitError) as exc:
        if exc.file is None:  # raised while following a redirect
            exc.file, exc.line = file, line
        raise
    except (TimeoutError, socket.timeout):
        raise SourceError(f"fetching {url!r} timed out", file=file, line=line) from None
    except (http.client.HTTPException, OSError, ValueError) as exc:
        raise SourceError(f"cannot fetch {url!r}: {exc}", file=file, line=line) from None
    return Fetched(final_url, b"".join(chunks), content_type)
