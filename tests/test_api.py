"""The Python API: ``pipeline.load()``, ``nlp(text)`` / ``nlp.pipe`` and ``to_record`` are the
one way through; the tokenizer normalises, so ``nlp(text)`` sees what ``zhpolicy run`` sees."""
import subprocess
import sys

import pipeline
from pipeline.api import make_doc, record_of_text

TEXTS = ["青田縣教育局2024年工作要點\n\n一、新建幼兒園３所，新增學位１２００個。\n",
         "南宁市教育局\n\n1.推进“双减”，课后服务覆盖率达到100%。\n2.开展校园安全排查。\n"]


def test_nlp_of_text_is_the_whole_pipeline(nlp):
    doc = nlp(TEXTS[0])
    assert doc._.view.source == TEXTS[0] and "新建幼儿园3所" in doc.text
    rec = pipeline.to_record(doc)
    assert rec["text"] == TEXTS[0]
    assert [t["text"] for t in rec["targets"]] == ["３所", "１２００個"]
    assert rec == record_of_text(nlp, TEXTS[0])


def test_a_file_keeps_its_name_and_id(nlp):
    rec = pipeline.to_record(nlp(make_doc(nlp, TEXTS[1], "reports/nanning.txt")))
    assert rec["source"] == "reports/nanning.txt" and rec["doc_id"].startswith("nanning-")
    assert all(t["id"].startswith(rec["doc_id"]) for t in rec["tasks"]) and rec["tasks"]


def test_pipe_with_processes_gives_the_same_records(nlp):
    alone = [pipeline.to_record(nlp(t)) for t in TEXTS]
    assert [pipeline.to_record(d) for d in nlp.pipe(TEXTS, n_process=2)] == alone
    assert [pipeline.to_record(d) for d in nlp.pipe(TEXTS)] == alone


def test_import_is_light():
    code = "import sys, pipeline; print('spacy' in sys.modules, pipeline.__version__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", pipeline.__version__]
