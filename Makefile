# The front door. `make run` brings the whole stack up locally; `make test`
# runs every test. See README.md for every target and variable.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Which emulator: ministack (default, from PyPI) or localstack (Docker + token).
EMULATOR ?= ministack
export EMULATOR

ROOT       := $(CURDIR)
LOCAL      := $(ROOT)/.local
VENV       := $(ROOT)/localstack/.venv
NODE_BIN   := $(ROOT)/localstack/node_modules/.bin
HOST_ARCH  := $(shell go env GOARCH)
FUNCTIONS  := $(notdir $(wildcard functions/*))
ENDPOINT   := http://127.0.0.1:4566
OUTPUTS    := $(LOCAL)/outputs.json
STACK      := PartnerLeads
GO_TEST_FLAGS ?=

# Everything that talks to the emulator: the SDK, the CDK CLIs and our tools.
LOCAL_ENV := AWS_ENDPOINT_URL=$(ENDPOINT) AWS_ENDPOINT_URL_S3=$(ENDPOINT) \
	AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
	STACK_OUTPUTS=$(OUTPUTS)
CDK_ENV := JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1 CDK_DISABLE_VERSION_CHECK=1 CDK_CLI_NOTICES=false
# Local deploys: the host's architecture, webhooks to a receiver on 127.0.0.1
# allowed, and a webhook retry schedule in seconds instead of hours.
LOCAL_CONTEXT := -c arch=$(HOST_ARCH) -c local=true -c retryBaseSeconds=1 -c retryCapSeconds=3 -c retryMaxAgeSeconds=600 -c reconcileGraceSeconds=5

.PHONY: FORCE help deps build synth up deploy-local run simulate test test-fast test-adapter test-e2e load chaos bench lint fuzz deploy stop clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# ---- installs (stamped, so they run once) ----------------------------------

$(VENV)/.installed: localstack/requirements.txt
	@echo "==> installing the emulator into localstack/.venv"
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r localstack/requirements.txt
	touch $@

localstack/node_modules/.installed: localstack/package.json localstack/package-lock.json
	@echo "==> installing the pinned CDK CLIs (npm ci)"
	cd localstack && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(LOCAL)/go.installed: go.mod go.sum
	@echo "==> downloading Go modules"
	mkdir -p $(LOCAL) && go mod download && touch $@

# The dashboard test drives Debian's headless Chromium through chromedriver.
$(LOCAL)/chromium.installed:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  echo "==> installing Debian's chromium and chromium-driver (the dashboard test)"; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$sudo apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null \
	    || { $$sudo apt-get update -q >/dev/null && $$sudo apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null; }; \
	fi
	mkdir -p $(LOCAL) && touch $@

deps: $(VENV)/.installed localstack/node_modules/.installed $(LOCAL)/go.installed $(LOCAL)/chromium.installed ## install the emulator, the CDK CLIs, Go modules and Chromium

# ---- build -----------------------------------------------------------------

# build ARCH=arm64|amd64: one bootstrap per function, as Lambda's provided.al2023 wants.
ARCH ?= $(HOST_ARCH)
build: $(LOCAL)/go.installed ## build every function for ARCH (default: this host)
	@for f in $(FUNCTIONS); do \
	  GOOS=linux GOARCH=$(ARCH) CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags='-s -w' \
	    -o $(LOCAL)/build/$(ARCH)/$$f/bootstrap ./functions/$$f; \
	done
	@echo "==> built $(FUNCTIONS) for linux/$(ARCH)"

# Always asked of go build, whose cache knows what the CDK app imports
# (the endpoint table, the event names): a changed package rebuilds it.
$(LOCAL)/bin/infra: $(LOCAL)/go.installed FORCE
	go build -o $@ ./infra

FORCE:

synth: deps $(LOCAL)/bin/infra ## write the CloudFormation template (arm64, as for AWS) under infra/cdk.out
	$(MAKE) --no-print-directory build ARCH=arm64
	cd infra && $(CDK_ENV) $(NODE_BIN)/cdk synth --quiet -c arch=arm64 $(STACK) >/dev/null
	@echo "==> template: infra/cdk.out/$(STACK).template.json"

# ---- local stack ------------------------------------------------------------

up: deps ## start the emulator on 127.0.0.1:4566
	localstack/emulator.sh start

deploy-local: deps $(LOCAL)/bin/infra up ## build for this host and deploy the stack onto the emulator
	$(MAKE) --no-print-directory build ARCH=$(HOST_ARCH)
	@echo "==> bootstrapping CDK on the emulator"
	@cd infra && out=$$($(LOCAL_ENV) $(CDK_ENV) $(NODE_BIN)/cdklocal bootstrap $(LOCAL_CONTEXT) 2>&1) || { echo "$$out"; exit 1; }
	cd infra && $(LOCAL_ENV) $(CDK_ENV) $(NODE_BIN)/cdklocal deploy $(STACK) $(LOCAL_CONTEXT) \
	  --require-approval never --progress events --method=direct --outputs-file $(OUTPUTS)
	@echo "==> deployed $(STACK) (outputs in .local/outputs.json)"

run: deploy-local ## set up everything locally, create a demo partner, and stay up until Ctrl-C
	$(LOCAL_ENV) go run ./shared/cmd/leadctl demo --env-file $(LOCAL)/run.env
	@echo "==> up. Ctrl-C or 'make stop' stops the emulator."
	@trap 'localstack/emulator.sh stop; exit 0' INT TERM; \
	  while localstack/emulator.sh status >/dev/null 2>&1; do sleep 2; done

RULES ?= shared/cmd/leadctl/demo/rules.json
LAST  ?= 200
simulate: ## what-if: replay the last LAST leads (or LEADS=file.jsonl) against RULES=file.json on the local stack
	$(LOCAL_ENV) go run ./shared/cmd/leadctl simulate --rules $(RULES) --last $(LAST) $(if $(LEADS),--leads $(LEADS))

stop: ## stop the emulator
	localstack/emulator.sh stop

# ---- tests ------------------------------------------------------------------

test: deps ## every test: the fast lane, fuzzing (short), adapter and end-to-end tests, chaos and load on the emulator
	$(MAKE) --no-print-directory test-fast
	$(MAKE) --no-print-directory fuzz FUZZTIME=100000x
	@started=0; \
	if ! localstack/emulator.sh status >/dev/null 2>&1; then started=1; fi; \
	trap '[ $$started = 1 ] && localstack/emulator.sh stop' EXIT; \
	$(MAKE) --no-print-directory test-adapter && \
	$(MAKE) --no-print-directory test-e2e && \
	$(MAKE) --no-print-directory chaos && \
	$(MAKE) --no-print-directory load

test-fast: deps $(LOCAL)/bin/infra ## no emulator: domain and handler table tests, fuzz seeds, CDK assertions
	$(CDK_ENV) go test $(GO_TEST_FLAGS) -count=1 ./...

# Build tags: `adapter` for adapter tests against the emulator's services,
# `e2e` for tests through the deployed stack. One package at a time (-p 1):
# the emulator is one process, and the adapter suites' bulk writes (100,000
# SLA items) would starve the stream poller the end-to-end tests wait on.
ADAPTER_PKGS = $(sort $(dir $(shell grep -rl --include='*_test.go' '^//go:build adapter' shared functions infra)))
LOAD_PKG     = infra/e2e/load/
CHAOS_PKG    = infra/e2e/chaos/

test-adapter: deploy-local ## adapter tests on the emulator: DynamoDB stores, SQS, SES, S3, EventBridge, the fault proxy
	$(LOCAL_ENV) go test $(GO_TEST_FLAGS) -p 1 -count=1 -tags adapter $(addprefix ./,$(ADAPTER_PKGS))

# -parallel 4: the role matrix's requests.
test-e2e: deploy-local ## end-to-end tests through the deployed stack (HTTP API, streams, bus, queues, the dashboard in Chromium)
	$(LOCAL_ENV) go test $(GO_TEST_FLAGS) -p 1 -parallel 4 -count=1 -timeout 20m -tags e2e ./infra/e2e/

# The chaos run starts the synthesized stack's function binaries itself
# (deploy-local synthesizes them) against fresh copies of its resources.
CHAOS_PER_PARTNER ?= 50
chaos: deploy-local ## the pipeline twice, 1,000 leads: clean, then 10% of AWS calls failing and every event twice; prints a table
	$(LOCAL_ENV) CHAOS_PER_PARTNER=$(CHAOS_PER_PARTNER) go test $(GO_TEST_FLAGS) -count=1 -v -timeout 30m -tags e2e ./$(CHAOS_PKG) 2>&1 | grep -v '^=== RUN'

# Last: the backlog it leaves would slow the emulator's stream poller.
load: deploy-local ## 20 partners post 5,000 leads (10% duplicates, 5% malformed) at once through the deployed API
	$(LOCAL_ENV) go test $(GO_TEST_FLAGS) -count=1 -v -timeout 20m -tags e2e ./$(LOAD_PKG) 2>&1 | grep -v '^=== RUN'

# ---- benchmarks, lint, fuzz ----------------------------------------------------

BENCH_REPORT := shared/cmd/benchreport/RESULTS.md
bench: deploy-local ## run every benchmark; prints one markdown report and writes it to shared/cmd/benchreport/RESULTS.md
	@echo "==> deploying the hello-world baseline stack"
	cd infra && $(LOCAL_ENV) $(CDK_ENV) $(NODE_BIN)/cdklocal deploy PartnerLeadsBench $(LOCAL_CONTEXT) \
	  --require-approval never --method=direct >/dev/null 2>&1
	$(LOCAL_ENV) go run ./shared/cmd/benchreport -build $(LOCAL)/build/$(HOST_ARCH) -report $(BENCH_REPORT)

STATICCHECK_VERSION := v0.8.2
$(LOCAL)/bin/staticcheck: Makefile
	@echo "==> installing staticcheck $(STATICCHECK_VERSION)"
	GOBIN=$(LOCAL)/bin go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# The layers: domain packages import no AWS SDK and no aws-lambda-go; no
# function links the test kit.
define forbid
	@bad=$$(go list -f '{{.ImportPath}}{{range .Deps}} {{.}}{{end}}' $(1) | \
	  awk '{for (i = 2; i <= NF; i++) if ($$i ~ /$(2)/) print $$1 " links " $$i}'); \
	if [ -n "$$bad" ]; then echo "$$bad"; echo "lint: $(3)"; exit 1; fi
endef

lint: $(LOCAL)/go.installed $(LOCAL)/bin/staticcheck ## gofmt; go vet and staticcheck under every build tag; go mod tidy; the layer rules
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "lint: gofmt wants to change the files above"; exit 1; }
	@for tags in "" adapter e2e; do \
	  echo "==> go vet and staticcheck -tags '$$tags'"; \
	  go vet -tags "$$tags" ./... && $(LOCAL)/bin/staticcheck -tags "$$tags" ./... || exit 1; \
	done
	@# -e: jsii-runtime-go's tools file names golang.org/x/tools/cmd/godoc, which no longer exists.
	@go mod tidy -e -diff >/dev/null 2>&1 || { go mod tidy -e -diff 2>/dev/null; echo "lint: go.mod/go.sum are not tidy: run go mod tidy -e"; exit 1; }
	$(call forbid,./shared/domain/...,^github.com\/aws\/,a domain package links the AWS SDK or aws-lambda-go)
	$(call forbid,./functions/...,^github.com\/partnerleads\/pipeline\/shared\/testkit,a function links the test kit)
	@echo "==> lint clean"

# Each target with its package. Seed corpora are committed under each
# package's testdata/fuzz and run as plain tests in every `go test`.
FUZZ_TARGETS := FuzzParse:./shared/domain/intake FuzzVerify:./shared/domain/notify FuzzCSVWriter:./shared/domain/commission FuzzParseRuleSet:./shared/domain/routing
# make test bounds fuzzing by executions, not time: Go 1.26's coordinator can
# fail a time-bounded run with "context deadline exceeded" at the deadline
# (go.dev/issue/75804), which a CI run must not flake on.
FUZZTIME ?= 30s
fuzz: $(LOCAL)/go.installed ## run each fuzz target for FUZZTIME (make test: 100000 executions each)
	@for t in $(FUZZ_TARGETS); do \
	  echo "==> $${t%%:*} for $(FUZZTIME)"; \
	  go test -run '^$$' -fuzz "^$${t%%:*}$$" -fuzztime $(FUZZTIME) "$${t#*:}" || exit 1; \
	done

# ---- real AWS ------------------------------------------------------------------

deploy: deps $(LOCAL)/bin/infra ## deploy to real AWS (arm64) with your AWS credentials
	$(MAKE) --no-print-directory build ARCH=arm64
	cd infra && $(CDK_ENV) $(NODE_BIN)/cdk bootstrap -c arch=arm64
	cd infra && $(CDK_ENV) $(NODE_BIN)/cdk deploy $(STACK) -c arch=arm64

clean: stop ## stop the emulator and remove every generated file
	rm -rf $(LOCAL) infra/cdk.out localstack/node_modules $(VENV)
