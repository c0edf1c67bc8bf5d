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


# a school's campus or group after its name (…南校区, …教育集团)
# (the campus word never starts with 学: in 第四十六中学南校区 the school is …中学, not …中)
_CAMPUS = re.compile(r"(?<=[中小学校园院])([^校学]{1,4}校区|分校|教育集团|集团)$")
# methods that wrote a short name out (a campus keeps the school's name as found)
_WRITTEN_OUT = ("alias", "rule", "abbrev", "university", "own-place", "type", "prefix")

# a name opening with a level character (县一高) whose level rule found no place stays NIL
_LEVEL_INITIALS = tuple("省市县区州盟旗")
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
        self.school_types = [(re.compile(a), b) for a, b in cfg.get("school_type_expansions", []) or []]
        self.uni_prefixes = dict(cfg.get("university_prefixes") or {})
        self.province_unis = dict(cfg.get("province_universities") or {})
        self.district_branches = dict(cfg.get("district_branches") or {})
        self.school_short = dict(cfg.get("school_short_names") or {})
        self.complete = re.compile(cfg.get("complete_heads", r"(中学|小学|大学|学院|学校)$"))
        self.bare = {lab: (set(v.get("levels", [])), re.compile(v.get("heads", "$^")))
                     for lab, v in (cfg.get("bare_prefix", {}) or {}).items()}
        ore = cfg.get("org_region_expand", {}) or {}
        self.org_expand_levels = set(ore.get("levels", ["city", "county"]))
        self.org_keep = re.compile(ore.get("keep_heads", "$^"))
        ctx = cfg.get("context", {}) or {}
        self.bureau_suffix = ctx.get("bureau_suffix", "教育局")
        self.not_level = tuple(cfg.get("not_level_prefix", []) or [])
        self.short_full = re.compile(cfg.get("school_full_region", "$^"))
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
        if lvl in ("地", "地区", "行署"):      # a prefecture's bodies: 地委, 行署 (地区 or 盟)
            return next((r for r in chain if r.name.endswith(("地区", "盟"))), None)
        if lvl == "林区":
            return own if own.name.endswith("林区") else None
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
            # a division directly under a province (神农架林区) is written alone; one under a
            # city or a municipality (北京市海淀区) keeps it
            if p is not None and (p.level == "city" or p.name.endswith("市")) \
                    and not r.name.startswith(p.name):
                return p.name + r.name
        return r.name

    def bureau(self, context: Sequence[str], publisher: str | None) -> str | None:
        if publisher:
            from . import clean
            pub = clean(publisher)
            if pub.endswith(("局", "厅", "教委", "教育委员会")):
                return pub
        own = self.own(context)
        if own is None:
            return None
        if own.level == "province":      # 教育厅 of a province, 教育委员会 of a municipality
            return own.name + ("教育委员会" if own.name.endswith("市") else "教育厅")
        return self.inst_form(own) + self.bureau_suffix

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

    def foreign_county_short(self, p: str, r: "Region", context: Sequence[str]) -> bool:
        """A county-level division's short form (西工 for 洛阳市西工区) at the head of a school
        name in a report of another province is no place prefix (西工大附中 in a Shaanxi report)."""
        own = self.own(context)
        return (r.level == "county" and p != r.name and own is not None
                and own.province is not None and r.province != own.province)

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
        # 温州二中 is 温州市第二中学, never 温州市第十二中学: the numerals must agree
        nums = _NUMERALS.findall(s)
        subs = {n for n in longer if n[0] == s[0] and is_subsequence(s, n) and _NUMERALS.findall(n) == nums}
        return subs.pop() if len(subs) == 1 else None

    # ------------------------------------------------------------------ school short names
    def expand_school_type(self, s: str, whole: bool = False) -> str:
        """温溪高中 -> 温溪高级中学: the contracted type word at the end written out (``whole``: s
        may be the type word alone, 二附中 after a university's name)."""
        for rx, rep in self.school_types:
            m = rx.search(s)
            if m and (whole or m.start() > 0):
                return s[:m.start()] + rep.format(**m.groupdict())
        return s

    def school_rest(self, rest: str) -> str | None:
        """What follows a school's place written out: 三中 -> 第三中学, 职高 -> 职业高级中学,
        进校 -> 教师进修学校; None when nothing in it is contracted."""
        for rx, rep in self.school_abbr:
            m = rx.search(rest)
            if m:
                return rest[:m.start()] + rep.format(**m.groupdict())
        longer = self.expand_school_type(rest, whole=True)
        return longer if longer != rest else None

    def university(self, short: str, context: Sequence[str]):
        """The university a short form names: one the registry lists (首师大), a national one
        (川大), or one of several sharing the form (南师大: 南京 / 南宁师范大学) that is the only
        one in the report's province.  None when it cannot be told."""
        inst = self.gaz.institution_surfaces().get(short)
        if inst is not None and inst.label == "SCHOOL" and inst.canonical.endswith(("大学", "学院")):
            return inst
        name = self.uni_prefixes.get(short) or self.school_short.get(short)
        if name:
            return self._inst_names.get(name)
        own = self.own(context)
        kind = self.province_unis.get(short)
        if kind and own is not None and own.province:
            # 师大 in a Yunnan report: the province's own 云南师范大学
            prov = self.gaz.region(own.province)
            for form in ((prov.name,) + tuple(prov.short_forms)) if prov else ():
                inst = self._inst_names.get(form + kind)
                if inst is not None:
                    return inst
        cands = self.gaz.shared_school_forms.get(short)
        if not cands or own is None or not own.province:
            return None
        full = self.gaz._region_full
        hits = [inst for inst, loc in cands if any(r.province == own.province for r in full.get(loc, ()))]
        return hits[0] if len(hits) == 1 else None

    def school_of_university(self, s: str, context: Sequence[str]) -> tuple[str | None, str, str] | None:
        """南师大 (in a Jiangsu report) -> 南京师范大学; 首师大附中 -> 首都师范大学附属中学;
        北师大南山附校 -> 北京师范大学南山附属学校."""
        for n in range(min(len(s), 8), 1, -1):
            head, rest = s[:n], s[n:]
            if rest and "附" not in rest:
                continue
            uni = self.university(head, context)
            if uni is None:
                continue
            if not rest:
                return uni.id, uni.canonical, "university"
            # the affiliated school's type word written out where it ends (附中永丰学校 ->
            # 附属中学永丰学校, 二附中 -> 第二附属中学)
            for i in range(len(rest), 1, -1):
                longer = self.expand_school_type(rest[:i], whole=True)
                if longer != rest[:i]:
                    rest = longer + rest[i:]
                    break
            canon = uni.canonical + rest
            return self._known(canon), canon, "university"
        return None

    def own_place_school(self, s: str, context: Sequence[str]) -> tuple[str | None, str, str] | None:
        """昆一中 in a Kunming report, 齐市一中 in a Qiqihar one -> 昆明市第一中学 / 齐齐哈尔市第一中学:
        the report's own city (or county) by its first character, with or without 市, before a
        numbered school's short name."""
        own = self.own(context)
        if own is None:
            return None
        for r in self.ancestors(own.code):
            if r.level not in ("city", "county") or len(r.name) < 3:
                continue
            # 齐市 / 伊旗 (the first character and the level character), or 昆 alone before a number
            for form, numbered in ((r.name[0] + r.name[-1], False), (r.name[0], True)):
                rest = s[len(form):] if s.startswith(form) else ""
                if not rest or (numbered and not _NUMERALS.match(rest)):
                    continue
                longer = self.school_rest(rest)
                # after 昆 alone the number itself must be what was written out (一中 -> 第一中学)
                if longer is not None and not (numbered and longer.startswith(rest[:1])):
                    canon = self.inst_form(r) + longer
                    return self._known(canon), canon, "own-place"
        return None

    def _known(self, name: str) -> str | None:
        inst = self._inst_names.get(name)
        return inst.id if inst else None

    def link_institution(self, label: str, s: str, context: Sequence[str], publisher: str | None = None,
                         doc_names: Sequence[str] | None = None) -> tuple[str | None, str, str]:
        """(kb_id, canonical, method)."""
        if not s:
            return None, s, "nil"
        inst = self.gaz.institution_surfaces().get(s)
        if inst is not None:
            return inst.id, inst.canonical, "alias"
        if label == "SCHOOL":
            # a campus or group of a school named short: the school's name written out, then
            # the rest as written (石家庄二中南校区 -> 石家庄市第二中学南校区)
            m = _CAMPUS.search(s)
            if m and m.start() >= 2:
                kb, canon, how = self.link_institution(label, s[:m.start()], context, publisher, doc_names)
                if how in _WRITTEN_OUT and canon != s[:m.start()]:
                    return self._known(canon + m.group()), canon + m.group(), how
            hit = self.school_of_university(s, context) or self.own_place_school(s, context)
            if hit is not None:
                return hit
        # level short forms: 市教育局, 局党委, 区委
        level_ok = not s.startswith(self.not_level)
        for rx, tmpl in self.short_rules:
            m = rx.match(s) if level_ok or "{bureau}" in tmpl else None
            if not m:
                continue
            g = m.groupdict()
            vals = {k: v or "" for k, v in g.items()}
            rest = vals.get("rest", "")
            vals["rest"] = self.expand_body(rest) if label == "ORG" else (self.school_rest(rest) or rest)
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
            if "{city}" in tmpl or "{county}" in tmpl:
                # the report's own district and the city above it (区公安分局 -> X市公安局Y区分局)
                own = self.own(context)
                city = next((a for a in self.ancestors(own.code) if a.level == "city"), None) if own else None
                if own is None or own.level != "county" or city is None:
                    continue
                vals["city"], vals["county"] = city.name, own.name
            canon = tmpl.format(**vals)
            return self._known(canon), canon, "rule"
        if doc_names:
            c = self.coref(s, doc_names)
            if c:
                return self._known(c), c, "coref"
        pre = self.region_prefix(s, context)
        if pre is not None and label == "SCHOOL" and self.foreign_county_short(*pre, context):
            pre = None
        if pre is not None:
            p, r = pre
            rest = s[len(p):]
            own = self.own(context)
            if label == "SCHOOL":
                longer = self.school_rest(rest)
                if longer is not None:
                    canon = self.inst_form(r) + longer
                    return self._known(canon), canon, "abbrev"
                full = self.short_full.search(r.name)
                if p != r.name and full and p.endswith(full.group("short")):
                    # an autonomous prefecture named short (玉树州 for 玉树藏族自治州): not a
                    # name a school goes by, so its full name is written
                    canon = r.name + rest
                    return self._known(canon), canon, "prefix"
            if own is not None and r.code == own.code and p == r.name and self.inst_form(r) != r.name:
                canon = self.inst_form(r) + (self.expand_body(rest) if label == "ORG" else rest)
                return self._known(canon), canon, "prefix"
            if label == "ORG":
                branch = self.district_branches.get(rest)
                if branch and r.level == "county" and r.parent:
                    # a district's police is a branch of the city's bureau: 海淀公安分局 ->
                    # 北京市公安局海淀分局
                    city = self.gaz.region(r.parent)
                    if city is not None:
                        canon = city.name + branch.format(p=p)
                        return self._known(canon), canon, "prefix"
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
        elif label == "SCHOOL" and not s.startswith(_LEVEL_INITIALS):
            # 温溪高中 -> 温溪高级中学, then as that name (the county's in front in a county report)
            longer = self.expand_school_type(s)
            if longer != s:
                kb, canon, how = self.link_institution(label, longer, context, publisher, doc_names)
                return kb, canon, ("type" if how == "nil" else how)
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
