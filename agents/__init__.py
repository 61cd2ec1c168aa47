"""Faust agents, one module each: thin adapters that decode, call the pipeline, send and count."""
