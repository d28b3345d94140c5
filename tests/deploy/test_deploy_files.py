"""deploy/: the Dockerfile, compose file, systemd unit and Kubernetes manifests, checked
statically against the code they run."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
import yaml

from adapters.ops_routes import METRICS_PATH, READY_PATH
from adapters.slack.server import HEALTH_PATH
from bot.settings import OPTIONS

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


def test_dockerfile_healthcheck_uses_the_liveness_endpoint() -> None:
    """HEALTHCHECK asks the same path the bot serves for liveness, on the configured port."""
    checks = [args for word, args in dockerfile_instructions() if word == "HEALTHCHECK"]
    assert len(checks) == 1 and f":3000{HEALTH_PATH}" in checks[0]
    env = " ".join(args for word, args in dockerfile_instructions() if word == "ENV")
    assert "QUOTEBOT_PORT=3000" in env


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


def test_env_example_names_only_real_settings() -> None:
    """Every variable in quotebot.env.example is one the bot reads."""
    known = {option.env for option in OPTIONS}
    names = re.findall(r"^([A-Z_]+)=", (DEPLOY / "quotebot.env.example").read_text(), re.M)
    assert names and set(names) <= known


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
