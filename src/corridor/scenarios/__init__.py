"""Scenarios: named sets of dated parameter changes, kept as YAML data files."""
