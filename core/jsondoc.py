"""The type of a JSON document as every layer hands it on: built once, serialised once."""

from __future__ import annotations

from typing import TypeAlias

JSONObject: TypeAlias = dict[str, object]
