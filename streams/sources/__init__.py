"""Where articles come from outside Kafka: files on disk (replay, analyze, bench)."""
