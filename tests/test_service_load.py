"""benchmarks/service_load.py, smoke size: a real ``zhpolicy serve`` subprocess on 127.0.0.1,
a few short requests per level; the figures must add up, whatever their size."""
import importlib.util
import json

from conftest import ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("service_load", ROOT / "benchmarks" / "service_load.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_percentile_is_numpys_linear_rank():
    p = _bench().percentile
    assert p([3.0, 1.0, 2.0, 4.0], 0.5) == 2.5 and p([5.0], 0.99) == 5.0
    assert p(list(map(float, range(101))), 0.99) == 99.0


def test_smoke_run_counts_every_request_and_orders_latencies(tmp_path, capsys):
    out = tmp_path / "load.json"
    res = _bench().main(["--requests", "5", "--concurrency", "1,3", "--max-chars", "600", "--out", str(out)])
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(json.dumps(res))
    assert [lv["concurrency"] for lv in res["levels"]] == [1, 3]
    for lv in res["levels"]:
        assert lv["answered"] == lv["requests"] == 5 and lv["ok"] == 5 and lv["errors"] == 0
        assert 0 < lv["p50_ms"] <= lv["p99_ms"] <= lv["max_ms"]
        assert lv["requests_per_s"] > 0 and lv["seconds"] > 0
    assert len(res["reports"]) >= 6 and all(0 < r["chars"] <= 600 for r in res["reports"])
    table = capsys.readouterr().out
    assert "p99 ms" in table and table.count("\n") >= 4
