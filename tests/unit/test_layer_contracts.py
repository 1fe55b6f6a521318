"""The layer contracts (pyproject.toml, [tool.importlinter]) hold, and each one fails when it
is broken on purpose: a copy of the code with one forbidden import added, checked by
lint-imports as `make lint` checks the real one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# contract id -> (file of the copy, the forbidden import added to it)
BREAKS = {
    "web-over-domain": ("participation/core/text.py", "import web.core.htmx"),
    "domain-without-web-stack": ("participation/voting/rules.py", "import starlette.requests"),
    "kernel-knows-no-capability": (
        "participation/core/clock.py",
        "import participation.plots.rules",
    ),
    "notifications-know-no-capability": (
        "participation/notifications/kinds.py",
        "import participation.proposals.queries",
    ),
    "moderation-knows-no-content": (
        "participation/moderation/queries.py",
        "import participation.proposals.queries",
    ),
    "feeds-know-no-capability": (
        "participation/feeds/items.py",
        "import participation.proposals.queries",
    ),
    "opendata-knows-no-capability": (
        "participation/opendata/formats.py",
        "import participation.plots.queries",
    ),
    "demo-for-the-cli": ("web/core/app.py", "import participation.demo.seed"),
    "only-services-and-queries-of-plots": (
        "participation/voting/queries.py",
        "import participation.plots.models",
    ),
    "only-services-and-queries-of-communities": (
        "participation/proposals/rules.py",
        "from participation.communities.models import Membership",
    ),
}


def _copy(tmp_path: Path) -> Path:
    for package in ("participation", "web"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(tree: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    options = [arg for contract in contracts for arg in ("--contract", contract)]
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", *options, "pyproject.toml"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_contract_is_kept_by_the_code(tmp_path: Path) -> None:
    checked = _lint(_copy(tmp_path))
    assert checked.returncode == 0, checked.stdout[-3000:]
    assert "0 broken" in checked.stdout


@pytest.mark.parametrize("contract", list(BREAKS))
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, contract: str) -> None:
    tree = _copy(tmp_path)
    file_name, forbidden = BREAKS[contract]
    module = tree / file_name
    text = module.read_text()
    marker = "from __future__ import annotations\n"
    assert marker in text, file_name
    module.write_text(text.replace(marker, f"{marker}\n{forbidden}  # noqa\n", 1))
    broken = _lint(tree, contract)
    assert broken.returncode != 0, f"{contract} kept despite `{forbidden}` in {file_name}"
    assert "BROKEN" in broken.stdout
