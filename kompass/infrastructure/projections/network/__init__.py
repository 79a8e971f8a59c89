"""The network projection: who takes part in what, the country's weighted ties, and the metrics cache."""
