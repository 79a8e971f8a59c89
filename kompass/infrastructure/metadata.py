"""The one SQLAlchemy `MetaData` every table of the store's database is defined on.

One, so that `create_all` makes every table the store needs, and a rebuild's scratch copy is made
from the very definitions the live tables were made from. It lives apart from the table modules so
that each projection's schema and the registers can share it without importing one another.
"""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()

