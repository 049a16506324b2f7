package jpegdc

import "encoding/binary"

// bitReader reads entropy-coded data MSB first from data[pos:], undoing
// byte stuffing (FF 00). When it meets a marker or the end of the data it
// stops consuming bytes and feeds zero bits, counting them in pad: the
// decoder has read past the real data as soon as nbits < pad.
type bitReader struct {
	data   []byte
	pos    int
	acc    uint64 // valid bits are the top nbits
	nbits  uint
	pad    uint // zero bits appended after a marker or the end
	stop   bool // a marker or the end was met
	atEOF  bool // ... and it was the end of the data
	marker byte // the marker met (0 at the end of data)
}

// fill tops acc up to at least 57 valid bits.
func (b *bitReader) fill() {
	if !b.stop && b.pos+8 <= len(b.data) {
		// Fast path: the next 8 bytes hold no FF, so take as many whole
		// bytes as fit at once. The bits of the next, partial byte that
		// land below the valid bits are the real next data, which later
		// fills OR in again at the same place.
		x := binary.BigEndian.Uint64(b.data[b.pos:])
		if t := ^x; (t-0x0101010101010101)&^t&0x8080808080808080 == 0 {
			k := (64 - b.nbits) >> 3
			b.acc |= x >> b.nbits
			b.pos += int(k)
			b.nbits += k << 3
			return
		}
	}
	for b.nbits <= 56 {
		if b.stop {
			b.nbits += 8
			b.pad += 8
			continue
		}
		if b.pos >= len(b.data) {
			b.stop, b.atEOF = true, true
			continue
		}
		c := b.data[b.pos]
		if c == 0xFF {
			if b.pos+1 >= len(b.data) {
				b.stop, b.atEOF = true, true
				continue
			}
			switch n := b.data[b.pos+1]; n {
			case 0x00:
				b.pos += 2
			case 0xFF: // fill byte in front of a marker
				b.pos++
				continue
			default:
				b.stop, b.marker = true, n
				continue
			}
		} else {
			b.pos++
		}
		b.acc |= uint64(c) << (56 - b.nbits)
		b.nbits += 8
	}
}

// reset drops buffered bits (at a restart marker or the end of a scan).
func (b *bitReader) reset() {
	b.acc, b.nbits, b.pad, b.stop, b.atEOF, b.marker = 0, 0, 0, false, false, 0
}

// overrun reports whether bits past the real data were consumed.
func (b *bitReader) overrun() bool { return b.nbits < b.pad }
