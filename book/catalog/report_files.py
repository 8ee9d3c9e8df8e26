"""The run's three report files, written together: all of them or none."""

from __future__ import annotations

import json
from pathlib import Path

from ..atomic import commit
from .report import REPORT_NAMES, CatalogResult, csv_text
from .report_html import html_bytes


def write_reports(result: CatalogResult, outdir: Path) -> dict[str, Path]:
    """Write the JSON, CSV and HTML reports into ``outdir``, all or none."""
    paths = {kind: outdir / name for kind, name in REPORT_NAMES.items()}
    commit({
        paths["json"]: json.dumps(result.as_dict(), ensure_ascii=False, indent=1).encode("utf-8"),
        paths["csv"]: csv_text(result).encode("utf-8"),
        paths["html"]: html_bytes(result),
    })
    return paths
