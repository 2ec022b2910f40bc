"""Custom actions. Each reads the tracker, asks bot.knowledge and hands the facts to bot.render."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any, Dict, List, Sequence

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import check_at_startup, knowledge
from bot import render
from bot.knowledge import KnowledgeBase, StoreError
from bot.knowledge.match import lead
from bot.query import (
    INTENT_TOPICS,
    NEIGHBOUR_INTENTS,
    TOPIC_INTENTS,
    Query,
    resolve,
    roles_in,
    states_pay_detail,
)
from bot.text import detect_script, in_script, normalize_text

Events = List[Dict[str, Any]]


def user_text(tracker: Tracker) -> str:
    """The latest message as the NLU read it: normalized, its typos repaired (`read_as` is
    there only when some were)."""
    message = tracker.latest_message
    return message.get("read_as") or normalize_text(message.get("text") or "")


def query_of(kb: KnowledgeBase, tracker: Tracker, intent: str | None) -> Query:
    """The latest message read as `intent`, with the context the slots carry."""
    entities = tracker.latest_message.get("entities") or []
    return resolve(kb, intent, user_text(tracker), entities, tracker.slots)


def words_besides_entities(tracker: Tracker) -> str:
    """The user's text without its entities: 城市 in 二线城市 is a detail, not the topic."""
    text = user_text(tracker)
    for entity in tracker.latest_message.get("entities") or []:
        start, end = entity.get("start"), entity.get("end")
        if isinstance(start, int) and isinstance(end, int):
            text = text[:start] + " " * (end - start) + text[end:]
    return text


def user_script(tracker: Tracker) -> str:
    """The script of the user's last typed message; button clicks keep the previous one."""
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):
        return tracker.get_slot("script") or "simplified"
    return tracker.latest_message.get("script") or detect_script(text)


def say(dispatcher: CollectingDispatcher, script: str, answer: render.Answer) -> None:
    """Send an answer in the user's script; the structured payload goes along for the widget."""
    buttons = [dict(b, title=in_script(b["title"], script)) for b in answer.buttons]
    dispatcher.utter_message(text=in_script(answer.text, script), buttons=buttons)
    if answer.payload:
        dispatcher.utter_message(json_message=answer.payload)


# A fallback is answered only when the topic the text names is among the classifier's top few.
RESCUE_RANKS = 3


class KnowledgeAction(Action, ABC):
    """An action that needs the fact store, and says so politely when it is unavailable.

    Abstract, so that the action server does not register it as an action.
    """

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> Events:
        script = user_script(tracker)
        try:
            kb = knowledge()
        except StoreError:
            dispatcher.utter_message(text=in_script(render.NOT_AVAILABLE, script))
            return []
        answer, events = self.respond(kb, tracker)
        say(dispatcher, script, answer)
        return [*events, SlotSet("script", script)]

    @abstractmethod
    def respond(self, kb: KnowledgeBase, tracker: Tracker) -> tuple[render.Answer, Events]:
        """The answer to send, and the events (slot updates) that go with it."""


# Messages that add details to the question before: bare details (inform), and a yes or a no
# that carries them ("不是,我问的是客服经理", "对,在成都"; data/rules.yml routes those here).
FOLLOW_UPS = ("inform", "affirm", "deny")
# A request for help that names a role ("朋友问我客服主管是干嘛的,我该怎么跟他解释") is about
# that role, not about using the assistant (data/rules.yml routes it here).
TOPICLESS = (*FOLLOW_UPS, "help")


class ActionAnswer(KnowledgeAction):
    """Every topic question, follow-ups (FOLLOW_UPS) that change its role, tier or experience,
    and requests for help that name a role.

    A follow-up or a request for help that names one topic in so many words asks about that
    topic, not the one asked before; a request for help that names none is asked which.
    """

    def name(self) -> str:
        return "action_answer"

    def respond(self, kb: KnowledgeBase, tracker: Tracker) -> tuple[render.Answer, Events]:
        same = same_role_reply(kb, tracker, asked=True)
        if same:
            return same
        intent = topic_read(kb, tracker, (tracker.latest_message.get("intent") or {}).get("name"))
        compared, on = _compared_on(kb, tracker, intent)
        if compared:
            return compare_reply(kb, compared, on)
        if intent in INTENT_TOPICS:
            asked = [intent, *_alongside_asked(kb, tracker, intent)]
            asked += _other_questions_asked(kb, tracker, intent)
            if len(asked) > 1:
                return answer_intents(kb, tracker, list(dict.fromkeys(asked)))
        return answer_question(kb, tracker, intent)


# A topic -> the one its question can also ask for in so many words, answered after it: "为什么
# 有人年薪高有人年薪低" is a salary question about what the pay depends on; "做到客服总监就到顶
# 了,瓶颈期怎么往上走" a career question about its ceiling, which the challenges say how to get
# past; "这是吃青春饭,能往哪升" a question about the job's drawbacks that asks where it leads;
# "这个职位到底负责什么,值不值得设" a duties question that asks what the role is for;
# "机器人客服越来越多,得学点啥新本事才不会被淘汰" a question about the outlook that asks what
# to learn for it.
ALONGSIDE = {
    "ask_duties": "ask_overview",
    "ask_outlook": "ask_skills",
    "ask_salary": "ask_salary_factors",
    "ask_career_path": "ask_challenges",
    "ask_challenges": "ask_career_path",
}


def _alongside_asked(kb: KnowledgeBase, tracker: Tracker, intent: str) -> List[str]:
    """The topic the message's words name alongside `intent`, if the store answers it for the
    role.

    Answered after the question as the classifier read it: the figures, then what they
    depend on; a follow-up ("那二线城市呢") still asks about the figures.
    """
    alongside = ALONGSIDE.get(intent)
    if alongside not in _intents_named_in(kb, words_besides_entities(tracker)):
        return []
    role = query_of(kb, tracker, intent).role
    return [alongside] if role and render.covers(kb, role, alongside) else []


# A topic -> the one its question names in passing: "为什么一线城市开的比三线高那么多?还有什么会
# 影响薪水" asks what the pay depends on, not the pay.
NAMED_IN_PASSING = {"ask_salary_factors": "ask_salary"}


# Below this confidence the classifier's reading is no better evidence than a topic's name.
UNSURE = 0.6


def _confidence(tracker: Tracker) -> float:
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0)


def topic_read(kb: KnowledgeBase, tracker: Tracker, intent: str | None) -> str | None:
    """The classifier's topic, unless the words name exactly one other that the store answers
    for the role and that a second signal backs: the classifier finds it likely too, the
    role's facts the words match best are on it, the classifier itself is unsure of its
    reading (below UNSURE: "…当组长要管哪几摊事" read as the career path at 0.53), or the
    topic is the pay and the message states what pay is stored by ("话务员…熬成资深的那种,
    工资天花板大概在什么位置" read as the career path), or the words set the classifier's
    topic aside ("待遇里,薪水以外还包括哪些" read as the salary).

    "县城干了十年的客服主管,工资呢" read as details (a follow-up) asks about the salary it names.
    "升成团队主管之后,一天的工作怎么安排" read as the career path (升成 is no word for it), with
    the typical day second, asks about the day its words name. "客服班长有没有必要去上个CRM认证
    课程" read as skills names certification, and its best-matching fact is the CRM course.
    "客服管理人员除了做培训,还负责什么" stays a duties question: 培训 names skills, which the
    store lacks for that role. A topic the words name alongside the classifier's is answered
    after it, not instead (`_alongside_asked`): "客服总监已经到顶了,下一步去哪" gets the path
    and the ceiling. One that the classifier's topic names in passing (NAMED_IN_PASSING: the
    pay in a question about what it depends on) is no other question. A named topic the store
    lacks for the role is taken when the classifier finds it likely: the reply then says it is
    not covered and offers what is near ("还有哪几类公司最需要这个岗位" read as the career path,
    the employers second).
    """
    named = _intents_named_in(kb, words_besides_entities(tracker))
    if len(named) != 1 or named[0] in (intent, ALONGSIDE.get(intent), NAMED_IN_PASSING.get(intent)):
        return intent
    if intent in TOPICLESS:
        return named[0]
    if intent not in INTENT_TOPICS:
        return intent
    role = query_of(kb, tracker, intent).role
    if not role:
        return intent
    if not render.covers(kb, role, named[0]):  # answered as not covered, with what is near
        return named[0] if named[0] in _likely(tracker) else intent
    if named[0] in _likely(tracker) or named[0] in _topic_matched(kb, tracker, role, SOME_MATCH):
        return named[0]
    if _confidence(tracker) < UNSURE:
        return named[0]
    entities = tracker.latest_message.get("entities") or []
    if named[0] == "ask_salary" and states_pay_detail(entities):
        return named[0]
    aside = kb.lexicon.topics_set_aside(user_text(tracker))
    if set(INTENT_TOPICS[intent]) & set(aside):
        return named[0]
    return intent


def answer_question(
    kb: KnowledgeBase,
    tracker: Tracker,
    intent: str | None,
    items: bool = True,
    besides: Sequence[str] = (),
) -> tuple[render.Answer, Events]:
    """The answer to the latest message read as `intent`, and the context slots it sets.

    `items=False` leaves out the items the message names, and `besides` the topics it is
    answered on anyway, for a caller that joins several answers.
    """
    q = query_of(kb, tracker, intent)
    context = [
        SlotSet("role", q.role),
        SlotSet("city_tier", q.tier),
        SlotSet("experience", q.band),
        SlotSet("topic", q.topic),
    ]
    if q.other_role:
        return render.not_covered_role(kb, q.other_role), []
    if q.unknown_place:
        return render.not_covered_place(kb, q.unknown_place), []
    if q.topic is None:
        return (render.ask_topic(q.role) if q.role else render.out_of_scope(kb)), context
    if q.role is None:
        return render.ask_role(kb, q.topic), context
    answer = render.answer(kb, q)
    covered = render.covers(kb, q.role, q.topic)
    related = None if covered else _related_intent(kb, tracker, q, besides)
    if related:
        answer = render.with_related(answer, render.answer(kb, replace(q, topic=related)))
    if items:
        answer = with_items_named(kb, tracker, answer, q.role, [q.topic])
    return answer, [*context, SlotSet("last_sources", answer.cited)]


def answer_intents(
    kb: KnowledgeBase, tracker: Tracker, intents: List[str]
) -> tuple[render.Answer, Events]:
    """One message that asks several things: each answered in turn, then the items it names.

    The context slots are the first question's; the sources, every answer's.
    """
    answers = [answer_question(kb, tracker, i, items=False, besides=intents) for i in intents]
    joined = answers[0][0]
    for answer, _ in answers[1:]:
        joined = render.both(joined, answer)
    events = answers[0][1]
    role = next((e["value"] for e in events if e.get("name") == "role"), None)
    if role:
        joined = with_items_named(kb, tracker, joined, role, intents)
    kept = [e for e in events if e.get("name") != "last_sources"]
    return joined, [*kept, SlotSet("last_sources", joined.cited)]


# A question of a several-question message adds its answer from this confidence on: read
# alone, a fragment ("后面还有没有更高的位置可以发展", a career question: outlook 0.84) is easily
# misread. One that names its reading's topic in so many words needs less
# ("客服專員這行現在面對哪些挑戰": 0.79).
CLAUSE_MIN_CONFIDENCE = 0.85
CLAUSE_NAMED_MIN_CONFIDENCE = 0.5


def _other_questions_asked(kb: KnowledgeBase, tracker: Tracker, intent: str | None) -> List[str]:
    """Topics besides `intent` that the questions of a several-question message were read as
    (bot.nlu.clauses), confidently and answerably for the role.

    "客户服务主管是个什么样的职位?主要负责哪一块?" read whole as duties also asks for the
    overview, which its first question alone reads as.
    """
    clauses = tracker.latest_message.get("clauses") or []
    role = query_of(kb, tracker, intent).role if clauses else None
    if not role:
        return []
    found: List[str] = []
    for clause in clauses:
        reading = clause.get("intent") or {}
        name = reading.get("name")
        confidence = reading.get("confidence") or 0
        named = name in _intents_named_in(kb, normalize_text(clause.get("text") or ""))
        sure = confidence >= (CLAUSE_NAMED_MIN_CONFIDENCE if named else CLAUSE_MIN_CONFIDENCE)
        answerable = sure and name in INTENT_TOPICS and render.covers(kb, role, name)
        if answerable and name != intent and name not in found:
            found.append(name)
    return found


def with_items_named(
    kb: KnowledgeBase, tracker: Tracker, answer: render.Answer, role: str, asked: List[str]
) -> render.Answer:
    """The answer to the `asked` intents, then the role's facts the message names item by item
    and the answer leaves out, and the cities it names that the role's documents do not."""
    named = render.named_facts(kb, role, user_text(tracker), answer, asked)
    answer = render.with_named(answer, kb, role, named)
    entities = tracker.latest_message.get("entities") or []
    cities = [str(e["value"]) for e in entities if e.get("entity") == "city" and e.get("value")]
    return render.with_unlisted_cities(answer, kb, role, cities, asked)


# The classifier's runner-up counts as "related" from this confidence on, within RESCUE_RANKS.
RELATED_MIN_CONFIDENCE = 0.05


# A runner-up below this confidence is weaker evidence of what else was asked than the asked
# topic's neighbour ("哪几类公司招得最多" about 客服专员, who has no employers: skills at 0.09
# says less than the industries that recruit the role).
RELATED_OVER_NEIGHBOUR = 0.1


def _likely(tracker: Tracker, least: float = RELATED_MIN_CONFIDENCE) -> List[str]:
    """The classifier's likeliest intents: its top few from `least` on."""
    ranking = (tracker.latest_message.get("intent_ranking") or [])[:RESCUE_RANKS]
    return [str(r.get("name")) for r in ranking if (r.get("confidence") or 0) >= least]


def _related_intent(
    kb: KnowledgeBase, tracker: Tracker, q: Query, besides: Sequence[str] = ()
) -> str | None:
    """The nearest other question about this role that the store can answer, other than the
    ones answered `besides` it.

    First a topic the message names in so many words ("换个城市,月薪差多少" read as cities,
    which 客服主管 lacks: 月薪 names the salary), then the classifier's likely runners-up
    ("客服主管好不好招" read as employers, outlook second, which says 人才短缺), then a
    neighbouring topic ("客服专员是不是饱和了" read as market size, which only 客户服务管理师
    has: the outlook speaks of supply and demand), then weak runners-up, and last one whose
    facts name the asked topic in passing (客户服务管理师 has no pay figures, but its overview
    lists "客服收入").
    """
    role, asked = q.role or "", q.topic or ""
    named = _intents_named_in(kb, words_besides_entities(tracker))
    matched = _topic_matched(kb, tracker, role)
    neighbours = NEIGHBOUR_INTENTS.get(asked, ())
    mentioning = kb.topics_mentioning(role, INTENT_TOPICS.get(asked, ()))
    likely = _likely(tracker, RELATED_OVER_NEIGHBOUR)
    candidates = [*named, *matched, *likely, *neighbours, *_likely(tracker)]
    for intent in [*candidates, *(TOPIC_INTENTS[t] for t in mentioning)]:
        answerable = intent in INTENT_TOPICS and render.covers(kb, role, intent)
        if intent != asked and intent not in besides and answerable:
            return intent
    return None


# A topic whose best fact holds at least this share of a question's informative wording, and
# leads every other topic's best fact by this much, is the one its words point to: CLEAR to
# answer on that alone, SOME to back a topic the words name in so many words.
CLEAR_MATCH = (0.3, 0.2)
SOME_MATCH = (0.15, 0.05)


def _topic_matched(
    kb: KnowledgeBase, tracker: Tracker, role: str, least: tuple[float, float] = CLEAR_MATCH
) -> List[str]:
    """The question intent whose facts of the role hold most of the message's own words
    (bot.knowledge.match), by at least the `least` share and lead, if one does.

    "客户服务管理师要不要搭建整个客户服务管理体系?" repeats a duty's words
    ("客户服务管理体系的策划、组建和实施监督") that no intent example has.
    """
    found = kb.topics_matching(role, words_besides_entities(tracker)) if role else []
    share, ahead = least
    if not found or found[0].score < share or lead(found) < ahead:
        return []
    intent = TOPIC_INTENTS.get(found[0].topic)
    return [intent] if intent else []


class ActionCompareRoles(KnowledgeAction):
    """Two roles side by side; one named role is compared with the one under discussion."""

    def name(self) -> str:
        return "action_compare_roles"

    def respond(self, kb: KnowledgeBase, tracker: Tracker) -> tuple[render.Answer, Events]:
        same = same_role_reply(kb, tracker)  # two names of one role
        if same:
            return same
        named = roles_in(kb, tracker.latest_message.get("entities") or [])
        current = kb.resolve_role(tracker.get_slot("role") or "")
        roles = [current, *named] if len(named) < 2 and current and current not in named else named
        if len(roles) < 2:
            asked = _one_role_reading(kb, tracker, named)
            if asked:
                return answer_question(kb, tracker, asked)
            return render.Answer(
                "请告诉我要对比的两个岗位,例如:客服主管和客服总监哪个工资高?",
                buttons=render.role_buttons(kb, "inform"),
            ), []
        named_topics = _intents_named_in(kb, user_text(tracker))
        intent = (_first_asked(named_topics) or [_compared_by_default(kb, roles)])[0]
        return compare_reply(kb, roles, intent)


def _first_asked(named: List[str]) -> List[str]:
    """Named topics without the ones only asked alongside another ("薪水差多少?差距大不大"
    compares the pay; 差距 is the difference asked about, not what pay depends on)."""
    return [
        n
        for n in named
        if not any(ALONGSIDE.get(o) == n and ALONGSIDE.get(n) != o for o in named if o != n)
    ]


def compare_reply(kb: KnowledgeBase, roles: List[str], intent: str) -> tuple[render.Answer, Events]:
    """The roles side by side on one topic; a follow-up asks about that topic."""
    answer = render.compare_answer(kb, roles, intent)
    return answer, [SlotSet("last_sources", answer.cited), SlotSet("topic", intent)]


# "客服主管和客服总监管的事到底差在哪": a topic question that asks how two jobs differ.
DIFFERENCE = re.compile(r"区别|不同|不一样|差在|差别|差异|对比|相比|差多少|多出多少|多拿多少")


def _compared_on(
    kb: KnowledgeBase, tracker: Tracker, intent: str | None
) -> tuple[List[str], str | None]:
    """The two jobs a topic question compares, if it names two and asks how they differ, and
    the topic: the one its words name alone, else the classifier's.

    Career questions are left out: two jobs there are a path's start and goal. Unless the
    words name another topic: "客服经理比客服主管到底能多拿多少" read as the career path asks
    how much more the pay is.
    """
    text = user_text(tracker)
    if not DIFFERENCE.search(text):
        return [], intent
    roles = roles_in(kb, tracker.latest_message.get("entities") or [], text)
    if len(roles) < 2:
        return [], intent
    named = _intents_named_in(kb, words_besides_entities(tracker))
    on = named[0] if len(named) == 1 else intent
    if on not in INTENT_TOPICS or on == "ask_career_path":
        return [], intent
    return roles[:2], on


def _compared_by_default(kb: KnowledgeBase, roles: List[str]) -> str:
    """What two roles are compared on when the message names nothing: the pay, if the store has
    it for each, else what each job is ("客服管理师跟普通客服有什么不一样": no pay is known for
    客户服务管理师)."""
    if all(render.covers(kb, role, "ask_salary") for role in roles):
        return "ask_salary"
    return "ask_overview"


def _one_role_reading(kb: KnowledgeBase, tracker: Tracker, roles: List[str]) -> str | None:
    """What a "comparison" with one role asks: the topic its words name, else, between two
    cities, what the documents say of each city, else the classifier's next likely question,
    if the store answers it for the role.

    "同樣是客戶體驗總監,大公司和小公司開的薪水差很多嗎?哪些因素會拉開差距?" compares
    employers, not jobs: it asks what the pay depends on. "都说上海和深圳客户体验总监的岗位多,
    这两个地方分别是什么原因?" compares places.
    """
    if len(roles) != 1:
        return None
    named = _intents_named_in(kb, words_besides_entities(tracker))
    entities = tracker.latest_message.get("entities") or []
    places = {str(e.get("value")) for e in entities if e.get("entity") == "city"}
    between_places = ["ask_cities"] if len(places) > 1 else []
    for intent in [*named, *between_places, *_likely(tracker)]:
        if intent in INTENT_TOPICS and render.covers(kb, roles[0], intent):
            return intent
    return None


# "…和…是同一个岗位吗", "是一回事吗": asks whether two names mean one job.
SAME_JOB = re.compile(r"同一[个种类]?(?:岗位|职位|工作|职业|角色)|一回事|是一个(?:岗位|职位)")


def same_role_reply(
    kb: KnowledgeBase, tracker: Tracker, asked: bool = False
) -> tuple[render.Answer, Events] | None:
    """Two names of one role in the message: say they are one job, with its names.

    Comparing two names of one role always means that; any other intent does when the
    message asks in so many words (`asked`: SAME_JOB), e.g. a question about 客户体验总监
    and 客服总监 that the classifier read as platforms or could not place.
    """
    entities = tracker.latest_message.get("entities") or []
    roles = roles_in(kb, entities)
    mentions = [e for e in entities if e.get("entity") == "role"]
    if len(roles) != 1 or len(mentions) < 2:
        return None
    if asked and not SAME_JOB.search(user_text(tracker)):
        return None
    answer = render.same_role_answer(kb, roles[0], _mentioned(tracker, mentions))
    return answer, [SlotSet("role", roles[0]), SlotSet("topic", "ask_role_names"),
                    SlotSet("last_sources", answer.cited)]  # fmt: skip


def _mentioned(tracker: Tracker, mentions: List[Dict[str, Any]]) -> List[str]:
    """The words the user typed for role entities (the value is already canonical)."""
    text = user_text(tracker)
    return [
        text[e["start"] : e["end"]] if isinstance(e.get("start"), int) else str(e["value"])
        for e in mentions
    ]


def _intents_named_in(kb: KnowledgeBase, text: str) -> List[str]:
    """Question intents whose store topics a free text names (证书 -> ask_certification)."""
    named = []
    for topic in kb.lexicon.topics_asked(text):
        for intent, topics in INTENT_TOPICS.items():
            if topic in topics and intent not in named:
                named.append(intent)
    return named


class ActionAnswerSource(KnowledgeAction):
    """The documents, with publisher, date and a quote, behind the previous answer.

    With no answer yet, a message that names a job asks about it, not about sources ("售前客服
    还要整理咨询记录、做数据,这些也算客服的活吗" read as a source question): it is read as
    an unclear question (ActionClarify).
    """

    def name(self) -> str:
        return "action_answer_source"

    def respond(self, kb: KnowledgeBase, tracker: Tracker) -> tuple[render.Answer, Events]:
        cited = tracker.get_slot("last_sources") or []
        entities = tracker.latest_message.get("entities") or []
        if not cited and roles_in(kb, entities, user_text(tracker)):
            return ActionClarify().respond(kb, tracker)
        return render.sources_answer(kb, cited), []


class ActionOutOfScope(KnowledgeAction):
    """An honest "not covered", listing what is covered. Never a number.

    Unless the message names one of the jobs and exactly one topic the store answers for it:
    "客服主管在哪些行当比较吃得开" is in scope, whatever the classifier made of 行当.
    """

    def name(self) -> str:
        return "action_out_of_scope"

    def respond(self, kb: KnowledgeBase, tracker: Tracker) -> tuple[render.Answer, Events]:
        job = kb.lexicon.other_role(user_text(tracker))
        if job:
            return render.not_covered_role(kb, job), []
        entities = tracker.latest_message.get("entities") or []
        named = _intents_named_in(kb, words_besides_entities(tracker))
        if len(named) == 1 and roles_in(kb, entities, user_text(tracker)):
            role = query_of(kb, tracker, named[0]).role  # the one the answer will be about
            if role and render.covers(kb, role, named[0]):
                return answer_question(kb, tracker, named[0])
        return render.out_of_scope(kb), []


class ActionClarify(KnowledgeAction):
    """Low NLU confidence: suggest the likeliest questions instead of guessing.

    Unless the message names its topic in so many words (城市, 学历, 证书...) and the
    classifier counts that topic among its likeliest three: then it is answered, since
    asking "did you mean the cities?" of someone who wrote 城市 only delays them. And unless
    the classifier is split between two answerable topics, each as confident as it must be
    to be taken alone ("为什么说客服总监是高端运营职位?核心职责是什么?" asks both): both are
    answered. And unless the message asks several questions that, read one by one, are clear
    (bot.nlu.clauses): each is answered. And unless its words name just a topic and the one
    asked alongside it (ALONGSIDE: "年薪差了快一倍,这种差距是怎么来的" names the pay and what
    it depends on): both are answered, as they would be had the classifier read the first.
    """

    def name(self) -> str:
        return "action_clarify"

    def respond(self, kb: KnowledgeBase, tracker: Tracker) -> tuple[render.Answer, Events]:
        same = same_role_reply(kb, tracker, asked=True)
        if same:
            return same
        ranking = tracker.latest_message.get("intent_ranking") or []
        intents = [r.get("name") for r in ranking if r.get("name") != "nlu_fallback"]
        tied = _tied_topics(kb, tracker, ranking)
        if tied:  # both readings answered, so also the one the text may name
            return answer_intents(kb, tracker, tied)
        asked = _other_questions_asked(kb, tracker, None)
        if asked:  # the message was unclear as a whole, its questions one by one were not
            return answer_intents(kb, tracker, asked)
        named = _intents_named_in(kb, words_besides_entities(tracker))
        if len(named) == 1 and named[0] in intents[:RESCUE_RANKS]:
            return answer_question(kb, tracker, named[0])
        pair = _named_with_alongside(kb, tracker, named)
        if pair:
            return answer_intents(kb, tracker, pair)
        q = query_of(kb, tracker, None)
        matched = _topic_matched(kb, tracker, q.role or "")
        if matched and not (q.other_role or q.unknown_place):
            return answer_question(kb, tracker, matched[0])
        role = kb.resolve_role(tracker.get_slot("role") or "")
        return render.clarify(intents, role), []


def _named_with_alongside(kb: KnowledgeBase, tracker: Tracker, named: List[str]) -> List[str]:
    """`named` in answering order if it is a topic and the one asked alongside it, both of
    which the store answers for the role; else nothing."""
    pair = sorted(named, key=lambda intent: ALONGSIDE.get(intent) not in named)
    if len(pair) != 2 or ALONGSIDE.get(pair[0]) != pair[1]:
        return []
    role = query_of(kb, tracker, pair[0]).role
    return pair if role and all(render.covers(kb, role, i) for i in pair) else []


def _tied_topics(kb: KnowledgeBase, tracker: Tracker, ranking: List[Dict[str, Any]]) -> List[str]:
    """The two likeliest topics when both clear the fallback threshold and the store answers both
    for the role; the fallback then came from their tie, not from doubt about either.

    FallbackClassifier ranks `nlu_fallback` at its threshold, so the ranking carries it.
    """
    fallback = [r for r in ranking if r.get("name") == "nlu_fallback"]
    top = [r for r in ranking if r.get("name") != "nlu_fallback"][:2]
    if not fallback or len(top) < 2:
        return []
    threshold = fallback[0].get("confidence") or 0
    if any((r.get("confidence") or 0) < threshold for r in top):
        return []
    intents = [str(r.get("name")) for r in top]
    q = query_of(kb, tracker, intents[0])
    answerable = q.role and not q.unknown_place and not q.other_role
    if answerable and all(i in INTENT_TOPICS and render.covers(kb, q.role, i) for i in intents):
        return intents
    return []


check_at_startup()
