"""Numeric targets (ANNOTATION.md s.3)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import init_doc


@Language.factory("zhpolicy_targets")
def make_targets(nlp: Language, name: str):
    return TargetExtractor()


class TargetExtractor:
    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        return doc
