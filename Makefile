# Targets for building, testing and checking mqpasswd. `make help` lists them.
GO      ?= go
BIN     := bin/mosquitto_passwd
PREFIX  ?= /usr/local
FUZZTIME ?= 10s
# What --version prints, stamped at link time; see internal/cli/version.go.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
LDFLAGS := -s -w -X github.com/mqpasswd/mqpasswd/internal/cli.version=$(VERSION)
# make dist's targets as GOOS/GOARCH; armv6 and armv7 are GOARCH=arm with that GOARM.
PLATFORMS := linux/amd64 linux/arm64 linux/armv6 linux/armv7 darwin/amd64 darwin/arm64 windows/amd64
SHA256SUM := $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo shasum -a 256)
MAN     := cmd/mosquitto_passwd/mosquitto_passwd.1
# The benchmark harness is a module of its own, kept out of "go install ./...".
BENCH   := $(GO) -C internal/benchcompare

.PHONY: all build test lint fuzz install clean help bench-compare broker-cost man dist distcheck

all: lint test build

build: ## build bin/mosquitto_passwd, static and stamped with VERSION
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/mosquitto_passwd

# The packages that run goroutines of their own, which go test -race checks.
RACE_PKGS := ./internal/pwfile ./internal/pwhash ./internal/atomicfile ./internal/cli ./internal/reload

test: lint ## lint, run every test with merged coverage (command-line scripts included), the bench harness's, then the race detector
	$(GO) test -coverpkg=./... -coverprofile=coverage.out ./...
	@$(GO) tool cover -func=coverage.out | tail -n 1
	$(BENCH) test ./...
	$(GO) test -race $(RACE_PKGS)

lint: ## gofmt and go vet, also for Windows and macOS
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./...
	GOOS=darwin $(GO) vet ./...
	$(BENCH) vet ./...

fuzz: ## run each fuzz target for FUZZTIME
	@set -e; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

install: build ## install the binary, its manual page and bash, zsh and fish completions into PREFIX
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mosquitto_passwd
	install -D -m 0644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/mosquitto_passwd.1
	mkdir -p $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	$(BIN) --completion bash >$(DESTDIR)$(PREFIX)/share/bash-completion/completions/mosquitto_passwd
	$(BIN) --completion zsh >$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_mosquitto_passwd
	$(BIN) --completion fish >$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/mosquitto_passwd.fish

man: ## regenerate $(MAN) from the command's definition
	$(GO) generate ./internal/manpage

dist: ## static, stripped binaries for every platform in dist/, with dist/SHA256SUMS
	rm -rf dist && mkdir -p dist
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; goarch=$$arch; goarm=; ext=; \
		case $$arch in armv*) goarch=arm; goarm=$${arch#armv};; esac; \
		if [ $$os = windows ]; then ext=.exe; fi; \
		out=dist/mosquitto_passwd-$$os-$$arch$$ext; echo "$$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$goarch GOARM=$$goarm \
			$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $$out ./cmd/mosquitto_passwd; \
	done
	cd dist && $(SHA256SUM) mosquitto_passwd-* >SHA256SUMS

distcheck: dist ## make dist, then check its checksums, that every binary is static and stamped, and run this machine's
	cd dist && $(SHA256SUM) -c SHA256SUMS
	@set -e; for f in dist/mosquitto_passwd-*; do \
		$(GO) version -m $$f | grep -q 'CGO_ENABLED=0' || { echo "$$f: not built with CGO_ENABLED=0"; exit 1; }; \
		grep -aqF -- '$(VERSION)' $$f || { echo "$$f: version $(VERSION) not stamped"; exit 1; }; \
	done
	@set -e; for f in dist/mosquitto_passwd-linux-*; do \
		file $$f | grep -q 'statically linked' || { file $$f; echo "$$f: not static"; exit 1; }; \
	done
	@host=dist/mosquitto_passwd-$$($(GO) env GOOS)-$$($(GO) env GOARCH); \
	if [ -x $$host ]; then \
		got=$$($$host --version); echo "$$host --version: $$got"; \
		[ "$$got" = "mosquitto_passwd (mqpasswd) $(VERSION)" ] || { echo "want mosquitto_passwd (mqpasswd) $(VERSION)"; exit 1; }; \
		if ldd $$host >/dev/null 2>&1; then ldd $$host; echo "$$host: dynamically linked"; exit 1; fi; \
	fi

bench-compare: build ## time ours against /usr/bin/mosquitto_passwd (BENCHFLAGS=-h for options)
	$(BENCH) run . -ours $(CURDIR)/$(BIN) $(BENCHFLAGS)

broker-cost: ## time per CONNECT of /usr/sbin/mosquitto at several PBKDF2 iteration counts
	$(BENCH) run . -broker-cost $(BENCHFLAGS)

clean:
	rm -rf bin dist

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'
