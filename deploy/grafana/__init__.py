"""Grafana provisioning, and the dashboards-as-code generator `deploy.grafana.dashboards`."""
