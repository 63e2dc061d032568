"""Chinese names and places written in Han characters (``PERSON``, ``LOCATION``).

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

Places: China's provinces and large cities by name (北京, 上海, 广东), and a name of two to
four characters with its ending (徐州市, 某某县, 朝阳区), where the text around ends the
word; everyday words with those endings (城市, 超市, 小区) are none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qorgan.detection.recognizers.scan import Hit, ScanRecognizer

__all__ = ["HAN", "HanNameRecognizer", "HanPlaceRecognizer"]

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


_PLACE_WORDS = """
    中国 北京 上海 天津 重庆 广州 深圳 杭州 南京 武汉 成都 西安 苏州 长沙 郑州 沈阳 青岛 宁波
    东莞 佛山 合肥 昆明 福州 厦门 哈尔滨 济南 大连 长春 石家庄 南宁 贵阳 南昌 太原 乌鲁木齐
    兰州 呼和浩特 拉萨 西宁 银川 海口 三亚 香港 澳门 台北 台湾 无锡 温州 徐州 珠海 汕头
    河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川
    贵州 云南 陕西 甘肃 青海 内蒙古 广西 西藏 宁夏 新疆
"""
_PLACES = sorted(_PLACE_WORDS.split(), key=len, reverse=True)
_SUFFIX = "(?:自治区|市|省|县|区)"
# the word ends at a non-Han character or a particle ("北京的", "在上海工作" is not cut)
_END = rf"(?![\u4e00-\u9fff])|(?=[{_STOP}])"
# a listed place with its ending needs no boundary after it ("河北省石家庄市")
_LISTED_PLACE = re.compile(rf"(?:{'|'.join(_PLACES)})(?:{_SUFFIX}|(?:{_END}))")
_SUFFIXED_PLACE = re.compile(
    rf"(?:(?<![\u4e00-\u9fff])|(?<=[在住于到去从自]))[\u4e00-\u9fff]{{2,4}}?{_SUFFIX}(?:{_END})"
)
_NOT_PLACE_WORDS = """
    城市 超市 都市 股市 上市 门市 夜市 菜市 黑市 地区 社区 小区 园区 景区 郊区 市区 山区 灾区
    街区 城区 校区 展区 专区 误区 禁区 牧区 矿区 老区 新区 全市 全省 全县 本市 本省 外省 各省
"""
_NOT_PLACES = frozenset(_NOT_PLACE_WORDS.split())


class HanPlaceRecognizer(ScanRecognizer):
    """See the module docstring."""

    ENTITY = "LOCATION"

    def scan(self, text: str) -> Iterator[Hit]:
        seen: list[tuple[int, int]] = []
        for pattern, reason in ((_LISTED_PLACE, "a listed Chinese place"),
                                (_SUFFIXED_PLACE, "a Chinese place name and its ending")):
            for match in pattern.finditer(text):
                start, end = match.span()
                if match.group() in _NOT_PLACES or any(s < end and start < e for s, e in seen):
                    continue
                seen.append((start, end))
                yield Hit(start, end, SCORE, reason)
