"""deploy/: the Dockerfile, compose file, systemd unit and Kubernetes manifests, checked
statically against the code they run."""

from __future__ import annotations

import asyncio
import configparser
import json
import os
import re
import socket
import sys
from pathlib import Path

import pytest
import yaml
from aiohttp.test_utils import TestServer

from adapters.ops_routes import METRICS_PATH, READY_PATH
from adapters.slack.server import HEALTH_PATH, create_web_app
from bot.settings import OPTIONS, Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
KUBERNETES = DEPLOY / "kubernetes"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            rows.append((word.upper(), rest.strip()))
    return rows


def test_dockerfile_is_multi_stage_and_runs_as_a_user() -> None:
    """Two stages; the final stage switches to a non-root user before it runs anything of ours."""
    rows = dockerfile_instructions()
    stages = [i for i, (word, _) in enumerate(rows) if word == "FROM"]
    assert len(stages) == 2
    final = rows[stages[-1] :]
    users = [args for word, args in final if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    user_at = max(i for i, (word, _) in enumerate(final) if word == "USER")
    index_at = next(i for i, (w, a) in enumerate(final) if w == "RUN" and "quotebot index" in a)
    assert index_at > user_at, "the index is built as the user that will read it"


def test_dockerfile_copies_files_that_exist() -> None:
    """Every COPY source (outside --from stages) is a path in the repository."""
    for word, args in dockerfile_instructions():
        if word == "COPY" and "--from" not in args:
            *sources, _ = args.split()
            for source in sources:
                assert (REPO / source).exists(), source


def healthcheck_code() -> str:
    """The Python the Dockerfile's HEALTHCHECK runs."""
    [check] = [args for word, args in dockerfile_instructions() if word == "HEALTHCHECK"]
    found = re.search(r"CMD python -c '([^']+)'", check)
    assert found, check
    return found.group(1)


async def test_dockerfile_healthcheck_asks_the_port_the_bot_listens_on() -> None:
    """The HEALTHCHECK's own command, run with QUOTEBOT_PORT set to a loopback /healthz: it
    passes there and fails on a port nothing serves (so it is not tied to 3000)."""
    server = TestServer(create_web_app(), host="127.0.0.1", port=0)
    await server.start_server()
    try:
        environ = {
            key: value for key, value in os.environ.items() if not key.startswith("QUOTEBOT_")
        }
        environ["PYTHONPATH"] = str(REPO)

        async def check(port: int) -> int:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                healthcheck_code(),
                env=environ | {"QUOTEBOT_PORT": str(port)},
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            return await asyncio.wait_for(process.wait(), 20)

        assert await check(server.port) == 0
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            nothing = probe.getsockname()[1]
        assert await check(nothing) != 0
    finally:
        await server.close()
    assert ":3000" not in healthcheck_code()


def test_containers_keep_the_discord_command_sync_state_on_the_volume() -> None:
    """The image points QUOTEBOT_DISCORD_SYNC_STATE into its VOLUME, which compose mounts, so
    a new container does not sync the commands again."""
    env = " ".join(args for word, args in dockerfile_instructions() if word == "ENV")
    found = re.search(r"QUOTEBOT_DISCORD_SYNC_STATE=(\S+)", env)
    assert found, env
    [volume] = [args for word, args in dockerfile_instructions() if word == "VOLUME"]
    mounted = json.loads(volume)[0]
    assert found.group(1).startswith(mounted + "/")
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    assert any(v.endswith(f":{mounted}") for v in compose["services"]["bot"]["volumes"])
    assert "QUOTEBOT_DISCORD_SYNC_STATE" not in compose["services"]["bot"].get("environment", {})


def test_compose_file_parses_and_builds_from_this_repository() -> None:
    """docker-compose.yml has the bot and PostgreSQL, builds with deploy/Dockerfile."""
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    context = (DEPLOY / bot["build"]["context"]).resolve()
    assert context == REPO and (context / bot["build"]["dockerfile"]).is_file()
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in db
    assert (DEPLOY / f"{bot['env_file']}.example").is_file()
    assert any(volume.endswith(":/var/lib/quotebot") for volume in bot["volumes"])


def env_example() -> list[tuple[bool, str, str]]:
    """(active, NAME, value) for each `NAME=value` or `# NAME=value` line of the example."""
    text = (DEPLOY / "quotebot.env.example").read_text()
    return [
        (not commented, name, value)
        for commented, name, value in re.findall(r"^(# )?([A-Z][A-Z_]+)=(.*)$", text, re.M)
    ]


def test_env_example_lists_every_setting_and_only_real_ones() -> None:
    """quotebot.env.example names exactly the settings the bot reads, each once."""
    names = [name for _, name, _ in env_example()]
    assert sorted(names) == sorted(option.env for option in OPTIONS)


def test_env_example_sets_only_the_secrets_and_shows_valid_defaults() -> None:
    """Only the tokens are active lines (an empty active line would undo what the image sets,
    e.g. DATABASE_URL on the volume); every commented example value is one the bot accepts."""
    secrets = {option.env for option in OPTIONS if option.secret}
    assert {name for active, name, _ in env_example() if active} == secrets
    for active, name, value in env_example():
        if not active:
            Settings.load({name: value})  # raises ConfigError naming it if not accepted


def test_systemd_notes_install_from_the_source() -> None:
    """quotebot is not on PyPI: the unit's notes install the checkout, not `quotebot[...]`."""
    notes = (DEPLOY / "quotebot.service").read_text()
    assert "install 'quotebot[" not in notes and "install quotebot" not in notes
    assert "pip install '.[postgres]'" in notes and "checkout" in notes


def kubernetes_documents() -> list[dict]:
    return [
        document
        for path in sorted(KUBERNETES.glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


def workloads() -> list[dict]:
    return [d for d in kubernetes_documents() if d["kind"] in ("Deployment", "StatefulSet")]


def test_kubernetes_manifests_parse() -> None:
    """Every manifest is valid YAML with a kind; there is a workload per platform."""
    kinds = [document["kind"] for document in kubernetes_documents()]
    assert {"Deployment", "StatefulSet", "Service", "Secret"} <= set(kinds)


@pytest.mark.parametrize("workload", workloads(), ids=lambda w: w["metadata"]["name"])
def test_kubernetes_probes_match_the_real_endpoints(workload: dict) -> None:
    """Readiness asks /readyz and liveness /healthz, on the port the container serves."""
    spec = workload["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    for container in spec["containers"]:
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        env = {item["name"]: item.get("value") for item in container["env"]}
        assert ports["http"] == int(env["QUOTEBOT_PORT"])
        assert container["readinessProbe"]["httpGet"]["path"] == READY_PATH
        assert container["livenessProbe"]["httpGet"]["path"] == HEALTH_PATH
        assert container["args"] == ["run"]


def test_kubernetes_secrets_hold_every_key_the_workloads_read() -> None:
    """Each secretKeyRef names a key of the quotebot-tokens Secret."""
    secret = next(d for d in kubernetes_documents() if d["kind"] == "Secret")
    for workload in workloads():
        for container in workload["spec"]["template"]["spec"]["containers"]:
            for item in container["env"]:
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == secret["metadata"]["name"]
                    assert ref["key"] in secret["stringData"]


def test_systemd_unit_runs_the_bot_as_its_own_user() -> None:
    """The unit starts `quotebot run` as the quotebot user and stops it with SIGTERM."""
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment]
    unit.read_string((DEPLOY / "quotebot.service").read_text())
    service = unit["Service"]
    assert service["User"] == "quotebot"
    assert service["ExecStart"].endswith("quotebot run")
    assert service["KillSignal"] == "SIGTERM"


def test_metrics_path_is_documented() -> None:
    """The README's Deploy section names the health, readiness and metrics endpoints."""
    readme = (REPO / "README.md").read_text()
    for path in (HEALTH_PATH, READY_PATH, METRICS_PATH):
        assert f"`GET {path}`" in readme
