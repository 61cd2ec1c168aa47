"""``newsmon bench``: NLP floor, full pipeline, Kafka ceiling, end to end, latency, memory, scale-out.

corpus   — the seed articles varied into N distinct texts (deterministic for a seed)
measures — in-process tokenizer and pipeline rates, raw aiokafka passthrough, machine info
workers  — real ``newsmon worker`` subprocesses and the memory of their process trees
runner   — one run, side by side, broker and workers always stopped
report   — targets and the readable table
"""
