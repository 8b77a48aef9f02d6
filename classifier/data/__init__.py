"""Bundled petition corpus (corpus_*.jsonl); see classifier.corpus."""
