"""The HTML reports in a real browser (headless Chromium): they load from a file with no network,
without console errors, show their title and pictures, and render to a non-trivial screenshot.

Skipped, with the reason shown, where no Chromium is installed (`apt-get install chromium`;
.ci/run installs it). Set KOMPASS_SCREENSHOTS=DIR to keep the screenshots (docs/screenshots
holds the demo's).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

VENV_KOMPASS = Path(sys.executable).parent / "kompass"
KOMPASS = str(VENV_KOMPASS) if VENV_KOMPASS.exists() else shutil.which("kompass")
CHROMIUM = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)
DEMO = Path(__file__).resolve().parents[2] / "kompass" / "infrastructure" / "data" / "demo.jsonl"

pytestmark = [
    pytest.mark.skipif(KOMPASS is None, reason="the kompass program is not installed (pip install -e .)"),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine: apt-get install -y chromium (.ci/run does)"),
]

REPORTS = {
    "annual-14-2021": (["annual", "--region", "14", "--year", "2021"], "Annual report 2021: Region Västra Götaland (14)"),
    "national-2021": (["national", "--year", "2021"], "National report 2021"),
}


def kompass(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"KOMPASS_DB", "KOMPASS_USER"}}
    env["NO_COLOR"] = "1"
    assert KOMPASS is not None
    result = subprocess.run([KOMPASS, *args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return result


def chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
        f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args, url,
    ]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=180, check=False)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's HTML reports, each made twice in separate processes (they must be the same bytes)."""
    place = tmp_path_factory.mktemp("reports")
    db = f"sqlite:///{place / 'kompass.db'}"
    kompass("--db", db, "--as", "admin", "import", "--restore", str(DEMO))
    made = {}
    for name, (args, _title) in REPORTS.items():
        first, second = place / f"{name}.html", place / f"{name}.again.html"
        kompass("--db", db, "report", *args, "--format", "html", "--output", str(first))
        kompass("--db", db, "report", *args, "--format", "html", "--output", str(second))
        assert first.read_bytes() == second.read_bytes(), f"{name}: two runs gave different files"
        made[name] = first
    return made


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_report_loads_with_its_title_and_pictures_and_no_console_errors(pages: dict[str, Path], tmp_path: Path, name: str) -> None:
    result = chromium(tmp_path, pages[name].as_uri(), "--dump-dom")
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title is not None and title.group(1).strip() == REPORTS[name][1]
    pictures = re.findall(r"<svg\b.*?</svg>", dom, re.S)
    assert pictures, "no picture in the page"
    assert max(len(p) for p in pictures) > 10_000, "the pictures are empty"
    if name.startswith("national"):
        heatmap = next(p for p in pictures if 'aria-label="Coverage heatmap' in p)
        assert "Stockholm" in heatmap and "Norrbotten" in heatmap
    problems = [line for line in result.stderr.splitlines() if "Uncaught" in line or ":CONSOLE(" in line]
    assert not problems, problems


@pytest.mark.parametrize("name", sorted(REPORTS))
@pytest.mark.parametrize("window", ["1200,2000", "390,1400"])
def test_report_screenshot_is_a_real_picture(pages: dict[str, Path], tmp_path: Path, name: str, window: str) -> None:
    shot = tmp_path / f"{name}.png"
    result = chromium(tmp_path, pages[name].as_uri(), f"--screenshot={shot}", f"--window-size={window}", "--hide-scrollbars")
    assert shot.exists(), result.stderr[-2000:]
    data = shot.read_bytes()
    assert png_size(data) == tuple(int(x) for x in window.split(","))
    assert len(data) > 40_000, f"a nearly blank screenshot ({len(data)} bytes)"
    from PIL import Image

    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 200, "the screenshot has hardly any detail"
    keep = os.environ.get("KOMPASS_SCREENSHOTS")
    if keep:
        suffix = "" if window.startswith("1200") else "-phone"
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / f"{name}{suffix}.png")
