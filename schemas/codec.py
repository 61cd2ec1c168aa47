"""orjson encode/decode for the contracts: one compact UTF-8 JSON object per message."""

from __future__ import annotations

from typing import TypeVar

import orjson
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def encode(model: BaseModel) -> bytes:
    return orjson.dumps(model.model_dump(mode="python"), option=orjson.OPT_UTC_Z)


def decode(data: bytes | str, model: type[M]) -> M:
    return model.model_validate(orjson.loads(data))
