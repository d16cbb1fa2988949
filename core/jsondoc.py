"""JSON documents: their type as every layer hands it on, and the one strict way to read and
write them.

JSON is strict both ways everywhere we write it (`--json`, reports, the service, caches):
`NaN`, `Infinity` and `-Infinity` are not JSON (RFC 8259), so `loads` refuses them on input
(and numbers that overflow to an infinity, such as 1e999), and `dumps` never writes them (a
float that is not finite raises ValueError, as a bug would). Nesting deeper than the
interpreter can follow is a ValueError too, never a RecursionError.

`loads` drives CPython's C scanner (`_json`) directly: importing `json` costs a warm
`ainlp find` some 4 ms (it imports `re`), and the inventory snapshot is read on that path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeAlias

    JSONObject: TypeAlias = dict[str, object]
else:
    JSONObject = dict[str, object]

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: json 2.0 ms

__all__ = ["JSONObject", "dumps", "loads"]

_WHITESPACE = " \t\n\r"


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if value - value != 0.0:  # inf - inf is nan, and nan is unequal to everything
        raise ValueError(f"{text[:20]} is out of range for a JSON number we keep")
    return value


class _Context:
    """What the C scanner reads from a decoder: the strict settings, nothing else."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = staticmethod(_finite)
    parse_int = int
    parse_constant = staticmethod(_refuse_constant)


_scan: Callable[[str, int], tuple[object, int]] | None = None


def _scanner() -> Callable[[str, int], tuple[object, int]]:
    global _scan
    if _scan is None:
        try:
            import _json

            _scan = _json.make_scanner(_Context())  # type: ignore[arg-type]
        except ImportError:  # not CPython: the pure-Python scanner, with the same settings
            import json.scanner

            _scan = json.scanner.make_scanner(_Context())  # type: ignore[arg-type]
    return _scan


def loads(text: str | bytes | bytearray) -> Any:
    """The value of one JSON document; ValueError for anything that is not strict JSON
    (bytes must be UTF-8: UnicodeDecodeError is a ValueError)."""
    if not isinstance(text, str):
        text = bytes(text).decode("utf-8")
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = _scanner()(text, start)
    except (StopIteration, SystemError):
        # the C scanner reports most errors through json.decoder; let json say what it was
        return _slow(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if text[end:].strip(_WHITESPACE):
        raise ValueError(f"not JSON: extra data at character {end}")
    return value


def _slow(text: str) -> Any:
    import json

    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def dumps(value: object, *, default: Callable[[object], object] | None = None,
          indent: int | None = None, sort_keys: bool = False, ensure_ascii: bool = True,
          separators: tuple[str, str] | None = None, allow_nan: bool = False) -> str:
    """Strict JSON text of `value`: ValueError for NaN or an infinity, or nesting too deep
    (`allow_nan` is accepted for json.dumps' callers and ignored: never NaN)."""
    import json

    try:
        return json.dumps(value, default=default, indent=indent, sort_keys=sort_keys,
                          ensure_ascii=ensure_ascii, separators=separators, allow_nan=False)
    except RecursionError:
        raise ValueError("a value nested too deeply for JSON") from None
