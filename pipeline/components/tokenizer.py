"""Segmenter: jieba words aligned to the view, as a spaCy tokenizer (cf. spacy/lang/zh)."""
from __future__ import annotations

import jieba
import spacy
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces
from spacy.vocab import Vocab


class JiebaTokenizer:
    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words = [w for w in jieba.cut(text, HMM=False) if w]
        words, spaces = get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "JiebaTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> "JiebaTokenizer":
        return self


@spacy.registry.tokenizers("zhpolicy.JiebaTokenizer.v1")
def create_tokenizer():
    def make(nlp):
        return JiebaTokenizer(nlp.vocab)

    return make
