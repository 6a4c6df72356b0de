"""What makes extraction fast must not change what it finds: the patterns that skip positions where no match
can start find what the plain patterns find (issue 24: at least 400 documents a second)."""

import re
from re import _constants as sre
from re import _parser

import pytest

from compare.data import load_dataset
from compare.ingest.extract import phrase_table
from compare.ingest.extract.periods import PERIOD_PHRASE, PHRASE_STARTS
from compare.ingest.extract.vocabulary import _phrases


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def _first(items) -> tuple[set, bool]:
    """The characters a parsed pattern's match can start with, and whether it can match nothing."""
    chars: set = set()
    for op, av in items:
        found, empty = _first_of(op, av)
        chars |= found
        if not empty:
            return chars, False
    return chars, True


def _first_of(op, av) -> tuple[set, bool]:
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN:
        chars = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE:
                chars |= {chr(c) for c in range(value[0], value[1] + 1)}
            else:
                raise AssertionError(f"a period phrase may start with any character of {kind} {value}: list them")
        return chars, False
    if op is sre.SUBPATTERN:
        return _first(av[3])
    if op is sre.BRANCH:
        found = [_first(branch) for branch in av[1]]
        return set().union(*(c for c, _ in found)), any(e for _, e in found)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        chars, empty = _first(av[2])
        return chars, empty or av[0] == 0
    if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
        return set(), True  # takes no character
    raise AssertionError(f"a period phrase may start with {op} {av}: list its first characters")


def test_period_phrases_start_with_a_listed_character():
    """A period phrase added to the pattern with a new first character must add it to PHRASE_STARTS."""
    starts, empty = _first(_parser.parse(PERIOD_PHRASE.pattern))
    assert not empty
    assert starts <= set(PHRASE_STARTS), f"add {''.join(sorted(starts - set(PHRASE_STARTS)))} to PHRASE_STARTS"


def test_period_phrases_are_those_of_the_plain_pattern(ds):
    plain = re.compile(PERIOD_PHRASE.pattern.removeprefix(f"(?=[{PHRASE_STARTS}])"))
    assert plain.pattern != PERIOD_PHRASE.pattern
    text = "".join(ds.texts.values()) + "“十四五”以来，去年，近年来，截至目前，现有，如今，当前，迄今，历年来，多年来"
    found = [(m.span(), m.lastgroup) for m in PERIOD_PHRASE.finditer(text)]
    assert found == [(m.span(), m.lastgroup) for m in plain.finditer(text)]
    assert len(found) > 50


def test_phrase_hits_are_those_of_the_plain_alternation(ds):
    """The phrase pattern passes positions where no phrase starts; it must find what trying every phrase at
    every position finds, phrases starting with a character special to regular expressions included."""
    table = phrase_table(ds)
    rows = tuple((m.metric_id, m.unit, m.kind, p, m.subset, m.measure_words) for p, m in table.meaning.items())
    rows += (
        ("legal_aid_cases", "case", "flow", "(含)援助", "", ()),
        ("legal_aid_cases", "case", "flow", "-援", "", ()),
    )
    phrases = _phrases(rows)
    ordered = sorted(phrases.meaning, key=lambda p: -len(p))
    plain = re.compile("(?=(" + "|".join(re.escape(p) for p in ordered) + "))")
    text = "".join(ds.texts.values()) + "共办理(含)援助案件12件,-援3件"
    assert [m.span(1) for m in phrases.pattern.finditer(text)] == [m.span(1) for m in plain.finditer(text)]
    assert len(phrases.hits(text)) > 50


def test_the_benchmark_times_an_earlier_commit_beside_this_checkout():
    """benchmarks/extraction.py --against REV: both extractors in one run, each side's speed and the speed-up."""
    import subprocess
    import sys

    from compare.paths import PROJECT_ROOT

    if subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("the project is not a git checkout")
    script = PROJECT_ROOT / "benchmarks" / "extraction.py"
    cmd = [sys.executable, str(script), "--against", "HEAD", "--rounds", "1", "--repeat", "1"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "(--against)" in out and "this checkout" in out and "load average" in out
    assert re.search(r"speed-up: \d+\.\d\dx all documents", out)
