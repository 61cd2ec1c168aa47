"""HTTP views on the worker's web port: ``/metrics`` (Prometheus text format). ``/`` is Faust's health page."""

from __future__ import annotations

from faust.web import Request, Response, View

from streams.app import app
from streams.metrics import render


@app.page("/metrics")
class Metrics(View):
    async def get(self, request: Request) -> Response:
        body, content_type = render()
        return self.bytes(body, headers={"Content-Type": content_type})
