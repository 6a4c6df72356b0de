# Two commands do everything on a fresh machine with Python 3.11+:
#   make briefs   build the HTML briefs from the embedded data (creates .venv on first use)
#   make test     run the test suite (creates .venv on first use)
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed
DEV_STAMP = $(VENV)/.installed-dev

.PHONY: briefs test validate lab clean chromium lint

# What the briefs need first (make briefs, make validate); the test, lint and lab tools (the dev extra) only
# when make test, make lint or make lab asks. uv installs them: the one on PATH, else one pip puts into the
# venv (a few seconds); pip itself when neither can be had (an offline mirror without uv). uv uses the mirrors
# pip is configured with (pip.conf, PIP_INDEX_URL and the like: a mirror in China, a folder of wheels), taking
# the best version across them as pip does. It compiles the bytecode as it installs, as pip does: the first
# import of each package is then not seconds slower (a Ctrl-C in those seconds would be a traceback).
define install
	@eval "$$($(BIN)/python -m pip config list 2>/dev/null | sort -r | sed -nE \
		-e "s/^[^.]*\.index-url=(.*)$$/export UV_INDEX_URL=\1/p" \
		-e "s/^[^.]*\.extra-index-url=(.*)$$/export UV_EXTRA_INDEX_URL=\1/p" \
		-e "s/^[^.]*\.find-links=(.*)$$/export UV_FIND_LINKS=\1/p")"; \
	export UV_INDEX_STRATEGY=unsafe-best-match UV_COMPILE_BYTECODE=1; \
	if command -v uv >/dev/null 2>&1; then uv pip install --quiet --python $(BIN)/python $(1); \
	elif $(BIN)/python -m pip install --quiet uv >/dev/null 2>&1; then \
		$(BIN)/uv pip install --quiet --python $(BIN)/python $(1); \
	else $(BIN)/python -m pip install --quiet --upgrade pip && $(BIN)/python -m pip install --quiet $(1); fi
endef

$(STAMP): pyproject.toml
	@echo "Installing compare's dependencies into $(VENV) (first run, about a minute)..."
	@$(PYTHON) -m venv $(VENV)
	$(call install,-e .)
	@touch $(STAMP)
	@echo "Installed."

$(DEV_STAMP): $(STAMP)
	@echo "Installing the test, lint and JupyterLab tools into $(VENV) (first run, about a minute)..."
	$(call install,-e '.[dev]')
	@touch $(DEV_STAMP)

# compare briefs validates the data first and refuses to publish data compare validate rejects.
briefs: $(STAMP)
	$(BIN)/compare briefs

# pytest-xdist runs one process per core, a whole test file in each (its shared builds are made once), the longest
# files first (tests/conftest.py).
test: $(DEV_STAMP) chromium
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m pytest -q -n auto --dist loadfile --no-loadscope-reorder

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
lab: $(DEV_STAMP)
	$(BIN)/jupyter lab notebooks/ --no-browser $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

clean:
	rm -rf $(VENV) outputs/*/ outputs/latest

# Fix what ruff can and format the tree (make test only checks).
lint: $(DEV_STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

# The whole method on a SYNTHETIC province (every county of Zhejiang, five years, every per-capita metric),
# imported and built in build/demo/, never in data/ or outputs/ (README, "Demo"). Prints where the index is.
# DEMO_ARGS passes options on: make demo DEMO_ARGS=--quick (one brief of each kind).
.PHONY: demo
demo: $(STAMP)
	$(BIN)/python demo/make_demo.py $(DEMO_ARGS)
