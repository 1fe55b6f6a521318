"""Where the checkout keeps what the web layer serves and reads: one place."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
TEMPLATES_DIR = ROOT / "templates"
LOCALES_DIR = ROOT / "locales"
