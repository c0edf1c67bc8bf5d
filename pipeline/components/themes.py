"""Policy themes of each task (ANNOTATION.md s.4)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import init_doc


@Language.factory("zhpolicy_themes")
def make_themes(nlp: Language, name: str):
    return ThemeClassifier()


class ThemeClassifier:
    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        return doc
