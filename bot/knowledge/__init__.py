"""The knowledge base: typed facts with provenance, extracted from source documents.

Free of Rasa imports so that actions, tools and tests can use it cheaply.
"""

from bot.knowledge.api import TOPICS, KnowledgeBase
from bot.knowledge.models import Fact, Provenance, Salary, Source
from bot.knowledge.store import StoreError

__all__ = ["TOPICS", "Fact", "KnowledgeBase", "Provenance", "Salary", "Source", "StoreError"]
