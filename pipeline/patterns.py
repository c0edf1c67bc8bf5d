"""The regex families several stages share: list markers, years and dates, sentence ends,
Chinese numerals.  One definition each, here."""
from __future__ import annotations

import re

# A task starts with its marker: "15.", "15．", "一是", "（三）", "第二，", "①".
TASK_MARKER = re.compile(r"^\s*(?:第?[一二三四五六七八九十百]+[、是，,.．]|[（(][一二三四五六七八九十\d]+[)）]"
                         r"|\d+\s*[.．、)]|[①-⑳])\s*")
