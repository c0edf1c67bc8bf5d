"""The pipeline is assembled from configs/pipeline.cfg; stages are swappable by config."""
from pipeline.nlp import load_gold_records, load_pipeline


def test_stages_come_from_the_config_in_data_flow_order(nlp):
    assert nlp.pipe_names == ["chrome", "structure", "entities", "targets", "linker", "themes"]
    assert nlp.get_pipe("themes").method == "model"


def test_config_overrides_reach_components():
    alt = load_pipeline(overrides={"components.themes.method": "keywords", "learning.on_load": []})
    assert alt.get_pipe("themes").method == "keywords"
    assert not alt.get_pipe("entities").learnt


def test_names_learnt_from_gold_on_load(nlp, gold_dir):
    learnt = nlp.get_pipe("entities").learnt
    gold_surfaces = {rec["text"][e["start"]:e["end"]] for rec in load_gold_records(gold_dir)
                     for e in rec["entities"] if e["label"] == "SCHOOL"}
    assert learnt and len(gold_surfaces & set(learnt)) >= len(gold_surfaces) // 2
