"""Quality gates: the acceptance figures of the project's issues, measured the way the closing
notes report them.  Leave-one-out over corpus/gold rebuilds the learnt parts (entity names,
gazetteer additions, theme model) without the scored document; corpus/heldout is scored by the
pipeline as shipped (nothing is learnt from it).  A rule change that lowers one of these below
its floor fails here, with the figure in the message."""
import pytest

from pipeline import ROOT
from pipeline.evaluate import evaluate


@pytest.fixture(scope="module")
def loo():
    return evaluate(ROOT / "corpus" / "gold", leave_one_out=True, with_baseline=False)


@pytest.fixture(scope="module")
def heldout():
    return evaluate(ROOT / "corpus" / "heldout", with_baseline=False)


@pytest.mark.parametrize("field, floor", [
    ("f1", 0.95), ("comparator_acc", 0.95), ("kind_acc", 0.90), ("indicator_acc", 0.80),
])
def test_numeric_targets_leave_one_out(loo, field, floor):
    """Issue 4: target F1 >= 0.95, comparator >= 0.95, kind >= 0.90, indicator >= 0.80."""
    got = loo["targets"][field]
    assert got >= floor, f"targets {field} {got:.3f} < {floor} (leave-one-out)"


def test_tasks_and_entities_leave_one_out(loo):
    assert loo["tasks"]["f1"] >= 0.95, loo["tasks"]
    core = loo["entities"]["core_lenient"]["f1"]
    assert core >= 0.90, f"entities core lenient F1 {core:.3f} < 0.90 (leave-one-out)"


@pytest.mark.parametrize("field, floor", [("f1", 0.90), ("comparator_acc", 0.90), ("kind_acc", 0.85)])
def test_numeric_targets_on_reports_from_other_provinces(heldout, field, floor):
    """The held-out reports (Sichuan, Hubei; web page and PDF text) keep the target fields
    that do not depend on phrasing well above chance; the floors sit below the measured values
    so that wording changes in the rules do not trip them, a broken stage does."""
    got = heldout["targets"][field]
    assert got >= floor, f"held-out targets {field} {got:.3f} < {floor}"
