"""Every built-in check and every shipped rule honours the check contract."""

from __future__ import annotations

import time
from importlib.metadata import entry_points

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountaudit.api import (
    CHECK_ID,
    Category,
    Check,
    CheckInfo,
    Item,
    ItemKind,
    PreparedText,
    Provenance,
    Runner,
    ScanContext,
    Severity,
)
from accountaudit.checks.rulepack import RulePackRunner, find_pack_files, load_pack
from conftest import REPO

BUILT_IN = sorted((ep.load() for ep in entry_points(group="accountaudit.checks")
                   if ep.value.startswith("accountaudit.")), key=lambda c: c.id)
RULES = [rule for path in find_pack_files(REPO / "checks" / "packs")
         for rule in load_pack(path).rules]
INFOS = [cls.info() for cls in BUILT_IN] + [rule.info for rule in RULES]
CTX = ScanContext(check_data=REPO / "checks")


def _runners() -> list[Runner]:
    runners: list[Runner] = [cls() for cls in BUILT_IN]
    runners.append(RulePackRunner(RULES))
    for runner in runners:
        runner.setup(CTX)
    return runners


RUNNERS = _runners()
_HOSTILE = st.lists(st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "\x00", "\u200b" * 5, "\u202e", "e\u0301\u0301\u0301", "*" * 50, "'" * 9, "#" * 9,
        "0" * 40, "07700 900", "+44", "(((", "[[[", "\\", "😂" * 8, "🖕🏻", "ﷺ", "ß" * 5, "İ",
        "a " * 30, "f u c k", "PC ", "collar number ", "AB12 CDE", "SE5 9PR", "\ud800",
        "\n\r\t\v\f", "www." + "x" * 60, "quote 'victim'", "DOB 01/01/2000",
    ])), max_size=25).map("".join)


def test_the_built_in_python_checks_are_registered() -> None:
    assert [cls.id for cls in BUILT_IN] == ["AA301", "AA302", "AA303"]
    assert all(issubclass(cls, Check) for cls in BUILT_IN)


@pytest.mark.parametrize("info", INFOS, ids=lambda i: i.id)
def test_check_description_is_complete(info: CheckInfo) -> None:
    assert CHECK_ID.match(info.id)
    assert Category(info.category) and Severity(info.severity)
    assert info.title.strip() and info.explanation.strip() and info.standard.strip()
    assert info.doc.strip(), "the documentation shown by 'checks show' is empty"
    assert info.version and info.origin


def test_check_ids_are_unique() -> None:
    ids = [info.id for info in INFOS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("runner", RUNNERS, ids=lambda r: type(r).__name__)
def test_empty_batch_gives_no_findings(runner: Runner) -> None:
    assert list(runner.check_many([])) == []


def _item(text: str, kind: ItemKind, number: int = 0) -> Item:
    return Item(source_id="h", id=str(number), platform="test", kind=kind, text=text,
                provenance=Provenance("h", "hostile"))


@pytest.mark.parametrize("runner", RUNNERS, ids=lambda r: type(r).__name__)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_HOSTILE, kind=st.sampled_from(list(ItemKind)))
def test_hostile_text_never_raises_and_findings_are_well_formed(runner: Runner, text: str,
                                                               kind: ItemKind) -> None:
    item = _item(text, kind)
    first = list(runner.check_many([(item, PreparedText(text))]))
    again = list(runner.check_many([(item, PreparedText(text))]))
    assert first == again, "the same input must give the same findings"
    for finding in first:
        assert finding.item_key == item.key
        assert 0.0 <= finding.confidence <= 1.0
        assert finding.evidence.strip()
        assert finding.span is not None
        assert text[finding.span[0]:finding.span[1]] == finding.evidence


LONG_HOSTILE = ["a " * 10_000, " " * 20_000, "1" * 20_000, "crime" + " " * 5_000 + "x",
                "*" * 20_000, "f u c k " * 2_500, "you sad " * 2_500, "07700 " * 3_000,
                "'" * 10_000, "😂" * 10_000, "PC 1234 " * 2_500, "collar" + " " * 5_000]


@pytest.mark.parametrize("runner", RUNNERS, ids=lambda r: type(r).__name__)
def test_long_hostile_texts_finish_quickly(runner: Runner) -> None:
    batch = [(_item(t, ItemKind.POST, n), PreparedText(t)) for n, t in enumerate(LONG_HOSTILE)]
    started = time.perf_counter()
    list(runner.check_many(batch))
    assert time.perf_counter() - started < 10, "a long post must not stall the scan"


@pytest.mark.parametrize("runner", RUNNERS, ids=lambda r: type(r).__name__)
def test_findings_do_not_depend_on_batching(runner: Runner) -> None:
    texts = ["What a scumbag, ring him on 07700 900318", "PC 4321 with Kent Police",
             "Spotted GK68XWP at WS3 2LP", "nothing to see", ""]
    batch = [(_item(t, ItemKind.POST, n), PreparedText(t)) for n, t in enumerate(texts)]
    together = list(runner.check_many(batch))
    apart = [f for pair in batch for f in runner.check_many([pair])]
    assert together == apart
