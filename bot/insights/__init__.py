"""Knowledge gaps and usage, read from the Rasa tracker store's `events` table.

No Rasa imports: the HR console (`/admin` in bot.web) and the CLI
(`python -m bot.insights`) read the same SQL table Rasa's SQLTrackerStore writes,
so the analysis works on SQLite by default and on PostgreSQL at scale.
"""

from bot.insights.report import Insights, compute

__all__ = ["Insights", "compute"]
