"""Linking one mention to the gazetteer (used by ``Gazetteer.link`` and the linker stage).

REGION: candidates from the surface table; the report's own region (``context``) breaks ties
between same-named places.  SCHOOL/ORG: alias table, level short forms (市教育局, 局党委),
in-document coreference, region + abbreviation rules, fuzzy match, then NIL.  Every rule and
threshold comes from ``configs/gazetteer/linking.yaml``.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from rapidfuzz import fuzz, process

if TYPE_CHECKING:  # pragma: no cover
    from . import Gazetteer, Region

_LEVEL_RANK = {"country": 4, "province": 3, "city": 2, "county": 1}
# One-character province abbreviations (a general fact, GB/T 2260 简称): two in a row open
# a cross-province name (闽浙赣皖九方经济区...), which is never the report's own body.
PROVINCE_ABBR = set("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼港澳台")
_PROV_PAIR = re.compile("^[" + "".join(sorted(PROVINCE_ABBR)) + "]{2}")


# Fuzzy matches must agree on every numeral (金华市第一中学 is not 金华市第十一中学).
_NUMERALS = re.compile(r"[0-9一二三四五六七八九十百零〇]+")


# Which levels a level character can point at: 市 is a prefecture, a county-level city or a
# municipality; 州/盟 are prefectures.
_LEVEL_CHAR = {"市": ("city", "county", "province"), "州": ("city",), "盟": ("city",)}
_OLD_SUFFIX = re.compile(r"(市|县|区)$")


def is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


class Linker:
    def __init__(self, gaz: "Gazetteer", cfg: dict):
        self.gaz = gaz
        self.cfg = cfg
        self.fuzzy = float(cfg.get("fuzzy_threshold", 87))
        self.min_coref = int(cfg.get("min_coref_chars", 4))
        self.short_rules = [(re.compile(r["pattern"]), r["canonical"]) for r in cfg.get("short_forms", []) or []]
        self.body_exp = [(re.compile(a), b) for a, b in cfg.get("body_expansions", []) or []]
        self.school_abbr = [(re.compile(a), b) for a, b in cfg.get("school_abbreviations", []) or []]
        self.complete = re.compile(cfg.get("complete_heads", r"(中学|小学|大学|学院|学校)$"))
        self.bare = {lab: (set(v.get("levels", [])), re.compile(v.get("heads", "$^")))
                     for lab, v in (cfg.get("bare_prefix", {}) or {}).items()}
        ore = cfg.get("org_region_expand", {}) or {}
        self.org_expand_levels = set(ore.get("levels", ["city", "county"]))
        self.org_keep = re.compile(ore.get("keep_heads", "$^"))
        ctx = cfg.get("context", {}) or {}
        self.bureau_suffix = ctx.get("bureau_suffix", "教育局")
        self.not_level = tuple(cfg.get("not_level_prefix", []) or [])
        self.reset()

    def reset(self) -> None:
        names = {}
        for inst in self.gaz.institutions():
            names.setdefault(inst.canonical, inst)
        self._inst_names = names
        self._inst_list = list(names)
        by_first: dict[str, list[str]] = {}
        for n in names:
            by_first.setdefault(n[0], []).append(n)
        self._by_first = by_first

    # ------------------------------------------------------------------ context helpers
    def ancestors(self, code: str | None) -> list["Region"]:
        out = []
        r = self.gaz.region(code)
        while r is not None and len(out) < 4:
            out.append(r)
            r = self.gaz.region(r.parent)
        return out

    def own(self, context: Sequence[str]) -> "Region | None":
        for c in context:
            r = self.gaz.region(c)
            if r is not None and r.level != "country":
                return r
        return None

    def region_for_level(self, lvl: str, context: Sequence[str]) -> "Region | None":
        own = self.own(context)
        if own is None:
            return None
        chain = self.ancestors(own.code)
        if lvl in ("省", "自治区"):
            return next((r for r in chain if r.level == "province"), None)
        if lvl == "区" and own.level == "province" and own.name.endswith("自治区"):
            return own                       # 区残联 in a report of the autonomous region itself
        if lvl in "县区旗":                  # the report's own county-level division only
            return own if own.level == "county" and own.name.endswith(lvl) else None
        levels = _LEVEL_CHAR.get(lvl, ("city",))
        return next((r for r in chain if r.name.endswith(lvl) and r.level in levels), None)

    def inst_form(self, r: "Region") -> str:
        """How an institution writes its region: a district keeps its city (舟山市定海区)."""
        if r.level == "county" and r.name.endswith("区") and r.parent:
            p = self.gaz.region(r.parent)
            if p is not None and not r.name.startswith(p.name):
                return p.name + r.name
        return r.name

    def bureau(self, context: Sequence[str], publisher: str | None) -> str | None:
        if publisher:
            from . import clean
            pub = clean(publisher)
            if pub.endswith("局"):
                return pub
        own = self.own(context)
        return self.inst_form(own) + self.bureau_suffix if own else None

    # ------------------------------------------------------------------ regions
    def rank_regions(self, cands: Sequence["Region"], context: Sequence[str]) -> list["Region"]:
        own = self.own(context)
        chain = self.ancestors(own.code) if own else []
        chain_codes = [r.code for r in chain]
        ctx_codes = set(context)

        def score(r: "Region") -> tuple:
            s = 0
            if r.code in ctx_codes or r.code in chain_codes:
                s = 100 - chain_codes.index(r.code) if r.code in chain_codes else 100
            elif own is not None:
                if r.parent and r.parent in chain_codes:
                    s = 60 - chain_codes.index(r.parent) * 10     # under own / own city / province
                elif r.province and r.province == own.province:
                    s = 20
            return (s, _LEVEL_RANK.get(r.level, 0), -int(r.code) if r.code.isdigit() else 0)

        return sorted(cands, key=score, reverse=True)

    def _region_candidates(self, surface: str) -> list["Region"]:
        cands = self.gaz._region_full.get(surface) or self.gaz.region_surfaces().get(surface)
        if cands:
            return cands
        # a pre-reform name (临安市, 金华县 -> 临安区, 金东区?) only by its root, and only when the
        # root names a single county-level division
        m = _OLD_SUFFIX.search(surface)
        if m and len(surface) - len(m.group()) >= 2:
            root = [r for r in self.gaz.region_surfaces().get(surface[: m.start()], [])
                    if r.level == "county"]
            if len(root) == 1:
                return root
        return []

    def split_chain(self, surface: str) -> list[str] | None:
        """浙江省丽水市莲都区 -> [浙江省, 丽水市, 莲都区] when every part is a region name."""
        parts, i = [], 0
        full = self.gaz._region_full
        while i < len(surface):
            for n in range(min(len(surface) - i, 12), 1, -1):
                if surface[i:i + n] in full:
                    parts.append(surface[i:i + n])
                    i += n
                    break
            else:
                return None
        return parts if len(parts) > 1 else None

    def link_region(self, surface: str, context: Sequence[str]) -> tuple[str | None, str]:
        cands = self._region_candidates(surface)
        if not cands:
            chain = self.split_chain(surface)
            if not chain:
                return None, surface
            ctx = list(context)
            best = None
            for part in chain:               # each part is read in the context of the previous
                best = self.rank_regions(self.gaz._region_full[part], ([best.code] if best else []) + ctx)[0]
            if best is not None and best.level != "country":
                return best.code, best.name
            return None, surface
        best = self.rank_regions(cands, context)[0]
        return best.code, best.name

    # ------------------------------------------------------------------ schools / orgs
    def expand_body(self, rest: str) -> str:
        for rx, rep in self.body_exp:
            rest = rx.sub(rep, rest, count=1)
        return rest

    def region_prefix(self, s: str, context: Sequence[str] = ()) -> tuple[str, "Region"] | None:
        surf = self.gaz.region_surfaces()
        for n in range(min(len(s) - 1, 12), 1, -1):
            cands = surf.get(s[:n])
            if cands:
                return s[:n], self.rank_regions(cands, context)[0]
        return None

    def coref(self, s: str, doc_names: Sequence[str]) -> str | None:
        if len(s) < 2:
            return None
        longer = [n for n in doc_names if len(n) > len(s)]
        if len(s) >= self.min_coref:
            # the shortest; among names of one length, the first in doc_names (a set here
            # made the choice depend on the process's string hash seed)
            suff = sorted(dict.fromkeys(n for n in longer if n.endswith(s)), key=len)
            if suff:
                return suff[0]
        if self.complete.search(s):
            return None
        subs = {n for n in longer if n[0] == s[0] and is_subsequence(s, n)}
        return subs.pop() if len(subs) == 1 else None

    def _known(self, name: str) -> str | None:
        inst = self._inst_names.get(name)
        return inst.id if inst else None

    def link_institution(self, label: str, s: str, context: Sequence[str], publisher: str | None = None,
                         doc_names: Sequence[str] | None = None) -> tuple[str | None, str, str]:
        """(kb_id, canonical, method)."""
        inst = self.gaz.institution_surfaces().get(s)
        if inst is not None:
            return inst.id, inst.canonical, "alias"
        # level short forms: 市教育局, 局党委, 区委
        level_ok = not s.startswith(self.not_level)
        for rx, tmpl in self.short_rules:
            m = rx.match(s) if level_ok or "{bureau}" in tmpl else None
            if not m:
                continue
            g = m.groupdict()
            vals = {k: v or "" for k, v in g.items()}
            vals["rest"] = self.expand_body(vals.get("rest", "")) if label == "ORG" else vals.get("rest", "")
            if "{bureau}" in tmpl:
                b = self.bureau(context, publisher)
                if not b:
                    continue
                vals["bureau"] = b
            if g.get("lvl"):
                r = self.region_for_level(g["lvl"], context)
                if r is None:
                    continue
                vals["region"] = self.inst_form(r)
            canon = tmpl.format(**vals)
            return self._known(canon), canon, "rule"
        if doc_names:
            c = self.coref(s, doc_names)
            if c:
                return self._known(c), c, "coref"
        pre = self.region_prefix(s, context)
        if pre is not None:
            p, r = pre
            rest = s[len(p):]
            own = self.own(context)
            if label == "SCHOOL":
                for rx, rep in self.school_abbr:
                    m = rx.search(rest)
                    if m:
                        canon = self.inst_form(r) + rest[:m.start()] + rep.format(**m.groupdict())
                        return self._known(canon), canon, "abbrev"
            if own is not None and r.code == own.code and p == r.name and self.inst_form(r) != r.name:
                canon = self.inst_form(r) + (self.expand_body(rest) if label == "ORG" else rest)
                return self._known(canon), canon, "prefix"
            if label == "ORG":
                if p != r.name and r.level in self.org_expand_levels and not self.org_keep.search(rest):
                    canon = self.inst_form(r) + self.expand_body(rest)
                    return self._known(canon), canon, "prefix"
                canon = p + self.expand_body(rest)
                if canon != s:
                    return self._known(canon), canon, "expand"
        elif label == "ORG":
            canon = self.expand_body(s)
            if canon != s:
                return self._known(canon), canon, "expand"
        # fuzzy against the gazetteer's names
        if self._inst_list and len(s) >= 4:
            hit = process.extractOne(s, self._inst_list, scorer=fuzz.ratio, score_cutoff=self.fuzzy)
            # a typo or a dropped character, not a different body that contains the name
            if hit and _NUMERALS.findall(hit[0]) == _NUMERALS.findall(s) \
                    and abs(len(hit[0]) - len(s)) <= 2 and s not in hit[0] and hit[0] not in s:
                return self._inst_names[hit[0]].id, hit[0], "fuzzy"
        if not self.complete.search(s):
            subs = {n for n in self._by_first.get(s[0], ()) if len(n) > len(s) and is_subsequence(s, n)
                    and _NUMERALS.findall(n) == _NUMERALS.findall(s)}     # 昆十中 is not 第十四中学
            if len(subs) == 1:
                n = subs.pop()
                return self._inst_names[n].id, n, "abbrev-gaz"
        if pre is None:
            own = self.own(context)
            levels, heads = self.bare.get(label, (set(), None))
            if own is not None and own.level in levels and heads is not None and heads.search(s) \
                    and not _PROV_PAIR.match(s):
                canon = self.inst_form(own) + s
                return self._known(canon), canon, "bare"
        return None, s, "nil"

    # ------------------------------------------------------------------ entry point
    def link(self, label: str, surface: str, context: Sequence[str], publisher: str | None = None,
             doc_names: Sequence[str] | None = None) -> tuple[str | None, str]:
        from . import clean
        s = clean(surface)
        if not s:
            return None, s
        if label == "REGION":
            return self.link_region(s, context)
        if label in ("SCHOOL", "ORG"):
            kb, canon, _ = self.link_institution(label, s, context, publisher, doc_names)
            return kb, canon
        inst = self.gaz.institution_surfaces().get(s)
        if inst is not None and inst.label == label:
            return inst.id, inst.canonical
        return None, s
