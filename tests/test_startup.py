"""What start-up avoids: spacy.cli at ``import spacy``, parsing jieba's dict.txt, cn2an.
Behaviour only (no timings): the same answers, fewer modules."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child(code: str, tmp_path, **env) -> dict:
    import os

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "ZHPOLICY_CACHE_DIR": str(tmp_path), **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_spacy_is_imported_without_its_cli_and_the_cli_still_loads(tmp_path):
    got = _child("import json, sys, pipeline, spacy\n"
                 "from spacy.language import Language\n"
                 "before = 'spacy.cli' in sys.modules\n"
                 "import spacy.cli\n"
                 "print(json.dumps({'before': before, 'has_app': hasattr(spacy.cli, 'app'),"
                 " 'info': callable(spacy.info), 'finder': any(type(f).__name__ == '_Finder' for f in sys.meta_path)}))",
                 tmp_path)
    assert got == {"before": False, "has_app": True, "info": True, "finder": False}


def test_full_spacy_import_on_request(tmp_path):
    got = _child("import json, sys, pipeline, spacy; print(json.dumps('spacy.cli' in sys.modules))", tmp_path,
                 ZHPOLICY_FULL_SPACY="1")
    assert got is True


def test_jieba_tables_read_on_demand_equal_the_parsed_file(tmp_path):
    import random

    from pipeline import zh

    path = zh._jieba_dict_path()
    words, tags, freqs = zh._parse_jieba_dict(path)
    ref_tags, ref_freqs = dict(zip(words, tags)), dict(zip(words, freqs))
    code = ("import json, sys\nfrom pipeline.zh import jieba_tables\nt, f = jieba_tables()\n"
            "ws = json.loads(sys.stdin.read())\nt.prefetch(ws[::2])\n"
            "print(json.dumps([[t.get(w), f.get(w, 0), w in t] for w in ws]))")
    sample = random.Random(3).sample(words, 400) + ["不是词语吧", "", "a", words[-1], words[0]]
    for _ in range(2):      # the first run builds the cache file, the second reads it
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, input=json.dumps(sample), capture_output=True,
                             text=True, check=True, env={**__import__("os").environ, "PYTHONPATH": str(ROOT),
                                                         "ZHPOLICY_CACHE_DIR": str(tmp_path)})
        got = json.loads(out.stdout)
        assert got == [[ref_tags.get(w), ref_freqs.get(w, 0), w in ref_tags] for w in sample]
    assert len(list(tmp_path.glob("jieba-dict-*.sqlite"))) == 1


def test_jieba_tables_without_a_writable_cache(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    got = _child("import json\nfrom pipeline.zh import jieba_tables\nt, f = jieba_tables()\n"
                 "print(json.dumps([t.get('中国'), f.get('中国'), t.get('不是词语吧'), len(t) > 300000]))",
                 blocked)
    assert got[0] is not None and got[1] > 0 and got[2] is None and got[3] is True


def test_a_report_with_plain_numerals_does_not_import_cn2an(tmp_path):
    got = _child("import json, sys\nimport pipeline.api as api\nnlp = api.load()\n"
                 "r = api.record_of_text(nlp, '全年新建学校三所，新增学位两千个，培训教师一千二百人次。', 'x')\n"
                 "print(json.dumps(['cn2an' in sys.modules, sorted(t['value'] for t in r['targets'])]))", tmp_path)
    assert got[0] is False and got[1] == [3, 1200, 2000]


def test_loading_the_pipeline_does_not_parse_jiebas_dictionary(tmp_path):
    """Every stage's start-up (the entity rules' name openers included) reads jieba's tables
    by query, never by parsing all of dict.txt."""
    got = _child("import json\nimport pipeline.api as api\nnlp = api.load()\n"
                 "from pipeline.zh import jieba_tables\n"
                 "print(json.dumps(jieba_tables()[0]._db._full is None))", tmp_path)
    assert got is True


def test_words_by_tag_and_length_equal_the_parsed_file(tmp_path):
    from pipeline import zh

    words, tags, _ = zh._parse_jieba_dict(zh._jieba_dict_path())
    last = dict(zip(words, tags))                      # a word listed twice keeps its last line
    want = sorted(w for w, t in last.items() if t == "nr" and len(w) == 3)
    assert len(want) > 1000
    code = "import json\nfrom pipeline.zh import jieba_words\nprint(json.dumps(sorted(jieba_words('nr', 3))))"
    assert _child(code, tmp_path) == want              # by query on the cache
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert _child(code, blocked) == want               # no writable cache: from the parsed file
