"""`huakai demo` as a new user meets it: quiet, then the URLs, once the app answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import free_port

RULE = "=" * 64


def test_the_demo_prints_its_urls_last_once_the_app_answers(tmp_path: Path) -> None:
    port, idp_port = free_port(), free_port()
    env = {
        **os.environ,
        "HUAKAI_DEMO": "1",
        "HUAKAI_DATABASE_URL": f"sqlite://{tmp_path}/huakai.sqlite3",
        "HUAKAI_MEDIA_ROOT": str(tmp_path / "media"),
        "HUAKAI_PORT": str(port),
        "HUAKAI_DEMO_IDP_PORT": str(idp_port),
        "PYTHONWARNINGS": "default",  # what a new user's Python shows
    }
    command = [sys.executable, "-m", "web.cli"]
    migrated = subprocess.run(
        [*command, "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert "Warning" not in migrated.stderr, migrated.stderr
    demo = subprocess.Popen(
        [*command, "demo"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert demo.stdout is not None
        deadline = time.monotonic() + 60
        while lines.count(RULE) < 2:
            assert time.monotonic() < deadline and demo.poll() is None, "\n".join(lines)
            lines.append(demo.stdout.readline().rstrip("\n"))
        # Announced only once it answers.
        assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
    finally:
        demo.terminate()
        demo.wait(timeout=10)
    before = lines[: lines.index(RULE)]
    assert not [line for line in before if line.strip()], f"printed before the URLs: {before}"
    block = "\n".join(lines)
    assert f"http://127.0.0.1:{port}/" in block
    assert f"http://127.0.0.1:{idp_port}/" in block
    assert "committee-wang" in block
    assert "sub" in block and "登录" in block, "what to type at the provider, in both languages"
