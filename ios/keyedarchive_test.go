package ios

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
	"time"

	"howett.net/plist"
)

// archive builds an NSKeyedArchiver plist whose root is objects[1].
func archive(t *testing.T, objects ...any) []byte {
	t.Helper()
	b, err := plist.Marshal(map[string]any{
		"$archiver": "NSKeyedArchiver", "$version": 100000,
		"$top":     map[string]any{"root": plist.UID(1)},
		"$objects": append([]any{"$null"}, objects...),
	}, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func class(name string) map[string]any {
	return map[string]any{"$classname": name, "$classes": []any{name, "NSObject"}}
}

func TestDecodeMBFile(t *testing.T) {
	key := append(binary.LittleEndian.AppendUint32(nil, 2), bytes.Repeat([]byte{9}, 40)...)
	xattrs, _ := plist.Marshal(map[string]any{"com.apple.assetsd.favorite": []byte{1}}, plist.BinaryFormat)
	when := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	mac := float64(when.Unix() - 978307200)
	for _, tc := range []struct {
		name    string
		blob    []byte
		wantErr bool
		check   func(t *testing.T, f *File)
	}{
		{"nsdate-times-inline-key-dict-xattrs", archive(t,
			map[string]any{"$class": plist.UID(2), "Size": 10, "Mode": 0o100600, "LastModified": plist.UID(3),
				"Birth": plist.UID(3), "LastStatusChange": 1700000000, "EncryptionKey": key,
				"ExtendedAttributes": plist.UID(4), "RelativePath": plist.UID(6)},
			class("MBFile"),
			map[string]any{"NS.time": mac, "$class": plist.UID(5)},
			map[string]any{"NS.keys": []any{plist.UID(7)}, "NS.objects": []any{plist.UID(8)}, "$class": plist.UID(9)},
			class("NSDate"),
			"a/b",
			"k",
			map[string]any{"NS.data": []byte("v"), "$class": plist.UID(10)},
			class("NSDictionary"),
			class("NSMutableData"),
		), false, func(t *testing.T, f *File) {
			if !f.Modified.Equal(when) || !f.Birth.Equal(when) || f.StatusChanged.Unix() != 1700000000 {
				t.Errorf("times %v %v %v", f.Modified, f.Birth, f.StatusChanged)
			}
			if f.ProtectionClass != 2 || !bytes.Equal(f.encKey, key) || f.Size != 10 || f.Mode != 0o100600 {
				t.Errorf("file %+v", f)
			}
			if !reflect.DeepEqual(f.XAttrs, map[string][]byte{"k": []byte("v")}) {
				t.Errorf("xattrs %v", f.XAttrs)
			}
		}},
		{"nsdata-xattrs-via-uid", archive(t,
			map[string]any{"$class": plist.UID(2), "ExtendedAttributes": plist.UID(3), "Target": plist.UID(0)},
			class("MBFile"),
			map[string]any{"NS.data": plist.UID(4), "$class": plist.UID(5)},
			xattrs,
			class("NSData"),
		), false, func(t *testing.T, f *File) {
			if len(f.XAttrs["com.apple.assetsd.favorite"]) != 1 || f.Target != "" {
				t.Errorf("xattrs %v target %q", f.XAttrs, f.Target)
			}
		}},
		{"short-key", archive(t, map[string]any{"$class": plist.UID(2), "EncryptionKey": key[:20]}, class("MBFile")), true, nil},
		{"uid-out-of-range", archive(t, map[string]any{"$class": plist.UID(2), "Size": plist.UID(99)}, class("MBFile")), true, nil},
		{"self-reference", archive(t, map[string]any{"$class": plist.UID(2), "Me": plist.UID(1)}, class("MBFile")), true, nil},
		{"root-not-object", archive(t, "just a string"), true, nil},
		{"bad-xattr-plist", archive(t, map[string]any{"$class": plist.UID(2), "ExtendedAttributes": []byte("nope")}, class("MBFile")), true, nil},
		{"not-archive", []byte("bplist00garbage"), true, nil},
		{"text-plist", []byte(`{ "$top" = { root = 1; }; }`), true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f File
			err := f.decodeMBFile(tc.blob)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if tc.check != nil {
				tc.check(t, &f)
			}
		})
	}
}
