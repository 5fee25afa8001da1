"""Dashboards as code: the two Newsflash Grafana dashboards, built with grafana-foundation-sdk.

    python -m deploy.grafana.dashboards           regenerate deploy/grafana/dashboards/*.json
    python -m deploy.grafana.dashboards --check   exit 1 when a committed file differs from the code
    python -m deploy.grafana.dashboards --list    print every panel's queries (title -> PromQL)

Queries use only the metrics of `shared/metrics.py` (labelled by `stage`) and Faust's Prometheus
sensor (prefix `news_faust`, no `stage` label: one scrape job per stage, so `job` is the stage).
Every panel reads the provisioned datasource `newsflash-prometheus`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grafana_foundation_sdk.builders import (
    bargauge,
    common,
    dashboard,
    geomap,
    prometheus,
    stat,
    timeseries,
)
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as common_models
from grafana_foundation_sdk.models import dashboard as dashboard_models
from grafana_foundation_sdk.models import geomap as geomap_models
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

DATASOURCE_UID = "newsflash-prometheus"
DASHBOARD_DIR = Path(__file__).resolve().parent / "dashboards"

_DATASOURCE = dashboard_models.DataSourceRef(type_val="prometheus", uid=DATASOURCE_UID)
_STAGE = 'stage=~"$stage"'
_JOB = 'job=~"$stage"'
_RATE = "$__rate_interval"
_QUANTILES = (0.5, 0.95, 0.99)


class _GeometryLookup(common.FrameGeometrySource):
    """Geometry from a gazetteer lookup; the SDK's builder has no setters for these two fields."""

    def lookup(self, field: str, gazetteer: str) -> _GeometryLookup:
        self._internal.mode = common_models.FrameGeometrySourceMode.LOOKUP
        self._internal.lookup = field
        self._internal.gazetteer = gazetteer
        return self


def _query(
    expr: str, legend: str = "", *, instant: bool = False, table: bool = False
) -> prometheus.Dataquery:
    query = prometheus.Dataquery().expr(expr).datasource(_DATASOURCE)
    if legend:
        query = query.legend_format(legend)
    if instant:
        query = query.instant()
    if table:
        query = query.format(PromQueryFormat.TABLE)
    return query


def _legend() -> common.VizLegendOptions:
    return (
        common.VizLegendOptions()
        .display_mode(common_models.LegendDisplayMode.TABLE)
        .placement(common_models.LegendPlacement.RIGHT)
        .show_legend(True)
        .calcs(["mean", "max", "lastNotNull"])
    )


def _timeseries(
    title: str,
    description: str,
    queries: list[prometheus.Dataquery],
    unit: str,
    *,
    width: int = 12,
    stacked: bool = False,
) -> timeseries.Panel:
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .datasource(_DATASOURCE)
        .targets(queries)
        .unit(unit)
        .min(0)
        .fill_opacity(10)
        .legend(_legend())
        .height(8)
        .span(width)
    )
    if stacked:
        panel = panel.stacking(common.StackingConfig().mode(common_models.StackingMode.NORMAL))
    return panel


def _stat(title: str, description: str, query: prometheus.Dataquery, unit: str) -> stat.Panel:
    return (
        stat.Panel()
        .title(title)
        .description(description)
        .datasource(_DATASOURCE)
        .with_target(query)
        .unit(unit)
        .graph_mode(common_models.BigValueGraphMode.NONE)
        .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
        .height(6)
        .span(8)
    )


def _bars(title: str, description: str, query: prometheus.Dataquery, unit: str) -> bargauge.Panel:
    return (
        bargauge.Panel()
        .title(title)
        .description(description)
        .datasource(_DATASOURCE)
        .with_target(query)
        .unit(unit)
        .min(0)
        .orientation(common_models.VizOrientation.HORIZONTAL)
        .display_mode(common_models.BarGaugeDisplayMode.GRADIENT)
        .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
        .height(10)
        .span(8)
    )


def _quantiles(histogram: str, by: str) -> list[prometheus.Dataquery]:
    return [
        _query(
            f"histogram_quantile({q}, sum by (le, {by}) "
            f"(rate({histogram}_bucket{{{_STAGE}}}[{_RATE}])))",
            f"p{round(q * 100)} {{{{{by}}}}}",
        )
        for q in _QUANTILES
    ]


def _stage_variable() -> dashboard.QueryVariable:
    return (
        dashboard.QueryVariable("stage")
        .label("Stage")
        .description("Pipeline stage; also the Prometheus scrape job of its workers")
        .datasource(_DATASOURCE)
        .query("label_values(news_messages_in_total, stage)")
        .refresh(dashboard_models.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(dashboard_models.VariableSort.DISABLED)
        .multi(True)
        .include_all(True)
        .all_value(".*")
        .current(dashboard_models.VariableOption(selected=True, text=["All"], value=["$__all"]))
    )


def _base(uid: str, title: str, description: str) -> dashboard.Dashboard:
    return (
        dashboard.Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(["newsflash"])
        .readonly()
        .time("now-1h", "now")
        .refresh("10s")
        .timezone("utc")
        .tooltip(dashboard_models.DashboardCursorSync.CROSSHAIR)
    )


def pipeline_health() -> dashboard.Dashboard:
    """Throughput, latency, lag, dead letters, workers and rebalances, per stage."""
    return (
        _base(
            "newsflash-pipeline-health",
            "Newsflash / Pipeline health",
            "Is every stage keeping up? Throughput, latency, consumer lag and failures per stage.",
        )
        .with_variable(_stage_variable())
        .with_row(dashboard.Row("Throughput"))
        .with_panel(
            _timeseries(
                "Messages consumed per stage",
                "Input messages per second, all outcomes.",
                [
                    _query(
                        f"sum by (stage) (rate(news_messages_in_total{{{_STAGE}}}[{_RATE}]))",
                        "{{stage}}",
                    )
                ],
                "ops",
            )
        )
        .with_panel(
            _timeseries(
                "Messages consumed by outcome",
                "ok, dead_letter, skipped_duplicate, skipped: a growing share of anything but ok "
                "needs a look.",
                [
                    _query(
                        "sum by (stage, outcome) "
                        f"(rate(news_messages_in_total{{{_STAGE}}}[{_RATE}]))",
                        "{{stage}} {{outcome}}",
                    )
                ],
                "ops",
                stacked=True,
            )
        )
        .with_panel(
            _timeseries(
                "Messages produced per topic",
                "Output messages per second, by producing stage and output topic.",
                [
                    _query(
                        "sum by (stage, topic) "
                        f"(rate(news_messages_out_total{{{_STAGE}}}[{_RATE}]))",
                        "{{stage}} -> {{topic}}",
                    )
                ],
                "ops",
                width=24,
            )
        )
        .with_row(dashboard.Row("Latency"))
        .with_panel(
            _timeseries(
                "End-to-end latency p50 / p95 / p99",
                "From ingest to publication on an output topic.",
                _quantiles("news_end_to_end_latency_seconds", "stage"),
                "s",
            )
        )
        .with_panel(
            _timeseries(
                "Processing time per message p50 / p95 / p99",
                "Work done by a stage for one input message.",
                _quantiles("news_processing_seconds", "stage"),
                "s",
            )
        )
        .with_panel(
            _timeseries(
                "Batch time and size",
                "Mean time per batch and mean messages per batch: batching hides per-message cost.",
                [
                    _query(
                        f"sum by (stage) (rate(news_batch_seconds_sum{{{_STAGE}}}[{_RATE}])) / "
                        f"sum by (stage) (rate(news_batch_seconds_count{{{_STAGE}}}[{_RATE}]))",
                        "seconds {{stage}}",
                    ),
                    _query(
                        f"sum by (stage) (rate(news_batch_size_sum{{{_STAGE}}}[{_RATE}])) / "
                        f"sum by (stage) (rate(news_batch_size_count{{{_STAGE}}}[{_RATE}]))",
                        "messages {{stage}}",
                    ),
                ],
                "short",
            )
        )
        .with_panel(
            _timeseries(
                "spaCy parse time per batch p95",
                "The annotate stage parses every article once; this is its main cost.",
                [
                    _query(
                        "histogram_quantile(0.95, sum by (le, stage) "
                        f"(rate(news_parse_seconds_bucket{{{_STAGE}}}[{_RATE}])))",
                        "p95 {{stage}}",
                    )
                ],
                "s",
            )
        )
        .with_row(dashboard.Row("Lag"))
        .with_panel(
            _timeseries(
                "Consumer lag per stage",
                "Messages behind the log end, summed over a stage's workers and partitions.",
                [
                    _query(
                        f"sum by (stage) (news_consumer_lag_messages{{{_STAGE}}})",
                        "{{stage}}",
                    )
                ],
                "short",
            )
        )
        .with_panel(
            _timeseries(
                "Consumer lag per topic",
                "Messages behind the log end per stage and input topic.",
                [
                    _query(
                        f"sum by (stage, topic) (news_consumer_lag_messages{{{_STAGE}}})",
                        "{{stage}} {{topic}}",
                    )
                ],
                "short",
            )
        )
        .with_row(dashboard.Row("Failures"))
        .with_panel(
            _timeseries(
                "Dead letters by reason",
                "Messages sent to news.dead-letters.v1 per second.",
                [
                    _query(
                        "sum by (stage, reason) "
                        f"(rate(news_dead_letters_total{{{_STAGE}}}[{_RATE}]))",
                        "{{stage}} {{reason}}",
                    )
                ],
                "ops",
                width=24,
                stacked=True,
            )
        )
        .with_row(dashboard.Row("Workers"))
        .with_panel(
            _stat(
                "Workers up",
                "Scraped worker processes per stage (scrape job).",
                _query(f"sum by (job) (up{{{_JOB}}})", "{{job}}"),
                "short",
            )
        )
        .with_panel(
            _stat(
                "Workers ready",
                "Workers that joined their consumer group and loaded what they need.",
                _query(f"sum by (stage) (news_ready{{{_STAGE}}})", "{{stage}}"),
                "short",
            )
        )
        .with_panel(
            _stat(
                "Rebalances in progress",
                "From Faust's sensor: a value stuck above zero means a group never settles.",
                _query(f"sum by (job) (news_faust_total_rebalances{{{_JOB}}})", "{{job}}"),
                "short",
            )
        )
        .with_panel(
            _timeseries(
                "Rebalances",
                "Consumer group rebalances seen by each stage (scaling, restarts, crashes).",
                [
                    _query(
                        f"sum by (stage) (increase(news_rebalances_total{{{_STAGE}}}[{_RATE}]))",
                        "{{stage}}",
                    )
                ],
                "short",
                width=24,
            )
        )
    )


def news_content() -> dashboard.Dashboard:
    """What the news says: sources, entity types, countries, quotes and events."""
    geo = (
        geomap.Panel()
        .title("Countries mentioned")
        .description("Places published over the dashboard's time range, by ISO 3166 alpha-2 code.")
        .datasource(_DATASOURCE)
        .with_target(
            _query(
                "sum by (country) (increase(news_country_mentions_total[$__range]))",
                instant=True,
                table=True,
            )
        )
        .view(geomap.MapViewConfig().id("zero").lat(20).lon(0).zoom(1))
        .basemap(common.MapLayerOptions().type("default").name("Basemap"))
        .layers(
            [
                common.MapLayerOptions()
                .type("markers")
                .name("Mentions")
                .location(_GeometryLookup().lookup("country", "public/gazetteer/countries.json"))
                .config(
                    {
                        "showLegend": True,
                        "style": {
                            "color": {"field": "Value"},
                            "size": {"field": "Value", "min": 4, "max": 30, "fixed": 5},
                            "opacity": 0.6,
                        },
                    }
                )
                .tooltip(True)
            ]
        )
        .tooltip(geomap.TooltipOptions().mode(geomap_models.TooltipMode.DETAILS))
        .color_scheme(
            dashboard.FieldColor().mode(dashboard_models.FieldColorModeId.CONTINUOUS_GR_YL_RD)
        )
        .height(12)
        .span(16)
    )
    per_minute = "short"
    return (
        _base(
            "newsflash-news-content",
            "Newsflash / News content",
            "What the pipeline finds in the news: sources, entities, places, quotes and events.",
        )
        .with_row(dashboard.Row("Articles"))
        .with_panel(
            _timeseries(
                "Articles per minute by source",
                "Articles accepted by ingest.",
                [
                    _query(
                        f"60 * sum by (source) (rate(news_articles_total[{_RATE}]))", "{{source}}"
                    )
                ],
                per_minute,
                width=16,
                stacked=True,
            )
        )
        .with_panel(
            _bars(
                "Articles by source",
                "Over the dashboard's time range.",
                _query(
                    "sort_desc(sum by (source) (increase(news_articles_total[$__range])))",
                    "{{source}}",
                    instant=True,
                ),
                "short",
            )
        )
        .with_row(dashboard.Row("Entities and places"))
        .with_panel(
            _timeseries(
                "Entities per minute by type",
                "Entities published, by OntoNotes type.",
                [_query(f"60 * sum by (type) (rate(news_entities_total[{_RATE}]))", "{{type}}")],
                per_minute,
                width=16,
                stacked=True,
            )
        )
        .with_panel(
            _bars(
                "Entities by type",
                "Over the dashboard's time range.",
                _query(
                    "sort_desc(sum by (type) (increase(news_entities_total[$__range])))",
                    "{{type}}",
                    instant=True,
                ),
                "short",
            )
        )
        .with_panel(geo)
        .with_panel(
            _bars(
                "Top countries",
                "The ten countries most mentioned over the dashboard's time range.",
                _query(
                    "sort_desc(topk(10, sum by (country) "
                    "(increase(news_country_mentions_total[$__range]))))",
                    "{{country}}",
                    instant=True,
                ),
                "short",
            ).height(12)
        )
        .with_row(dashboard.Row("Quotes and events"))
        .with_panel(
            _timeseries(
                "Quotes per minute by kind",
                "Quotes published, by kind.",
                [_query(f"60 * sum by (kind) (rate(news_quotes_total[{_RATE}]))", "{{kind}}")],
                per_minute,
                stacked=True,
            )
        )
        .with_panel(
            _timeseries(
                "Events per minute by type and status",
                "Events published, by event type and status.",
                [
                    _query(
                        f"60 * sum by (type, status) (rate(news_events_total[{_RATE}]))",
                        "{{type}} {{status}}",
                    )
                ],
                per_minute,
                stacked=True,
            )
        )
    )


DASHBOARDS = {
    "pipeline-health.json": pipeline_health,
    "news-content.json": news_content,
}


def render(builder: dashboard.Dashboard) -> str:
    """The dashboard as committed under `dashboards/`: sorted keys, numbered panels, refIds."""
    model = json.loads(json.dumps(builder.build(), cls=JSONEncoder))
    for number, panel in enumerate(model.get("panels", []), start=1):
        panel["id"] = number
        for index, target in enumerate(panel.get("targets") or []):
            target["refId"] = target.get("refId") or chr(ord("A") + index)
    return json.dumps(model, indent=2, sort_keys=True) + "\n"


def rendered() -> dict[str, str]:
    """File name -> JSON text, for every dashboard."""
    return {name: render(build()) for name, build in DASHBOARDS.items()}


def iter_queries(model: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(panel title, PromQL expression) for every query target of a dashboard's JSON model."""
    panels = list(model.get("panels", []))
    while panels:
        panel = panels.pop(0)
        panels[:0] = panel.get("panels", [])
        for target in panel.get("targets") or []:
            if target.get("expr"):
                yield panel.get("title", ""), target["expr"]


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring); returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy.grafana.dashboards",
        description="Regenerate, check or list the committed Grafana dashboards.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 when committed JSON is stale")
    mode.add_argument("--list", action="store_true", help="print a panel title -> query table")
    args = parser.parse_args(argv)
    files = rendered()
    if args.list:
        for name, text in files.items():
            print(f"\n{name}\n\n| panel | query |\n| --- | --- |")
            for title, expr in iter_queries(json.loads(text)):
                print(f"| {title} | `{expr.replace('|', chr(92) + '|')}` |")
        return 0
    stale = [
        name
        for name, text in files.items()
        if not (DASHBOARD_DIR / name).exists()
        or (DASHBOARD_DIR / name).read_text(encoding="utf-8") != text
    ]
    if args.check:
        for name in stale:
            print(f"{DASHBOARD_DIR / name} is stale: regenerate it", file=sys.stderr)
        return 1 if stale else 0
    DASHBOARD_DIR.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (DASHBOARD_DIR / name).write_text(files[name], encoding="utf-8")
        print(f"wrote {DASHBOARD_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
