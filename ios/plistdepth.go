package ios

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"io"
)

// maxPlistDepth bounds container nesting in plists handed to howett.net/plist,
// whose parsers recurse once per level: a deep enough plist would overflow the
// goroutine stack, which no recover can catch.
const maxPlistDepth = 128

// maxPlistNodes bounds the number of values a binary plist expands to:
// objects may be shared, and decoding into Go values copies each use, so a
// few hundred bytes of nested pairs would otherwise expand exponentially.
const maxPlistNodes = 2 << 20

var errPlistTooDeep = errors.New("property list nested too deeply")

func checkPlistDepth(data []byte, maxNodes uint64) error {
	if bytes.HasPrefix(data, []byte("bplist")) {
		return checkBplistDepth(data, maxNodes)
	}
	return checkXMLDepth(data)
}

func checkXMLDepth(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return nil // malformed: the real parser reports it
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxPlistDepth {
				return errPlistTooDeep
			}
		case xml.EndElement:
			depth--
		}
	}
}

// checkBplistDepth walks the object graph of a binary plist without recursion
// and fails on cycles, malformed containers or excessive depth. A malformed
// trailer is left to the real parser, which checks it before recursing.
func checkBplistDepth(data []byte, maxNodes uint64) error {
	if len(data) < 40 {
		return nil
	}
	tr := data[len(data)-32:]
	offSize, refSize := uint64(tr[6]), uint64(tr[7])
	n := binary.BigEndian.Uint64(tr[8:])
	top := binary.BigEndian.Uint64(tr[16:])
	table := binary.BigEndian.Uint64(tr[24:])
	end := uint64(len(data) - 32)
	if offSize < 1 || offSize > 8 || refSize < 1 || refSize > 8 || table < 8 || table >= end ||
		n > end/offSize || table+n*offSize > end || top >= n {
		return nil
	}
	be := func(b []byte) uint64 {
		var v uint64
		for _, c := range b {
			v = v<<8 | uint64(c)
		}
		return v
	}
	malformed := errors.New("malformed binary property list")
	// refs returns the location of a container's object references.
	refs := func(obj uint64) (start, count uint64, err error) {
		off := be(data[table+obj*offSize : table+(obj+1)*offSize])
		if off >= table {
			return 0, 0, malformed
		}
		tag := data[off]
		kind := tag >> 4
		if kind != 0xA && kind != 0xC && kind != 0xD {
			return 0, 0, nil
		}
		cnt := uint64(tag & 0xF)
		start = off + 1
		if cnt == 0xF {
			if start >= table || data[start]>>4 != 1 || data[start]&0xF > 3 {
				return 0, 0, malformed
			}
			w := uint64(1) << (data[start] & 0xF)
			if start+1+w > table {
				return 0, 0, malformed
			}
			cnt = be(data[start+1 : start+1+w])
			start += 1 + w
		}
		if kind == 0xD {
			if cnt > table {
				return 0, 0, malformed
			}
			cnt *= 2
		}
		if cnt > table || start+cnt*refSize > table {
			return 0, 0, malformed
		}
		return start, cnt, nil
	}
	const (
		unseen = iota
		active
		done
	)
	state := make([]uint8, n)
	height := make([]uint16, n)
	nodes := make([]uint32, n) // expanded size of each finished object
	type frame struct {
		obj, start, count, i uint64
		h                    uint16
		size                 uint64
	}
	tooBig := errors.New("binary property list expands to too many values")
	budget := 4*uint64(len(data)) + 1<<20
	// Without shared containers every value comes from one reference, so a
	// plist expands to at most about len(data) values; more means sharing.
	if lim := uint64(len(data)) + 64; lim < maxNodes {
		maxNodes = lim
	}
	var stack []frame
	push := func(obj uint64) error {
		if len(stack) >= maxPlistDepth {
			return errPlistTooDeep
		}
		s, c, err := refs(obj)
		if err != nil {
			return err
		}
		state[obj] = active
		stack = append(stack, frame{obj: obj, start: s, count: c, size: 1})
		return nil
	}
	if err := push(top); err != nil {
		return err
	}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.i == f.count {
			state[f.obj] = done
			height[f.obj] = f.h
			nodes[f.obj] = uint32(f.size)
			h, size := f.h, f.size
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				p := &stack[len(stack)-1]
				if h+1 > p.h {
					p.h = h + 1
				}
				if p.size += size; p.size > maxNodes {
					return tooBig
				}
			}
			continue
		}
		if budget == 0 {
			return errors.New("binary property list too complex")
		}
		budget--
		p := f.start + f.i*refSize
		child := be(data[p : p+refSize])
		f.i++
		if child >= n {
			return malformed
		}
		switch state[child] {
		case active:
			return errors.New("binary property list contains a cycle")
		case done:
			if uint64(len(stack))+uint64(height[child]) >= maxPlistDepth {
				return errPlistTooDeep
			}
			if height[child]+1 > f.h {
				f.h = height[child] + 1
			}
			if f.size += uint64(nodes[child]); f.size > maxNodes {
				return tooBig
			}
		default:
			if err := push(child); err != nil {
				return err
			}
		}
	}
	return nil
}
