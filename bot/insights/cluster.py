"""Grouping unanswered questions by similarity, so HR sees gaps rather than a raw log.

Character n-gram TF-IDF suits short Chinese questions without a tokenizer; question
words, particles and generic career words are dropped first so that "程序员工资多少"
groups with "做程序员薪水怎么样" (same subject, the gap HR can fill) and not with
"厨师工资多少" or "今天天气怎么样" (same question form).
Average-linkage agglomerative clustering with a cosine distance threshold needs no
cluster count. It is quadratic, so only the most frequent texts are clustered and the
rest join their nearest cluster.
"""

from __future__ import annotations

import re
import unicodedata
from typing import List, Sequence

import numpy as np

DISTANCE_THRESHOLD = 0.8
MAX_CLUSTERED = 1500
# Dropped before comparing: greetings, question words, particles and the generic words of
# any career question, so that what remains is the subject (程序员, 天气, 面试 ...).
FILLER = re.compile(
    "你好|您好|请问|想问下|想问一下|我想知道|我想问|想知道|想了解|一下"
    "|多少钱|多少|怎么样|怎样|怎么|如何|什么|好不好|高不高|能不能|会不会|要不要|有没有"
    "|工资|薪水|薪资|收入|待遇|月薪|年薪|一个月|挣|赚|前景|发展"
    "|[吗呢吧啊呀嘛的了]"
)
NON_WORD = re.compile(r"[\W_]+")


def normalize_question(text: str) -> str:
    """NFKC, lower case, no punctuation: the form questions are counted and shown by."""
    return NON_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def subject(text: str) -> str:
    """What the question is about: the normalized text without question words."""
    normalized = normalize_question(text)
    return FILLER.sub(" ", normalized).strip() or normalized


def cluster_texts(
    texts: Sequence[str],
    threshold: float = DISTANCE_THRESHOLD,
    max_clustered: int = MAX_CLUSTERED,
) -> List[int]:
    """A cluster label per text. Pass texts most frequent first: the head is clustered,
    the tail joins the nearest head text within `threshold` or starts its own cluster."""
    if len(texts) < 2:
        return [0] * len(texts)
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances

    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    matrix = vectors.fit_transform([subject(t) for t in texts])
    head = matrix[:max_clustered]
    if head.shape[0] >= 2:
        model = AgglomerativeClustering(
            n_clusters=None,
            distance_threshold=threshold,
            affinity="precomputed",
            linkage="average",
        )
        labels = [int(x) for x in model.fit_predict(cosine_distances(head))]
    else:
        labels = [0]
    next_label = max(labels) + 1
    for start in range(max_clustered, matrix.shape[0], 1000):
        distances = cosine_distances(matrix[start : start + 1000], head)
        for row in distances:
            nearest = int(np.argmin(row))
            if row[nearest] < threshold:
                labels.append(labels[nearest])
            else:
                labels.append(next_label)
                next_label += 1
    return labels
