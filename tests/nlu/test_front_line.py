"""FrontLineFilter: 一线 of the front line is no city tier; 一线 of a city still is."""

import pytest
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.front_line import FrontLineFilter


def _tiers_kept(text: str) -> list:
    start = text.index("一线")
    tier = {"entity": "city_tier", "start": start, "end": start + 2, "value": "一线"}
    role = {"entity": "role", "start": 0, "end": 4, "value": "客服主管"}
    message = Message({TEXT: text, ENTITIES: [role, tier]})
    (out,) = FrontLineFilter.create({}, None, None, None).process([message])
    assert role in out.get(ENTITIES)
    return [e for e in out.get(ENTITIES) if e["entity"] == "city_tier"]


@pytest.mark.parametrize(
    "text",
    [
        "客服主管要不要跟着一线倒夜班?",
        "客服经理,想从一线坐席里挑人培养",
        "客服主管通常是管理岗还是一线岗?",
        "客服主管跟一线接电话的有啥区别",
        "客服主管带一线的同事加班吗",
    ],
)
def test_the_front_line_is_no_city_tier(text):
    assert _tiers_kept(text) == []


@pytest.mark.parametrize(
    "text", ["客服主管在一线和二线工资差多少", "客服主管该留在老家还是去一线", "客服主管一线工资"]
)
def test_a_first_tier_city_stays_one(text):
    assert [e["value"] for e in _tiers_kept(text)] == ["一线"]
