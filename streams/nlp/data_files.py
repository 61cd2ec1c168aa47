"""Load the versioned data files beside the code, validated by pydantic at load."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

M = TypeVar("M", bound=BaseModel)


class DataFileError(ValueError):
    """A data file an analyst edited is invalid; the message names file and field."""


def load_yaml(path: Path, model: type[M]) -> M:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: cannot read: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(f"{path}: {describe(exc, raw)}") from None


def describe(exc: ValidationError, raw: object) -> str:
    """Name the entry (by its id when it has one) and the field of each problem."""
    parts = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(map(str, loc))
        node = raw
        for i, key in enumerate(loc):
            try:
                node = node[key]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and "id" in node and i < len(loc) - 1:
                head, tail = ".".join(map(str, loc[: i + 1])), ".".join(map(str, loc[i + 1:]))
                where = f"{head} (id {node['id']!r}) field {tail}"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
