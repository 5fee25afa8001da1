# syntax=docker/dockerfile:1
# One image for every stage. Pick the stage with NEWSFLASH_STAGE_APP (e.g. services.entities.app)
# or give the whole command, as docker-compose.yml and deploy/kubernetes do.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
# Compilers for any dependency without a wheel; they stay in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
WORKDIR /src
# Dependencies (spaCy, the model, Faust) first, from pyproject.toml alone, so that a code change
# reuses this layer instead of reinstalling them.
COPY pyproject.toml constraints.txt README.md* ./
RUN mkdir shared services \
    && touch shared/__init__.py services/__init__.py \
    && pip install -c constraints.txt . \
    && pip uninstall -y newsflash
COPY shared ./shared
COPY services ./services
RUN pip install --no-deps --force-reinstall . \
    && python -m compileall -q /opt/venv/lib

FROM ${PYTHON_IMAGE} AS runtime
# The web server (/metrics, /healthz, /readyz) must be reachable from outside the container.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    NEWSFLASH_WEB_HOST=0.0.0.0
RUN groupadd --system --gid 10001 newsflash \
    && useradd --system --uid 10001 --gid newsflash --home-dir /var/lib/newsflash \
       --create-home --shell /usr/sbin/nologin newsflash
COPY --from=builder /opt/venv /opt/venv
COPY deploy/docker/healthcheck.py /opt/newsflash/healthcheck.py
# Faust keeps its data directory under the working directory: the only place the worker writes.
WORKDIR /var/lib/newsflash
USER 10001:10001
# Default web ports: ingest 6066, annotate 6067, entities 6068, quotes 6069, events 6070.
EXPOSE 6066 6067 6068 6069 6070
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "/opt/newsflash/healthcheck.py"]
CMD ["sh", "-c", "exec faust -A \"${NEWSFLASH_STAGE_APP:?set NEWSFLASH_STAGE_APP, e.g. services.entities.app}\" worker -l info"]
