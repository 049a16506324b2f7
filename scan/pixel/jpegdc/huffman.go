package jpegdc

import "fmt"

// lutBits is the width of the Huffman lookahead tables.
const lutBits = 10

// huff is one Huffman table ready for decoding.
//
// lut maps the next lutBits bits of the stream to len<<8|symbol for codes
// of at most lutBits bits (0: longer code, or no such code). skip is the
// combined table for skipping AC coefficients at scale 8 (libjpeg-turbo's
// idea): when code length + extra bits fit in lutBits it holds
// bits | kinc<<8, where bits is everything to consume and kinc is how far
// the zig-zag index moves (run+1, 16 for ZRL, 64 for end of block); 0 sends
// the decoder to the slow path.
type huff struct {
	lut     [1 << lutBits]uint16
	skip    [1 << lutBits]uint16
	dcv     [1 << lutBits]int32 // DC tables: value<<8 | bits when code+extra bits fit, else 0
	maxcode [17]int32           // largest code of each length, -1 if none
	valptr  [17]int32           // index into vals of the first code of each length
	mincode [17]int32
	vals    [256]byte
	n       int // number of symbols
	defined bool
}

// build fills h from the 16 code-length counts and the symbols of a DHT
// segment; it rejects over-subscribed tables.
func (h *huff) build(counts *[16]byte, symbols []byte) error {
	*h = huff{}
	total := 0
	for _, c := range counts {
		total += int(c)
	}
	if total == 0 || total > 256 || total != len(symbols) {
		return fmt.Errorf("%w: Huffman table with %d symbols", ErrFormat, total)
	}
	h.n = total
	copy(h.vals[:], symbols)
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		c := int32(counts[l-1])
		h.valptr[l] = k
		h.mincode[l] = code
		if c == 0 {
			h.maxcode[l] = -1
		} else {
			h.maxcode[l] = code + c - 1
		}
		for i := int32(0); i < c; i++ {
			if l <= lutBits {
				sym := h.vals[k]
				shift := uint(lutBits - l)
				base := int(code) << shift
				e := uint16(l)<<8 | uint16(sym)
				for j := 0; j < 1<<shift; j++ {
					h.lut[base+j] = e
				}
				// Combined entry for AC skipping.
				r, s := int(sym>>4), int(sym&15)
				var bits, kinc int
				switch {
				case s == 0 && r == 15:
					bits, kinc = l, 16
				case s == 0:
					bits, kinc = l, 64 // EOB (r 1..14 with s 0 is read as EOB too, like libjpeg)
				case l+s <= lutBits:
					bits, kinc = l+s, r+1
				}
				if bits > 0 {
					e2 := uint16(bits) | uint16(kinc)<<8
					for j := 0; j < 1<<shift; j++ {
						h.skip[base+j] = e2
					}
				}
				// Combined entry for DC differences (the symbol is the
				// number of extra bits).
				if ds := int(sym); ds <= 15 && l+ds <= lutBits {
					for j := 0; j < 1<<shift; j++ {
						var v int32
						if ds > 0 {
							extra := uint64(j>>(shift-uint(ds))) & (1<<ds - 1)
							v = extend(extra, uint(ds))
						}
						h.dcv[base+j] = v<<8 | int32(l+ds)
					}
				}
			}
			code++
			k++
		}
		if code > 1<<l {
			return fmt.Errorf("%w: over-subscribed Huffman table", ErrFormat)
		}
		code <<= 1
	}
	h.defined = true
	return nil
}

// decode returns the symbol at the top of acc (MSB-aligned, at least 16
// valid bits) and its code length; ok is false for a code not in the table.
func (h *huff) decode(acc uint64) (sym byte, length uint, ok bool) {
	if e := h.lut[acc>>(64-lutBits)]; e != 0 {
		return byte(e), uint(e >> 8), true
	}
	for l := lutBits + 1; l <= 16; l++ {
		code := int32(acc >> (64 - uint(l)))
		if code <= h.maxcode[l] {
			i := h.valptr[l] + code - h.mincode[l]
			if i < 0 || int(i) >= h.n {
				return 0, 0, false
			}
			return h.vals[i], uint(l), true
		}
	}
	return 0, 0, false
}
