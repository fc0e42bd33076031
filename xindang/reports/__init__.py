"""Analyses and dashboards over the other apps' data (reads only)."""
