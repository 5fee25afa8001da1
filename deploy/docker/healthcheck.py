"""Container health check: exit 0 when the stage's Faust web server answers `/healthz` with 200.

The port is NEWSFLASH_WEB_PORT when set; otherwise each stage's default port is tried, since a
container runs exactly one stage. Standard library only: the image has no curl.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

DEFAULT_PORTS = (6066, 6067, 6068, 6069, 6070)


def healthy(port: int, timeout: float = 3.0) -> bool:
    """True when http://127.0.0.1:<port>/healthz answers 200 within `timeout` seconds."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as reply:
            return reply.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    configured = os.environ.get("NEWSFLASH_WEB_PORT")
    ports = (int(configured),) if configured else DEFAULT_PORTS
    return 0 if any(healthy(port) for port in ports) else 1


if __name__ == "__main__":
    sys.exit(main())
