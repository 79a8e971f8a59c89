"""The one error line never lets a refused value drive the terminal."""

from __future__ import annotations

import pytest

from kompass.cli.errors import fail


def test_a_control_character_quoted_in_a_refusal_is_shown_not_obeyed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        fail("unknown area '\u202ecompetence' (\x1b[2J)", 1)
    assert exit_.value.code == 1
    shown = capsys.readouterr().err
    assert "\u202e" not in shown and "\x1b" not in shown
    assert shown.startswith("Error: unknown area '") and shown.endswith("\n") and shown.count("\n") == 1
