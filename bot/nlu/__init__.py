"""Our Rasa NLU components."""
