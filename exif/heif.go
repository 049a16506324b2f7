package exif

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

const (
	maxTopBoxes  = 64      // top-level boxes examined before giving up on meta
	maxMetaBox   = 4 << 20 // largest meta box read into memory
	maxChildBox  = 4096    // children per container box
	maxItems     = 4096    // items in iinf/iloc/ipma
	maxExtents   = 64      // extents per item
	maxEntries   = 1 << 16 // extents, property associations and references in total
	maxBoxDepth  = 4       // meta > iprp > ipco > property
	maxHEVCConfg = 64 << 10
)

// box is one ISOBMFF box inside an in-memory buffer.
type box struct {
	typ     string
	payload []byte
}

// childBoxes splits b into boxes, bounding each by b. size 0 means "to the
// end of b", size 1 means a 64-bit size follows.
func childBoxes(b []byte) ([]box, error) {
	var out []box
	for len(b) > 0 {
		if len(out) >= maxChildBox {
			return out, corrupt("more than %d child boxes", maxChildBox)
		}
		if len(b) < 8 {
			return out, corrupt("truncated box header")
		}
		sz := uint64(binary.BigEndian.Uint32(b))
		typ := string(b[4:8])
		hdr := uint64(8)
		switch sz {
		case 0:
			sz = uint64(len(b))
		case 1:
			if len(b) < 16 {
				return out, corrupt("truncated 64-bit box header")
			}
			sz = binary.BigEndian.Uint64(b[8:])
			hdr = 16
		}
		if sz < hdr || sz > uint64(len(b)) {
			return out, corrupt("box %q of size %d exceeds its parent (%d bytes left)", typ, sz, len(b))
		}
		out = append(out, box{typ: typ, payload: b[hdr:sz]})
		b = b[sz:]
	}
	return out, nil
}

// fullBox splits a FullBox payload into version, flags and the rest.
func fullBox(p []byte) (version byte, flags uint32, rest []byte, ok bool) {
	if len(p) < 4 {
		return 0, 0, nil, false
	}
	return p[0], binary.BigEndian.Uint32(p) & 0xFFFFFF, p[4:], true
}

// cursor reads big-endian integers from a slice, remembering overruns.
type cursor struct {
	b   []byte
	bad bool
}

func (c *cursor) n(size int) uint64 {
	if size == 0 {
		return 0
	}
	if c.bad || len(c.b) < size {
		c.bad = true
		return 0
	}
	var v uint64
	for i := 0; i < size; i++ {
		v = v<<8 | uint64(c.b[i])
	}
	c.b = c.b[size:]
	return v
}

func (c *cursor) u8() uint64  { return c.n(1) }
func (c *cursor) u16() uint64 { return c.n(2) }
func (c *cursor) u32() uint64 { return c.n(4) }

type extent struct{ off, length uint64 }

type heifItem struct {
	typ     string
	method  uint64 // iloc construction method: 0 file, 1 idat
	extents []extent
	props   []int // 1-based indexes into ipco
}

type heifMeta struct {
	primary uint64
	items   map[uint64]*heifItem
	props   []box // ipco children, index i+1
	thmb    map[uint64][]uint64
	idat    []byte
	entries int // extents + associations + references stored, capped at maxEntries
}

func (h *heifMeta) item(id uint64) *heifItem {
	it := h.items[id]
	if it == nil {
		if len(h.items) >= maxItems {
			return &heifItem{} // detached: ignored
		}
		it = &heifItem{}
		h.items[id] = it
	}
	return it
}

// prop returns the first property of type typ associated with item id.
func (h *heifMeta) prop(id uint64, typ string) []byte {
	it := h.items[id]
	if it == nil {
		return nil
	}
	for _, i := range it.props {
		if i >= 1 && i <= len(h.props) && h.props[i-1].typ == typ {
			return h.props[i-1].payload
		}
	}
	return nil
}

func (h *heifMeta) ispe(id uint64) (w, hgt int, ok bool) {
	p := h.prop(id, "ispe")
	if len(p) < 12 {
		return 0, 0, false
	}
	ww, hh := binary.BigEndian.Uint32(p[4:]), binary.BigEndian.Uint32(p[8:])
	if ww == 0 || hh == 0 || ww > 0x7FFFFFFF || hh > 0x7FFFFFFF {
		return 0, 0, false
	}
	return int(ww), int(hh), true
}

// heifFormat maps ftyp brands to a format name, "" when the file is not a
// HEIF image (e.g. an MP4 or QuickTime video).
func heifFormat(major string, compat []string) string {
	kind := func(b string) string {
		switch b {
		case "heic", "heix", "heim", "heis", "hevc", "hevx":
			return "heic"
		case "avif", "avis":
			return "avif"
		case "mif1", "msf1", "miaf", "mif2":
			return "heif"
		}
		return ""
	}
	k := kind(major)
	if k == "heic" || k == "avif" {
		return k
	}
	best := k
	for _, b := range compat {
		switch kind(b) {
		case "heic", "avif":
			if best == "heif" || best == "" {
				return kind(b)
			}
		case "heif":
			if best == "" {
				best = "heif"
			}
		}
	}
	return best
}

func readHEIF(r io.ReaderAt, size int64) (*Metadata, error) {
	var meta []byte
	var format string
	pos := int64(0)
	var hb [16]byte
walk:
	for i := 0; i < maxTopBoxes && pos+8 <= size; i++ {
		partial := func() *Metadata {
			if format == "" {
				return nil
			}
			return &Metadata{Format: format}
		}
		if _, err := r.ReadAt(hb[:8], pos); err != nil {
			return partial(), corrupt("box header at %d: %v", pos, err)
		}
		bsz := uint64(binary.BigEndian.Uint32(hb[:4]))
		typ := string(hb[4:8])
		hdr := uint64(8)
		switch bsz {
		case 0:
			bsz = uint64(size - pos)
		case 1:
			if _, err := r.ReadAt(hb[8:16], pos+8); err != nil {
				return partial(), corrupt("64-bit box header at %d: %v", pos, err)
			}
			bsz = binary.BigEndian.Uint64(hb[8:16])
			hdr = 16
		}
		if bsz < hdr || bsz > uint64(size-pos) {
			if format == "" {
				return nil, fmt.Errorf("%w: box %q at %d has bad size %d", ErrUnsupported, typ, pos, bsz)
			}
			return &Metadata{Format: format}, corrupt("box %q at %d has size %d beyond end of file", typ, pos, bsz)
		}
		if i == 0 {
			if typ != "ftyp" || bsz > 4096 || bsz < hdr+8 {
				return nil, fmt.Errorf("%w: ftyp box", ErrUnsupported)
			}
			p := make([]byte, bsz-hdr)
			if _, err := r.ReadAt(p, pos+int64(hdr)); err != nil {
				return nil, fmt.Errorf("%w: ftyp box: %v", ErrUnsupported, err)
			}
			var compat []string
			for j := 8; j+4 <= len(p); j += 4 {
				compat = append(compat, string(p[j:j+4]))
			}
			format = heifFormat(string(p[:4]), compat)
			if format == "" {
				return nil, fmt.Errorf("%w: ftyp brand %q is not a HEIF image", ErrUnsupported, p[:4])
			}
		} else if typ == "meta" {
			if bsz-hdr > maxMetaBox {
				return &Metadata{Format: format}, corrupt("meta box of %d bytes", bsz)
			}
			meta = make([]byte, bsz-hdr)
			if _, err := r.ReadAt(meta, pos+int64(hdr)); err != nil {
				return &Metadata{Format: format}, corrupt("meta box: %v", err)
			}
			break walk
		}
		pos += int64(bsz)
	}
	m := &Metadata{Format: format}
	if meta == nil {
		return m, corrupt("no meta box")
	}
	h, err := parseMeta(meta)
	if err != nil {
		return m, err
	}
	if w, hh, ok := h.ispe(h.primary); ok {
		m.Width, m.Height = w, hh
	}
	h.thumbnail(m, size)
	return m, h.exif(m, r, size)
}

func parseMeta(meta []byte) (*heifMeta, error) {
	_, _, body, ok := fullBox(meta)
	if !ok {
		return nil, corrupt("meta box too short")
	}
	kids, err := childBoxes(body)
	if err != nil && len(kids) == 0 {
		return nil, fmt.Errorf("meta: %w", err)
	}
	h := &heifMeta{items: map[uint64]*heifItem{}, thmb: map[uint64][]uint64{}}
	for _, k := range kids {
		switch k.typ {
		case "pitm":
			v, _, rest, ok := fullBox(k.payload)
			if ok {
				c := cursor{b: rest}
				if v == 0 {
					h.primary = c.u16()
				} else {
					h.primary = c.u32()
				}
			}
		case "iinf":
			h.parseIinf(k.payload)
		case "iloc":
			if err := h.parseIloc(k.payload); err != nil {
				return nil, err
			}
		case "iprp":
			h.parseIprp(k.payload)
		case "iref":
			h.parseIref(k.payload)
		case "idat":
			h.idat = k.payload
		}
	}
	return h, nil
}

func (h *heifMeta) parseIinf(p []byte) {
	v, _, rest, ok := fullBox(p)
	if !ok {
		return
	}
	c := cursor{b: rest}
	if v == 0 {
		c.u16()
	} else {
		c.u32()
	}
	if c.bad {
		return
	}
	kids, _ := childBoxes(c.b)
	for _, k := range kids {
		if k.typ != "infe" {
			continue
		}
		iv, _, rest, ok := fullBox(k.payload)
		if !ok || iv < 2 {
			continue
		}
		c := cursor{b: rest}
		var id uint64
		if iv == 2 {
			id = c.u16()
		} else {
			id = c.u32()
		}
		c.u16() // protection index
		t := c.n(4)
		if c.bad {
			continue
		}
		var tb [4]byte
		binary.BigEndian.PutUint32(tb[:], uint32(t))
		h.item(id).typ = string(tb[:])
	}
}

func (h *heifMeta) parseIloc(p []byte) error {
	v, _, rest, ok := fullBox(p)
	if !ok || v > 2 {
		return corrupt("iloc version %d", v)
	}
	c := cursor{b: rest}
	a := c.u8()
	b := c.u8()
	offSize, lenSize := int(a>>4), int(a&15)
	baseSize, idxSize := int(b>>4), 0
	if v >= 1 {
		idxSize = int(b & 15)
	}
	for _, s := range []int{offSize, lenSize, baseSize, idxSize} {
		if s != 0 && s != 4 && s != 8 {
			return corrupt("iloc field size %d", s)
		}
	}
	var count uint64
	if v < 2 {
		count = c.u16()
	} else {
		count = c.u32()
	}
	if count > maxItems {
		return corrupt("iloc lists %d items", count)
	}
	for i := uint64(0); i < count && !c.bad; i++ {
		var id uint64
		if v < 2 {
			id = c.u16()
		} else {
			id = c.u32()
		}
		var method uint64
		if v >= 1 {
			method = c.u16() & 15
		}
		c.u16() // data reference index
		base := c.n(baseSize)
		nExt := c.u16()
		if nExt > maxExtents {
			return corrupt("iloc item %d has %d extents", id, nExt)
		}
		it := h.item(id)
		it.method = method
		it.extents = it.extents[:0]
		h.entries += int(nExt)
		if h.entries > maxEntries {
			return corrupt("iloc lists more than %d extents", maxEntries)
		}
		for e := uint64(0); e < nExt; e++ {
			c.n(idxSize)
			off := c.n(offSize)
			ln := c.n(lenSize)
			if off > 1<<62 || base > 1<<62 {
				c.bad = true
			}
			it.extents = append(it.extents, extent{off: base + off, length: ln})
		}
	}
	if c.bad {
		return corrupt("iloc truncated")
	}
	return nil
}

func (h *heifMeta) parseIprp(p []byte) {
	kids, _ := childBoxes(p)
	for _, k := range kids {
		switch k.typ {
		case "ipco":
			props, _ := childBoxes(k.payload)
			h.props = props
		case "ipma":
			v, flags, rest, ok := fullBox(k.payload)
			if !ok {
				continue
			}
			c := cursor{b: rest}
			n := c.u32()
			for i := uint64(0); i < n && i < maxItems && !c.bad; i++ {
				var id uint64
				if v < 1 {
					id = c.u16()
				} else {
					id = c.u32()
				}
				cnt := c.u8()
				h.entries += int(cnt)
				if h.entries > maxEntries {
					return
				}
				var props []int
				for j := uint64(0); j < cnt && !c.bad; j++ {
					if flags&1 != 0 {
						props = append(props, int(c.u16()&0x7FFF))
					} else {
						props = append(props, int(c.u8()&0x7F))
					}
				}
				if !c.bad {
					it := h.item(id)
					it.props = append(it.props, props...)
				}
			}
		}
	}
}

func (h *heifMeta) parseIref(p []byte) {
	v, _, rest, ok := fullBox(p)
	if !ok {
		return
	}
	kids, _ := childBoxes(rest)
	for _, k := range kids {
		if k.typ != "thmb" {
			continue
		}
		c := cursor{b: k.payload}
		var from uint64
		if v == 0 {
			from = c.u16()
		} else {
			from = c.u32()
		}
		n := c.u16()
		h.entries += int(n)
		if h.entries > maxEntries {
			return
		}
		for i := uint64(0); i < n && !c.bad && len(h.thmb) < maxItems; i++ {
			var to uint64
			if v == 0 {
				to = c.u16()
			} else {
				to = c.u32()
			}
			if !c.bad {
				h.thmb[to] = append(h.thmb[to], from)
			}
		}
	}
}

// thumbnail records the first single-extent thumbnail item of the primary.
func (h *heifMeta) thumbnail(m *Metadata, size int64) {
	for _, id := range h.thmb[h.primary] {
		it := h.items[id]
		if it == nil || it.method != 0 || len(it.extents) != 1 || it.extents[0].length == 0 {
			continue
		}
		th := &Thumbnail{Format: "hevc"}
		switch it.typ {
		case "hvc1":
			if cfg := h.prop(id, "hvcC"); cfg != nil && len(cfg) <= maxHEVCConfg {
				th.HEVCConfig = bytes.Clone(cfg)
			}
		case "av01":
			th.Format = "av1"
		case "jpeg":
			th.Format = "jpeg"
		default:
			continue
		}
		e := it.extents[0]
		if e.off > uint64(size) || e.length > uint64(size)-e.off {
			continue // beyond the end of the file
		}
		th.Offset, th.Length = int64(e.off), int64(e.length)
		th.Width, th.Height, _ = h.ispe(id)
		m.Thumbnail = th
		return
	}
}

// exif finds the Exif item and reads its TIFF payload.
func (h *heifMeta) exif(m *Metadata, r io.ReaderAt, size int64) error {
	var it *heifItem
	var itID uint64
	for id, x := range h.items {
		// Prefer the lowest item ID for determinism.
		if x.typ == "Exif" && len(x.extents) > 0 && (it == nil || id < itID) {
			it, itID = x, id
		}
	}
	if it == nil {
		return ErrNoMetadata
	}
	var total uint64
	for _, e := range it.extents {
		total += e.length
		if e.length > maxExifPayload || total > maxExifPayload {
			return corrupt("Exif item larger than %d bytes", maxExifPayload)
		}
	}
	var src io.ReaderAt
	var base, n int64
	switch {
	case it.method == 0 && len(it.extents) == 1:
		e := it.extents[0]
		if e.off > uint64(size) || e.length > uint64(size)-e.off {
			return corrupt("Exif item extent %d+%d beyond end of file", e.off, e.length)
		}
		src, base, n = r, int64(e.off), int64(e.length)
		if n == 0 { // length 0: to the end of the file
			n = min(size-base, maxExifPayload)
		}
	default:
		buf := make([]byte, 0, total)
		for _, e := range it.extents {
			switch it.method {
			case 0:
				if e.off > uint64(size) || e.length > uint64(size)-e.off {
					return corrupt("Exif item extent beyond end of file")
				}
				p := make([]byte, e.length)
				if _, err := r.ReadAt(p, int64(e.off)); err != nil {
					return corrupt("Exif item: %v", err)
				}
				buf = append(buf, p...)
			case 1:
				if e.off > uint64(len(h.idat)) || e.length > uint64(len(h.idat))-e.off {
					return corrupt("Exif item extent beyond idat")
				}
				buf = append(buf, h.idat[e.off:e.off+e.length]...)
			default:
				return corrupt("Exif item construction method %d", it.method)
			}
		}
		src, base, n = bytes.NewReader(buf), 0, int64(len(buf))
	}
	if n < 4 {
		return corrupt("Exif item of %d bytes", n)
	}
	var hb [4]byte
	if _, err := src.ReadAt(hb[:], base); err != nil {
		return corrupt("Exif item: %v", err)
	}
	skip := int64(binary.BigEndian.Uint32(hb[:]))
	if skip > n-4 {
		return corrupt("Exif item TIFF offset %d beyond item of %d bytes", skip, n)
	}
	base, n = base+4+skip, n-4-skip
	// Some writers leave a 0 offset but still include "Exif\0\0".
	var p [6]byte
	if n >= 6 {
		if _, err := src.ReadAt(p[:], base); err == nil && bytes.Equal(p[:], exifHeader) {
			base, n = base+6, n-6
		}
	}
	had := m.Thumbnail
	if err := readExif(m, src, base, n); err != nil {
		return fmt.Errorf("Exif item: %w", err)
	}
	if src != r && m.Thumbnail != had {
		m.Thumbnail = had // offsets into a private buffer mean nothing in the file
	}
	return nil
}
