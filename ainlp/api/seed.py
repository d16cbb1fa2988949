"""The seed's entry point for other AIOS modules: `get_aios_python_integration()`.

The object answers the two questions the seed's modules ask, read-only: a diagnostic report
and a health check. Both return the api's typed values and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ainlp.actions.result import Result
from ainlp.api._functions import doctor, report
from ainlp.core.health.engine import HealthReport
from ainlp.core.world import World


@dataclass(frozen=True)
class AiosPythonIntegration:
    world: World | None = None

    def get_diagnostic_report(self, format: str = "json") -> Result:
        """The full diagnostic report (`ainlp report`); its `.data` is the JSON document."""
        return report(format, world=self.world)

    def perform_health_check(self, target: str | None = None,
                             topic: str | None = None) -> HealthReport:
        """Every health check (`ainlp doctor`); `.has_errors`, `.findings`, `.to_json()`."""
        return doctor(target, topic, world=self.world)


def get_aios_python_integration(world: World | None = None) -> AiosPythonIntegration:
    return AiosPythonIntegration(world)
