"""The public functions of recovery: repairs, cleanup, and the bundle that survives an OS
reinstall. Functions that change the machine return their plan unless `apply` is true."""

from __future__ import annotations

from ainlp.actions.result import Result
from ainlp.api._functions import run_action
from ainlp.api._options import CancelToken, OnEvent
from ainlp.core.world import World

__all__ = ["cleanup", "export", "fix", "import_bundle"]


def fix(target: str | None = None, topic: str | None = None, apply: bool = False, *,
        rc_file: bool = False, dry_run: bool = False, world: World | None = None,
        on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Result:
    """Plan repairs for the findings (`ainlp fix`), and apply them with `apply=True`;
    `rc_file=True` lets PATH repairs write a marked block into the shell's rc file."""
    return run_action("apply_automatic_recovery_strategies",
                      {"target": target, "topic": topic, "rc_file": rc_file},
                      world=world, on_event=on_event, cancel=cancel, dry_run=dry_run,
                      assume_yes=apply)


def cleanup(target: str | None = None, apply: bool = False, *, dry_run: bool = False,
            world: World | None = None, on_event: OnEvent | None = None,
            cancel: CancelToken | None = None) -> Result:
    """Forget environments that are gone; with `apply`, move proven broken ones to the trash."""
    return run_action("cleanup_broken_environments", {"target": target}, world=world,
                      on_event=on_event, cancel=cancel, dry_run=dry_run, assume_yes=apply)


def export(path: str | None = None, with_wheels: bool = False, *, world: World | None = None,
           on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Result:
    """Write the portable bundle for an OS reinstall (`ainlp export PATH`)."""
    return run_action("environment_configuration_and_instructions",
                      {"path": path, "with_wheels": with_wheels}, world=world,
                      on_event=on_event, cancel=cancel)


def import_bundle(path: str | None = None, apply: bool = False, *, install_pythons: bool = False,
                  dry_run: bool = False, world: World | None = None,
                  on_event: OnEvent | None = None, cancel: CancelToken | None = None) -> Result:
    """Recreate environments from a bundle (`ainlp import PATH`): the plan unless `apply`;
    `install_pythons` lets uv install the Pythons the bundle needs and this machine lacks."""
    return run_action("import_environments", {"path": path, "install_pythons": install_pythons},
                      world=world, on_event=on_event,
                      cancel=cancel, dry_run=dry_run, assume_yes=apply)
