"""Outputs to systems other than Kafka (Alertmanager), with their retries and outcomes."""
