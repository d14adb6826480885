"""Triage's development tools, apart from the local stack: the labelled corpus and its split (`corpus`), `make eval`
(`evaluate`) and `make train` (`train_triage`, scikit-learn, never in the layer)."""
