"""Issue 11, kept from creeping back: domains side by side (no domain reads another's tables), no
import cycles, thin handlers, small modules, one clock (tools/architecture.py measures them)."""

from __future__ import annotations

import importlib.util
import sys

from app.settings import ROOT

_spec = importlib.util.spec_from_file_location("architecture", ROOT / "tools" / "architecture.py")
assert _spec and _spec.loader
architecture = importlib.util.module_from_spec(_spec)
sys.modules["architecture"] = architecture
_spec.loader.exec_module(architecture)


def test_no_domain_reads_another_domains_tables():
    assert architecture.cross_domain_table_imports() == []


def test_no_import_cycles_even_through_imports_inside_functions():
    assert architecture.import_cycles(top_level_only=False) == []


def test_handlers_are_thin_and_modules_small():
    assert architecture.long_handlers() == []
    assert architecture.long_modules() == []


def test_only_the_clock_makes_time_zones():
    assert architecture.zoneinfo_calls() == []
