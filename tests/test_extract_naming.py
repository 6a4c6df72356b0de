"""The learned naming model (which metric a count no phrase claims names): its training rows, its file, and
how the rules use what it names. Sentences are written for the test (SYNTHETIC)."""

import pandas as pd
import pytest

from compare.data import load_dataset
from compare.ingest.extract import Context, candidates
from compare.ingest.extract.naming import NONE, examples, fit, load

GOLD_TEXT = (  # SYNTHETIC
    "2022年，全区发放法治台历1200本，发放法治台历300本，印发法治台历500本。全区共有律师事务所12家，开展会议30次。"
)


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def gold(rows):
    return pd.DataFrame(rows, columns=["metric_id", "value", "quote"])


def test_a_count_is_labelled_with_the_gold_row_whose_quote_holds_it():
    rows = examples(GOLD_TEXT, gold([("legal_publicity_materials", 1200, "发放法治台历1200本")]))
    labels = [label for _, label in rows]
    assert labels == ["legal_publicity_materials", NONE, NONE, NONE, NONE]
    assert "unit:本" in rows[0][0] and "end:台历" in rows[0][0]


@pytest.fixture(scope="module")
def model():
    rows = examples(
        GOLD_TEXT,
        gold(
            [
                ("legal_publicity_materials", 1200, "发放法治台历1200本"),
                ("legal_publicity_materials", 300, "发放法治台历300本"),
                ("legal_publicity_materials", 500, "印发法治台历500本"),
                ("mediation_organizations", 12, "律师事务所12家"),
            ]
        ),
    )
    return fit(rows * 3, threshold=0.5, c=10.0, trained_on="a test")


def test_the_model_names_a_metric_no_phrase_names_and_says_why(ds, model):
    text = "2023年，全县发放法治台历800本。"  # SYNTHETIC
    without = candidates(text, ds, Context(doc_id="t", district_code="320412"), namer=None)
    found = candidates(text, ds, Context(doc_id="t", district_code="320412"), namer=model)
    assert not [c for c in without if c.value == 800]
    (c,) = [c for c in found if c.value == 800]
    assert c.metric_id == "legal_publicity_materials" and c.period_end == "2023-12-31"
    assert c.why.startswith("metric learned: legal_publicity_materials (chance ")


def test_a_metric_the_counting_word_cannot_count_is_not_named(ds, model):
    text = "2023年，全县发放法治台历800人。"  # SYNTHETIC: 人 counts no copies
    found = candidates(text, ds, Context(doc_id="t", district_code="320412"), namer=model)
    assert not [c for c in found if c.value == 800]


def test_the_model_file_reads_back_the_same_chances(model, tmp_path):
    path = tmp_path / "naming_model.json"
    path.write_text(model.to_json(), encoding="utf-8")
    again = load(path)
    feats = ["b:台历", "unit:本", "end:台历"]
    assert again.trained_on == "a test" and again.threshold == 0.5
    assert again.chances(feats) == pytest.approx(model.chances(feats), abs=1e-3)
