"""zhpolicy: structured, checkable data from Chinese education-bureau reports.

Data flows one way: read -> normalise -> structure -> segment -> entities -> targets
-> link -> themes -> write.  See ``pipeline.nlp.load_pipeline`` for the spaCy pipeline and
``pipeline.record`` for the output contract (ANNOTATION.md section 5).
"""
from pathlib import Path

__version__ = "0.1.0"

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "configs"
MODELS = ROOT / "models"
