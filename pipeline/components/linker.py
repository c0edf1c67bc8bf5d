"""Entity linking: regions to GB/T 2260 codes, schools and organisations to the gazetteer."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import init_doc


@Language.factory("zhpolicy_linker")
def make_linker(nlp: Language, name: str):
    return EntityLinker()


class EntityLinker:
    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        return doc
