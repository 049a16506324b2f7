package ios

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path/filepath"
)

// Unlock derives the backup key from password (PBKDF2-SHA256 with DPSL/DPIC,
// then PBKDF2-SHA1 with SALT/ITER), unwraps the class keys (RFC 3394) and
// decrypts Manifest.db into the private temporary directory. A password that
// does not unwrap the class keys yields ErrWrongPassword. Unlock on a plain
// backup is a no-op. The password is never stored or printed.
func (b *Backup) Unlock(password []byte) error {
	if !b.encrypted {
		return nil
	}
	kb, err := parseKeybag(b.Manifest.BackupKeyBag)
	if err != nil {
		return fmt.Errorf("ios: Manifest.plist BackupKeyBag: %w", err)
	}
	key, err := kb.deriveKey(password)
	if err != nil {
		return fmt.Errorf("ios: key derivation: %w", err)
	}
	return b.unlockKeybag(kb, key)
}

// UnlockWithKey is Unlock with the already derived 32-byte key (the output of
// both PBKDF2 stages, as MVT's --key-file holds), skipping the slow KDF.
func (b *Backup) UnlockWithKey(key []byte) error {
	if !b.encrypted {
		return nil
	}
	if len(key) != 32 {
		return fmt.Errorf("ios: derived key must be 32 bytes, got %d", len(key))
	}
	kb, err := parseKeybag(b.Manifest.BackupKeyBag)
	if err != nil {
		return fmt.Errorf("ios: Manifest.plist BackupKeyBag: %w", err)
	}
	return b.unlockKeybag(kb, key)
}

func (b *Backup) unlockKeybag(kb *keybag, key []byte) error {
	if b.legacy {
		return ErrLegacyBackup
	}
	keys, err := kb.unlock(key)
	if errors.Is(err, errUnwrap) {
		return ErrWrongPassword
	}
	if err != nil {
		return fmt.Errorf("ios: %w", err)
	}
	mk := b.Manifest.ManifestKey
	if len(mk) != 44 {
		return fmt.Errorf("%w: ManifestKey of %d bytes, want 44", ErrCorruptManifest, len(mk))
	}
	ck, ok := keys[binary.LittleEndian.Uint32(mk)]
	if !ok {
		return fmt.Errorf("%w: no class key %d for ManifestKey", ErrCorruptManifest, binary.LittleEndian.Uint32(mk))
	}
	dbKey, err := aesUnwrap(ck, mk[4:])
	if err != nil {
		return fmt.Errorf("%w: ManifestKey does not unwrap", ErrCorruptManifest)
	}
	b.mu.Lock()
	if b.manifestDB != nil {
		b.manifestDB.Close()
		b.manifestDB = nil
	}
	b.dbErr = nil
	b.mu.Unlock()
	dir, err := b.newTempSubdir()
	if err != nil {
		return err
	}
	out := filepath.Join(dir, "Manifest.db")
	if err := decryptManifest(filepath.Join(b.Dir, "Manifest.db"), out, dbKey); err != nil {
		return err
	}
	b.mu.Lock()
	b.classKeys = keys
	b.manifestPath = out
	b.mu.Unlock()
	return nil
}

// decryptManifest decrypts Manifest.db (AES-256-CBC, zero IV) into dst,
// streaming, and drops a PKCS#7 tail when one is present.
func decryptManifest(src, dst string, key []byte) error {
	in, err := openEvidence(src)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCorruptManifest, err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if size == 0 || size%aes.BlockSize != 0 {
		return fmt.Errorf("%w: encrypted Manifest.db of %d bytes is not a multiple of 16", ErrCorruptManifest, size)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCorruptManifest, err)
	}
	out, err := createPrivate(dst)
	if err != nil {
		return err
	}
	cbc := cipher.NewCBCDecrypter(block, make([]byte, aes.BlockSize))
	buf := make([]byte, 256<<10)
	var hdr [100]byte
	var last [aes.BlockSize]byte
	var done int64
	for done < size {
		n := int64(len(buf))
		if size-done < n {
			n = size - done
		}
		if _, err := io.ReadFull(in, buf[:n]); err != nil {
			out.Close()
			return fmt.Errorf("%w: %v", ErrCorruptManifest, err)
		}
		cbc.CryptBlocks(buf[:n], buf[:n])
		if done < int64(len(hdr)) {
			copy(hdr[done:], buf[:n])
		}
		copy(last[:], buf[n-aes.BlockSize:n])
		if _, err := out.Write(buf[:n]); err != nil {
			out.Close()
			return err
		}
		done += n
	}
	if !bytesHasPrefix(hdr[:], sqliteMagic) {
		out.Close()
		return fmt.Errorf("%w: decrypted Manifest.db is not SQLite", ErrCorruptManifest)
	}
	// A SQLite file is a whole number of pages; a tail that breaks this and
	// is valid PKCS#7 padding is padding.
	page := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if page == 1 {
		page = 65536
	}
	if page >= 512 && size%page != 0 {
		if p := int64(last[aes.BlockSize-1]); p >= 1 && p <= aes.BlockSize && (size-p)%page == 0 {
			ok := true
			for _, c := range last[aes.BlockSize-p:] {
				ok = ok && int64(c) == p
			}
			if ok {
				if err := out.Truncate(size - p); err != nil {
					out.Close()
					return err
				}
			}
		}
	}
	return out.Close()
}

func bytesHasPrefix(b, p []byte) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == string(p)
}
