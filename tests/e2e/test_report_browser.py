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
    "annual-14-2021": (["annual", "--region", "14", "--year", "2021"], "Årsrapport 2021: Region Västra Götaland (14)"),
    "national-2021": (["national", "--year", "2021"], "Nationell rapport 2021"),
    "national-2021-en": (["national", "--year", "2021", "--lang", "en"], "National report 2021"),
}
PDFTOPPM = shutil.which("pdftoppm")
SOFFICE = shutil.which("soffice")


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
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    place = tmp_path_factory.mktemp("reports")
    db = f"sqlite:///{place / 'kompass.db'}"
    kompass("--db", db, "import", "--restore", str(DEMO))  # into a new store; the login running the test restores it
    return place, db


@pytest.fixture(scope="module")
def pages(database: tuple[Path, str]) -> dict[str, Path]:
    """The demo's HTML reports, each made twice in separate processes (they must be the same bytes)."""
    place, db = database
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
        label = "Coverage heatmap" if name.endswith("-en") else "Täckningskarta"
        heatmap = next(p for p in pictures if f'aria-label="{label}' in p)
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


@pytest.mark.skipif(PDFTOPPM is None, reason="poppler-utils (pdftoppm) is not installed")
@pytest.mark.parametrize("name", ["annual-14-2021", "national-2021"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_print_formats_render_to_real_pages(database: tuple[Path, str], tmp_path: Path, name: str, fmt: str) -> None:
    """The PDF (WeasyPrint) and the Word file (through LibreOffice) drawn as page images: the first page and
    the first page with a picture are real pictures. KOMPASS_SCREENSHOTS=DIR keeps them."""
    _place, db = database
    args, _title = REPORTS[name]
    made = tmp_path / f"{name}.{fmt}"
    kompass("--db", db, "report", *args, "--format", fmt, "--output", str(made))
    pdf = made
    if fmt == "docx":
        if SOFFICE is None:
            pytest.skip("LibreOffice (soffice) is not installed")
        converted = subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf", "--outdir",
             str(tmp_path / "lo-out"), str(made)], capture_output=True, text=True, timeout=240, check=False)
        assert converted.returncode == 0, converted.stderr
        pdf = tmp_path / "lo-out" / f"{name}.pdf"
    assert PDFTOPPM is not None
    subprocess.run([PDFTOPPM, "-r", "60", "-f", "1", "-l", "3", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    shots = sorted(tmp_path.glob("page-*.png"))
    assert len(shots) == 3
    assert max(shot.stat().st_size for shot in shots) > 20_000, "the pages are nearly blank"
    keep = os.environ.get("KOMPASS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for i, shot in enumerate(shots, 1):
            shutil.copy(shot, Path(keep) / f"{name}-{fmt}-page{i}.png")
