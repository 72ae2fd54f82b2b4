# The two commands a new user types are `make lab` and `make test`; both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv lab test bench clean

venv: $(STAMP)

# Re-install only when pyproject.toml changed (or the venv is new).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,rabbit]'
	@touch $(STAMP)

lab: venv
	$(BIN)/jupyter lab notebooks/00-welcome.ipynb

test: venv
	$(BIN)/python -m pytest -n auto --dist loadfile --nbval-lax tests $(wildcard notebooks/*.ipynb)

bench: venv
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
