"""Chinese names written in Han characters (``PERSON``).

No NER model here reads Chinese, and Chinese runs its words together, so a name is found by
its shape: a family name from the common list (the single-character ones that cover most
people, and the compound ones), then one or two characters of given name.

* **Alone in other text** (Han characters a minority of the letters, no Japanese kana): a
  run of two or three Han characters (four with a compound family name) between non-Han
  characters that opens with a family name ("Customer 王伟 called", "клиент 李娜").
* **Inside Chinese text**, where almost any character may follow a family name, only where
  a word announces the name: a label or form of address before it (姓名：, 客户, 联系人,
  尊敬的, 收件人, 患者) or a title after it (先生, 女士, 小姐, 老师, 经理, 医生). The given
  name stops before the particles and verbs that follow names (的, 是, 说, 电话...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qorgan.detection.recognizers.scan import Hit, ScanRecognizer

__all__ = ["HAN", "HanNameRecognizer"]

#: what the trigger needs to see
HAN = r"[\u4e00-\u9fff]"
SCORE = 0.85

_SINGLE = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "长孙", "宇文",
             "尉迟", "夏侯", "公孙", "端木", "司徒", "独孤", "南宫", "西门", "轩辕", "呼延")
_FAMILY = rf"(?:{'|'.join(_COMPOUND)}|[{_SINGLE}])"
# characters that end a given name: particles, verbs and words that follow a name
_STOP = (
    "的是在和与及了说先女小老经总医教同电打给请已于将对向从把被让叫告发来去要会也都就还"
    "您你我他她们等"
)
# a lone run in other text: the family name and one to two (three for a compound family
# name) more characters, nothing Han on either side
_ALONE = re.compile(
    rf"(?<![\u4e00-\u9fff])(?:{'|'.join(_COMPOUND)}[\u4e00-\u9fff]{{1,2}}|[{_SINGLE}]"
    rf"[\u4e00-\u9fff]{{1,2}})(?![\u4e00-\u9fff])"
)
_BEFORE = "姓名|名字|客户|顾客|联系人|尊敬的|亲爱的|收件人|寄件人|患者|病人|员工|申请人|负责人|致"
_AFTER = "先生|女士|小姐|老师|同学|经理|医生|教授|总监|主任|律师"
_CUED = re.compile(
    rf"(?:(?:{_BEFORE})[:：\s]*)(?P<a>{_FAMILY}[^\W\d{_STOP}a-zA-Z]{{1,2}})"
    rf"|(?P<b>{_FAMILY}[^\W\d{_STOP}a-zA-Z]{{1,2}}?)(?={_AFTER})"
)


# places and companies that open with a family name's character ("武汉", "成都", "华为"),
# and the endings of place names
_NOT_NAME_WORDS = """
    江苏 江西 武汉 成都 温州 常州 金华 安徽 黄河 黄山 长沙 长春 吉林 宁波 宁夏 石家庄 苏州
    沈阳 甘肃 郑州 徐州 唐山 岳阳 柳州 桂林 齐齐哈尔 景德镇 秦皇岛 曲靖 康定 邯郸 包头 龙岩
    潘家园 钱塘 韩国 马来西亚 罗马 高雄 林芝 梅州 蒙古 房山 卢森堡 乔治亚 文昌 万宁 海口
    华为 吉利 万达 万科 龙湖 金山 金蝶 方正 苏宁 华润 华夏 中华 史记 高铁 马路 白天 黄金
    金额 金融 高兴 高级 王国 江湖 林业 马上 安全 安排 方便 方法 明天 明白 时间 文件 武器
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
_PLACE_END = re.compile(r"[州市省区县镇村岛港]$")


class HanNameRecognizer(ScanRecognizer):
    """See the module docstring."""

    ENTITY = "PERSON"

    def scan(self, text: str) -> Iterator[Hit]:
        seen: set[tuple[int, int]] = set()
        for match in _CUED.finditer(text):
            group = "a" if match.group("a") is not None else "b"
            span = match.span(group)
            if _han(text[span[0] : span[1]]) and _name_like(text[span[0] : span[1]]):
                seen.add(span)
                yield Hit(*span, SCORE, "a Chinese family name after or before a cue")
        if not _mostly_other_script(text):
            return
        for match in _ALONE.finditer(text):
            if match.span() not in seen and _name_like(match.group()):
                yield Hit(match.start(), match.end(), SCORE, "a Chinese name alone in the text")


def _name_like(value: str) -> bool:
    return value not in _NOT_NAMES and _PLACE_END.search(value) is None


def _han(value: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in value)


_KANA = re.compile(r"[\u3040-\u30ff]")


def _mostly_other_script(text: str) -> bool:
    """Whether Han characters are a minority of the text's letters, and it is no Japanese
    (whose kanji stand between kana as words, not names)."""
    if _KANA.search(text):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    return sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff") * 2 < len(letters)
