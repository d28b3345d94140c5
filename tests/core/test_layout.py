"""The core's folders are layers: a module imports only its own wing or the wings below it."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
ADAPTERS = BOT.parent / "adapters"

# Lower numbers sit lower; a module may import modules of its own rank or below.
# web (quote pages) and cards (quote images) sit beside advice, over the library and answers.
RANKS = {
    "base": 0,
    "transcripts": 1,
    "search": 2,
    # Audio in, markdown transcripts out: over the transcript format, beside search.
    "transcribe": 2,
    "feeds": 3,
    "library": 3,
    "answers": 4,
    "advice": 5,
    "cards": 5,
    "web": 5,
    "face": 6,
    "cli": 7,
}
WINGS = ("transcripts", "search", "transcribe", "feeds", "answers", "advice", "cards", "web", "cli")
CHAT_SDKS = ("discord", "slack_bolt", "slack_sdk", "aiohttp")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(BOT.parent).with_suffix("").parts)  # bot/ or adapters/
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


def _package_of(module: str) -> str:
    """The adapter package a module belongs to: `adapters.slack` for `adapters.slack.app`,
    `adapters` itself for runner.py and ops_routes.py."""
    parts = module.split(".")
    is_package = len(parts) > 1 and (ADAPTERS / parts[1]).is_dir()
    return ".".join(parts[:2]) if is_package else "adapters"


def test_adapters_import_only_the_cores_public_names() -> None:
    """Every module of adapters/ (runner and ops routes too) imports the core as `bot` or a
    wing's package, never one of the core's modules."""
    import bot

    public = {"bot"} | {f"bot.{wing}" for wing in WINGS} | {f"bot.{name}" for name in bot.__all__}
    offenders = [
        f"{p.relative_to(ADAPTERS.parent)} imports {m}"
        for p in ADAPTERS.rglob("*.py")
        for m in _imports(p)
        if (m == "bot" or m.startswith("bot.")) and m not in public
    ]
    assert offenders == []


def test_adapters_reach_each_other_through_their_packages() -> None:
    """The runner imports Slack and Discord through their packages' public names, and neither
    chat adapter imports the other."""
    offenders = []
    for path in ADAPTERS.rglob("*.py"):
        module = _module_name(path)
        for target in _imports(path):
            if not target.startswith("adapters.") or _package_of(target) == _package_of(module):
                continue
            if (
                target
                not in {
                    "adapters.slack",
                    "adapters.discord_bot",
                    "adapters.ops_routes",
                    "adapters.web_routes",
                }
                or _package_of(module) != "adapters"
            ):
                offenders.append(f"{module} imports {target}")
    assert offenders == []


def test_production_code_checks_without_assert() -> None:
    """No `assert` in bot/ or adapters/: `python -O` drops them, so a check must be an if."""
    asserts = [
        f"{path.relative_to(BOT.parent)}:{node.lineno}"
        for root in (BOT, ADAPTERS)
        for path in root.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert asserts == []
