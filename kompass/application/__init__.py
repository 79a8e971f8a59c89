"""Use cases, projections and queries. Depends on the domain only."""
