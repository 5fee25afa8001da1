"""NLP shared by the stages: the model, the parse's wire form, entities, time expressions, places."""
