"""Analyses built on simulation results: backtest against history, calibration, comparisons."""
