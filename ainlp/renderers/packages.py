"""How people see `ainlp packages` and `ainlp packages --check`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from ainlp.render import plural, renderer

if TYPE_CHECKING:
    from rich.console import Console

    from ainlp.actions.result import Result

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: rich.markup 26 ms, rich.table 24 ms

# `ainlp packages --json` documents, read key by key
PackagesDoc: TypeAlias = dict[str, Any]


def human_size(size: int | None) -> str:
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"  # pragma: no cover - the loop always returns


@renderer("list_packages")
def render_packages(out: Console, result: Result) -> None:
    for doc in _documents(result.data):
        _render_one(out, doc, listing=not result.data.get("checked"))


@renderer("check_packages")
def render_check(out: Console, result: Result) -> None:
    for doc in _documents(result.data):
        _render_one(out, doc, listing=False)


def _documents(data: PackagesDoc) -> list[PackagesDoc]:
    docs: list[PackagesDoc] = data.get("environments", [data])
    return docs


def _render_one(out: Console, doc: PackagesDoc, *, listing: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    env = doc["environment"]
    title = env["name"] or env["prefix"]
    out.print(f"[bold]{escape(title)}[/] [dim]({env['kind']}, {env['version'] or '?'}, "
              f"{escape(env['prefix'])})[/]")
    if listing:
        table = Table(box=None, pad_edge=False, show_edge=False)
        for column in ("name", "version", "installer", "size", "from"):
            table.add_column(column, overflow="fold")
        for package in doc["packages"]:
            origin = ""
            if package["editable"]:
                origin = f"editable {package['editable_location']}"
            elif package["direct_url"]:
                origin = package["direct_url"]
            elif package["scope"] != "env":
                origin = f"{package['scope']} site"
            table.add_row(escape(package["name"]), escape(package["version"] or "?"),
                          escape(package["installer"] or ""), human_size(package["size"]),
                          escape(origin))
        out.print(table)
    count = len(doc["packages"])
    for invalid in doc["invalid"]:
        out.print(f"[yellow]![/] {escape(invalid['path'])}: {escape(invalid['error'])}")
    if doc["conflicts"] is None:
        out.print(f"{plural(count, 'package')} "
                  "[dim](ainlp packages --check judges their requirements)[/]\n")
        return
    for conflict in doc["conflicts"]:
        if conflict["problem"] == "missing":
            text = (f"{conflict['package']} {conflict['package_version']} requires "
                    f"{conflict['requirement']}, which is not installed")
        else:
            text = (f"{conflict['package']} {conflict['package_version']} requires "
                    f"{conflict['requirement']}, but {conflict['dependency']} "
                    f"{conflict['installed']} is installed")
        out.print(f"[red]✗[/] {escape(text)}")
    for bad in doc["unparsable"]:
        out.print(f"[red]✗[/] {escape(bad['package'])}: cannot parse requirement "
                  f"{escape(bad['requirement'])}")
    for wheel in doc["unsupported"]:
        out.print(f"[red]✗[/] {escape(wheel['package'])} {escape(wheel['version'])} is a wheel "
                  f"for another Python or platform ({escape(', '.join(wheel['tags']))})")
    broken = len(doc["conflicts"]) + len(doc["unparsable"]) + len(doc["unsupported"])
    if broken:
        out.print(f"{plural(count, 'package')}, "
                  f"[red]{plural(broken, 'broken requirement')}[/]\n")
    else:
        out.print(f"{plural(count, 'package')}, [green]no broken requirements[/]\n")
