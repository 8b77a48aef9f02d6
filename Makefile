# The two entry points of the README. Both install what they need first (idempotent).
.PHONY: demo test setup setup-test bench lint screenshots

demo: setup
	.venv/bin/buzon demo

# The suite twice: on SQLite, then on PostgreSQL (a throw-away schema per test; the second
# pass skips itself with a message when no server answers, see tests/conftest.py).
test: setup-test
	.venv/bin/ruff check .
	.venv/bin/mypy
	.venv/bin/python -m pytest
	BUZON_TEST_DATABASE=postgresql .venv/bin/python -m pytest

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --test

# All benchmarks, one after another (about an hour on 2 cores); each writes bench/results/.
bench: setup
	.venv/bin/python -m bench.accuracy
	.venv/bin/python -m bench.classifier
	.venv/bin/python -m bench.features
	.venv/bin/python -m bench.thresholds
	.venv/bin/python -m bench.review
	.venv/bin/python -m bench.duplicates
	.venv/bin/python -m bench.ocr
	.venv/bin/python -m bench.ocr_variants
	.venv/bin/python -m bench.second_reader --count 60 --seed 7 12 13
	.venv/bin/python -m bench.batch
	.venv/bin/python -m bench.hostile

lint: setup-test
	.venv/bin/ruff check .
	.venv/bin/mypy

# Refresh the README's screenshots (docs/screenshots) from the browser tests that take them.
screenshots: setup-test
	BUZON_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest -q \
		tests/review_ui/test_browser.py -k "clear_a_days_box or report_page"
