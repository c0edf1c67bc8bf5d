"""Every record on the corpus (gold and held-out reports) equals the committed reference.

A refactoring must leave this green; a change meant to alter records regenerates the reference
(``python tests/snapshot.py --update``) in the same commit, so its diff shows what moved."""
import json

import pytest

from snapshot import corpus_files, current_records, read_reference


@pytest.fixture(scope="module")
def records(nlp):
    return current_records(nlp)


def test_reference_covers_the_corpus():
    ref = read_reference()
    assert sorted(ref) == sorted(str(p.relative_to(p.parents[2])) for p in corpus_files())


@pytest.mark.parametrize("path", [str(p.relative_to(p.parents[2])) for p in corpus_files()])
def test_record_unchanged(records, path):
    ref = read_reference()[path]
    got = records[path]
    for key in sorted(set(ref) | set(got)):
        assert json.dumps(got.get(key), ensure_ascii=False, sort_keys=True) == \
            json.dumps(ref.get(key), ensure_ascii=False, sort_keys=True), f"{path}: {key} differs"
