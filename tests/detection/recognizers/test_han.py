"""Chinese names in Han characters: alone in other text, or announced inside Chinese."""

from __future__ import annotations

import pytest

from qorgan.detection.recognizers.han import HanNameRecognizer, HanPlaceRecognizer


def _names(text: str) -> list[str]:
    return [text[h.start : h.end] for h in HanNameRecognizer().scan(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The ticket was opened by 李娜.", ["李娜"]),
        ("Contact 王小明 at the desk", ["王小明"]),
        ("Клиент 陈静 позвонил вчера.", ["陈静"]),
        ("客户王伟的电话是13800138000。", ["王伟"]),
        ("尊敬的张伟先生，您好！", ["张伟"]),
        ("欧阳娜娜女士已付款。", ["欧阳娜娜"]),
        ("姓名：刘洋", ["刘洋"]),
    ],
)
def test_names(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "王国的历史很长。",  # "kingdom" opens with the family name 王
        "今天天气很好，我们去公园。",
        "We flew to 武汉 and then 成都.",
        "She lives in 徐州市.",
        "Huawei (华为) released a phone.",
        "東京の田中さん",  # Japanese: kanji between kana are words
        "中国银行",
    ],
)
def test_no_names(text: str) -> None:
    assert _names(text) == []


def _places(text: str) -> list[str]:
    return [text[h.start : h.end] for h in HanPlaceRecognizer().scan(text)]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("She lives in 徐州市.", ["徐州市"]),
        ("We flew to 武汉 and then 成都.", ["武汉", "成都"]),
        ("我住在北京，工作在上海。", ["北京", "上海"]),
        ("北京的天气很好。", ["北京"]),
        ("他来自河北省石家庄市。", ["河北省", "石家庄市"]),
    ],
)
def test_places(text: str, places: list[str]) -> None:
    assert _places(text) == places


@pytest.mark.parametrize("text", ["这个城市很大，超市很多。", "中国银行", "北京大学", "小区门口"])
def test_no_places(text: str) -> None:
    assert _places(text) == []
