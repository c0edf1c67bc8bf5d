"""spaCy components of the pipeline, one module per stage.  Importing this package registers
every factory (and the tokenizer) with spaCy's registry so ``configs/pipeline.cfg`` can name them."""
from . import tokenizer, chrome, structure, entities, recognizer, targets, linker, themes  # noqa: F401
