"""Shared loader helpers: HTML to text, Meta mojibake, timestamps."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from accountaudit.sources.text import fix_meta_mojibake, html_to_text
from accountaudit.sources.times import from_unix, from_unix_ms, parse_iso, parse_naive


@pytest.mark.parametrize("markup, text", [
    ("<p>Hello <a href='x'>@bob</a> &amp; you</p><p>Line two<br>three</p>",
     "Hello @bob & you\nLine two\nthree"),
    ("plain &amp; simple", "plain & simple"),
    ("<p>shown</p><script>hidden()</script><style>p{}</style><!-- note -->after", "shown\nafter"),
    ("a<b>c</b>d", "acd"),
    ("", ""), ("<", "<"), ("<p></p>", ""),
    ("<div>" * 5000 + "deep text" + "</div>" * 5000, "deep text"),
    ("<html>", ""),  # lxml raises AssertionError ("too many bodies") here: handled
    ("<" * 1_000_000, "<" * 1_000_000),  # a run of stray "<" stays linear
])
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


def test_html_to_text_is_linear_on_long_posts() -> None:
    start = time.perf_counter()
    assert html_to_text("<p>para</p>" * 20_000).count("\n") == 19_999
    assert time.perf_counter() - start < 5  # was 11.7 s when quadratic; ~0.05 s now


@pytest.mark.parametrize("broken, fixed", [
    ("CafÃ© Ã¢ÂÂ", "CafÃ© Ã¢ÂÂ"),  # not valid UTF-8 once re-encoded: left alone
    ("CafÃ©", "Café"), ("SeÃ¡n", "Seán"), ("ð\x9f\x98\x82", "😂"),
    ("already Café 😂", "already Café 😂"), ("plain", "plain"),
])
def test_fix_meta_mojibake(broken: str, fixed: str) -> None:
    assert fix_meta_mojibake(broken) == fixed


def test_times() -> None:
    assert parse_iso("2024-05-01T12:00:00.123456Z") == datetime(2024, 5, 1, 12, 0, 0, 123456,
                                                                tzinfo=UTC)
    assert parse_iso("2020-01-02T03:04:05") == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_iso("0001-01-01T00:00:00+01:00") is None
    assert parse_iso("yesterday") is None
    assert from_unix(1354805114) == datetime(2012, 12, 6, 14, 45, 14, tzinfo=UTC)
    assert from_unix_ms("1636480850235") == datetime(2021, 11, 9, 18, 0, 50, 235000, tzinfo=UTC)
    assert from_unix(0) is None and from_unix("x") is None and from_unix(True) is None
    assert from_unix(1e20) is None
    assert parse_naive("15 Mar 2024", "%d %b %Y") == datetime(2024, 3, 15, tzinfo=UTC)
