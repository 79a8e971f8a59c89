"""Strategy frameworks from data files: shipped ones by key, others by path (docs/frameworks.md)."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from kompass.domain.errors import InvalidValue, NotFound
from kompass.domain.framework import BASE_FRAMEWORK, Area, Framework
from kompass.domain.text import require_word

SHIPPED = ("se-2017", "se-2025", "vgr-kraftsamling", "eu-digital-decade")


def load_framework(key_or_path: str | None) -> Framework:
    """A shipped framework by key (default se-2017) or a user's JSON file by path."""
    name = key_or_path or BASE_FRAMEWORK
    if name in SHIPPED:
        text = resources.files("kompass.infrastructure.data.frameworks").joinpath(f"{name}.json").read_text("utf-8")
        return parse_framework(json.loads(text), name)
    path = Path(name)
    if not path.is_file():
        raise NotFound(f"unknown framework {name!r}: use {', '.join(SHIPPED)} or the path of a framework file")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidValue(f"framework file {path}: {error}") from None
    framework = parse_framework(data, str(path))
    if framework.crosswalk is None:
        # Only the shipped base framework is counted without a crosswalk; a file calling itself
        # se-2017 would be read as the base with other areas (a crash, or silently empty cells).
        raise InvalidValue(f"framework {path}: the key {BASE_FRAMEWORK} is the base framework's: give the file a key of its own")
    return framework


FRAMEWORK_KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
"""docs/frameworks.md: lowercase letters, digits and hyphens, e.g. se-2025."""


def parse_framework(data: Any, origin: str) -> Framework:
    def fail(why: str) -> InvalidValue:
        return InvalidValue(f"framework {origin}: {why}")

    if not isinstance(data, dict) or not isinstance(data.get("key"), str) or not isinstance(data.get("areas"), list):
        raise fail("expected an object with key, name and areas")
    if not FRAMEWORK_KEY.fullmatch(data["key"]):
        raise fail(f"key {data['key']!r} must be lowercase letters, digits and hyphens, e.g. se-2025")
    areas = []
    for item in data["areas"]:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise fail("every area needs a key")
        try:
            require_word(item["key"], "area key")
        except InvalidValue as error:
            raise fail(f"{error}, e.g. public_sector") from None
        areas.append(Area(item["key"], str(item.get("name", item["key"])), str(item.get("description", ""))))
    keys = [a.key for a in areas]
    if not keys or len(set(keys)) != len(keys):
        raise fail("areas must be present and their keys unique")
    crosswalk = data.get("crosswalk")
    mapping = None
    if data["key"] != BASE_FRAMEWORK:
        if not isinstance(crosswalk, dict) or crosswalk.get("from") != BASE_FRAMEWORK or not isinstance(crosswalk.get("map"), dict):
            raise fail(f"needs a crosswalk from {BASE_FRAMEWORK}")
        base = load_framework(BASE_FRAMEWORK)
        mapping = {}
        for base_area in base.area_keys:
            targets = crosswalk["map"].get(base_area)
            if not isinstance(targets, list) or not targets or any(t not in keys for t in targets):
                raise fail(f"the crosswalk must map {base_area} onto areas of this framework")
            if len(set(targets)) != len(targets):
                raise fail(f"the crosswalk lists an area twice for {base_area}")
            mapping[base_area] = tuple(targets)
    return Framework(
        key=data["key"], name=str(data.get("name", data["key"])), areas=tuple(areas),
        crosswalk=mapping, crosswalk_from=BASE_FRAMEWORK if mapping else None,
    )
