"""The coverage series: each cell's coverage along both time axes, kept by the bitemporal projection."""
