"""``make-book serve``: a live preview of the book in the browser.

One page, two views: the EPUB paginated by a reading-system engine
(foliate-js), and the print PDF as spreads.  A save in the book folder
rebuilds through the build cache (only the changed chapter is read and
laid out again) and both views update in place over server-sent events;
a build error shows in the page while the last good book stays.

Modules: :mod:`.engine` (finding foliate-js), :mod:`.state` (last good
outputs, errors, listeners), :mod:`.rebuild` (watch and build loop),
:mod:`.printview` (PDF pages, labels, outline), :mod:`.server` (routes).
"""

from __future__ import annotations

import ipaddress
import threading
import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..build import Overrides
from ..errors import OutputError, UsageError

DEFAULT_HOST = "127.0.0.1"


@dataclass
class ServeOptions:
    """The command line's choices."""

    host: str = DEFAULT_HOST
    port: int = 0  # 0: a free port
    open_browser: bool = False
    jobs: int = 1
    overrides: Overrides = field(default_factory=Overrides)
    log: Callable[[str], None] = lambda message: None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Preview:
    """A running preview: the server, the build and watch threads."""

    def __init__(self, inputs: Sequence[str | Path], options: ServeOptions) -> None:
        from .engine import find_engine
        from .printview import PageImages
        from .rebuild import Rebuilder, Session
        from .server import PreviewServer
        from .state import State

        if not inputs:
            raise UsageError("name a book folder or manuscript files to preview")
        engine = find_engine()
        for path in inputs:
            if not Path(path).exists():
                from ..errors import SourceError

                raise SourceError("no such file or folder", file=str(path))
        self.state, self.images = State(), PageImages()
        session = Session([Path(p) for p in inputs], options.overrides, options.jobs, options.log)
        try:
            self.server = PreviewServer((options.host, options.port), self.state, self.images,
                                        engine, is_loopback(options.host))
        except OSError as exc:
            raise OutputError(f"cannot listen on {options.host}:{options.port}: "
                              f"{exc.strerror or exc}") from None
        self.rebuilder = Rebuilder(session, self.state, self.images)
        host = options.host if ":" not in options.host else f"[{options.host}]"
        self.url = f"http://{host}:{self.server.server_address[1]}/"

    def start(self) -> None:
        """Serve and build in background threads."""
        self.rebuilder.start()
        self._thread = threading.Thread(target=self.server.serve_forever, name="make-book-http",
                                        daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.state.close()
        self.server.shutdown()
        self.server.server_close()
        self.rebuilder.close()


def serve(inputs: Sequence[str | Path], options: ServeOptions) -> None:
    """Run the preview until Ctrl-C (the caller handles the interrupt)."""
    preview = Preview(inputs, options)
    try:
        preview.start()
        options.log(f"serving {preview.url} (Ctrl-C stops)")
        if options.open_browser:
            webbrowser.open(preview.url)
        threading.Event().wait()
    finally:
        preview.close()
