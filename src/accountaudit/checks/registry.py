"""Find every check: Python checks through ``accountaudit.checks`` entry points, rules from packs.

A plugin or pack that fails to load is recorded by name and shown to the user; it is never silently
dropped, because a missing check means missed findings.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from accountaudit.categories import Category
from accountaudit.check import CHECK_ID, Check, CheckInfo, Runner
from accountaudit.checks.rulepack import Rule, RulePack, RulePackRunner, find_pack_files, load_pack
from accountaudit.errors import AccountAuditError, InputError, RulePackError
from accountaudit.resources import bundled_packs_dir

LOG = logging.getLogger(__name__)
GROUP = "accountaudit.checks"
_ID_PREFIX = re.compile(r"^[A-Z]{2,4}[0-9]{0,3}$")


@dataclass(frozen=True, slots=True)
class CheckSet:
    """The checks a scan will run, their descriptions, and what failed to load."""

    infos: tuple[CheckInfo, ...]
    runners: tuple[Runner, ...]
    failures: tuple[str, ...]

    def ids(self) -> list[str]:
        """Ids of every check that will run."""
        return [info.id for info in self.infos]


@dataclass(frozen=True, slots=True)
class _Found:
    python: dict[str, type[Check]]
    instances: dict[str, Check]
    rules: dict[str, Rule]
    failures: list[str]


def discover(rules_dirs: Sequence[Path] = (), select: Collection[str] | None = None) -> CheckSet:
    """All available checks, optionally narrowed to ``select`` (ids, id prefixes or categories)."""
    for folder in rules_dirs:
        if not Path(folder).is_dir():
            raise InputError(folder, "is not a folder of rule packs")
    found = _Found({}, {}, {}, [])
    _load_entry_points(found)
    _load_packs([bundled_packs_dir(), *rules_dirs], found)
    chosen = _select(found, select)
    infos = tuple(sorted((_info(found, cid) for cid in chosen), key=lambda i: i.id))
    runners: list[Runner] = [found.instances[cid] for cid in sorted(chosen) if cid in found.python]
    rules = [found.rules[cid] for cid in sorted(chosen) if cid in found.rules]
    if rules:
        runners.append(RulePackRunner(rules))
    return CheckSet(infos, tuple(runners), tuple(found.failures))


def _info(found: _Found, check_id: str) -> CheckInfo:
    if check_id in found.python:
        return found.python[check_id].info()
    return found.rules[check_id].info


def _load_entry_points(found: _Found) -> None:
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        dist = _dist_name(ep)
        try:
            cls = _load_check_class(ep)
            instance = cls()
        except Exception as exc:
            found.failures.append(f"check {ep.name} from {dist} could not be loaded: {_why(exc)}")
            continue
        if ep.name in found.python:
            found.failures.append(f"check {ep.name} from {dist} was ignored: another installed "
                                  "package already provides that id")
            continue
        cls.origin = "built-in" if dist == "accountaudit" else f"plugin {dist}"
        found.python[ep.name] = cls
        found.instances[ep.name] = instance


def _load_check_class(ep: EntryPoint) -> type[Check]:
    if not CHECK_ID.match(ep.name):
        raise ValueError(f"'{ep.name}' is not a check id (two to four capitals and three digits)")
    cls = ep.load()
    if not (isinstance(cls, type) and issubclass(cls, Check)):
        raise TypeError("it is not a subclass of accountaudit.api.Check")
    if getattr(cls, "id", None) != ep.name:
        raise ValueError(f"its id {getattr(cls, 'id', None)!r} differs from the entry-point "
                         f"name {ep.name!r}")
    for attr in ("title", "category", "severity", "explanation"):
        if not getattr(cls, attr, None):
            raise ValueError(f"it does not declare '{attr}'")
    Category(cls.category)
    return cls


def _load_packs(folders: Iterable[Path], found: _Found) -> None:
    packs: dict[str, RulePack] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in find_pack_files(folder):
            try:
                pack = load_pack(path)
            except RulePackError as exc:
                found.failures.append(f"rule pack {path} could not be loaded: {exc}")
                continue
            if pack.id in packs:
                LOG.info("rule pack %s from %s replaces %s", pack.id, path, packs[pack.id].path)
            packs[pack.id] = pack
    for pack in packs.values():
        for rule in pack.rules:
            clash = rule.info.id in found.python or rule.info.id in found.rules
            if clash:
                found.failures.append(f"rule {rule.info.id} in {pack.path} was ignored: another "
                                      "check already uses that id")
                continue
            found.rules[rule.info.id] = rule


def _select(found: _Found, select: Collection[str] | None) -> set[str]:
    every = set(found.python) | set(found.rules)
    if not select:
        return every
    chosen: set[str] = set()
    for selector in select:
        matched = {cid for cid in every if _matches(found, cid, selector)}
        if not matched:
            raise AccountAuditError(f"No check matches '{selector}'. Use an id such as AA301, an "
                                    "id prefix such as AA3, or a category such as language.abusive "
                                    "('accountaudit checks list' shows them all).")
        chosen |= matched
    return chosen


def _matches(found: _Found, check_id: str, selector: str) -> bool:
    selector = selector.strip()
    if _ID_PREFIX.match(selector.upper()):
        return check_id.startswith(selector.upper())
    return str(_info(found, check_id).category) == selector.lower()


def _dist_name(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return dist.name if dist is not None else "an unknown package"


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if isinstance(exc, ValueError | TypeError) else f"{type(exc).__name__}: {text}"
