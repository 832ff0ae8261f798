"""Metrics: idleness, coverage and sampled time series."""
