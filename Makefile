# Every target sets up its own .venv, so `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint golden bench bench-extract fuzz clean redis-server faketime chromium

# The distributed tests start their own redis-server; install it if it is missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m newsspider.demo

redis-server:
	@command -v redis-server >/dev/null || { \
	  echo "installing redis-server (the distributed tests run a real Redis)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
	@redis-server --version

# A test runs a crawl under a clock a year ahead (Debian's libfaketime).
faketime:
	@command -v faketime >/dev/null || { \
	  echo "installing faketime (a test runs a crawl under a wrong clock)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; }
	@faketime -f +365d date -u +"faketime: a year ahead is %Y-%m-%d"

# The HTML run report is tested in a real browser: Debian's chromium, driven through
# its chromedriver (never a browser downloaded at run time).
chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "installing chromium and chromium-driver (the HTML report is tested in a browser)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@chromedriver --version

test: $(STAMP) redis-server faketime chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy  # newsspider/, as configured in pyproject.toml
	# Two workers, one test file each at a time: the distributed tests mostly wait
	# out idle timeouts, so the rest of the suite runs beside them.
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy  # newsspider/, as configured in pyproject.toml

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py tests/test_dates.py tests/test_parse_state.py

bench: $(STAMP) redis-server
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks.incremental
	$(BIN)/python -m benchmarks.performance
	$(BIN)/python -m benchmarks.components
	$(BIN)/python -m benchmarks.distributed
	$(BIN)/python -m benchmarks.feeds

# The generic extractor beside trafilatura on a folder of real pages with expectations:
# make bench-extract DIR=../shared/extraction-dev  (<name>.html[.gz] + <name>.json each)
bench-extract: $(STAMP)
	@test -n "$(DIR)" || { echo "usage: make bench-extract DIR=folder-of-pages"; exit 2; }
	$(BIN)/python -m benchmarks.extract_quality $(DIR)

golden: $(STAMP)
	$(BIN)/python -m tests.golden.regenerate

clean:
	rm -rf $(VENV) data/maghress data/state data/demo-stats.json .pytest_cache .ruff_cache
