"""Discovery: every interpreter and environment on the machine, read from files first."""

from ainlp.core.discovery.finder import discover
from ainlp.core.discovery.records import EnvKind, EnvRecord, EnvState, Inventory, Manager, Problem

__all__ = ["EnvKind", "EnvRecord", "EnvState", "Inventory", "Manager", "Problem", "discover"]
