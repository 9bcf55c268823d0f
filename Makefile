# Two commands are all the setup anyone needs: `make run` (the app) and `make test` (the suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --disable-pip-version-check -q -c constraints.txt
# MNIST: the shared copy beside the project when there is one, else $DIGITS_DATA or the Keras
# cache/download (train.data.load_mnist decides).
DATA   ?= $(if $(wildcard ../shared/datasets/mnist),../shared/datasets/mnist,)
DATA_FLAG := $(if $(DATA),--data $(DATA),)
RUN    ?= $(shell ls -d runs/[0-9]*/ 2>/dev/null | tail -n 1)

.PHONY: run test lint train export exe bench finetune clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The app's runtime only: onnxruntime, numpy, pillow.
$(VENV)/.app-installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e '.[images]'
	touch $@

# Everything: training, export, freezing, tests.
$(VENV)/.dev-installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e '.[dev]'
	touch $@ $(VENV)/.app-installed

run: $(VENV)/.app-installed
	$(BIN)/python -m desktop $(ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/mypy

# The tests find MNIST in $DIGITS_DATA, else the shared copy, else the Keras cache/download.
# JOBS workers (pytest-xdist), each test file whole on one, so a file's trained run or frozen
# executable is made once; each worker opens windows on an Xvfb of its own. JOBS=0: one process.
JOBS ?= 2
test: lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile $(PYTEST_ARGS)

# Two stages: 32 epochs with full augmentation and the restyled digits, then 8 at a low learning
# rate with half of it (about 26 minutes on two cores). QUICK=1: one stage of 7 epochs on MNIST
# alone at half augmentation (about 3 minutes, 99.4 %+), for trying a change.
# SEED=N seeds both stages: the seed also picks the validation split, which they must share.
# TEACHERS="a.onnx b.onnx": both stages distil those exported models (train/distil.py).
SEED ?= 1234
TEACHER_FLAG = $(if $(TEACHERS),--teachers $(TEACHERS),)
train: $(VENV)/.dev-installed
ifdef QUICK
	$(BIN)/python -m train $(DATA_FLAG) --seed $(SEED) --epochs 7 --styles 0 --styled-val 0 \
		--augment 0.5 $(ARGS)
else
	$(BIN)/python -m train $(DATA_FLAG) --seed $(SEED) $(TEACHER_FLAG) $(ARGS)
	$(BIN)/python -m train $(DATA_FLAG) --seed $(SEED) $(TEACHER_FLAG) \
		--init-from "$$(ls -d runs/[0-9]*/ | tail -n 1)model.keras" \
		--augment 0.5 --epochs 8 --learning-rate 3e-4 --finetune-lr-scale 1
endif

export: $(VENV)/.dev-installed
	@test -n "$(RUN)" || { echo "no run folder: make train first, or make export RUN=runs/<stamp>"; exit 2; }
	$(BIN)/python -m export $(RUN) $(DATA_FLAG) $(ARGS)

exe:
	PYTHON=$(PYTHON) build/build.sh

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf dist build/work build/out bench/out .pytest_cache .ruff_cache

finetune: $(VENV)/.dev-installed
	@test -n "$(SAMPLES)" || { echo "usage: make finetune SAMPLES=DIR (the app's samples folder)"; exit 2; }
	$(BIN)/python -m export.finetune --samples "$(SAMPLES)" $(DATA_FLAG) $(ARGS)
