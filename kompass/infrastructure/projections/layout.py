"""The stored layout of the read model, as plain names: which projections there are, what their
tables and number columns are called, and how numbers are scaled.

It imports nothing, so that a reader which must not load SQLAlchemy (`sqlite_coverage`, the lean
path of a present-time `gaps`) names the same tables and columns as the schemas that create them:
one spelling, not a copy kept equal by a test.
"""

PORTFOLIO = "portfolio"
NETWORK = "network"
BITEMPORAL = "bitemporal"
PROJECTIONS = (PORTFOLIO, NETWORK, BITEMPORAL)
"""Every projection the projector keeps, by tracking name, in the order it applies a page to them."""

SCALE = 60
"""Weights and budgets are stored times 60: every share 1/n with n ≤ 5 areas is then whole."""

TRACKING = "rm_tracking"
"""Each projection's position in the log, written in the same transaction as its rows."""

# --- the portfolio projection ---------------------------------------------------------------------
INITIATIVES = "rm_initiatives"
PARTICIPANTS = "rm_participants"
ACTORS = "rm_actors"
ASSESSMENTS = "rm_assessments"
COVERAGE = "rm_coverage"
COVERAGE_ACTORS = "rm_coverage_actors"
NATIONAL_COVERAGE = "rm_national"

CELL_NUMBERS = ("initiatives", "weighted60", "pipeline", "budget60", "actors")
"""A coverage cell's numbers, in this order wherever they are stored (rm_coverage, rm_bt_series)."""
NATIONAL_NUMBERS = CELL_NUMBERS[:2]
"""What rm_national keeps of an area."""

# --- the network projection -----------------------------------------------------------------------
NET_ACTORS = "rm_net_actors"
NET_INITIATIVES = "rm_net_initiatives"
NET_MEMBERS = "rm_net_members"
NET_REGIONS = "rm_net_regions"
NET_AREAS = "rm_net_areas"
NET_EDGES = "rm_net_edges"
NETWORK_CACHE = "kompass_network_cache"

# --- the bitemporal projection and the coverage series it keeps ------------------------------------
BT_FACTS = "rm_bt_facts"
BT_VERSIONS = "rm_bt_versions"
BT_ACTOR_IDS = "rm_bt_actor_ids"
BT_STEPS = "rm_bt_steps"
BT_DEPENDS = "rm_bt_depends"
BT_SERIES = "rm_bt_series"
BT_ACTOR_COUNTS = "rm_bt_actor_chunks"
EARLIER_ACTOR_COUNTS = ("rm_bt_series_actors", "rm_bt_actor_counts")
"""Where earlier kompass kept the actor counts (a row per count; then a row per actor and cell holding its whole
history): dropped at a reset."""

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"
"""Recording times as the bitemporal rows hold them (UTC, fixed width): `application.bitemporal.TIME_FORMAT`."""
EFFECTIVE, RECORDED, NATIONAL = "e", "r", ""
"""The coverage series' axes and its national region: `application.coverage_series`'s names."""


def within(start: str, end: str | None, at: str | None) -> bool:
    """How a version row's interval is read: [start, end) holds `at` (end None: open); `at` None stands
    past every end, so only an open interval holds it. Here, so that the lean reader and `ReadModel` read
    the rows alike."""
    return end is None if at is None else start <= at and (end is None or end > at)
