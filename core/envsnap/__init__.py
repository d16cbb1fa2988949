"""Environment snapshots, and rebuilding environments from them.

capture   an environment's files -> EnvSnapshot (interpreter, kind, prefix, distributions)
diff      two snapshots -> SnapshotDiff (added, removed, changed)
wheels    an installed distribution -> a .whl made from its own files (offline rebuilds)
venvs     create_venv with uv, or python -m venv where uv cannot run
recreate  EnvSnapshot + wheel folders -> a new venv holding exactly those distributions
choose    the interpreter to rebuild with: same version, else the nearest patch
"""

from ainlp.core.envsnap.capture import capture, own_distributions
from ainlp.core.envsnap.choose import choose_interpreter
from ainlp.core.envsnap.diff import Change, SnapshotDiff, diff
from ainlp.core.envsnap.installer import Tool
from ainlp.core.envsnap.model import EnvSnapshot, Interpreter, Origin, Package, Skipped
from ainlp.core.envsnap.recreate import RecreateResult, recreate
from ainlp.core.envsnap.venvs import BuildFailed, CreatedVenv, create_venv
from ainlp.core.envsnap.wheels import WheelhouseResult, build_wheel, build_wheelhouse

__all__ = [
    "BuildFailed",
    "Change",
    "CreatedVenv",
    "EnvSnapshot",
    "Interpreter",
    "Origin",
    "Package",
    "RecreateResult",
    "Skipped",
    "SnapshotDiff",
    "Tool",
    "WheelhouseResult",
    "build_wheel",
    "build_wheelhouse",
    "capture",
    "choose_interpreter",
    "create_venv",
    "diff",
    "own_distributions",
    "recreate",
]
