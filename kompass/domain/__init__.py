"""The domain: aggregates, events and rules. No I/O happens here."""
