"""Deployment artefacts: Prometheus rules, Grafana dashboards as code, container and k8s files."""
