"""Jurisdiction names and codes, in English and in the jurisdiction's own language.

Everywhere in the product a jurisdiction may be given as a code or a name: "DE", "Germany",
"Deutschland"; "CN-SH", "Shanghai", "上海"; "EU", "European Union". Codes are ISO 3166
(sub-national ISO 3166-2), plus "EU" and "global".

Example::

    from assistant.jurisdictions import normalize, mentioned
    normalize("Deutschland")                                   # 'DE'
    mentioned("How do Germany and China compare on EPR?")      # ['DE', 'CN']
"""

from __future__ import annotations

import re

# code: (English name, other names and adjectives matched in questions)
JURISDICTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "global": ("Global / international", ("global", "international", "worldwide", "OECD", "WBCSD")),
    "EU": ("European Union", ("EU", "European Union", "Europäische Union", "Europese Unie", "欧盟", "Europe", "European")),
    "DE": ("Germany", ("Germany", "German", "Deutschland", "deutsch", "Duitsland", "德国", "BRD")),
    "NL": ("Netherlands", ("Netherlands", "Dutch", "Nederland", "Holland", "荷兰", "Niederlande")),
    "CN": ("China", ("China", "Chinese", "PRC", "People's Republic of China", "中国", "中华人民共和国")),
    "CN-SH": ("Shanghai (China)", ("Shanghai", "上海")),
    "CN-SD": ("Shandong (China)", ("Shandong", "山东")),
    "US": ("United States", ("United States", "USA", "U.S.", "US", "America", "American", "美国")),
    "SG": ("Singapore", ("Singapore", "Singaporean", "新加坡")),
    "JP": ("Japan", ("Japan", "Japanese", "Nippon", "日本")),
    "GB": ("United Kingdom", ("United Kingdom", "UK", "Britain", "British", "England", "English law", "英国")),
    "FR": ("France", ("France", "French", "法国")),
    "FI": ("Finland", ("Finland", "Finnish", "Suomi", "芬兰")),
    "SE": ("Sweden", ("Sweden", "Swedish", "瑞典")),
    "DK": ("Denmark", ("Denmark", "Danish", "丹麦")),
    "BE": ("Belgium", ("Belgium", "Belgian", "België", "比利时")),
    "AT": ("Austria", ("Austria", "Austrian", "Österreich", "奥地利")),
    "IT": ("Italy", ("Italy", "Italian", "意大利")),
    "ES": ("Spain", ("Spain", "Spanish", "西班牙")),
    "PL": ("Poland", ("Poland", "Polish", "波兰")),
    "KR": ("South Korea", ("South Korea", "Korea", "Korean", "韩国")),
    "IN": ("India", ("India", "Indian", "印度")),
    "BR": ("Brazil", ("Brazil", "Brazilian", "巴西")),
    "CA": ("Canada", ("Canada", "Canadian", "加拿大")),
    "AU": ("Australia", ("Australia", "Australian", "澳大利亚")),
    "VN": ("Vietnam", ("Vietnam", "Viet Nam", "Vietnamese", "越南")),
    "UA": ("Ukraine", ("Ukraine", "Ukrainian", "乌克兰")),
    "ZA": ("South Africa", ("South Africa", "South African", "南非")),
    "ID": ("Indonesia", ("Indonesia", "Indonesian", "印度尼西亚")),
    "TH": ("Thailand", ("Thailand", "Thai", "泰国")),
    "MX": ("Mexico", ("Mexico", "Mexican", "墨西哥")),
    "CH": ("Switzerland", ("Switzerland", "Swiss", "Schweiz", "瑞士")),
    "NO": ("Norway", ("Norway", "Norwegian", "挪威")),
    "IE": ("Ireland", ("Ireland", "Irish", "爱尔兰")),
    "PT": ("Portugal", ("Portugal", "Portuguese", "葡萄牙")),
    "GR": ("Greece", ("Greece", "Greek", "希腊")),
    "CZ": ("Czechia", ("Czechia", "Czech Republic", "Czech", "捷克")),
    "HU": ("Hungary", ("Hungary", "Hungarian", "匈牙利")),
    "RO": ("Romania", ("Romania", "Romanian", "罗马尼亚")),
    "EE": ("Estonia", ("Estonia", "Estonian", "爱沙尼亚")),
    "LT": ("Lithuania", ("Lithuania", "Lithuanian", "立陶宛")),
    "SI": ("Slovenia", ("Slovenia", "Slovenian", "斯洛文尼亚")),
    "TR": ("Turkey", ("Turkey", "Türkiye", "Turkish", "土耳其")),
    "RU": ("Russia", ("Russia", "Russian Federation", "Russian", "俄罗斯")),
    "KE": ("Kenya", ("Kenya", "Kenyan", "肯尼亚")),
    "NG": ("Nigeria", ("Nigeria", "Nigerian", "尼日利亚")),
    "EG": ("Egypt", ("Egypt", "Egyptian", "埃及")),
    "RW": ("Rwanda", ("Rwanda", "Rwandan", "卢旺达")),
    "GH": ("Ghana", ("Ghana", "Ghanaian", "加纳")),
    "MA": ("Morocco", ("Morocco", "Moroccan", "摩洛哥")),
    "CL": ("Chile", ("Chile", "Chilean", "智利")),
    "AR": ("Argentina", ("Argentina", "Argentine", "Argentinian", "阿根廷")),
    "CO": ("Colombia", ("Colombia", "Colombian", "哥伦比亚")),
    "PE": ("Peru", ("Peru", "Peruvian", "秘鲁")),
    "NZ": ("New Zealand", ("New Zealand", "新西兰")),
    "PH": ("Philippines", ("Philippines", "Philippine", "Filipino", "菲律宾")),
    "MY": ("Malaysia", ("Malaysia", "Malaysian", "马来西亚")),
    "PK": ("Pakistan", ("Pakistan", "Pakistani", "巴基斯坦")),
    "BD": ("Bangladesh", ("Bangladesh", "Bangladeshi", "孟加拉国")),
    "SA": ("Saudi Arabia", ("Saudi Arabia", "Saudi", "沙特阿拉伯")),
    "AE": ("United Arab Emirates", ("United Arab Emirates", "UAE", "Emirati", "阿联酋")),
    "IL": ("Israel", ("Israel", "Israeli", "以色列")),
    "TW": ("Taiwan", ("Taiwan", "Taiwanese", "台湾")),
    "HK": ("Hong Kong", ("Hong Kong", "香港")),
}

_ALIASES: dict[str, str] = {}
for _code, (_name, _names) in JURISDICTIONS.items():
    for _alias in (_code, _name, *_names):
        _ALIASES[_alias.casefold()] = _code
_ALIASES["uk"] = "GB"

# Case-sensitive for short upper-case codes ("US", "EU", "UK") so "us" and "eu" in prose don't match.
_PATTERNS = sorted(
    ((alias, code) for code, (name, names) in JURISDICTIONS.items() for alias in (name, *names)),
    key=lambda item: -len(item[0]),
)
_CJK = re.compile(r"[\u3400-\u9fff]")


class UnknownJurisdictionError(ValueError):
    pass


def normalize(value: str) -> str:
    """Code for a code or name in any supported language; raises on an unknown one."""
    key = value.strip().casefold()
    if key in _ALIASES:
        return _ALIASES[key]
    if re.fullmatch(r"[a-z]{2}(-[a-z0-9]{1,3})?", key):
        return key.upper()  # any ISO code is accepted, even one the corpus doesn't cover
    raise UnknownJurisdictionError(f"unknown jurisdiction {value!r}: use an ISO code (DE, CN-SH), EU, global, or a country name")


def name(code: str) -> str:
    return JURISDICTIONS.get(code, (code, ()))[0]


def mentioned(text: str) -> list[str]:
    """Jurisdictions a question names, in order of first mention, without duplicates."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for alias, code in _PATTERNS:
        if _CJK.search(alias):
            pattern = re.escape(alias)
            flags = 0
        elif alias.isupper() and len(alias) <= 4:
            pattern = rf"(?<![\w.]){re.escape(alias)}(?![\w])"
            flags = 0
        else:
            pattern = rf"(?<!\w){re.escape(alias)}(?!\w)"
            flags = re.I
        for m in re.finditer(pattern, text, flags):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # inside a longer alias already matched ("South Korea", "Shanghai")
            taken.append((m.start(), m.end()))
            found.append((m.start(), code))
    out: list[str] = []
    for _, code in sorted(found):
        if code not in out:
            out.append(code)
    return out


def expand(codes: list[str], known: set[str]) -> list[str]:
    """A country includes its sub-national jurisdictions: CN -> CN, CN-SH, CN-SD (those indexed)."""
    out: list[str] = []
    for code in codes:
        for candidate in [code, *sorted(k for k in known if k.startswith(code + "-"))]:
            if candidate not in out:
                out.append(candidate)
    return out
