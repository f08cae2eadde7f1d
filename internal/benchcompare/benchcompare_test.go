package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestConnectPacket(t *testing.T) {
	// MQTT 3.1.1 §3.1: fixed header, "MQTT", level 4, flags, keep alive, then the strings.
	want := []byte{0x10, 25,
		0, 4, 'M', 'Q', 'T', 'T', 4, 0xc2, 0, 60,
		0, 1, 'c',
		0, 4, 'u', 's', 'e', 'r',
		0, 4, 'p', 'a', 's', 's'}
	if got := connectPacket("c", "user", "pass"); !bytes.Equal(got, want) {
		t.Errorf("connectPacket = % x, want % x", got, want)
	}
	anon := connectPacket("c", "", "")
	if anon[9] != 0x02 || int(anon[1]) != len(anon)-2 {
		t.Errorf("anonymous connectPacket = % x", anon)
	}
	// A remaining length over 127 takes two bytes.
	long := connectPacket("c", "u", strings.Repeat("p", 200))
	if long[1]&0x80 == 0 || int(long[1]&0x7f)+128*int(long[2]) != len(long)-3 {
		t.Errorf("long connectPacket header % x, length %d", long[:3], len(long))
	}
}

func TestMedian(t *testing.T) {
	if got := median([]time.Duration{5, 1, 3}); got != 3 {
		t.Errorf("median odd = %v", got)
	}
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median even = %v", got)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{1_000_000: "1,000,000-user file", 10_000: "10,000-user file", 999: "999-user file"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}
