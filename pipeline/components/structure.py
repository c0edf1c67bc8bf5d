"""Report structure: meta (title, publisher, date), parts (summary/plan) and tasks."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import init_doc


@Language.factory("zhpolicy_structure")
def make_structure(nlp: Language, name: str):
    return StructureParser()


class StructureParser:
    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        return doc
