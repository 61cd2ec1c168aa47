import socket

import pytest

from streams.kafka.broker import BrokerError, EmbeddedBroker


def test_taken_port_gives_a_clear_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(BrokerError, match=f"port {port} .* already in use"):
            EmbeddedBroker(port=port).start()


def test_broker_starts_listens_and_stops():
    broker = EmbeddedBroker().start()
    try:
        with socket.create_connection(("127.0.0.1", broker.port), 1):
            pass
    finally:
        broker.stop()
    assert broker.process is None
