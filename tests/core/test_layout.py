"""The core's folders are layers: a module imports only its own wing or the wings below it."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"

# Lower numbers sit lower; a module may import modules of its own rank or below.
RANKS = {
    "base": 0,
    "transcripts": 1,
    "search": 2,
    "feeds": 3,
    "library": 3,
    "advice": 4,
    "face": 5,
    "cli": 6,
}
WINGS = ("transcripts", "search", "feeds", "advice", "cli")
CHAT_SDKS = ("discord", "slack_bolt", "slack_sdk", "aiohttp")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(BOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if module == "bot":
        return "face"
    if module == "bot.__main__":
        return "cli"
    if parts[1] in WINGS:
        return parts[1]
    if parts[1] == "library":
        return "library"
    return "base"


def _imports(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from . import search` imports a module, not a name.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if _exists(candidate):
                    found.add(candidate)
    return found


def _exists(module: str) -> bool:
    relative = Path(*module.split("."))
    root = BOT.parent
    return (root / relative).with_suffix(".py").exists() or (
        root / relative / "__init__.py"
    ).exists()


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in BOT.rglob("*.py") if "seeds" not in p.parts}
    return {
        name: {m for m in _imports(path) if m == "bot" or m.startswith("bot.")}
        for name, path in modules.items()
    }


def test_no_module_imports_a_layer_above_its_own() -> None:
    """A transcript reader never imports search or advice; search never imports advice."""
    upward = [
        f"{name} ({_layer(name)}) imports {target} ({_layer(target)})"
        for name, targets in _graph().items()
        for target in targets
        if RANKS[_layer(target)] > RANKS[_layer(name)]
    ]
    assert upward == []


def test_the_core_imports_no_chat_sdk() -> None:
    """Nothing under bot/ imports discord.py, slack-bolt or the Slack SDK."""
    offenders = [
        f"{p.relative_to(BOT.parent)} imports {m}"
        for p in BOT.rglob("*.py")
        for m in _imports(p)
        if m.split(".")[0] in CHAT_SDKS
    ]
    assert offenders == []


def test_there_is_no_import_cycle() -> None:
    """Following the imports of bot/ modules never leads back to where it started."""
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            # A package's __init__ importing its own modules is how packages work, not a cycle.
            if node == "bot" or nxt == "bot" or node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt in graph and not state.get(nxt):
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if not state.get(start):
            visit(start, [start])
    assert cycles == []


def test_wing_prefixes_are_folders_not_file_names() -> None:
    """No top-level module of bot/ carries a wing's prefix (cli_, search_, advice_, _transcript)."""
    names = [p.stem for p in BOT.glob("*.py")]
    prefixed = [
        n
        for n in names
        if n.startswith(("cli_", "search_", "advice_")) or n.endswith("_transcript")
    ]
    assert prefixed == []
