"""The read model: a package per projection, and what keeps them.

Each projection package holds its `schema` (tables), its batch `writer` (facts → rows, the projection
the projector keeps) and its `reader` (rows → application records): `portfolio` (records and
present-time coverage), `network` (memberships and ties), `bitemporal` (versions over effective and
recording time) and `coverage_series` (coverage along both time axes, written by the bitemporal
batches). Beside them: `layout` (the stored names, importing nothing), `batch` (the writers' shared
base), `tracking` (positions), `projector` (catching up), `blue_green` (rebuilds), `read_model` (the
readers behind one port) and `sqlite_coverage` (present-time coverage with the stdlib only).

Nothing is imported here: the lean reader imports `layout` without loading SQLAlchemy.
"""
