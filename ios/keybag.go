package ios

import (
	"crypto/aes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
)

const (
	maxKeybagSize = 64 << 10
	maxIterations = 100_000_000 // refuse absurd PBKDF2 counts from a hostile keybag
)

// keybagClass is one protection class of a backup keybag.
type keybagClass struct {
	class uint32
	uuid  []byte
	wrap  uint32
	ktyp  uint32
	wpky  []byte
}

// keybag is a parsed BackupKeyBag (TLV: 4-byte tag, u32 BE length, value).
type keybag struct {
	version, typ uint32
	uuid, hmck   []byte
	wrap         uint32
	salt         []byte
	iter         uint32
	dpwt, dpic   uint32
	dpsl         []byte
	classes      []keybagClass
}

var errKeybag = errors.New("malformed backup keybag")

func parseKeybag(data []byte) (*keybag, error) {
	if len(data) > maxKeybagSize {
		return nil, fmt.Errorf("%w: %d bytes", errKeybag, len(data))
	}
	kb := &keybag{}
	var cur *keybagClass
	uuids := 0
	for p := 0; p < len(data); {
		if len(data)-p < 8 {
			return nil, fmt.Errorf("%w: trailing %d bytes", errKeybag, len(data)-p)
		}
		tag := string(data[p : p+4])
		n := binary.BigEndian.Uint32(data[p+4:])
		p += 8
		if uint64(n) > uint64(len(data)-p) {
			return nil, fmt.Errorf("%w: %q length %d beyond end", errKeybag, tag, n)
		}
		val := data[p : p+int(n)]
		p += int(n)
		var u32 uint32
		if len(val) == 4 {
			u32 = binary.BigEndian.Uint32(val)
		}
		if tag == "UUID" {
			uuids++
			if uuids == 1 {
				kb.uuid = val
			} else {
				kb.classes = append(kb.classes, keybagClass{uuid: val})
				cur = &kb.classes[len(kb.classes)-1]
			}
			continue
		}
		if cur != nil {
			switch tag {
			case "CLAS":
				cur.class = u32
			case "WRAP":
				cur.wrap = u32
			case "KTYP":
				cur.ktyp = u32
			case "WPKY":
				cur.wpky = val
			}
			continue
		}
		switch tag {
		case "VERS":
			kb.version = u32
		case "TYPE":
			kb.typ = u32
		case "HMCK":
			kb.hmck = val
		case "WRAP":
			kb.wrap = u32
		case "SALT":
			kb.salt = val
		case "ITER":
			kb.iter = u32
		case "DPWT":
			kb.dpwt = u32
		case "DPIC":
			kb.dpic = u32
		case "DPSL":
			kb.dpsl = val
		}
	}
	if len(kb.salt) == 0 || kb.iter == 0 {
		return nil, fmt.Errorf("%w: no SALT/ITER", errKeybag)
	}
	if len(kb.classes) == 0 {
		return nil, fmt.Errorf("%w: no protection classes", errKeybag)
	}
	return kb, nil
}

// deriveKey turns the backup password into the key that unwraps class keys:
// PBKDF2-SHA256(password, DPSL, DPIC) then PBKDF2-SHA1(that, SALT, ITER); the
// SHA-256 stage is skipped when the keybag has no DPSL/DPIC (before iOS 10.2).
func (kb *keybag) deriveKey(password []byte) ([]byte, error) {
	if kb.iter > maxIterations || kb.dpic > maxIterations {
		return nil, fmt.Errorf("%w: iteration count too large", errKeybag)
	}
	pw := password
	if len(kb.dpsl) > 0 && kb.dpic > 0 {
		k, err := pbkdf2.Key(sha256.New, string(password), kb.dpsl, int(kb.dpic), 32)
		if err != nil {
			return nil, err
		}
		pw = k
	}
	return pbkdf2.Key(sha1.New, string(pw), kb.salt, int(kb.iter), 32)
}

// unlock unwraps the class keys wrapped with the password-derived key.
func (kb *keybag) unlock(key []byte) (map[uint32][]byte, error) {
	keys := make(map[uint32][]byte)
	for _, c := range kb.classes {
		if c.wrap&2 == 0 || len(c.wpky) == 0 {
			continue // wrapped with the device key only: not usable off-device
		}
		k, err := aesUnwrap(key, c.wpky)
		if err != nil {
			return nil, err
		}
		keys[c.class] = k
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no password-wrapped class keys", errKeybag)
	}
	return keys, nil
}

var errUnwrap = errors.New("AES key unwrap integrity check failed")

var defaultIV = [8]byte{0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6}

// aesUnwrap implements RFC 3394 AES key unwrap.
func aesUnwrap(kek, wrapped []byte) ([]byte, error) {
	if len(wrapped)%8 != 0 || len(wrapped) < 24 || len(wrapped) > 1024 {
		return nil, fmt.Errorf("%w: wrapped key of %d bytes", errUnwrap, len(wrapped))
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	n := len(wrapped)/8 - 1
	var a [8]byte
	copy(a[:], wrapped[:8])
	r := make([]byte, n*8)
	copy(r, wrapped[8:])
	var b [16]byte
	for j := 5; j >= 0; j-- {
		for i := n; i >= 1; i-- {
			t := uint64(n*j + i)
			copy(b[:8], a[:])
			binary.BigEndian.PutUint64(b[:8], binary.BigEndian.Uint64(b[:8])^t)
			copy(b[8:], r[(i-1)*8:i*8])
			block.Decrypt(b[:], b[:])
			copy(a[:], b[:8])
			copy(r[(i-1)*8:i*8], b[8:])
		}
	}
	if subtle.ConstantTimeCompare(a[:], defaultIV[:]) != 1 {
		return nil, errUnwrap
	}
	return r, nil
}
