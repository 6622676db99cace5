"""Measures of the code's shape (issue 11), printed as a table and checked by tests/unit/test_architecture.py.

- handlers over 15 lines (Litestar route functions, body lines without the docstring);
- modules over 400 lines;
- cross-domain table imports (`from app.<other>.tables import` inside app/<domain>/);
- import cycles between modules of app/ (module-level imports only; imports inside functions are
  deliberate late binding and do not make a cycle at import time);
- `ZoneInfo(` outside app/clock.py.

Usage: `.venv/bin/python tools/architecture.py`
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
HANDLER_DECORATORS = {"get", "post", "put", "patch", "delete", "route"}
MAX_HANDLER_LINES = 15
MAX_MODULE_LINES = 400
# The shared base every domain stands on: its tables are what every office-owned row points at
# (`office_id`, the staff member), so a `tables.py` may reference them in a ForeignKey.
BASE_TABLES = {"org", "auth"}


def modules() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# Above the domains (DESIGN "Layout"): the demo company writes every domain's rows, as app/main.py wires them.
ABOVE_DOMAINS = {"demo"}


def domain_of(path: Path) -> str | None:
    rel = path.relative_to(APP)
    if len(rel.parts) < 2 or rel.parts[0] in ABOVE_DOMAINS:
        return None
    return rel.parts[0]


def long_handlers() -> list[tuple[str, int]]:
    found = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
                continue
            names = set()
            for d in node.decorator_list:
                target = d.func if isinstance(d, ast.Call) else d
                if isinstance(target, ast.Name):
                    names.add(target.id)
                elif isinstance(target, ast.Attribute):
                    names.add(target.attr)
            if not names & HANDLER_DECORATORS:
                continue
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                body = body[1:]
            if not body:
                continue
            lines = (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1
            if lines > MAX_HANDLER_LINES:
                found.append((f"{path.relative_to(ROOT)}::{node.name}", lines))
    return found


def long_modules() -> list[tuple[str, int]]:
    out = []
    for path in modules():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_MODULE_LINES:
            out.append((str(path.relative_to(ROOT)), n))
    return out


def _imports(path: Path, *, top_level_only: bool) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out: list[str] = []
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:  # `if TYPE_CHECKING:` blocks are not imports at run time
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
            out.extend(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
    return out


def cross_domain_table_imports() -> list[str]:
    found = []
    for path in modules():
        domain = domain_of(path)
        if domain is None:
            continue
        for name in _imports(path, top_level_only=False):
            parts = name.split(".")
            if len(parts) >= 3 and parts[0] == "app" and parts[2] == "tables" and parts[1] != domain:
                if path.name == "tables.py" and parts[1] in BASE_TABLES:
                    continue  # a foreign key to the office or the staff member
                found.append(f"{path.relative_to(ROOT)} imports {'.'.join(parts[:3])}")
    return sorted(set(found))


def import_cycles(top_level_only: bool = True) -> list[list[str]]:
    names = {module_name(p): p for p in modules()}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        deps = set()
        for imported in _imports(path, top_level_only=top_level_only):
            if imported in names and imported != name:
                deps.add(imported)
        graph[name] = deps
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return cycles


def zoneinfo_calls() -> list[str]:
    found = []
    for path in modules():
        if path == APP / "clock.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "ZoneInfo(" in line:
                found.append(f"{path.relative_to(ROOT)}:{n}")
    return found


def main() -> int:
    rows = [
        ("handlers over 15 lines", long_handlers()),
        ("modules over 400 lines", long_modules()),
        ("cross-domain table imports", cross_domain_table_imports()),
        ("import cycles (module level)", import_cycles()),
        ("import cycles (counting imports inside functions)", import_cycles(top_level_only=False)),
        ("ZoneInfo( outside app/clock.py", zoneinfo_calls()),
    ]
    print("| measure | count |\n|---|---|")
    for label, items in rows:
        print(f"| {label} | {len(items)} |")
    for label, items in rows:
        if items:
            print(f"\n{label}:")
            for item in items:
                print("  ", item)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
