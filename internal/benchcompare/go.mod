module github.com/mqpasswd/mqpasswd/internal/benchcompare

go 1.26.0

require github.com/mqpasswd/mqpasswd v0.0.0

require (
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

// The harness measures the tool of this repository: it builds it, and
// generates files with its hash package.
replace github.com/mqpasswd/mqpasswd => ../..
