package exif

import (
	"errors"
	"io"
)

const (
	blockSize   = 4096
	maxBlocks   = 64       // cached blocks per Read call (256 KiB)
	directReads = 32 << 10 // reads at least this large bypass the cache
)

// blockReader turns the many small reads of a metadata walk into few
// block-aligned reads of the underlying file (one pread each for *os.File).
// It is used for the duration of one Read call and is not safe for
// concurrent use.
type blockReader struct {
	r      io.ReaderAt
	size   int64
	blocks map[int64][]byte
}

func newBlockReader(r io.ReaderAt, size int64) *blockReader {
	return &blockReader{r: r, size: size, blocks: make(map[int64][]byte, 8)}
}

func (b *blockReader) block(i int64) ([]byte, error) {
	if blk, ok := b.blocks[i]; ok {
		return blk, nil
	}
	start := i * blockSize
	n := min(int64(blockSize), b.size-start)
	if n <= 0 {
		return nil, io.EOF
	}
	buf := make([]byte, n)
	got, err := b.r.ReadAt(buf, start)
	if got < len(buf) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return buf[:got], err
	}
	if len(b.blocks) >= maxBlocks {
		clear(b.blocks)
	}
	b.blocks[i] = buf
	return buf, nil
}

func (b *blockReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if len(p) >= directReads {
		if off >= b.size {
			return 0, io.EOF
		}
		want := p
		if int64(len(p)) > b.size-off {
			want = p[:b.size-off]
		}
		n, err := b.r.ReadAt(want, off)
		if n < len(p) && err == nil {
			err = io.EOF
		}
		return n, err
	}
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if pos >= b.size {
			return n, io.EOF
		}
		blk, err := b.block(pos / blockSize)
		in := pos % blockSize
		if in < int64(len(blk)) {
			n += copy(p[n:], blk[in:])
		}
		if err != nil {
			if n < len(p) {
				if errors.Is(err, io.ErrUnexpectedEOF) {
					err = io.EOF
				}
				return n, err
			}
			break
		}
	}
	return n, nil
}
