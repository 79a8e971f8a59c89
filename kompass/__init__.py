"""kompass: an event-sourced portfolio engine for Sweden's regional digitalisation coordinators."""

__version__ = "0.1.0"
