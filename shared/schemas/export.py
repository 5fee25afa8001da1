"""Writes each message's JSON Schema to `shared/schemas/json/` for consumers in other languages.

`python -m shared.schemas.export` (or `make schemas`); a test fails when the files and the models
disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

from shared.schemas import MESSAGES

JSON_DIR = Path(__file__).resolve().parent / "json"


def render_schemas() -> dict[str, str]:
    out = {}
    for name, model in MESSAGES.items():
        schema = model.model_json_schema(mode="serialization")
        schema["$id"] = f"https://newsflash.invalid/schemas/{name}.schema.json"
        out[f"{name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def main() -> None:
    JSON_DIR.mkdir(exist_ok=True)
    for filename, text in render_schemas().items():
        (JSON_DIR / filename).write_text(text, encoding="utf-8")
        print(f"wrote {JSON_DIR / filename}")


if __name__ == "__main__":
    main()
