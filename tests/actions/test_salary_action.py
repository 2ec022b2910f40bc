from rasa_sdk.events import SlotSet

from actions.actions import ActionAnswerSalary
from bot import render
from tests.actions.conftest import make_tracker


async def test_salary_for_role_cites_every_source(dispatcher, domain):
    events = await ActionAnswerSalary().run(dispatcher, make_tracker({"role": "客服主管"}), domain)

    assert events == []
    (message,) = dispatcher.messages
    text = message["text"]
    assert "18000-30000元/月" in text
    assert "来源:《客服主管职业发展前景深度分析" in text
    assert "来源:《客服管理师》" in text and "来源:《客服岗名称是什么》" in text
    assert "不一致" in text
    payload = message["custom"]
    assert payload["type"] == "salary_ranges" and payload["role"] == "客服主管"
    assert {r["source_id"] for r in payload["ranges"]} == {
        "kefu-zhuguan-outlook",
        "kefu-guanlishi",
        "kefu-job-titles",
    }


async def test_alias_slot_is_canonicalised(dispatcher, domain):
    events = await ActionAnswerSalary().run(
        dispatcher, make_tracker({"role": "客户体验总监"}), domain
    )
    assert events == [SlotSet("role", "客服总监")]
    assert "15万-25万元/年" in dispatcher.messages[0]["text"]


async def test_missing_role_asks_with_buttons(dispatcher, domain):
    events = await ActionAnswerSalary().run(dispatcher, make_tracker(), domain)
    assert events == []
    (message,) = dispatcher.messages
    assert "哪个岗位" in message["text"]
    titles = [b["title"] for b in message["buttons"]]
    assert titles == ["客服专员", "客服主管", "客服经理", "客服总监", "客户服务管理师"]
    assert message["buttons"][1]["payload"] == '/ask_salary{"role": "客服主管"}'


async def test_role_without_salary_says_not_covered_and_has_no_number(dispatcher, domain):
    await ActionAnswerSalary().run(dispatcher, make_tracker({"role": "客户服务管理师"}), domain)
    text = dispatcher.messages[0]["text"]
    assert "没有客户服务管理师的薪资信息" in text
    assert not any(ch.isdigit() for ch in text)


async def test_missing_store_gets_a_polite_reply(dispatcher, domain, tmp_path, monkeypatch):
    monkeypatch.setenv("KNOWLEDGE_DB", str(tmp_path / "gone.db"))
    events = await ActionAnswerSalary().run(dispatcher, make_tracker({"role": "客服主管"}), domain)
    assert events == []
    assert dispatcher.messages[0]["text"] == render.NOT_AVAILABLE
