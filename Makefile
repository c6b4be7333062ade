# The two commands of the README: `make run` (set up and start the app) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MODEL := models/SmolLM2-135M-Instruct.Q4_1.gguf
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup run test lint bench bench-remote eval-anti-slop bench-flags bench-package eval eval-complete eval-draft eval-style package frozen-self-test screenshot clean

setup: $(STAMP) $(MODEL)
	@$(PY) build/llama_build.py --python $(PY)

run: setup
	$(PY) -m writer_app $(ARGS)

test: setup
	$(PY) -m ruff check writer_app tests build
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check writer_app tests build
	$(PY) -m ruff format --check writer_app tests build

bench: setup
	QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/bench_engine.py
	QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/bench_editor.py
	$(PY) tests/benchmarks/bench_candidates.py
	$(PY) tests/benchmarks/bench_prefix_cache.py
	QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/bench_completion.py

# The remote engine against a bare client on the same server (llama-cpp-python's, started here)
bench-remote: setup
	$(PY) tests/benchmarks/bench_remote.py

# Decode speed of our llama.cpp build beside a plain native one: make bench-flags NATIVE_PYTHON=/venv/bin/python
bench-flags: setup
	$(PY) tests/benchmarks/bench_build_flags.py --native-python $(NATIVE_PYTHON)

# The quality model against LAMP's held-out data and today's model, then the ranker term by term and
# human writing over imitations (ARGS=--write refits the shipped weights).
eval: setup
	$(PY) tests/benchmarks/fit_quality.py $(ARGS)
	$(PY) tests/benchmarks/eval_reward.py

# Anti-slop generation on vs off on LAMP's 50 lowest-scored paragraphs (slop, reward, speed, caps)
eval-anti-slop: setup
	$(PY) tests/benchmarks/eval_anti_slop.py $(ARGS)

eval-complete: setup
	$(PY) tests/benchmarks/eval_complete.py

eval-style: $(STAMP)
	$(PY) tests/benchmarks/eval_style.py $(ARGS)

eval-draft: setup
	$(PY) tests/benchmarks/eval_draft.py $(ARGS)

package: setup
	build/package.sh

bench-package: package
	$(PY) tests/benchmarks/bench_package.py

frozen-self-test: package
	QT_QPA_PLATFORM=offscreen dist/writer-app/writer-app --self-test

screenshot: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m writer_app --screenshot docs/screenshot.png

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed: run make PYTHON=python3.11 ..."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) build/llama_build.py --python $(PY)
	$(PY) -m pip install --progress-bar off -e '.[dev]'
	@touch $@

$(MODEL): | $(STAMP)
	$(PY) -m writer_app.modelhub.fetch_default

clean:
	rm -rf $(VENV) dist build/work
