package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mqpasswd/mqpasswd/internal/pwhash"
)

// Broker-cost measurement: one broker per iteration count (and one anonymous broker as the
// baseline), all on 127.0.0.1, connected to in turn, one CONNECT at a time, so that the time per
// CONNECT is what the single-threaded broker spends on it.

const (
	brokerUser     = "bench"
	brokerPassword = "correct horse battery staple"
	brokerRounds   = 3    // rounds over all brokers; the median round counts
	maxConnects    = 3000 // per broker and round, to stay clear of ephemeral-port exhaustion
	minConnects    = 3
)

// issueFigures are the issue's measurements on a 2.0 broker, quoted beside ours.
var issueFigures = map[int]string{
	101:    "≈ 0.25 ms (≈ 2,800/s)",
	10000:  "≈ 11 ms (≈ 80/s)",
	210000: "≈ 235 ms (≈ 4/s)",
}

type brokerProc struct {
	iterations int // 0: anonymous, no password file
	cmd        *exec.Cmd
	addr       string
	logPath    string          // the broker's stdout and stderr
	perConnect []time.Duration // one per round
}

func measureBroker(brokerPath, dir, iterList string, seconds float64) error {
	if _, err := os.Stat(brokerPath); err != nil {
		return fmt.Errorf("the broker %s is not installed (apt-get install mosquitto): %w", brokerPath, err)
	}
	levels := []int{0}
	for _, f := range strings.Split(iterList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("bad iteration count %q", f)
		}
		levels = append(levels, n)
	}
	var brokers []*brokerProc
	defer func() {
		for _, b := range brokers {
			b.stop()
		}
	}()
	for _, n := range levels {
		b, err := startBroker(brokerPath, filepath.Join(dir, fmt.Sprintf("broker-%d", n)), n)
		if err != nil {
			return err
		}
		brokers = append(brokers, b)
	}
	budget := time.Duration(seconds * float64(time.Second))
	for r := range brokerRounds {
		for _, b := range brokers {
			fmt.Fprintf(os.Stderr, "broker-cost: round %d of %d, %s\n", r+1, brokerRounds, b.label())
			if err := b.round(budget); err != nil {
				return fmt.Errorf("%s: %w\n%s", b.label(), err, b.logText())
			}
		}
	}

	base := median(brokers[0].perConnect)
	fmt.Printf("Sequential CONNECTs to %s on 127.0.0.1, one user in the password file, hashed with\n"+
		"sha512-pbkdf2 and a 12-byte salt; the median of %d rounds of up to %v per broker.\n\n", brokerPath, brokerRounds, budget)
	fmt.Println("| iterations | ms per CONNECT | CONNECTs/s | PBKDF2 part (ms, minus anonymous) | issue's figure |")
	fmt.Println("|---|---|---|---|---|")
	for _, b := range brokers {
		per := median(b.perConnect)
		ms := float64(per) / float64(time.Millisecond)
		part, issue := "–", "–"
		if b.iterations > 0 {
			part = fmt.Sprintf("%.3g", float64(per-base)/float64(time.Millisecond))
			if s, ok := issueFigures[b.iterations]; ok {
				issue = s
			}
		}
		fmt.Printf("| %s | %.3g | %.0f | %s | %s |\n", b.label(), ms, 1000/ms, part, issue)
	}
	fmt.Println()
	return nil
}

func (b *brokerProc) label() string {
	if b.iterations == 0 {
		return "anonymous (no password file)"
	}
	return strconv.Itoa(b.iterations)
}

func startBroker(path, dir string, iterations int) (*brokerProc, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	b := &brokerProc{iterations: iterations, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	conf := []string{
		fmt.Sprintf("listener %d 127.0.0.1", port),
		"persistence false",
		"log_dest stderr",
		"log_type error",
		"log_type warning",
	}
	if os.Geteuid() == 0 {
		// Otherwise the broker drops to the user "mosquitto", who cannot read our 0600 files.
		conf = append(conf, "user root")
	}
	if iterations == 0 {
		conf = append(conf, "allow_anonymous true")
	} else {
		hash, err := pwhash.Hash([]byte(brokerPassword), pwhash.Params{Algorithm: pwhash.PBKDF2, Iterations: iterations, SaltLen: pwhash.SaltLen20})
		if err != nil {
			return nil, err
		}
		pwfile := filepath.Join(dir, "passwd")
		if err := os.WriteFile(pwfile, []byte(brokerUser+":"+hash+"\n"), 0o600); err != nil {
			return nil, err
		}
		conf = append(conf, "allow_anonymous false", "password_file "+pwfile)
	}
	confFile := filepath.Join(dir, "mosquitto.conf")
	if err := os.WriteFile(confFile, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	b.logPath = filepath.Join(dir, "mosquitto.log")
	logFile, err := os.Create(b.logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	b.cmd = exec.Command(path, "-c", confFile)
	b.cmd.Stdout, b.cmd.Stderr = logFile, logFile
	if err := b.cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { b.cmd.Wait(); close(exited) }()
	for deadline := time.Now().Add(5 * time.Second); ; {
		if c, err := net.Dial("tcp", b.addr); err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("%s exited: %s", path, b.logText())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.stop()
			return nil, fmt.Errorf("%s does not listen on %s: %s", path, b.addr, b.logText())
		}
	}
	// The first CONNECT checks the password like every other; make sure it is accepted.
	if err := b.connect(); err != nil {
		b.stop()
		return nil, fmt.Errorf("%s: %w: %s", b.label(), err, b.logText())
	}
	return b, nil
}

func (b *brokerProc) logText() string {
	text, _ := os.ReadFile(b.logPath)
	return string(bytes.TrimSpace(text))
}

func (b *brokerProc) stop() {
	if b.cmd != nil && b.cmd.Process != nil {
		b.cmd.Process.Signal(syscall.SIGTERM)
	}
}

// round connects for about budget (at least minConnects times) and records the mean time.
func (b *brokerProc) round(budget time.Duration) error {
	start := time.Now()
	n := 0
	for n < minConnects || (time.Since(start) < budget && n < maxConnects) {
		if err := b.connect(); err != nil {
			return err
		}
		n++
	}
	b.perConnect = append(b.perConnect, time.Since(start)/time.Duration(n))
	return nil
}

// connect opens a connection, sends an MQTT 3.1.1 CONNECT, checks the CONNACK, and sends a
// DISCONNECT, after which the broker closes the connection (so the TIME_WAIT is the broker's).
func (b *brokerProc) connect() error {
	c, err := net.Dial("tcp", b.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	user, password := brokerUser, brokerPassword
	if b.iterations == 0 {
		user, password = "", ""
	}
	if _, err := c.Write(connectPacket("bench", user, password)); err != nil {
		return err
	}
	var ack [4]byte
	if _, err := io.ReadFull(c, ack[:]); err != nil {
		return fmt.Errorf("reading CONNACK: %w", err)
	}
	if ack[0] != 0x20 || ack[1] != 2 {
		return fmt.Errorf("not a CONNACK: % x", ack)
	}
	if ack[3] != 0 {
		return fmt.Errorf("CONNECT refused with return code %d", ack[3])
	}
	if _, err := c.Write([]byte{0xe0, 0}); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, c); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// connectPacket is an MQTT 3.1.1 CONNECT with a clean session, no will, and the username and
// password when user is not empty.
func connectPacket(clientID, user, password string) []byte {
	str := func(b []byte, s string) []byte {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		return append(b, s...)
	}
	flags := byte(0x02) // clean session
	var body []byte
	body = str(body, "MQTT")
	body = append(body, 4) // protocol level 4: 3.1.1
	if user != "" {
		flags |= 0x80 | 0x40
	}
	body = append(body, flags, 0, 60) // keep alive 60 s
	body = str(body, clientID)
	if user != "" {
		body = str(body, user)
		body = str(body, password)
	}
	pkt := []byte{0x10}
	for n := len(body); ; {
		digit := byte(n % 128)
		n /= 128
		if n > 0 {
			digit |= 0x80
		}
		pkt = append(pkt, digit)
		if n == 0 {
			break
		}
	}
	return append(pkt, body...)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
