"""Checks register through entry points (built-ins too), and a broken plugin is reported by name."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from accountaudit.checks.registry import discover
from accountaudit.errors import AccountAuditError, InputError


def _install_fake_distribution(root: Path, name: str, entry_points: str, module: str,
                               code: str) -> None:
    """A real (if tiny) installed distribution on sys.path, as pip would leave it."""
    info = root / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[accountaudit.checks]\n{entry_points}\n")
    (root / f"{module}.py").write_text(textwrap.dedent(code))


def test_built_in_checks_come_through_the_entry_point_group() -> None:
    checks = discover()
    origins = {info.id: info.origin for info in checks.infos}
    assert {"AA301", "AA302", "AA303"} <= set(origins)
    assert origins["AA301"] == "built-in"
    assert any(o.startswith("rule pack ") for o in origins.values())
    assert not checks.failures


def test_a_third_party_check_is_found_and_attributed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _install_fake_distribution(tmp_path, "accountaudit_gmp", "GMP101 = gmp_checks:LocalCheck",
                               "gmp_checks", """
        from accountaudit.api import Category, Check, Severity
        class LocalCheck(Check):
            '''Flags the word placeholder.'''
            id = "GMP101"
            title = "Local word"
            category = Category.LANGUAGE_ABUSIVE
            severity = Severity.LOW
            explanation = "A local term the force asked to review."
            def check(self, item, text):
                if "placeholder" in text.text:
                    yield self.finding(item, "placeholder")
        """)
    monkeypatch.syspath_prepend(str(tmp_path))
    checks = discover()
    info = next(i for i in checks.infos if i.id == "GMP101")
    assert info.origin == "plugin accountaudit_gmp"
    assert not checks.failures


@pytest.mark.parametrize("entry, code, reason", [
    ("BAD101 = broken_mod:Nope", "raise ImportError('needs a library that is not installed')",
     "could not be loaded: ImportError: needs a library that is not installed"),
    ("BAD102 = broken_mod:Thing", "class Thing: pass",
     "could not be loaded: it is not a subclass of accountaudit.api.Check"),
    ("bad-name = broken_mod:Thing", "class Thing: pass",
     "is not a check id"),
])
def test_a_broken_plugin_is_reported_by_name(tmp_path: Path, monkeypatch, entry: str, code: str,  # type: ignore[no-untyped-def]
                                             reason: str) -> None:
    _install_fake_distribution(tmp_path, "force_plugin", entry, "broken_mod", code)
    monkeypatch.syspath_prepend(str(tmp_path))
    checks = discover()
    name = entry.split(" = ")[0]
    [failure] = checks.failures
    assert failure.startswith(f"check {name} from force_plugin")
    assert reason in failure
    assert {"AA301", "AA302", "AA303"} <= set(checks.ids())  # the rest still load


def test_selection_by_id_prefix_and_category() -> None:
    assert discover(select=["AA301"]).ids() == ["AA301"]
    assert set(discover(select=["confidentiality.personal-data"]).ids()) >= {"AA301", "AA302",
                                                                             "AA303"}
    assert all(i.startswith("AA3") for i in discover(select=["AA3"]).ids())
    with pytest.raises(AccountAuditError, match="No check matches 'ZZ999'"):
        discover(select=["ZZ999"])


def test_rules_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a folder of rule packs"):
        discover([tmp_path / "missing"])


def test_a_broken_pack_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[pack\nid = ")
    checks = discover([tmp_path])
    [failure] = checks.failures
    assert failure.startswith(f"rule pack {tmp_path / 'broken.toml'} could not be loaded")
    assert "AA301" in checks.ids()


def test_a_plugin_without_check_or_with_a_failing_constructor_is_reported(tmp_path: Path,
                                                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _install_fake_distribution(tmp_path, "half_done", "HD101 = half:NoCheck\nHD102 = half:Boom",
                               "half", """
        from accountaudit.api import Category, Check, Severity
        class Base(Check):
            title = "t"
            category = Category.LANGUAGE_ABUSIVE
            severity = Severity.LOW
            explanation = "e"
        class NoCheck(Base):
            id = "HD101"
        class Boom(Base):
            id = "HD102"
            def __init__(self):
                raise RuntimeError("needs a licence file")
            def check(self, item, text):
                return []
        """)
    monkeypatch.syspath_prepend(str(tmp_path))
    checks = discover()
    failures = "\n".join(checks.failures)
    assert "check HD101 from half_done could not be loaded: Can't instantiate abstract class" \
        in failures
    assert "check HD102 from half_done could not be loaded: RuntimeError: needs a licence" \
        in failures
    assert not {"HD101", "HD102"} & set(checks.ids())
