package pwhash

import "testing"

var benchPassword = []byte("correct horse battery staple")

func benchmarkHash(b *testing.B, p Params) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Hash(benchPassword, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHashSHA512(b *testing.B)      { benchmarkHash(b, ParamsFor(SHA512, Broker20)) }
func BenchmarkHashPBKDF2_1000(b *testing.B) { benchmarkHash(b, ParamsFor(PBKDF2, Broker20)) }
func BenchmarkHashArgon2id(b *testing.B)    { benchmarkHash(b, ParamsFor(Argon2id, Broker21)) }

func benchmarkVerify(b *testing.B, p Params) {
	encoded, err := Hash(benchPassword, p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := Verify(benchPassword, encoded); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkVerifySHA512(b *testing.B)      { benchmarkVerify(b, ParamsFor(SHA512, Broker20)) }
func BenchmarkVerifyPBKDF2_1000(b *testing.B) { benchmarkVerify(b, ParamsFor(PBKDF2, Broker20)) }
func BenchmarkVerifyPBKDF2_210000(b *testing.B) {
	benchmarkVerify(b, Params{Algorithm: PBKDF2, Iterations: 210000, SaltLen: SaltLen21})
}
func BenchmarkVerifyArgon2id(b *testing.B) { benchmarkVerify(b, ParamsFor(Argon2id, Broker21)) }

func BenchmarkDecode(b *testing.B) {
	for _, a := range []Algorithm{SHA512, PBKDF2, Argon2id} {
		encoded, err := Hash(benchPassword, ParamsFor(a, Broker21))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(a), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(encoded); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	encoded, err := Hash(benchPassword, ParamsFor(PBKDF2, Broker21))
	if err != nil {
		b.Fatal(err)
	}
	d, err := Decode(encoded)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = d.Encode()
	}
}
