"""Every setting is documented in the README (as Datasette checks its own settings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from web.core.settings import SPECS

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("name", [spec.name for spec in SPECS])
def test_setting_is_documented_in_readme(name: str) -> None:
    assert README.exists(), "README.md is missing"
    assert f"HUAKAI_{name}" in README.read_text(encoding="utf-8")


def test_readme_documents_the_config_file_variable() -> None:
    assert README.exists(), "README.md is missing"
    assert "HUAKAI_CONFIG" in README.read_text(encoding="utf-8")
