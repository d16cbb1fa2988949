"""The `--json` documents of `find` and `doctor` read back into the engine's values.

For programs on the other side of the service or of `ainlp ... --json` (a fleet report reads
the documents of many machines): a document is untrusted input, validated with pydantic
(imported here only) before it becomes an `Inventory` or a `HealthReport`. A bad document is
BadInput naming its source and the first wrong field.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ainlp.core.discovery.records import (
    EnvKind,
    EnvRecord,
    EnvState,
    Inventory,
    Manager,
    Problem,
)
from ainlp.core.errors import BadInput
from ainlp.core.health.engine import HealthReport
from ainlp.core.health.findings import Finding, Severity
from ainlp.core.invalid import summary
from ainlp.core.versions import PyVersion

if TYPE_CHECKING:
    from pydantic import BaseModel

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: pydantic 85 ms


def _models() -> tuple[type[BaseModel], type[BaseModel]]:
    from pydantic import BaseModel, ConfigDict, Field

    class _Loose(BaseModel):
        model_config = ConfigDict(extra="ignore", strict=True)

    class ProblemDoc(_Loose):
        id: str
        message: str
        hint: str

    class ManagerDoc(_Loose):
        tool: str
        executable: str | None = None
        version: str | None = None

    class EnvDoc(_Loose):
        kind: Literal[tuple(k.value for k in EnvKind)]  # type: ignore[valid-type]
        prefix: str
        executable: str | None
        version: str | None = None
        name: str | None = None
        implementation: str | None = None
        base_executable: str | None = None
        state: Literal["ok", "broken", "missing"] = "ok"
        problems: list[ProblemDoc] = Field(default_factory=list)
        found_by: list[str] = Field(default_factory=list)
        manager: ManagerDoc | None = None
        arch: str | None = None
        version_source: str | None = None

    class InventoryDoc(_Loose):
        environments: list[EnvDoc]
        elapsed_ms: float = 0.0
        cache: str = "off"

    class FindingDoc(_Loose):
        id: str
        severity: Literal["error", "warning", "info"]
        subject: str
        message: str
        hint: str
        fix: str | None = None

    class HealthDoc(_Loose):
        findings: list[FindingDoc]
        checks_run: int

    return InventoryDoc, HealthDoc


def _validated(model: type[BaseModel], document: object, source: str) -> BaseModel:
    from pydantic import ValidationError

    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise BadInput(f"{source}: {summary(exc, limit=1)}",
                       hint="give the JSON document the matching `ainlp ... --json` printed"
                       ) from exc


def _path(text: str | None) -> Path | None:
    return Path(text) if text is not None else None


def _version(text: str | None) -> PyVersion | None:
    return PyVersion(text) if text is not None else None


def inventory_from_json(document: object, *, source: str = "find --json") -> Inventory:
    """`ainlp find --json`'s document as an Inventory (summary and ids are recomputed)."""
    model, _ = _models()
    doc = _validated(model, document, source)
    envs = tuple(
        EnvRecord(
            kind=EnvKind(env.kind), prefix=Path(env.prefix), executable=_path(env.executable),
            version=_version(env.version), name=env.name, implementation=env.implementation,
            base_executable=_path(env.base_executable), state=EnvState(env.state),
            problems=tuple(Problem(p.id, p.message, p.hint) for p in env.problems),
            found_by=tuple(env.found_by),
            manager=Manager(env.manager.tool, _path(env.manager.executable),
                            _version(env.manager.version)) if env.manager is not None else None,
            arch=env.arch, version_source=env.version_source,
        )
        for env in doc.environments  # type: ignore[attr-defined]
    )
    return Inventory(envs, float(doc.elapsed_ms), str(doc.cache))  # type: ignore[attr-defined]


def health_from_json(document: object, *, source: str = "doctor --json") -> HealthReport:
    """`ainlp doctor --json`'s document as a HealthReport (with an empty inventory: the
    document does not carry one)."""
    _, model = _models()
    doc = _validated(model, document, source)
    findings = tuple(Finding(f.id, Severity(f.severity), f.subject, f.message, f.hint, f.fix)
                     for f in doc.findings)  # type: ignore[attr-defined]
    return HealthReport(findings, int(doc.checks_run),  # type: ignore[attr-defined]
                        Inventory((), 0.0, "off"))
