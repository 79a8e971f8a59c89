"""Who is running kompass, as the system establishes it (never as the user claims it).

SQLite: the operating-system account of the effective uid. Environment variables ($USER,
$LOGNAME, KOMPASS_USER) are the caller's to set, so they say nothing. PostgreSQL: the server's
`session_user` (asked on the store's connection, see `recorded_by.session_user`).
"""

from __future__ import annotations

import os
import pwd

from kompass.domain.errors import PermissionDenied
from kompass.domain.text import normal


def os_account() -> str:
    """The account of this process's effective uid, in NFC like every user id."""
    try:
        return normal(pwd.getpwuid(os.geteuid()).pw_name)
    except KeyError:
        raise PermissionDenied(f"uid {os.geteuid()} has no account name: kompass cannot say who you are") from None
