//go:build !unix

package pwcheck

import (
	"io/fs"

	"github.com/mqpasswd/mqpasswd/internal/brokeruser"
)

// checkAccess has nothing to check where files have no Unix mode bits
// and owners; Mosquitto brokers check none there either.
func checkAccess(string, fs.FileInfo, brokeruser.User) []Finding { return nil }
