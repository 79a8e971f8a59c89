"""Adapters: persistence, configuration, import and export."""
