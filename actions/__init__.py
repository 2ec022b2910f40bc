"""Rasa SDK custom actions: thin wrappers that read slots, ask bot.knowledge and render."""
