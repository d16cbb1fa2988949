"""clean-path: a PATH entry naming a Python folder that is gone (an upgraded pyenv version, a
deleted venv's bin) is dropped, and the folder of the installed Python of the same minor put
first when the entry named a version. PATH is the shell's: the step always shows the exact
lines for bash, zsh, fish and PowerShell; with the user's consent (`ainlp fix --rc-file`) it
writes them into the shell's rc file as one marked, removable block

    # >>> ainlp >>>
    ...
    # <<< ainlp <<<

through the transaction (undo brings the old bytes back). A second run merges its lines into
the same block instead of adding another. The change takes effect in new shells, so the
step is verified by running the block in the shell, not by re-reading this process's PATH.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.errors import AinlpError
from ainlp.core.health.findings import Finding
from ainlp.core.recovery.model import RepairStep
from ainlp.core.recovery.strategies import register_strategy
from ainlp.core.recovery.strategies._common import blocked
from ainlp.core.versions import PyVersion

if TYPE_CHECKING:
    from ainlp.core.discovery.records import Inventory
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.transaction import Transaction

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.envsnap 26 ms, ainlp.core.active.global_python 22 ms

NAME = "clean-path"
BEGIN = "# >>> ainlp >>>"
END = "# <<< ainlp <<<"
_HEADER = "# added by `ainlp fix --rc-file`; remove the block to undo it by hand"
_RC_FILES = {"bash": ".bashrc", "zsh": ".zshrc", "fish": ".config/fish/config.fish"}


class CleanPathFailed(AinlpError):
    code = "recovery.clean-path-failed"


def drop_line(shell: str, folder: str) -> str:
    """The shell line that removes `folder` from PATH."""
    if shell == "fish":
        return f"set -gx PATH (string match -v -- {_fish_quote(folder)} $PATH)"
    if shell == "powershell":
        quoted = "'" + folder.replace("'", "''") + "'"
        return ("$env:PATH = ($env:PATH -split [IO.Path]::PathSeparator | Where-Object "
                f"{{ $_ -ne {quoted} }}) -join [IO.Path]::PathSeparator")
    q = shlex.quote(folder)  # builtins only: the line works before PATH finds any tool
    return (f"_ainlp_p=\":$PATH:\"; while case $_ainlp_p in *:{q}:*) true;; *) false;; esac; "
            f"do _ainlp_p=${{_ainlp_p%%:{q}:*}}:${{_ainlp_p#*:{q}:}}; done; "
            "_ainlp_p=${_ainlp_p#:}; export PATH=${_ainlp_p%:}; unset _ainlp_p")


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def shell_lines(shell: str, dead: str, first: Path | None) -> list[str]:
    from ainlp.core.active.global_python import path_line
    lines = [drop_line(shell, dead)]
    if first is not None:
        lines.append(path_line(shell, first))
    return lines


def replacement(inventory: Inventory, dead: str) -> Path | None:
    """The folder of the installed Python of the minor the dead entry named, if any."""
    from ainlp.core.envsnap import choose_interpreter
    version = PyVersion.search_micro(dead)
    if version is None:
        return None
    chosen, _ = choose_interpreter(inventory, version.text)
    if chosen is None or chosen.executable is None:
        return None
    return chosen.executable.parent


def user_shell(env: dict[str, str] | None) -> str:
    name = Path((env or {}).get("SHELL", "") or "bash").name
    return name if name in _RC_FILES else "bash"


def rc_file(home: Path, shell: str) -> Path:
    return home / _RC_FILES.get(shell, ".bashrc")


def with_block(text: str, lines: Sequence[str]) -> str:
    """`text` with the ainlp block holding its old lines plus `lines` (one block, replaced
    in place; appended when there is none)."""
    start = text.find(BEGIN)
    stop = text.find(END, start) if start >= 0 else -1
    kept: list[str] = []
    if start >= 0 and stop >= 0:
        inside = text[start + len(BEGIN):stop].splitlines()
        kept = [line for line in inside if line.strip() and line != _HEADER]
    body = list(dict.fromkeys([*kept, *lines]))
    block = "\n".join([BEGIN, _HEADER, *body, END]) + "\n"
    if start >= 0 and stop >= 0:
        after = text[stop + len(END):]
        return text[:start] + block + after.removeprefix("\n")
    if text and not text.endswith("\n"):
        text += "\n"
    return text + ("\n" if text else "") + block


def block_of(text: str) -> str | None:
    start = text.find(BEGIN)
    stop = text.find(END, start) if start >= 0 else -1
    return text[start:stop + len(END)] + "\n" if start >= 0 and stop >= 0 else None


class CleanPath:
    name = NAME
    transactional = True

    def plan(self, rc: RepairContext, subject: str, findings: Sequence[Finding],
             step_id: str) -> RepairStep:
        from ainlp.core.active.global_python import SHELLS
        dead = subject
        first = replacement(rc.inventory, dead)
        what = f"drop {dead} from PATH" + (f" and put {first} first" if first else "")
        notes = [f"{shell}: {line}" for shell in SHELLS
                 for line in shell_lines(shell, dead, first)]
        shell = user_shell(dict(rc.world.env))
        target = rc_file(rc.world.home, shell)
        if not rc.rc_file or rc.world.platform == "win32":
            step = blocked(NAME, subject, findings, step_id, what,
                           "PATH is set by your shell: run the lines below, or `ainlp fix "
                           f"--rc-file` to add them to {target} in a marked block")
            step.notes.extend(notes)
            return step
        step = RepairStep(
            step_id, NAME, dead,
            f"{what}: add the lines to a marked block (`{BEGIN}`) in {target}, for new "
            f"{shell} shells (fixes {', '.join(sorted({f.id for f in findings}))})",
            # this process's PATH stays as it was: the step is checked by running the block
            (), (str(target),), True,
            params={"shell": shell, "rc_file": str(target), "dead": dead,
                    "first": str(first) if first else ""},
            lists={"lines": shell_lines(shell, dead, first),
                   "repairs": [f"{f.id} {f.subject}" for f in findings]})
        step.notes.extend(notes)
        return step

    def act(self, rc: RepairContext, step: RepairStep, tx: Transaction) -> list[str]:
        target = Path(step.params["rc_file"])
        try:
            old = target.read_bytes()
        except FileNotFoundError:
            old = b""
        text = old.decode("utf-8", errors="surrogateescape")
        new = with_block(text, step.lists.get("lines", []))
        if new != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            tx.write_file(target, new.encode("utf-8", errors="surrogateescape"))
        return [f"{target}: the ainlp block drops {step.params['dead']} from PATH"
                " (open a new shell, or source the file)"]

    def check(self, rc: RepairContext, step: RepairStep) -> str | None:
        target = Path(step.params["rc_file"])
        try:
            block = block_of(target.read_text(encoding="utf-8", errors="replace"))
        except OSError as exc:
            return f"{target} cannot be read: {exc.strerror}"
        if block is None:
            return f"{target} has no ainlp block"
        dead = step.params["dead"]
        if step.params.get("shell") == "fish":
            return None if drop_line("fish", dead) in block else f"{target} misses the line"
        shell = shutil.which("bash") or shutil.which("sh")
        if shell is None:
            return None  # nothing here runs the block; its text was written as planned
        path = rc.world.env.get("PATH", "")
        done = subprocess.run([shell, "-c", f'PATH={shlex.quote(path)}\n{block}\n'
                               'printf "%s" "$PATH"'],
                              capture_output=True, text=True, timeout=30, check=False)
        if done.returncode != 0 or dead in done.stdout.split(":"):
            return f"the block in {target} leaves {dead} on PATH: {done.stderr.strip()}"
        return None


register_strategy(CleanPath())
