package artifacts

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"howett.net/plist"
)

// MaxPlistSize caps the plists DecodePlist accepts (iTunesMetadata, Info.plist,
// clients.plist are far smaller).
const MaxPlistSize = 16 << 20

// ErrNotPlist is returned for input that is neither a binary nor an XML plist.
var ErrNotPlist = errors.New("not a property list")

// DecodePlist decodes a binary (bplist00) or XML property list into v, like
// plist.Unmarshal, after checking the format and size; a panic inside the
// plist library becomes an error. OpenStep/text plists are refused on
// purpose: the library decodes almost any garbage as one.
func DecodePlist(data []byte, v any) (err error) {
	if len(data) > MaxPlistSize {
		return fmt.Errorf("property list too large (%d bytes)", len(data))
	}
	if !isPlist(data) {
		return ErrNotPlist
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("property list: decoder panic: %v", r)
		}
	}()
	if _, err := plist.Unmarshal(data, v); err != nil {
		return fmt.Errorf("property list: %w", err)
	}
	return nil
}

func isPlist(data []byte) bool {
	if bytes.HasPrefix(data, []byte("bplist00")) {
		return true
	}
	d := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	d = bytes.TrimLeft(d, " \t\r\n")
	return bytes.HasPrefix(d, []byte("<?xml")) || bytes.HasPrefix(d, []byte("<plist")) || bytes.HasPrefix(d, []byte("<!DOCTYPE plist"))
}

// decodeDict decodes a plist whose root must be a dictionary.
func decodeDict(data []byte) (map[string]any, error) {
	var root any
	if err := DecodePlist(data, &root); err != nil {
		return nil, err
	}
	m, ok := root.(map[string]any)
	if !ok {
		return nil, errors.New("property list root is not a dictionary")
	}
	return m, nil
}

func plFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return x, true
	case float32:
		return plFloat(float64(x))
	case uint64:
		return float64(x), true
	case int64:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, false
		}
		return plFloat(f)
	}
	return 0, false
}

// plBool reads a boolean that may be stored as a bool, an integer or a
// "YES"/"true" string.
func plBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "yes", "true", "1":
			return true, true
		case "no", "false", "0":
			return false, true
		}
		return false, false
	}
	if n, ok := asInt(v); ok {
		return n != 0, true
	}
	return false, false
}

func plTime(v any) time.Time {
	if t, ok := v.(time.Time); ok {
		return t.UTC()
	}
	return time.Time{}
}
