# Two commands do everything on a fresh machine with Python 3.11+:
#   make briefs   build the HTML briefs from the embedded data (creates .venv on first use)
#   make test     run the test suite (creates .venv on first use)
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

.PHONY: briefs test validate lab clean chromium lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# compare briefs validates the data first and refuses to publish data compare validate rejects.
briefs: $(STAMP)
	$(BIN)/compare briefs

test: $(STAMP) chromium
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m pytest -q

# The browser tests drive Debian's Chromium through Playwright; install it when missing and we can (as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		echo "Installing Debian's chromium for the browser tests (apt-get, as root)..." && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium not installed: browser tests will be skipped outside CI"

validate: $(STAMP)
	$(BIN)/compare validate

# JupyterLab refuses to start as root without --allow-root (a container, CI); LAB_ARGS adds its own options,
# e.g. make lab LAB_ARGS="--ip=0.0.0.0 --port=8888".
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ --no-browser $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

clean:
	rm -rf $(VENV) outputs/*/ outputs/latest

# Fix what ruff can and format the tree (make test only checks).
lint: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

# The whole method on a SYNTHETIC province (every county of Zhejiang, five years, every per-capita metric),
# imported and built in build/demo/, never in data/ or outputs/ (README, "Demo"). Prints where the index is.
# DEMO_ARGS passes options on: make demo DEMO_ARGS=--quick (one brief of each kind).
.PHONY: demo
demo: $(STAMP)
	$(BIN)/python demo/make_demo.py $(DEMO_ARGS)
