"""How people see `ainlp report`: the report text itself, exactly as it would be written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainlp.render import renderer
from ainlp.renderers.report_text import render

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result


@renderer("generate_diagnostic_report")
def render_report(out: Console, result: Result) -> None:
    data = dict(result.data)
    fmt = str(data.pop("format"))
    output = data.pop("output")
    summary = data["summary"]
    assert isinstance(summary, dict)
    if output is not None:
        out.print(f"errors: {summary['error']}, warnings: {summary['warning']}, notes: "
                  f"{summary['info']}; report in {output}", markup=False, highlight=False)
        return
    # raw text, no markup or wrapping: `ainlp report --format markdown > r.md` must be markdown
    out.file.write(render(data, fmt))
