"""Deployment files are consistent with the code: compose, Dockerfile, Kubernetes, Prometheus rules
and config, and the committed Grafana dashboards. Fast and without Docker; promtool/prometheus
tests skip (saying why) where the binaries are absent (`make test` installs them)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.grafana import dashboards
from shared import promserver

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
STAGES = {"ingest": 6066, "annotate": 6067, "entities": 6068, "quotes": 6069, "events": 6070}
PARTITIONS = 8


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _module_exists(dotted: str) -> bool:
    path = REPO.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _app_module(command: list[str]) -> str:
    assert command[:2] == ["faust", "-A"] and "worker" in command, command
    return command[2]


def _console_scripts() -> dict[str, str]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(pyproject["project"]["scripts"])


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.skip("promtool is not installed (apt-get install -y prometheus; `make test` does)")
    return found


def _run_promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_promtool(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- docker-compose.yml -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return _load_yaml(REPO / "docker-compose.yml")


def test_compose_has_the_whole_stack(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(STAGES) | {"kafka", "topics", "prometheus", "grafana"} <= set(services)
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert "broker,controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]
    assert services["kafka"]["healthcheck"]["test"]


def test_compose_services_build_or_pull_something_that_exists(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert "build" in service or "image" in service, name
        if "build" in service:
            context = REPO / service["build"]["context"]
            assert (context / service["build"].get("dockerfile", "Dockerfile")).is_file(), name
        if "image" in service and "build" not in service:
            assert re.fullmatch(r"[\w./-]+:[\w.-]+", service["image"]), f"{name}: pin a tag"


def test_compose_commands_name_real_modules(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for stage in STAGES:
        assert _app_module(services[stage]["command"]) == f"services.{stage}.app"
        assert _module_exists(f"services.{stage}.app"), f"services/{stage}/app.py is missing"
    script, *args = services["topics"]["command"]
    assert args == ["topics", "--create"]
    target = _console_scripts()[script]
    assert _module_exists(target.split(":")[0]), f"console script {script} -> {target} is missing"


def test_compose_stages_scale_and_reach_kafka(compose: dict[str, Any]) -> None:
    for stage, port in STAGES.items():
        service = compose["services"][stage]
        # A fixed name or a published host port would stop `--scale` from starting a second one.
        assert "container_name" not in service, stage
        assert "ports" not in service, stage
        env = service["environment"]
        assert env["NEWSFLASH_KAFKA_BOOTSTRAP"] == "kafka:9092"
        assert env["NEWSFLASH_WEB_PORT"] == str(port)
        assert str(port) in [str(p) for p in service["expose"]]
        assert service["depends_on"]["kafka"]["condition"] == "service_healthy"
        assert service["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    topics = compose["services"]["topics"]
    assert topics["environment"]["NEWSFLASH_KAFKA_BOOTSTRAP"] == "kafka:9092"


def test_compose_host_ports_do_not_clash(compose: dict[str, Any]) -> None:
    published = [
        str(mapping).rsplit(":", 1)[0]
        for service in compose["services"].values()
        for mapping in service.get("ports", [])
    ]
    assert published and len(published) == len(set(published)), published


def test_compose_every_service_has_resource_limits(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        limits = service.get("deploy", {}).get("resources", {}).get("limits", {})
        assert limits.get("cpus") and limits.get("memory"), f"{name} has no cpu/memory limits"


def test_compose_mounts_exist(compose: dict[str, Any]) -> None:
    mounts = {}
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source, target = str(volume).split(":")[:2]
            if source.startswith("."):
                assert (REPO / source).exists(), f"{name}: {source} does not exist"
                mounts[target] = REPO / source
            else:
                assert source in (compose.get("volumes") or {}), f"{name}: undeclared {source}"
    provisioning = mounts["/etc/grafana/provisioning"]
    assert (provisioning / "datasources" / "prometheus.yml").is_file()
    provider = _load_yaml(provisioning / "dashboards" / "dashboards.yml")["providers"][0]
    dashboard_dir = mounts[provider["options"]["path"]]
    assert {p.name for p in dashboard_dir.glob("*.json")} == set(dashboards.DASHBOARDS)
    assert (mounts["/etc/prometheus"] / "prometheus.yml").is_file()
    grafana_env = compose["services"]["grafana"]["environment"]
    assert grafana_env["GF_AUTH_ANONYMOUS_ENABLED"] == "true"
    assert grafana_env["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"


def test_prometheus_scrapes_every_stage_on_its_port() -> None:
    config = _load_yaml(DEPLOY / "prometheus" / "prometheus.yml")
    assert config["global"]["scrape_interval"] == "5s"
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for stage, port in STAGES.items():
        (discovery,) = jobs[stage]["dns_sd_configs"]
        assert discovery["names"] == [stage] and discovery["port"] == port
    assert (DEPLOY / "prometheus" / config["rule_files"][0]).is_file()


def test_grafana_datasource_uid_is_the_one_dashboards_use() -> None:
    provisioning = DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
    (source,) = _load_yaml(provisioning)["datasources"]
    assert source["uid"] == dashboards.DATASOURCE_UID
    assert source["url"] == "http://prometheus:9090"


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_non_root_and_health_checked() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2
    assert "COPY --from=builder /opt/venv" in text
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1].split(":")[0] not in {"root", "0"}
    assert re.search(r"PYTHONUNBUFFERED=1", text)
    # Faust binds 127.0.0.1 by default: unreachable for Prometheus and probes in a container.
    assert re.search(r"NEWSFLASH_WEB_HOST=0\.0\.0\.0", text)
    assert re.search(r"^HEALTHCHECK .*\n?.*healthcheck\.py", text, re.M)
    assert "NEWSFLASH_STAGE_APP" in text
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8")
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.M):
        for path in source.split():
            if not path.endswith("*"):
                assert (REPO / path).exists(), f"Dockerfile copies missing {path}"
    assert "!deploy/docker/" in ignored and ".venv/" in ignored


def test_container_healthcheck_script_reports_health(tmp_path: Path) -> None:
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = DEPLOY / "docker" / "healthcheck.py"
    try:
        port = server.server_address[1]
        run = [sys.executable, str(script)]
        alive = subprocess.run(run, env={"NEWSFLASH_WEB_PORT": str(port)}, timeout=20)
        dead = subprocess.run(
            run, env={"NEWSFLASH_WEB_PORT": str(promserver.free_port())}, timeout=20
        )
    finally:
        server.shutdown()
    assert (alive.returncode, dead.returncode) == (0, 1)


# --- Kubernetes ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def k8s() -> list[dict[str, Any]]:
    documents = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        documents += [doc for doc in yaml.safe_load_all(path.read_text("utf-8")) if doc]
    return documents


def test_k8s_one_deployment_per_stage_with_probes_and_limits(k8s: list[dict[str, Any]]) -> None:
    deployments = {doc["metadata"]["name"]: doc for doc in k8s if doc["kind"] == "Deployment"}
    assert set(deployments) == {f"newsflash-{stage}" for stage in STAGES}
    configmaps = {doc["metadata"]["name"]: doc for doc in k8s if doc["kind"] == "ConfigMap"}
    assert configmaps["newsflash-settings"]["data"]["NEWSFLASH_WEB_HOST"] == "0.0.0.0"
    for stage, port in STAGES.items():
        spec = deployments[f"newsflash-{stage}"]["spec"]
        assert 1 <= spec["replicas"] <= PARTITIONS
        pod = spec["template"]
        (container,) = pod["spec"]["containers"]
        assert _module_exists(_app_module(container["command"]))
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][kind]), (stage, kind)
        env = {item["name"]: item["value"] for item in container["env"]}
        assert env["NEWSFLASH_WEB_PORT"] == str(port)
        assert container["ports"][0]["containerPort"] == port
        assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(port)
        assert container["envFrom"][0]["configMapRef"]["name"] in configmaps
        assert pod["spec"]["securityContext"]["runAsNonRoot"] is True


def test_k8s_keda_scales_on_the_right_group_and_topic(k8s: list[dict[str, Any]]) -> None:
    inputs = {"annotate": "news.articles.v1", "entities": "news.articles.annotated.v1"}
    deployments = {doc["metadata"]["name"] for doc in k8s if doc["kind"] == "Deployment"}
    scaled = {doc["metadata"]["name"]: doc["spec"] for doc in k8s if doc["kind"] == "ScaledObject"}
    assert set(scaled) == {f"newsflash-{stage}" for stage in inputs}
    for stage, topic in inputs.items():
        spec = scaled[f"newsflash-{stage}"]
        assert spec["scaleTargetRef"]["name"] in deployments
        assert spec["maxReplicaCount"] <= PARTITIONS
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "kafka"
        assert trigger["metadata"]["consumerGroup"] == f"news-{stage}"
        assert trigger["metadata"]["topic"] == topic


def test_k8s_kustomization_lists_existing_files() -> None:
    kustomization = _load_yaml(DEPLOY / "kubernetes" / "kustomization.yaml")
    for resource in kustomization["resources"]:
        assert (DEPLOY / "kubernetes" / resource).is_file(), resource


# --- Grafana dashboards -------------------------------------------------------------------------


def test_committed_dashboards_are_what_the_code_generates() -> None:
    for name, text in dashboards.rendered().items():
        committed = dashboards.DASHBOARD_DIR / name
        assert committed.is_file(), f"{committed} missing: run python -m deploy.grafana.dashboards"
        assert committed.read_text(encoding="utf-8") == text, (
            f"{committed} is stale: run python -m deploy.grafana.dashboards"
        )


def test_committed_dashboards_load_as_grafana_models() -> None:
    from grafana_foundation_sdk.models.dashboard import Dashboard

    for name in dashboards.DASHBOARDS:
        model = json.loads((dashboards.DASHBOARD_DIR / name).read_text(encoding="utf-8"))
        loaded = Dashboard.from_json(model)
        assert loaded.uid == model["uid"] and len(loaded.panels or []) == len(model["panels"])


def _known_metrics() -> dict[str, set[str]]:
    """Sample name -> label names, for the project's metrics and Faust's sensor (news_faust)."""
    from faust.sensors.prometheus import FaustMetrics
    from prometheus_client import CollectorRegistry
    from prometheus_client.metrics import MetricWrapperBase

    from shared import metrics

    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
    collectors = [m for m in vars(metrics).values() if isinstance(m, MetricWrapperBase)]
    collectors += list(FaustMetrics.create(CollectorRegistry(), "news_faust"))
    known: dict[str, set[str]] = {"up": {"job", "instance"}}
    for collector in collectors:
        (family,) = collector.describe()
        labels = set(collector._labelnames)  # noqa: SLF001 (no public accessor)
        for suffix in suffixes[family.type]:
            known[family.name + suffix] = labels | ({"le"} if suffix == "_bucket" else set())
    return known


def test_dashboard_queries_use_existing_metrics_and_labels() -> None:
    known = _known_metrics()
    checked = 0
    for name, text in dashboards.rendered().items():
        for title, expr in dashboards.iter_queries(json.loads(text)):
            names = set(re.findall(r"\b(news_\w+|up)\b(?=\s*[{\[)])", expr))
            assert names, f"{name} / {title}: no metric in {expr}"
            unknown = names - set(known)
            assert not unknown, f"{name} / {title}: unknown metrics {unknown}"
            labels = set(re.findall(r"\b(\w+)\s*=~?\s*\"", expr))
            for group in re.findall(r"\bby \(([^)]*)\)", expr):
                labels |= {label.strip() for label in group.split(",")}
            allowed = set().union(*(known[n] for n in names)) | {"job", "instance"}
            assert labels <= allowed, f"{name} / {title}: labels {labels - allowed} in {expr}"
            checked += 1
    assert checked >= 20


def test_dashboards_are_wired_to_the_datasource_and_variables() -> None:
    for name, text in dashboards.rendered().items():
        model = json.loads(text)
        variables = {v["name"] for v in model.get("templating", {}).get("list", [])}
        panels = [p for p in model["panels"] if p["type"] != "row"]
        ids = [p["id"] for p in model["panels"]]
        assert len(ids) == len(set(ids)), name
        for panel in panels:
            assert panel["datasource"]["uid"] == dashboards.DATASOURCE_UID, panel["title"]
            ref_ids = [t["refId"] for t in panel["targets"]]
            assert all(ref_ids) and len(ref_ids) == len(set(ref_ids)), panel["title"]
            for target in panel["targets"]:
                used = set(re.findall(r"\$(\w+)", target["expr"])) - {"__rate_interval", "__range"}
                assert used <= variables, f"{name} / {panel['title']}: undefined {used}"


def test_pipeline_health_covers_what_operators_need() -> None:
    queries = " ".join(
        expr
        for _, expr in dashboards.iter_queries(
            json.loads(dashboards.render(dashboards.pipeline_health()))
        )
    )
    for needle in (
        "news_messages_in_total",
        "news_end_to_end_latency_seconds_bucket",
        "histogram_quantile(0.99",
        "news_consumer_lag_messages",
        "news_dead_letters_total",
        "news_faust_total_rebalances",
        "up{",
        "$__rate_interval",
        '"$stage"',
    ):
        assert needle in queries, needle


def test_country_geomap_looks_up_iso_codes() -> None:
    model = json.loads(dashboards.render(dashboards.news_content()))
    (geo,) = [p for p in model["panels"] if p["type"] == "geomap"]
    (layer,) = geo["options"]["layers"]
    assert layer["location"] == {
        "mode": "lookup",
        "lookup": "country",
        "gazetteer": "public/gazetteer/countries.json",
    }
    (target,) = geo["targets"]
    assert "by (country)" in target["expr"] and target["format"] == "table"


def test_list_prints_a_row_per_query(capsys: pytest.CaptureFixture[str]) -> None:
    assert dashboards.main(["--list"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    queries = sum(
        len(list(dashboards.iter_queries(json.loads(text))))
        for text in dashboards.rendered().values()
    )
    assert len(rows) == queries + 2 * len(dashboards.DASHBOARDS)  # each table's header row


# --- Prometheus: rules, configs and the local server --------------------------------------------


def test_promtool_checks_the_compose_config() -> None:
    result = _run_promtool("check", "config", DEPLOY / "prometheus" / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_checks_a_local_config(tmp_path: Path) -> None:
    targets = {stage: f"127.0.0.1:{port}" for stage, port in STAGES.items()}
    config = promserver.write_local_config(targets, tmp_path / "prometheus.yml")
    parsed = _load_yaml(config)
    assert [job["job_name"] for job in parsed["scrape_configs"]] == list(STAGES)
    assert parsed["global"]["scrape_interval"] == "1s"
    result = _run_promtool("check", "config", config)
    assert result.returncode == 0, result.stdout + result.stderr


def _alert_names() -> set[str]:
    rules = _load_yaml(DEPLOY / "prometheus" / "alerts.yml")
    return {rule["alert"] for group in rules["groups"] for rule in group["rules"]}


def test_promtool_checks_rules() -> None:
    result = _run_promtool("check", "rules", DEPLOY / "prometheus" / "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(_alert_names())} rules found" in result.stdout


def test_promtool_rule_unit_tests_pass() -> None:
    result = _run_promtool("test", "rules", DEPLOY / "prometheus" / "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    alerts = _alert_names()
    assert len(alerts) >= 5
    tested = _load_yaml(DEPLOY / "prometheus" / "alerts_test.yml")["tests"]
    cases = [case for test in tested for case in test["alert_rule_test"]]
    for alert in alerts:
        outcomes = {bool(c["exp_alerts"]) for c in cases if c["alertname"] == alert}
        assert outcomes == {True, False}, f"{alert} needs a firing and a silent case"


def test_local_prometheus_scrapes_and_answers_queries(tmp_path: Path) -> None:
    if shutil.which("prometheus") is None:
        pytest.skip("prometheus is not installed (apt-get install -y prometheus; `make test` does)")
    from prometheus_client import CollectorRegistry, Counter, start_http_server

    registry = CollectorRegistry()
    Counter("news_probe", "probe", ["stage"], registry=registry).labels("ingest").inc(3)
    exporter, _ = start_http_server(0, addr="127.0.0.1", registry=registry)
    target = f"127.0.0.1:{exporter.server_address[1]}"
    port = promserver.free_port()
    proc = promserver.start_prometheus({"ingest": target}, port, tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline, result = time.monotonic() + 30, []
        while not result and time.monotonic() < deadline:
            answer = promserver.query(base, 'news_probe_total{job="ingest"}')
            result = answer["data"]["result"]
            time.sleep(0.2)
        assert result and float(result[0]["value"][1]) == 3.0
        assert result[0]["metric"]["stage"] == "ingest"
        bad = promserver.query(base, "sum by (")
        assert bad["status"] == "error" and bad["error"]
        with urllib.request.urlopen(f"{base}/api/v1/rules", timeout=10) as reply:
            rules = json.load(reply)
        loaded = {rule["name"] for group in rules["data"]["groups"] for rule in group["rules"]}
        assert loaded == _alert_names()
    finally:
        promserver.stop_prometheus(proc)
        exporter.shutdown()
    assert proc.returncode is not None
    assert (tmp_path / "data").is_dir()
