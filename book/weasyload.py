"""WeasyPrint's C libraries loaded without a compiler run per name.

``weasyprint.text.ffi`` opens GObject, Pango, HarfBuzz and Fontconfig by
trying several names each (``libpango-1.0-0``, ``pango-1.0``, …,
``libpango-1.0.so.0``).  cffi's ``dlopen`` sends every name it cannot open
directly to :func:`ctypes.util.find_library`, which on Linux runs
``ldconfig -p`` and then ``gcc`` for it (WeasyPrint issue #1125): about
twenty failed searches, 0.3 s of CPU and 0.6 s of waiting at every import,
in every build, layout worker and preview rebuild of a fresh process.  The
names that end in ``.so.N`` are the ones that load on Linux, directly.

:func:`install` puts a finder on :data:`sys.meta_path` that, for that one
module, runs its import with ``find_library`` answering "not found" at
once, so the search moves straight on to the ``.so.N`` names.  Should that
fail on some system, the module is imported again the library's own way,
its messages included: the shortcut can only be faster, never break an
import that works.  Nothing is imported until WeasyPrint itself is.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import io
import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the classes below follow these protocols without subclassing them:
    import importlib.abc  # at run time it would import importlib.resources at every start

#: The module whose import opens the shared libraries.
FFI_MODULE = "weasyprint.text.ffi"


def _not_found(name: str) -> None:
    """``find_library`` without its ldconfig and gcc runs."""
    return None


class _QuickLoader:
    """Runs the wrapped loader with :func:`_not_found` in place of
    ``ctypes.util.find_library``; on OSError, once more without it."""

    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        import ctypes.util  # here: 13 ms that a build without WeasyPrint never pays

        real = ctypes.util.find_library
        ctypes.util.find_library = _not_found
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                self.inner.exec_module(module)  # type: ignore[attr-defined]
            return
        except OSError:
            pass
        finally:
            ctypes.util.find_library = real
        self.inner.exec_module(module)  # type: ignore[attr-defined]


class _FfiFinder:
    """Finds :data:`FFI_MODULE` as the path finder would, with a quick loader."""

    def find_spec(self, fullname: str, path, target=None):  # type: ignore[no-untyped-def]
        if fullname != FFI_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuickLoader(spec.loader)
        return spec


def install() -> None:
    """Install the finder once per process (Linux only: elsewhere
    ``find_library`` does not start a compiler)."""
    if not sys.platform.startswith("linux") or FFI_MODULE in sys.modules:
        return
    if not any(isinstance(finder, _FfiFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _FfiFinder())
