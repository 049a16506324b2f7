package ios

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Content is an opened file of the backup. Read and ReadAt return plaintext;
// Size is the plaintext size.
type Content interface {
	io.Reader
	io.ReaderAt
	io.Closer
	Size() int64
}

func validFileID(id string) bool {
	if len(id) != 40 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// contentPath is <dir>/<id[0:2]>/<id>.
func (b *Backup) contentPath(f *File) (string, error) {
	if !validFileID(f.ID) {
		return "", fmt.Errorf("ios: %s/%s: invalid fileID %q", f.Domain, f.RelativePath, f.ID)
	}
	return filepath.Join(b.Dir, f.ID[:2], f.ID), nil
}

// Open opens the content of a regular file. A file missing from the backup
// (partial backups exist) yields an error wrapping fs.ErrNotExist. In an
// encrypted backup the content is decrypted on the fly; a truncated or
// corrupt file yields ErrCorruptFile. The content may differ in size from
// f.Size: see File.CheckSize.
func (b *Backup) Open(f *File) (Content, error) {
	if !f.IsRegular() {
		return nil, fmt.Errorf("ios: %s/%s: not a regular file", f.Domain, f.RelativePath)
	}
	if b.legacy {
		return nil, ErrLegacyBackup
	}
	p, err := b.contentPath(f)
	if err != nil {
		return nil, err
	}
	var fileKey []byte
	if b.encrypted {
		if b.classKeys == nil {
			return nil, ErrPasswordRequired
		}
		if f.Err != nil {
			return nil, f.Err
		}
		if len(f.encKey) > 0 {
			class := binary.LittleEndian.Uint32(f.encKey)
			ck, ok := b.classKeys[class]
			if !ok {
				return nil, fmt.Errorf("%w: %s/%s: no key for protection class %d", ErrCorruptFile, f.Domain, f.RelativePath, class)
			}
			fileKey, err = aesUnwrap(ck, f.encKey[4:])
			if err != nil {
				return nil, fmt.Errorf("%w: %s/%s: file key does not unwrap", ErrCorruptFile, f.Domain, f.RelativePath)
			}
		}
	}
	if st, err := os.Lstat(p); err == nil && st.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("ios: %s/%s: content is a symbolic link", f.Domain, f.RelativePath)
	}
	fh, err := openEvidence(p)
	if err != nil {
		return nil, fmt.Errorf("ios: %s/%s: %w", f.Domain, f.RelativePath, err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		fh.Close()
		return nil, fmt.Errorf("ios: %s/%s: content is not a regular file", f.Domain, f.RelativePath)
	}
	if fileKey == nil {
		return &plainContent{SectionReader: io.NewSectionReader(fh, 0, st.Size()), f: fh}, nil
	}
	c, err := newEncContent(fh, st.Size(), fileKey)
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("ios: %s/%s: %w", f.Domain, f.RelativePath, err)
	}
	return c, nil
}

type plainContent struct {
	*io.SectionReader
	f *os.File
}

func (c *plainContent) Close() error { return c.f.Close() }

// encContent decrypts an AES-256-CBC (zero IV, PKCS#7) file lazily: block i
// needs only ciphertext blocks i-1 and i.
type encContent struct {
	f     readerAtCloser
	block cipher.Block
	ctLen int64
	size  int64
	pos   int64
}

const maxDecryptChunk = 1 << 20

type readerAtCloser interface {
	io.ReaderAt
	io.Closer
}

func newEncContent(f readerAtCloser, ctLen int64, key []byte) (*encContent, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptFile, err)
	}
	c := &encContent{f: f, block: block, ctLen: ctLen}
	if ctLen == 0 {
		return c, nil
	}
	if ctLen%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a multiple of 16", ErrCorruptFile, ctLen)
	}
	var buf [2 * aes.BlockSize]byte
	iv, last := buf[:aes.BlockSize], buf[aes.BlockSize:]
	if ctLen > aes.BlockSize {
		if _, err := f.ReadAt(buf[:], ctLen-2*aes.BlockSize); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorruptFile, err)
		}
	} else if _, err := f.ReadAt(last, 0); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptFile, err)
	}
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(last, last)
	p := int(last[aes.BlockSize-1])
	if p < 1 || p > aes.BlockSize {
		return nil, fmt.Errorf("%w: bad padding", ErrCorruptFile)
	}
	for _, x := range last[aes.BlockSize-p:] {
		if int(x) != p {
			return nil, fmt.Errorf("%w: bad padding", ErrCorruptFile)
		}
	}
	c.size = ctLen - int64(p)
	return c, nil
}

func (c *encContent) Size() int64 { return c.size }

func (c *encContent) Close() error { return c.f.Close() }

func (c *encContent) Read(p []byte) (int, error) {
	n, err := c.ReadAt(p, c.pos)
	c.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (c *encContent) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("ios: negative offset")
	}
	if off >= c.size {
		return 0, io.EOF
	}
	want := int64(len(p))
	if rest := c.size - off; want > rest {
		want = rest
	}
	var buf []byte
	n := int64(0)
	for n < want {
		chunk := want - n
		if chunk > maxDecryptChunk {
			chunk = maxDecryptChunk
		}
		o := off + n
		first := o &^ (aes.BlockSize - 1)
		end := (o + chunk + aes.BlockSize - 1) &^ (aes.BlockSize - 1)
		start := first - aes.BlockSize // include the previous block as IV
		if start < 0 {
			start = 0
		}
		need := int(end - start)
		if cap(buf) < need {
			buf = make([]byte, need)
		}
		buf = buf[:need]
		if _, err := c.f.ReadAt(buf, start); err != nil {
			if err == io.EOF {
				err = fmt.Errorf("%w: file shrank while reading", ErrCorruptFile)
			}
			return int(n), err
		}
		iv := make([]byte, aes.BlockSize)
		data := buf
		if first > 0 {
			copy(iv, buf[:aes.BlockSize])
			data = buf[aes.BlockSize:]
		}
		cipher.NewCBCDecrypter(c.block, iv).CryptBlocks(data, data)
		copy(p[n:n+chunk], data[o-first:])
		n += chunk
	}
	if n < int64(len(p)) {
		return int(n), io.EOF
	}
	return int(n), nil
}
