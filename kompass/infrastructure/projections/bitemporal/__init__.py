"""The bitemporal projection: each aggregate's versions over effective dates and recording times."""
