"""Unanswered questions grouped by what they are about."""

from __future__ import annotations

from bot.insights.cluster import cluster_texts, normalize_question, subject
from bot.insights.report import Question, group_questions

PROGRAMMER = ["程序员工资多少", "程序员一个月能挣多少钱", "做程序员薪水怎么样"]
WEATHER = ["今天天气怎么样", "北京天气如何", "明天天气好不好"]
OTHERS = ["厨师工资多少", "客服面试一般问什么", "客服要不要会英语", "给我讲个笑话", "讲个笑话吧"]


def groups(texts):
    labels = cluster_texts(texts)
    return {t: label for t, label in zip(texts, labels, strict=True)}


def test_paraphrases_of_one_subject_cluster_together_and_apart_from_others():
    label = groups(PROGRAMMER + WEATHER + OTHERS)
    assert len({label[t] for t in PROGRAMMER}) == 1
    assert len({label[t] for t in WEATHER}) == 1
    assert label[PROGRAMMER[0]] != label[WEATHER[0]]
    # Same question form, different job: a different gap.
    assert label["厨师工资多少"] != label[PROGRAMMER[0]]
    assert label["给我讲个笑话"] == label["讲个笑话吧"]
    assert label["客服面试一般问什么"] != label["客服要不要会英语"]


def test_the_subject_drops_question_words_and_particles():
    assert normalize_question("请问,程序员工资多少?") == "请问程序员工资多少"
    assert subject("请问,程序员工资多少?") == "程序员"
    assert subject("工资多少") == "工资多少"  # nothing left: keep the question itself


def test_texts_beyond_the_clustered_head_join_their_nearest_cluster():
    texts = PROGRAMMER[:2] + WEATHER[:2] + ["程序员薪水怎么样", "上海天气如何", "股票怎么买"]
    labels = cluster_texts(texts, max_clustered=4)
    assert labels[4] == labels[0]
    assert labels[5] == labels[2]
    assert labels[6] not in labels[:6]


def test_tiny_inputs():
    assert cluster_texts([]) == []
    assert cluster_texts(["天气"]) == [0]


def q(text: str, reason: str = "nlu_fallback", t: float = 0.0) -> Question:
    return Question(text, reason, "nlu_fallback", 0.3, "ask_salary", "rest", t, "h")


def test_groups_are_counted_ranked_and_exemplified():
    questions = [q("程序员工资多少", t=1), q("程序员工资多少?", t=2), q("做程序员薪水怎么样", t=3)]
    questions += [q("今天天气怎么样", "out_of_scope", t=4)]
    numbered, clusters = group_questions(questions)
    assert [c.count for c in clusters] == [3, 1]
    top = clusters[0]
    assert top.id == 1 and top.last_seen == 3
    assert dict(top.examples) == {
        "程序员工资多少": 1,
        "程序员工资多少?": 1,
        "做程序员薪水怎么样": 1,
    }
    assert top.reasons == {"nlu_fallback": 3} and top.intents == {"ask_salary": 3}
    assert [x.cluster for x in numbered] == [1, 1, 1, 2]
