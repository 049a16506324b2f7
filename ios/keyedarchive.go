package ios

import (
	"errors"
	"fmt"
	"time"

	"howett.net/plist"
)

// Limits for NSKeyedArchiver decoding.
const (
	maxArchiveDepth = 32
	maxArchiveNodes = 1 << 16 // resolved values per archive (shared UIDs are expanded)
	maxMBFileSize   = 1 << 20
)

var errArchive = errors.New("malformed NSKeyedArchiver archive")

// keyedArchive resolves NSKeyedArchiver UIDs into plain Go values.
type keyedArchive struct {
	objects []any
	budget  int
}

// decodeKeyedArchive decodes a binary/XML plist NSKeyedArchiver archive and
// returns its resolved root object: NSDictionary -> map[string]any, NSArray ->
// []any, NSData -> []byte, NSString -> string, NSDate -> time.Time, other
// objects -> map[string]any of their resolved keys plus "$classname".
func decodeKeyedArchive(data []byte) (any, error) {
	if len(data) > maxMBFileSize {
		return nil, fmt.Errorf("archive of %d bytes: %w", len(data), ErrTooLarge)
	}
	top, err := decodePlistDictLimit(data, maxArchiveNodes)
	if err != nil {
		return nil, err
	}
	objs, ok := top["$objects"].([]any)
	if !ok {
		return nil, fmt.Errorf("%w: no $objects", errArchive)
	}
	t, ok := top["$top"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: no $top", errArchive)
	}
	root, ok := t["root"]
	if !ok {
		return nil, fmt.Errorf("%w: no $top.root", errArchive)
	}
	a := &keyedArchive{objects: objs, budget: maxArchiveNodes}
	return a.resolve(root, 0)
}

func (a *keyedArchive) resolve(v any, depth int) (any, error) {
	if depth > maxArchiveDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d", errArchive, maxArchiveDepth)
	}
	a.budget--
	if a.budget < 0 {
		return nil, fmt.Errorf("%w: too many objects", errArchive)
	}
	switch x := v.(type) {
	case plist.UID:
		if uint64(x) >= uint64(len(a.objects)) {
			return nil, fmt.Errorf("%w: UID %d out of range (%d objects)", errArchive, x, len(a.objects))
		}
		o := a.objects[x]
		if s, ok := o.(string); ok && s == "$null" {
			return nil, nil
		}
		return a.resolve(o, depth+1)
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			r, err := a.resolve(e, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	case map[string]any:
		return a.resolveObject(x, depth)
	default:
		return v, nil
	}
}

// className returns the $classname of an archived object's $class.
func (a *keyedArchive) className(obj map[string]any) string {
	uid, ok := obj["$class"].(plist.UID)
	if !ok || uint64(uid) >= uint64(len(a.objects)) {
		return ""
	}
	c, _ := a.objects[uid].(map[string]any)
	name, _ := c["$classname"].(string)
	return name
}

func (a *keyedArchive) resolveObject(obj map[string]any, depth int) (any, error) {
	if _, ok := obj["$class"]; !ok {
		// A plain dictionary (e.g. a class description or $top): resolve values.
		out := make(map[string]any, len(obj))
		for k, v := range obj {
			r, err := a.resolve(v, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	}
	name := a.className(obj)
	switch name {
	case "NSData", "NSMutableData":
		r, err := a.resolve(obj["NS.data"], depth+1)
		if err != nil {
			return nil, err
		}
		switch b := r.(type) {
		case []byte:
			return b, nil
		case nil:
			return []byte{}, nil
		}
		return nil, fmt.Errorf("%w: NS.data is %T", errArchive, r)
	case "NSString", "NSMutableString":
		r, err := a.resolve(obj["NS.string"], depth+1)
		if err != nil {
			return nil, err
		}
		s, _ := r.(string)
		return s, nil
	case "NSDate":
		n, ok := obj["NS.time"]
		if !ok {
			return time.Time{}, nil
		}
		var sec float64
		switch t := n.(type) {
		case float64:
			sec = t
		default:
			i, _ := toInt64(t)
			sec = float64(i)
		}
		return toTime(sec + 978307200), nil
	case "NSArray", "NSMutableArray", "NSSet", "NSMutableSet":
		return a.resolve(obj["NS.objects"], depth+1)
	case "NSDictionary", "NSMutableDictionary":
		keys, _ := obj["NS.keys"].([]any)
		vals, _ := obj["NS.objects"].([]any)
		if len(keys) != len(vals) {
			return nil, fmt.Errorf("%w: NSDictionary with %d keys and %d values", errArchive, len(keys), len(vals))
		}
		out := make(map[string]any, len(keys))
		for i := range keys {
			k, err := a.resolve(keys[i], depth+1)
			if err != nil {
				return nil, err
			}
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("%w: NSDictionary key is %T", errArchive, k)
			}
			v, err := a.resolve(vals[i], depth+1)
			if err != nil {
				return nil, err
			}
			out[ks] = v
		}
		return out, nil
	}
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		if k == "$class" {
			continue
		}
		r, err := a.resolve(v, depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = r
	}
	out["$classname"] = name
	return out, nil
}
