"""Kafka plumbing that is not Faust: the embedded broker, topic admin, replay."""
