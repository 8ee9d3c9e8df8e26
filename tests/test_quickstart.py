"""The README's commands work as written on a stock Debian or Ubuntu machine.

Debian 12, Ubuntu 23.04+ and Fedora refuse ``pip install`` into the
distribution's Python (PEP 668, "externally-managed-environment"), so a
quick start that works only where pyenv or conda comes first on the PATH is
a broken promise.  The proof runs the quick-start command, extracted from
README.md the way ``.ci/run`` extracts the test command, in a copy of the
repository's tracked files, with ``python3`` being the distribution's
``/usr/bin/python3``, and looks at the sample book it builds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from book.build import output_name

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
SYSTEM_PYTHON = Path("/usr/bin/python3")
#: Debian's and Ubuntu's default PATH (/etc/profile, /etc/login.defs).
STOCK_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]


def readme_command(marker: str) -> str:
    """The shell command between ``<!-- marker -->`` and ``<!-- /marker -->``:
    the lines inside the first fenced block there (as ``.ci/run`` reads it)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"<!-- {marker} -->")
    end = lines.index(f"<!-- /{marker} -->", start)
    fences = [i for i in range(start, end) if lines[i].startswith("```")]
    assert len(fences) >= 2, f"no fenced command between the {marker} markers"
    return "\n".join(lines[fences[0] + 1:fences[1]])


def tracked_copy(destination: Path) -> Path:
    """The files git tracks, as they are in the working tree (no .venv, no dist)."""
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True)
    assert listing.returncode == 0, f"the tests run in a git checkout: {listing.stderr.decode()}"
    listed = listing.stdout.decode("utf-8").split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree, not yet committed
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    return destination


def can_install_system_packages() -> bool:
    if os.geteuid() == 0:
        return True
    sudo = shutil.which("sudo")
    return bool(sudo) and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0


def test_ci_run_reads_the_same_test_command() -> None:
    """The extraction here is .ci/run's, so the quick-start proof runs the
    README's words, not a paraphrase."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    pipeline = re.search(r"test_command=\$\((.*)\)\n", script).group(1)
    extracted = subprocess.run(["bash", "-c", pipeline], cwd=REPO, capture_output=True,
                               text=True, check=True).stdout.rstrip("\n")
    assert extracted == readme_command("test-command")


@pytest.mark.parametrize("marker", ["quick-start-command", "test-command"])
def test_readme_commands_install_into_a_virtual_environment(marker: str) -> None:
    command = readme_command(marker)
    assert "python3 -m venv .venv" in command
    # Every pip and Python call goes through the environment, never the system's.
    assert not re.search(r"(?<![\w/.])(pip|pip3|python|python3 -m pip)\s+install", command), command
    assert re.search(r"\.venv/bin/pip install", command)


@pytest.mark.slow
def test_quick_start_works_with_the_distribution_python(tmp_path: Path) -> None:
    assert SYSTEM_PYTHON.is_file(), "the distribution's /usr/bin/python3 is part of the machine"
    checkout = tracked_copy(tmp_path / "make_book")
    assert not (checkout / ".venv").exists() and not (checkout / "dist").exists()
    command = readme_command("quick-start-command")
    if not can_install_system_packages():  # run what needs no root; the test command ran setup
        first, command = command.split(" && ", 1)
        assert first == ".ci/setup-system"
    # A stock machine's PATH, without pyenv or conda: python3 is the
    # distribution's, and so is pip (which refuses to install: PEP 668).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(SYSTEM_PYTHON)
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYENV_VERSION"}}
    env["PATH"] = os.pathsep.join([str(bin_dir), *STOCK_PATH])
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=checkout, env=env,
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:])

    # The environment is the distribution's Python's, and its console script is there.
    probe = subprocess.run([str(checkout / ".venv" / "bin" / "python"), "-c",
                            "import sys; print(sys.base_prefix)"],
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "/usr"
    assert os.access(checkout / ".venv" / "bin" / "make-book", os.X_OK)

    title = tomllib.loads((checkout / "sources" / "book.toml").read_text("utf-8"))["metadata"]["title"]
    name = output_name(title)
    epub, pdf = checkout / "dist" / f"{name}.epub", checkout / "dist" / f"{name}.pdf"
    assert sorted(p.name for p in (checkout / "dist").iterdir()) == sorted([epub.name, pdf.name])

    assert epub.stat().st_size > 20_000
    with zipfile.ZipFile(epub) as z:
        first = z.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert z.read("mimetype") == b"application/epub+zip"
        assert z.testzip() is None
        names = z.namelist()
    assert "META-INF/container.xml" in names
    assert sum(n.endswith(".xhtml") for n in names) >= 4

    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 8
    assert reader.metadata.title.startswith(title)
