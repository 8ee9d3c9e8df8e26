"""WeasyPrint imports without running ldconfig or gcc (book/weasyload.py)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from book import weasyload

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the shortcut exists on Linux only")


def test_importing_weasyprint_starts_no_process() -> None:
    probe = textwrap.dedent("""
        import subprocess
        import book
        started = []
        real = subprocess.Popen.__init__
        def counting(self, *args, **kwargs):
            started.append(args)
            real(self, *args, **kwargs)
        subprocess.Popen.__init__ = counting
        import weasyprint
        from weasyprint import HTML
        assert HTML(string="<p>x</p>").write_pdf().startswith(b"%PDF")
        print(len(started))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.strip() == "0", done.stderr


def test_a_module_that_needs_the_real_search_gets_it(tmp_path: Path) -> None:
    """Where the shortcut fails the import, the module runs again with
    the real ``find_library`` and loads."""
    module_file = tmp_path / "needs_search.py"
    module_file.write_text(textwrap.dedent("""
        import ctypes.util
        FOUND = ctypes.util.find_library("c")
        if FOUND is None:
            print("shortcut attempt")
            raise OSError("no library called c")
    """), encoding="utf-8")
    inner = importlib.machinery.SourceFileLoader("needs_search", str(module_file))
    spec = importlib.util.spec_from_loader("needs_search", weasyload._QuickLoader(inner))
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    assert module.FOUND


def test_install_is_idempotent() -> None:
    weasyload.install()
    weasyload.install()
    finders = [f for f in sys.meta_path if isinstance(f, weasyload._FfiFinder)]
    assert len(finders) <= 1
