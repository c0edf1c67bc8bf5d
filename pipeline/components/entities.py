"""Entity recognition: SCHOOL, REGION, PROGRAMME, ORG, DOCUMENT, PERSON (ANNOTATION.md s.2)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import init_doc


@Language.factory("zhpolicy_entities")
def make_entities(nlp: Language, name: str):
    return EntityRecognizer()


class EntityRecognizer:
    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        return doc
