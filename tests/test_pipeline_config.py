"""The pipeline is assembled from configs/pipeline.cfg; stages are swappable by config."""
import pytest

from pipeline.nlp import load_gold_records, load_pipeline


def test_stages_come_from_the_config_in_data_flow_order(nlp):
    assert nlp.pipe_names == ["chrome", "structure", "entities", "recognizer", "targets", "linker", "themes"]
    assert nlp.get_pipe("themes").method == "model"


def test_config_overrides_reach_components():
    alt = load_pipeline(overrides={"components.themes.method": "keywords"})
    assert alt.get_pipe("themes").method == "keywords" and alt.get_pipe("themes").model is None


def test_learned_state_comes_from_models_not_from_gold_at_load(nlp, gold_dir, monkeypatch):
    """load() reads models/pipeline (zhpolicy train); it never reads corpus/gold."""
    import pipeline.nlp as nlp_mod

    monkeypatch.setattr(nlp_mod, "load_gold_records", lambda *a, **k: pytest.fail("gold read at load"))
    loaded = load_pipeline()
    assert loaded.get_pipe("recognizer").model, "the trained recognizer comes from models/pipeline"
    learnt = {e["canonical"] for e in loaded.get_pipe("linker").learnt_entries}
    gold_canon = {e.get("canonical") for rec in load_gold_records(gold_dir)
                  for e in rec["entities"] if e["label"] == "SCHOOL" and e.get("canonical")}
    assert learnt and len(gold_canon & learnt) >= len(gold_canon) // 2
    untrained = load_pipeline(models=None)
    assert untrained.get_pipe("recognizer").model is None
    assert not untrained.get_pipe("linker").learnt_entries and untrained.get_pipe("themes").model is None


def test_train_then_save_reproduces_models_exactly(tmp_path, gold_dir):
    """zhpolicy train's steps (initialize on corpus/gold, to_disk) give the files in models/."""
    from pipeline.nlp import PIPELINE_MODELS, save, train

    nlp = train(load_pipeline(models=None), load_gold_records(gold_dir))
    out = save(nlp, tmp_path / "pipeline")
    for name in ("recognizer/model.crfsuite", "recognizer/settings.json", "linker/learnt.json"):
        assert (out / name).read_bytes() == (PIPELINE_MODELS / name).read_bytes(), name
    again = load_pipeline(models=out)
    assert again.get_pipe("themes").model.predict(["加强校园安全管理"]).tolist() == \
        load_pipeline().get_pipe("themes").model.predict(["加强校园安全管理"]).tolist()
