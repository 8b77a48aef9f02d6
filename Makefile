# The two entry points of the README. Both install what they need first (idempotent).
.PHONY: demo test setup setup-test bench lint

demo: setup
	.venv/bin/buzon demo

test: setup-test
	.venv/bin/ruff check .
	.venv/bin/python -m pytest

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --test

bench: setup
	.venv/bin/python bench/accuracy.py

lint: setup-test
	.venv/bin/ruff check .
