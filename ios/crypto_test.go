package ios

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"testing"

	"github.com/devicescan/devicescan/ios/backuptest"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAESKeyWrap checks both RFC 3394 implementations (reader and writer)
// against published vectors.
func TestAESKeyWrap(t *testing.T) {
	for _, tc := range []struct{ kek, key, wrapped string }{
		// RFC 3394 4.6: 256-bit key data with a 256-bit KEK.
		{"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
			"00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
			"28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21"},
		// RFC 3394 4.1: 128-bit key data with a 128-bit KEK.
		{"000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
			"1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"},
		// RFC 3394 4.3: 128-bit key data with a 256-bit KEK.
		{"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF",
			"64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7"},
	} {
		kek, key, wrapped := unhex(t, tc.kek), unhex(t, tc.key), unhex(t, tc.wrapped)
		got, err := aesUnwrap(kek, wrapped)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("unwrap: %x, %v", got, err)
		}
		w, err := backuptest.Wrap(kek, key)
		if err != nil || !bytes.Equal(w, wrapped) {
			t.Errorf("wrap: %x, %v", w, err)
		}
		bad := append([]byte(nil), wrapped...)
		bad[len(bad)-1] ^= 1
		if _, err := aesUnwrap(kek, bad); !errors.Is(err, errUnwrap) {
			t.Errorf("tampered unwrap: %v", err)
		}
	}
	for _, n := range []int{0, 8, 16, 25} {
		if _, err := aesUnwrap(make([]byte, 32), make([]byte, n)); err == nil {
			t.Errorf("unwrap accepted %d bytes", n)
		}
	}
}

// Public vector from pyiosbackup's test fixture (see research notes §9).
const (
	vecWPKY        = "528c9c5171bf8bef1ea397cf29d2a838c90529df02a6ad2f823a1c6f3a5b2040e2a309c520c6a2ab"
	vecKey         = "ec8edc160b5745ccae000bfb4787630f322821191fba7eea38feab2c6307cd9b"
	vecManifestKey = "97317494343807e690fd1e431413963dc0e3deb4907fb89fa36ce65126d0ea1301381fb3a2941e2f"
)

func TestPublicVector(t *testing.T) {
	zero := make([]byte, 32)
	ck, err := aesUnwrap(unhex(t, vecKey), unhex(t, vecWPKY))
	if err != nil || !bytes.Equal(ck, zero) {
		t.Fatalf("class key %x, %v", ck, err)
	}
	mk, err := aesUnwrap(ck, unhex(t, vecManifestKey))
	if err != nil || !bytes.Equal(mk, zero) {
		t.Fatalf("manifest key %x, %v", mk, err)
	}
	block, _ := aes.NewCipher(zero)
	data := unhex(t, "78b51ca5374c3ad575174288688cda49")
	cipher.NewCBCDecrypter(block, make([]byte, 16)).CryptBlocks(data, data)
	if string(data) != "Test data\x07\x07\x07\x07\x07\x07\x07" {
		t.Fatalf("file = %q", data)
	}
	// A keybag shaped like the fixture's, with the real iteration counts.
	kb := buildKeybag(t, 10000, 10000000, make([]byte, 20), make([]byte, 20), unhex(t, vecWPKY))
	parsed, err := parseKeybag(kb)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := parsed.unlock(unhex(t, vecKey))
	if err != nil || len(keys) != 11 || !bytes.Equal(keys[2], zero) {
		t.Fatalf("unlock: %d keys, %v", len(keys), err)
	}
	if _, err := parsed.unlock(unhex(t, vecManifestKey[:64])); !errors.Is(err, errUnwrap) {
		t.Errorf("unlock with a wrong key = %v", err)
	}
	// The full KDF takes 2-100 s depending on the machine's load.
	if testing.Short() || os.Getenv("DEVICESCAN_SLOW_TESTS") == "" {
		t.Skip("slow KDF (10,000,000 PBKDF2-SHA256 rounds): set DEVICESCAN_SLOW_TESTS=1")
	}
	key, err := parsed.deriveKey([]byte("0000"))
	if err != nil || hex.EncodeToString(key) != vecKey {
		t.Fatalf("derived %x, %v", key, err)
	}
}

func buildKeybag(t testing.TB, iter, dpic uint32, salt, dpsl, wpky []byte) []byte {
	var kb bytes.Buffer
	tlv := func(tag string, v []byte) {
		kb.WriteString(tag)
		binary.Write(&kb, binary.BigEndian, uint32(len(v)))
		kb.Write(v)
	}
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	tlv("VERS", u32(5))
	tlv("TYPE", u32(1))
	tlv("UUID", make([]byte, 16))
	tlv("HMCK", make([]byte, 40))
	tlv("WRAP", u32(0))
	tlv("SALT", salt)
	tlv("ITER", u32(iter))
	tlv("DPWT", u32(1))
	tlv("DPIC", u32(dpic))
	tlv("DPSL", dpsl)
	tlv("XTRA", []byte("unknown tags are ignored"))
	for c := uint32(1); c <= 11; c++ {
		tlv("UUID", make([]byte, 16))
		tlv("CLAS", u32(c))
		tlv("WRAP", u32(3))
		tlv("KTYP", u32(0))
		tlv("WPKY", wpky)
	}
	return kb.Bytes()
}

func TestParseKeybagErrors(t *testing.T) {
	good := buildKeybag(t, 1, 1, make([]byte, 20), make([]byte, 20), unhex(t, vecWPKY))
	for name, kb := range map[string][]byte{
		"empty":     nil,
		"short-tlv": good[:5],
		"overrun":   append(append([]byte(nil), good[:4]...), 0xff, 0xff, 0xff, 0xff),
		"cut":       good[:len(good)-3],
		"no-class":  buildKeybag(t, 1, 1, make([]byte, 20), make([]byte, 20), nil)[:200],
		"huge":      make([]byte, maxKeybagSize+1),
	} {
		if _, err := parseKeybag(kb); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	kb, err := parseKeybag(buildKeybag(t, maxIterations+1, 1, make([]byte, 20), make([]byte, 20), unhex(t, vecWPKY)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kb.deriveKey([]byte("x")); err == nil {
		t.Error("absurd iteration count accepted")
	}
}

// BenchmarkKeyDerivation measures the real iOS KDF cost: PBKDF2-SHA256 with
// 10,000,000 rounds then PBKDF2-SHA1 with 10,000.
func BenchmarkKeyDerivation(b *testing.B) {
	kb, err := parseKeybag(buildKeybag(b, 10000, 10000000, make([]byte, 20), make([]byte, 20), unhex(b, vecWPKY)))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := kb.deriveKey([]byte("0000")); err != nil {
			b.Fatal(err)
		}
	}
}
