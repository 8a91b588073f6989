"""Outputs: metrics from records, tidy tables, and atomic writing with a run manifest."""
