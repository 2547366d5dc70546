# Thin wrapper around CMake. `make demo` and `make test` set up everything they
# need on a fresh Debian 12 machine (installing packages when missing).
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_TYPE ?= RelWithDebInfo
# CI builds with -Werror so warnings cannot accumulate.
CMAKE_FLAGS ?= $(if $(CI),-DMOTTSIM_WERROR=ON,)

DEB_PACKAGES := cmake g++ make pkg-config libsystemc-dev libyaml-cpp-dev doctest-dev \
                libcli11-dev nlohmann-json3-dev libeigen3-dev libstb-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build demo test clean

all: build

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "mottsim: installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	./$(BUILD)/mottsim run configs/arch/mott_cim.yaml configs/workloads/edge_detect.yaml -o out/demo

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

clean:
	rm -rf $(BUILD)
