"""Chinese names in Han characters, read the way lists write them in Latin letters.

A list writes a Chinese party in pinyin with its words apart, and the generic words of a
company's name in English: 丹东鸿祥实业发展有限公司 is DANDONG HONGXIANG INDUSTRIAL
DEVELOPMENT CO LTD, 李方伟 is LI, Fangwei. anyascii spells Han one syllable per character
with no spaces ("dandonghongxiangshiyefazhanyouxiangongsi"), which no listed name is like.
So, before the rest of `normalize.fold`:

* the words of `HAN_TERMS` (legal forms, business and trade words, the words of the state
  groups' English names, the critical minerals, and the places whose pinyin is not what a
  list writes, or which anyascii reads wrongly: 香港 HONG KONG, 重庆 CHONGQING, not
  "xianggang", "zhongqing") become those English words;
* a name of two to four characters and none of those words (`_is_person`) is a person's:
  the surname (one character, or two for a compound surname) apart from the given name,
  written as one word;
* every other run of characters is read two characters to a word (a place, then a brand:
  丹东 DANDONG, 鸿祥 HONGXIANG), a run of three as one word; but in a foreign name spelt in
  characters, its parts set apart by a middle dot (奥萨马·本·拉登), each run is one word.

The words read by sound (`pinyin_words`) have no slips of a letter, another character being
another syllable: the matcher takes none of them for a typo. A foreign name spelt in
characters has none, its sounds being approximate; but one written without the dot reads as a
Chinese person's (本拉登 "ben ladeng") and no longer finds BIN LADEN by edit similarity.

Characters anyascii reads by their commonest sound are read so wherever `HAN_TERMS` does not
name them: 长安 comes out "zhangan", not CHANG'AN. Kanji in Japanese names is read as Chinese,
as anyascii did before: Japanese readings need a dictionary.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

HAN_TERMS: dict[str, str] = {
    # Legal forms: Co., Ltd. in any of its spellings (set aside as legal forms after this).
    "股份有限公司": "co ltd",
    "有限责任公司": "co ltd",
    "有限責任公司": "co ltd",
    "有限公司": "co ltd",
    "公司": "co",
    # Business and trade words lists give in English.
    "集团": "group",
    "集團": "group",
    "控股": "holdings",
    "技术": "technology",
    "技術": "technology",
    "科技": "technology",
    "国际": "international",
    "國際": "international",
    "贸易": "trading",
    "貿易": "trading",
    "商贸": "trading",
    "商貿": "trading",
    "进出口": "import export",
    "進出口": "import export",
    "实业": "industrial",
    "實業": "industrial",
    "工业": "industry",
    "工業": "industry",
    "发展": "development",
    "發展": "development",
    "投资": "investment",
    "投資": "investment",
    "船务": "shipping",
    "船務": "shipping",
    "海运": "shipping",
    "海運": "shipping",
    "航运": "shipping",
    "航運": "shipping",
    "物流": "logistics",
    "电子": "electronics",
    "電子": "electronics",
    "机械": "machinery",
    "機械": "machinery",
    "设备": "equipment",
    "設備": "equipment",
    "化工": "chemical",
    "能源": "energy",
    "银行": "bank",
    "銀行": "bank",
    # The state groups of the Entity List and the Chinese military-industrial companies list,
    # in the words their English names use (航天 AEROSPACE, CASC and CASIC; 航空 AVIATION, AVIC).
    "电信": "telecom",
    "電信": "telecom",
    "移动": "mobile",
    "移動": "mobile",
    "通信": "communications",
    "网络": "network",
    "網絡": "network",
    "联合": "united",
    "聯合": "united",
    "航天": "aerospace",
    "航空": "aviation",
    "科工": "science and industry",
    "工程": "engineering",
    "物理": "physics",
    "研究院": "academy",
    "研究所": "research institute",
    "科学院": "academy of sciences",
    "科學院": "academy of sciences",
    "大学": "university",
    "大學": "university",
    "国防": "national defense",
    "國防": "national defense",
    "北方": "north",
    "核工业": "nuclear industry",
    "核工業": "nuclear industry",
    "船舶": "shipbuilding",
    "重工": "heavy industry",
    "半导体": "semiconductor",
    "半導體": "semiconductor",
    "集成电路": "integrated circuit",
    "集成電路": "integrated circuit",
    "微电子": "microelectronics",
    "微電子": "microelectronics",
    "精密": "precision",
    "仪器": "instrument",
    "儀器": "instrument",
    "电力": "power",
    "電力": "power",
    "石油": "petroleum",
    "钢铁": "steel",
    "鋼鐵": "steel",
    "冶金": "metallurgy",
    "建设": "construction",
    "建設": "construction",
    # The critical minerals and their industries (铜业 "copper industry" is JIANGXI COPPER).
    "矿业": "mining",
    "礦業": "mining",
    "有色金属": "nonferrous metal",
    "有色金屬": "nonferrous metal",
    "矿产": "mineral",
    "礦產": "mineral",
    "资源": "resources",
    "資源": "resources",
    "新能源": "new energy",
    "金属": "metal",
    "金屬": "metal",
    "材料": "material",
    "稀土": "rare earth",
    "石墨": "graphite",
    "电池": "battery",
    "電池": "battery",
    "铜业": "copper",
    "銅業": "copper",
    "镍业": "nickel",
    "鎳業": "nickel",
    "钴业": "cobalt",
    "鈷業": "cobalt",
    "锂业": "lithium",
    "鋰業": "lithium",
    "钨业": "tungsten",
    "鎢業": "tungsten",
    "锡业": "tin",
    "錫業": "tin",
    "钼业": "molybdenum",
    "鉬業": "molybdenum",
    "铝业": "aluminum",
    "鋁業": "aluminum",
    "株式会社": "co ltd",  # Japanese kabushiki kaisha
    "会社": "co",
    "會社": "co",
    # Places lists write otherwise than anyascii reads them.
    "中国": "china",
    "朝鲜": "korea",
    "朝鮮": "korea",
    "中國": "china",
    "香港": "hong kong",
    "澳门": "macau",
    "澳門": "macau",
    "重庆": "chongqing",
    "重慶": "chongqing",
    "厦门": "xiamen",
    "廈門": "xiamen",
    "长沙": "changsha",
    "長沙": "changsha",
    "长春": "changchun",
    "長春": "changchun",
}
"""Han words and what a list writes for them, simplified and traditional characters both."""

COMPOUND_SURNAMES = frozenset(
    """
    欧阳 歐陽 司马 司馬 诸葛 諸葛 上官 司徒 东方 東方
    皇甫 令狐 慕容 夏侯 尉迟 尉遲 公孙 公孫 长孙 長孫
    """.split()
)
"""Two-character surnames, written as one word apart from the given name (欧阳修 OUYANG Xiu)."""

_LONGEST_TERM = max(map(len, HAN_TERMS))
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_FOREIGN_NAME_DOT = re.compile("[\u00b7\u2022\u2027\u30fb\uff65]")
"""The dot Chinese writes between the parts of a foreign name (努瓦夫·宾·沙特), and the
bullets and katakana dots written for it."""
_PERSON = range(2, 5)
"""Characters in a Chinese person's name, surname included."""


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def read_han(text: str) -> str:
    """`text` with each run of Han characters replaced by its Latin words, set apart by spaces
    (see the module's docstring); other characters are left as they are."""
    return _read(text)[0]


def pinyin_words(text: str) -> frozenset[str]:
    """The words read from `text`'s Han characters by their sound, not as `HAN_TERMS` words:
    those a different character would have changed (张利 ZHANG LI is not ZHANG, Lei). None in a
    foreign name spelt in characters, whose sounds are approximate."""
    return _read(text)[1]


def han_terms(text: str) -> list[tuple[str, str]]:
    """The `HAN_TERMS` words read in `text`, with what each was read as, for explanations."""
    return [(word, HAN_TERMS[word]) for run in _HAN.findall(text) for word in _terms(run)]


@lru_cache(maxsize=16384)
def _read(text: str) -> tuple[str, frozenset[str]]:
    """`read_han` and `pinyin_words` of `text`, worked out together."""
    name = text.strip()
    sounded: list[str] = []

    def sound(chars: str) -> str:
        sounded.append(word := anyascii(chars).lower())
        return word

    if _is_person(name):
        surname = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
        read = f"{sound(name[:surname])} {sound(name[surname:])}"
    elif _FOREIGN_NAME_DOT.search(text):
        # A foreign name spelt in characters: one word each part, and no pinyin words, since
        # characters spell foreign sounds only roughly (拉登 ladeng for Laden).
        read = _HAN.sub(lambda m: f" {anyascii(m.group(0)).lower()} ", text)
    else:

        def run(match: re.Match[str]) -> str:
            words = (
                " ".join(map(sound, _pairs(part))) if term is None else term
                for part, term in _segments(match.group(0))
            )
            return f" {' '.join(words)} "

        read = _HAN.sub(run, text)
    return read, frozenset(sounded)


def _is_person(name: str) -> bool:
    """Two to four characters and no `HAN_TERMS` word: a person's name; so is a name of three
    whose given name is one (王建设, Wang Jianshe: 建设 is also "construction"), but not one
    of four (天齐锂业, Tianqi Lithium) or beginning with one (中国银行)."""
    if len(name) not in _PERSON or not _HAN.fullmatch(name):
        return False
    segments = _segments(name)
    terms = sum(term is not None for _, term in segments)
    return terms == 0 or (len(name) == 3 and segments[0][1] is None and terms == 1)


def _segments(run: str) -> list[tuple[str, str | None]]:
    """The run cut into `HAN_TERMS` words (longest first, from the left) and the stretches
    between them, each with its term's reading or None."""
    found: list[tuple[str, str | None]] = []
    rest = ""
    i = 0
    while i < len(run):
        for size in range(min(_LONGEST_TERM, len(run) - i), 1, -1):
            term = HAN_TERMS.get(run[i : i + size])
            if term is not None:
                if rest:
                    found.append((rest, None))
                    rest = ""
                found.append((run[i : i + size], term))
                i += size
                break
        else:
            rest += run[i]
            i += 1
    if rest:
        found.append((rest, None))
    return found


def _terms(run: str) -> list[str]:
    return [part for part, term in _segments(run) if term is not None]


def _pairs(stretch: str) -> list[str]:
    """Two characters to a word; a stretch of three is one word, and so is an odd one out at
    the end, with the pair before it."""
    if len(stretch) <= 3:
        return [stretch]
    cuts = list(range(0, len(stretch), 2))
    if len(stretch) % 2:
        cuts.pop()
    return [stretch[a:b] for a, b in zip(cuts, [*cuts[1:], len(stretch)], strict=True)]
