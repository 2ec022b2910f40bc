"""bot.inference's shortcuts give exactly what Rasa's own code gives, on matrices and on parses."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features
from rasa.utils.tensorflow.models import RasaModel

from bot import inference
from scripts.stack import MODEL

# Greeting, salary with a role and a city, a follow-up tier, Traditional script, a topic,
# something out of scope, a lone punctuation mark and a long message.
MESSAGES = [
    "你好",
    "客服主管在北京工资多少",
    "那二线城市呢",
    "客服專員需要什麼證照",
    "做客服总监要什么学历",
    "今天天气怎么样",
    "？",
    "我在武汉做了四个年头的电话客服，想转去做客服经理，工资和发展前景怎么样" * 3,
]


def _features(matrix: scipy.sparse.spmatrix) -> Features:
    return Features(matrix, "sequence", "text", "test")


def _random_coo(rows: int, cols: int, dtype: Any, seed: int) -> scipy.sparse.coo_matrix:
    rng = np.random.default_rng(seed)
    dense = rng.integers(0, 3, size=(rows, cols)) * (rng.random((rows, cols)) < 0.3)
    return scipy.sparse.coo_matrix(dense.astype(dtype))


@pytest.mark.parametrize(
    "left_dtype,right_dtype,shape",
    [
        (np.float32, np.float32, (5, 7, 4)),
        (np.int64, np.float32, (3, 2, 9)),
        (np.float64, np.int32, (1, 6, 1)),
        (np.float32, np.float32, (4, 0, 3)),  # an empty block
    ],
)
def test_combine_sparse_is_scipys_hstack(left_dtype, right_dtype, shape) -> None:
    rows, left_cols, right_cols = shape
    left = _random_coo(rows, left_cols, left_dtype, 1)
    right = _random_coo(rows, right_cols, right_dtype, 2)
    expected = scipy.sparse.hstack([left, right])
    ours = _features(left)
    inference.combine_sparse(ours, _features(right))
    got = ours.features
    assert scipy.sparse.isspmatrix_coo(got)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    for name in ("data", "row", "col"):
        assert np.array_equal(getattr(got, name), getattr(expected, name)), name


def test_combine_sparse_leaves_other_formats_and_errors_to_rasa() -> None:
    csr = _features(scipy.sparse.csr_matrix(np.eye(3, dtype=np.float32)))
    inference.combine_sparse(csr, _features(scipy.sparse.coo_matrix(np.ones((3, 2)))))
    assert csr.features.shape == (3, 5)
    assert np.array_equal(csr.features.toarray()[:, 3:], np.ones((3, 2)))
    mismatched = _features(scipy.sparse.coo_matrix(np.ones((2, 2))))
    with pytest.raises(ValueError, match="sequence dimensions do not match"):
        inference.combine_sparse(mismatched, _features(scipy.sparse.coo_matrix(np.ones((3, 2)))))


def _parses(agent: Any) -> List[Dict[str, Any]]:
    async def parse_all() -> List[Dict[str, Any]]:
        return [await agent.parse_message(text) for text in MESSAGES]

    return asyncio.run(parse_all())


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    logging.getLogger("rasa").setLevel(logging.WARNING)
    return Agent.load(str(MODEL))


def test_the_trained_model_parses_identically(agent, monkeypatch) -> None:
    monkeypatch.setattr(Features, "_combine_sparse_features", inference._ORIGINAL_COMBINE)
    monkeypatch.setattr(RasaModel, "_rasa_predict", inference._ORIGINAL_PREDICT)
    rasa_parses = _parses(agent)
    inference.apply()
    looked_up = []

    def counting(model, batch_in):
        looked_up.append(model)
        return traced_graph(model, batch_in)

    traced_graph = inference._traced_graph
    monkeypatch.setattr(inference, "_traced_graph", counting)
    ours = _parses(agent)
    assert ours == rasa_parses
    # The shortcut really ran: DIET's one traced graph served every message.
    assert len(looked_up) == len(MESSAGES) and len(set(map(id, looked_up))) == 1
    assert {p["intent"]["name"] for p in ours} >= {"greet", "ask_salary", "inform"}
