package ios

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"time"

	"howett.net/plist"
)

// maxPlistSize caps plists read from a backup (Info.plist holds app icons and
// can reach a few MiB).
const maxPlistSize = 64 << 20

var errNotPlist = errors.New("not a binary or XML property list")

// sniffPlist reports whether data starts like a binary or XML property list.
// howett.net/plist would otherwise accept almost any bytes as a text plist.
func sniffPlist(data []byte) bool {
	if bytes.HasPrefix(data, []byte("bplist0")) {
		return true
	}
	d := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	d = bytes.TrimLeft(d, " \t\r\n")
	return bytes.HasPrefix(d, []byte("<?xml")) || bytes.HasPrefix(d, []byte("<!DOCTYPE plist")) ||
		bytes.HasPrefix(d, []byte("<plist"))
}

// decodePlist decodes a binary or XML plist into v, turning every panic of
// the third-party parser into an error and refusing other plist formats.
func decodePlist(data []byte, v any) error {
	return decodePlistLimit(data, v, maxPlistNodes)
}

// decodePlistLimit is decodePlist with a cap on the number of decoded values.
func decodePlistLimit(data []byte, v any, maxNodes uint64) (err error) {
	if len(data) > maxPlistSize {
		return fmt.Errorf("property list of %d bytes: %w", len(data), ErrTooLarge)
	}
	if !sniffPlist(data) {
		return errNotPlist
	}
	if err := checkPlistDepth(data, maxNodes); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("property list parser failed: %v", r)
		}
	}()
	format, err := plist.Unmarshal(data, v)
	if err != nil {
		return err
	}
	if format != plist.BinaryFormat && format != plist.XMLFormat {
		return errNotPlist
	}
	return nil
}

// decodePlistDict decodes a plist whose root must be a dictionary.
func decodePlistDict(data []byte) (map[string]any, error) {
	return decodePlistDictLimit(data, maxPlistNodes)
}

func decodePlistDictLimit(data []byte, maxNodes uint64) (map[string]any, error) {
	var v any
	if err := decodePlistLimit(data, &v, maxNodes); err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("property list root is %T, want a dictionary", v)
	}
	return m, nil
}

// Lenient accessors for decoded plist values: a wrong type yields the zero value.

func pString(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func pBytes(m map[string]any, key string) []byte {
	b, _ := m[key].([]byte)
	return b
}

func pBool(m map[string]any, key string) (v, ok bool) {
	switch x := m[key].(type) {
	case bool:
		return x, true
	case uint64:
		return x != 0, true
	case int64:
		return x != 0, true
	}
	return false, false
}

func pDict(m map[string]any, key string) map[string]any {
	d, _ := m[key].(map[string]any)
	return d
}

// toInt64 converts a plist number to int64 (clamping out-of-range values).
func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case uint64:
		if x > math.MaxInt64 {
			return math.MaxInt64, true
		}
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if x != x || x > math.MaxInt64 || x < math.MinInt64 {
			return 0, false
		}
		return int64(x), true
	case float32:
		return toInt64(float64(x))
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// toTime converts a plist date or a Unix-seconds number to UTC time.
func toTime(v any) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x.UTC()
	case float64:
		if x != x || x > 1e12 || x < -1e12 {
			return time.Time{}
		}
		sec := math.Floor(x)
		return time.Unix(int64(sec), int64((x-sec)*1e9)).UTC()
	default:
		n, ok := toInt64(v)
		if !ok || n > 1e12 || n < -1e12 {
			return time.Time{}
		}
		return time.Unix(n, 0).UTC()
	}
}

func pTime(m map[string]any, key string) time.Time {
	if _, ok := m[key]; !ok {
		return time.Time{}
	}
	return toTime(m[key])
}
