# Targets for building, testing and checking mqpasswd. `make help` lists them.
GO      ?= go
BIN     := bin/mosquitto_passwd
PREFIX  ?= /usr/local
FUZZTIME ?= 10s

.PHONY: all build test lint fuzz install clean help bench-compare broker-cost

all: lint test build

build: ## build bin/mosquitto_passwd
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/mosquitto_passwd

test: lint ## lint, then run every test (the broker tests need mosquitto installed)
	$(GO) test ./...

lint: ## gofmt and go vet, also for Windows and macOS
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./...
	GOOS=darwin $(GO) vet ./...

fuzz: ## run each fuzz target for FUZZTIME
	@set -e; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

install: build ## install the binary into PREFIX/bin
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mosquitto_passwd

bench-compare: build ## time ours against /usr/bin/mosquitto_passwd (BENCHFLAGS=-h for options)
	$(GO) run ./internal/benchcompare -ours $(BIN) $(BENCHFLAGS)

broker-cost: ## time per CONNECT of /usr/sbin/mosquitto at several PBKDF2 iteration counts
	$(GO) run ./internal/benchcompare -broker-cost $(BENCHFLAGS)

clean:
	rm -rf bin dist

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'
