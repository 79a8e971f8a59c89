"""A rebuild batch's writes held back while it reads and works out its rows, then run together (SQLite).

Why: SQLite has one write lock per file, and a batch that takes it when it begins holds it while it works
out its rows, which is most of a batch's time. When two processes fill a rebuild's shadow tables at once
(`parallel_fill`), each would wait out the other's whole batch. Instead a fill's batch reads and computes
without the lock, its INSERT, UPDATE and DELETE statements are kept here in order, and then one short
transaction that takes the lock runs them (`Projector`'s held batches).

This is only right if no statement of a batch reads what the batch itself wrote before it: every
projection's batch reads first and writes at the end (a count that depends on the batch's own writes is
worked out inside the writing statement). A read of a table the batch has a held write for is refused
(`ReadAfterHeldWrite`), so a writer that breaks the rule fails the rebuild loudly, never fills a table wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
"""A statement that changes rows (the fills make and drop no tables while they hold writes)."""


class ReadAfterHeldWrite(RuntimeError):
    """A batch read a table it had already written to: held writes would make it read the old rows."""


@dataclass
class HeldWrites:
    """The statements a batch wrote, in order, and the tables they name (`names` finds them in a statement)."""

    names: re.Pattern[str]
    statements: list[tuple[bool, str, Any]] = field(default_factory=list)
    """(executemany?, the statement as the batch gave it, its parameters)."""
    tables: set[str] = field(default_factory=set)

    def take(self, statement: str, named: str, parameters: Any, many: bool) -> bool:
        """Keep `statement` if it writes (True); refuse a read of a table written to before. `named` is the
        statement with the tables' names as the database knows them."""
        if WRITE.match(statement):
            self.statements.append((many, statement, parameters))
            self.tables.update(self.names.findall(named))
            return True
        if self.tables:
            read = self.tables.intersection(self.names.findall(named))
            if read:
                raise ReadAfterHeldWrite(f"a rebuild batch read {', '.join(sorted(read))} after writing to it: {statement[:200]}")
        return False

    def run(self, cursor: Any) -> None:
        """Run the held statements, in order, on `cursor` (in the transaction that holds the write lock)."""
        for many, statement, parameters in self.statements:
            if many:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters)
        self.statements.clear()
        self.tables.clear()
