"""Import, applied to one environment: rebuilt, verified against the manifest, and removed
again when either fails (the other environments are not touched)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ainlp.core.bundle.locks import normal_version
from ainlp.core.bundle.plan import EnvPlan
from ainlp.core.bundle.read import Bundle
from ainlp.core.discovery.resolve import classify
from ainlp.core.envsnap import RecreateResult, Tool, capture, recreate
from ainlp.core.envsnap.venvs import remove_tree
from ainlp.core.errors import AinlpError
from ainlp.core.world import World


class VerifyFailed(AinlpError):
    """The rebuilt environment does not hold exactly the manifest's distributions."""

    code = "bundle.verify-failed"


@dataclass(frozen=True)
class Restored:
    prefix: Path
    built: RecreateResult
    left_out: tuple[str, ...]  # "name: why" of what recreate could not reinstall


def normal_pins(pins: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(name, normal_version(version)) for name, version in pins}


def distribution_set(world: World, prefix: Path) -> set[tuple[str, str]]:
    """(canonical name, normalised version) of every distribution installed in `prefix`."""
    snap = capture(world, classify(prefix, "import", platform=world.platform))
    return normal_pins((p.canonical_name, p.version) for p in snap.distributions)


def restore_env(world: World, bundle: Bundle, plan: EnvPlan, *,
                tool: Tool | None = None) -> Restored:
    """Rebuild `plan.target` from the bundle (offline from its wheels when it has them)."""
    if plan.python is None:
        raise AinlpError(f"{plan.target}: {plan.note}")
    wheels = bundle.wheels
    built = recreate(world, plan.snapshot(world.home), prefix=plan.target, python=plan.python,
                     find_links=[wheels] if wheels is not None else [],
                     offline=wheels is not None, tool=tool)
    try:
        skipped = {s.name for s in built.skipped}
        want = normal_pins(p for p in plan.env.pins() if p[0] not in skipped)
        have = distribution_set(world, plan.target)
        if have != want:
            extra = sorted(f"{n}=={v}" for n, v in have - want)
            lost = sorted(f"{n}=={v}" for n, v in want - have)
            raise VerifyFailed(f"{plan.target} does not match the bundle after the rebuild: "
                               f"missing {', '.join(lost) or 'nothing'}; unexpected "
                               f"{', '.join(extra) or 'nothing'}",
                               hint="the environment was removed again; see the installer")
    except BaseException:
        remove_tree(plan.target)
        raise
    return Restored(plan.target, built, tuple(f"{s.name}: {s.reason}" for s in built.skipped))
