"""Per-action rich renderers; importing this package registers them all."""

import importlib

for _module in ("discovery", "health", "packages", "report", "language", "meta", "state",
                "bundle", "recovery", "fleet"):
    try:
        importlib.import_module(f"{__name__}.{_module}")
    except ModuleNotFoundError as _exc:  # a family whose renderer is not written falls back
        if _exc.name != f"{__name__}.{_module}":
            raise
