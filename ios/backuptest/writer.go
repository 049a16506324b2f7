package backuptest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"howett.net/plist"
	_ "modernc.org/sqlite" // driver "sqlite"
)

// Options configure a backup.
type Options struct {
	Encrypted   bool
	Password    string
	Iterations1 int // DPIC, PBKDF2-SHA256 rounds; default 1 (iOS uses 10,000,000)
	Iterations2 int // ITER, PBKDF2-SHA1 rounds; default 1 (iOS uses 10,000)

	DeviceName, ProductType, ProductVersion, BuildVersion string
	SerialNumber, UDID, IMEI, PhoneNumber                 string
	PasscodeSet                                           bool

	Rand io.Reader // key and salt source; crypto/rand when nil
	Date time.Time // backup date; now when zero

	// PadManifest PKCS#7-pads the encrypted Manifest.db (whether iOS does is
	// not known; the reader accepts both).
	PadManifest bool
	// SnapshotState for Status.plist; default "finished". NoStatus omits the file.
	SnapshotState string
	NoStatus      bool
	// KeyBagInPlain writes a BackupKeyBag into Manifest.plist of a plain backup
	// (seen in the wild).
	KeyBagInPlain bool
}

// Entry is one manifest row, for cases AddFile/AddDir/AddSymlink do not cover.
type Entry struct {
	Domain, RelativePath string
	Flags                int // 1 file, 2 directory, 4 symlink
	Data                 []byte
	Mode                 uint32 // default by Flags
	Modified             time.Time
	XAttrs               map[string][]byte
	Target               string // symlink target
	ProtectionClass      int    // default 3 for files
	DeclaredSize         *int64 // Size written to MBFile; default len(Data)
	RawBlob              []byte // written verbatim as the MBFile column when non-nil
	NoContent            bool   // write the row but no content file (partial backup)
}

// Writer builds one backup directory. It is not safe for concurrent use.
type Writer struct {
	dir       string
	o         Options
	rnd       io.Reader
	rows      []row
	apps      []app
	classKeys map[uint32][]byte
	keybag    []byte
	inode     uint64
	closed    bool
}

type row struct {
	id, domain, rel string
	flags           int
	blob            []byte
}

type app struct {
	id   string
	meta []byte
}

const (
	manifestClass = 4
	deviceOnly    = 11 // a class wrapped with the device key only (WRAP 1)
)

// New prepares a backup in dir, which is created if needed and must be empty.
func New(dir string, o Options) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if ents, err := os.ReadDir(dir); err != nil {
		return nil, err
	} else if len(ents) > 0 {
		return nil, fmt.Errorf("backuptest: %s is not empty", dir)
	}
	if o.Iterations1 <= 0 {
		o.Iterations1 = 1
	}
	if o.Iterations2 <= 0 {
		o.Iterations2 = 1
	}
	if o.Date.IsZero() {
		o.Date = time.Now()
	}
	o.Date = o.Date.UTC().Truncate(time.Second)
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.DeviceName, "Test iPhone")
	def(&o.ProductType, "iPhone14,2")
	def(&o.ProductVersion, "17.5.1")
	def(&o.BuildVersion, "21F90")
	def(&o.SerialNumber, "F2LTEST00000")
	def(&o.UDID, "00008110-000A1B2C3D4E5F6A")
	def(&o.SnapshotState, "finished")
	w := &Writer{dir: dir, o: o, rnd: o.Rand}
	if w.rnd == nil {
		w.rnd = rand.Reader
	}
	if o.Encrypted || o.KeyBagInPlain {
		if err := w.makeKeybag(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *Writer) random(n int) ([]byte, error) {
	b := make([]byte, n)
	_, err := io.ReadFull(w.rnd, b)
	return b, err
}

// DeriveKey returns the key the password derives for a keybag with these
// salts and counts (PBKDF2-SHA256 then PBKDF2-SHA1).
func DeriveKey(password string, dpsl []byte, dpic int, salt []byte, iter int) ([]byte, error) {
	k1, err := pbkdf2.Key(sha256.New, password, dpsl, dpic, 32)
	if err != nil {
		return nil, err
	}
	return pbkdf2.Key(sha1.New, string(k1), salt, iter, 32)
}

func (w *Writer) makeKeybag() error {
	var kb bytes.Buffer
	tlv := func(tag string, v []byte) {
		kb.WriteString(tag)
		binary.Write(&kb, binary.BigEndian, uint32(len(v)))
		kb.Write(v)
	}
	u32 := func(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
	r := func(n int) []byte {
		b, err := w.random(n)
		if err != nil {
			panic(err) // recovered below
		}
		return b
	}
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("backuptest: random source: %v", p)
			}
		}()
		uuid, hmck, salt, dpsl := r(16), r(40), r(20), r(20)
		tlv("VERS", u32(4))
		tlv("TYPE", u32(1))
		tlv("UUID", uuid)
		tlv("HMCK", hmck)
		tlv("WRAP", u32(0))
		tlv("SALT", salt)
		tlv("ITER", u32(w.o.Iterations2))
		tlv("DPWT", u32(1))
		tlv("DPIC", u32(w.o.Iterations1))
		tlv("DPSL", dpsl)
		key, kerr := DeriveKey(w.o.Password, dpsl, w.o.Iterations1, salt, w.o.Iterations2)
		if kerr != nil {
			err = kerr
			return
		}
		w.classKeys = map[uint32][]byte{}
		for c := 1; c <= deviceOnly; c++ {
			ck := r(32)
			tlv("UUID", r(16))
			tlv("CLAS", u32(c))
			if c == deviceOnly {
				tlv("WRAP", u32(1))
				tlv("KTYP", u32(0))
				tlv("WPKY", r(40))
				continue
			}
			w.classKeys[uint32(c)] = ck
			wrapped, werr := Wrap(key, ck)
			if werr != nil {
				err = werr
				return
			}
			tlv("WRAP", u32(3))
			tlv("KTYP", u32(0))
			tlv("WPKY", wrapped)
		}
	}()
	w.keybag = kb.Bytes()
	return err
}

// Wrap is RFC 3394 AES key wrap with the default IV.
func Wrap(kek, key []byte) ([]byte, error) {
	if len(key)%8 != 0 || len(key) < 16 {
		return nil, errors.New("backuptest: key to wrap must be a multiple of 8 bytes, at least 16")
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	n := len(key) / 8
	out := make([]byte, 8+len(key))
	a := uint64(0xA6A6A6A6A6A6A6A6)
	copy(out[8:], key)
	var b [16]byte
	for j := 0; j < 6; j++ {
		for i := 1; i <= n; i++ {
			binary.BigEndian.PutUint64(b[:8], a)
			copy(b[8:], out[i*8:i*8+8])
			block.Encrypt(b[:], b[:])
			a = binary.BigEndian.Uint64(b[:8]) ^ uint64(n*j+i)
			copy(out[i*8:i*8+8], b[8:])
		}
	}
	binary.BigEndian.PutUint64(out[:8], a)
	return out, nil
}

// encrypt is AES-256-CBC with a zero IV; pad adds PKCS#7 padding.
func encrypt(key, data []byte, pad bool) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	buf := append([]byte(nil), data...)
	if pad {
		p := aes.BlockSize - len(buf)%aes.BlockSize
		buf = append(buf, bytes.Repeat([]byte{byte(p)}, p)...)
	}
	if len(buf)%aes.BlockSize != 0 {
		return nil, errors.New("backuptest: data not a multiple of the block size")
	}
	cipher.NewCBCEncrypter(block, make([]byte, aes.BlockSize)).CryptBlocks(buf, buf)
	return buf, nil
}

// FileID is the manifest fileID: hex SHA-1 of domain + "-" + relativePath.
func FileID(domain, relativePath string) string {
	s := sha1.Sum([]byte(domain + "-" + relativePath))
	return hex.EncodeToString(s[:])
}

// AddFile adds a regular file with its content.
func (w *Writer) AddFile(domain, relativePath string, data []byte, mod time.Time, xattrs map[string][]byte) error {
	return w.Add(Entry{Domain: domain, RelativePath: relativePath, Flags: 1, Data: data, Modified: mod, XAttrs: xattrs})
}

// AddDir adds a directory row.
func (w *Writer) AddDir(domain, relativePath string) error {
	return w.Add(Entry{Domain: domain, RelativePath: relativePath, Flags: 2})
}

// AddSymlink adds a symbolic link row.
func (w *Writer) AddSymlink(domain, relativePath, target string) error {
	return w.Add(Entry{Domain: domain, RelativePath: relativePath, Flags: 4, Target: target})
}

// AddApp lists an app in Info.plist (Installed Applications, Applications
// with its iTunesMetadata) and Manifest.plist (Applications).
func (w *Writer) AddApp(bundleID string, iTunesMetadata []byte) {
	w.apps = append(w.apps, app{id: bundleID, meta: iTunesMetadata})
}

// Add adds one manifest row (and its content for a file).
func (w *Writer) Add(e Entry) error {
	if w.closed {
		return errors.New("backuptest: writer closed")
	}
	if e.Flags == 0 {
		e.Flags = 1
	}
	id := FileID(e.Domain, e.RelativePath)
	if e.Mode == 0 {
		switch e.Flags {
		case 2:
			e.Mode = 0o40755
		case 4:
			e.Mode = 0o120755
		default:
			e.Mode = 0o100644
		}
	}
	if e.ProtectionClass == 0 && e.Flags == 1 {
		e.ProtectionClass = 3
	}
	if e.Modified.IsZero() {
		e.Modified = w.o.Date
	}
	var encKey []byte
	if e.Flags == 1 {
		data := e.Data
		if w.o.Encrypted {
			ck, ok := w.classKeys[uint32(e.ProtectionClass)]
			if !ok {
				return fmt.Errorf("backuptest: no key for protection class %d", e.ProtectionClass)
			}
			fk, err := w.random(32)
			if err != nil {
				return err
			}
			wk, err := Wrap(ck, fk)
			if err != nil {
				return err
			}
			encKey = append(binary.LittleEndian.AppendUint32(nil, uint32(e.ProtectionClass)), wk...)
			if data, err = encrypt(fk, data, true); err != nil {
				return err
			}
		}
		if !e.NoContent {
			sub := filepath.Join(w.dir, id[:2])
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(sub, id), data, 0o644); err != nil {
				return err
			}
		}
	}
	blob := e.RawBlob
	if blob == nil {
		size := int64(len(e.Data))
		if e.DeclaredSize != nil {
			size = *e.DeclaredSize
		}
		if e.Flags != 1 {
			size = 0
		}
		w.inode++
		var err error
		blob, err = mbfile(e, size, w.inode, encKey)
		if err != nil {
			return err
		}
	}
	w.rows = append(w.rows, row{id: id, domain: e.Domain, rel: e.RelativePath, flags: e.Flags, blob: blob})
	return nil
}

// archiver builds an NSKeyedArchiver object table.
type archiver struct {
	objects []any
	classes map[string]plist.UID
}

func (a *archiver) add(v any) plist.UID {
	a.objects = append(a.objects, v)
	return plist.UID(len(a.objects) - 1)
}

func (a *archiver) class(name string, supers ...string) plist.UID {
	if u, ok := a.classes[name]; ok {
		return u
	}
	u := a.add(map[string]any{"$classname": name, "$classes": append([]any{name}, toAny(supers)...)})
	a.classes[name] = u
	return u
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// MBFile returns the NSKeyedArchiver blob iOS stores in Manifest.db's file column.
func mbfile(e Entry, size int64, inode uint64, encKey []byte) ([]byte, error) {
	a := &archiver{objects: []any{"$null"}, classes: map[string]plist.UID{}}
	t := e.Modified.UTC().Unix()
	obj := map[string]any{
		"Birth":            t,
		"LastModified":     t,
		"LastStatusChange": t,
		"Size":             size,
		"Mode":             uint64(e.Mode),
		"UserID":           uint64(501),
		"GroupID":          uint64(501),
		"InodeNumber":      inode,
		"Flags":            uint64(0),
		"ProtectionClass":  uint64(e.ProtectionClass),
	}
	root := a.add(obj)
	obj["RelativePath"] = a.add(e.RelativePath)
	if e.Target != "" {
		obj["Target"] = a.add(e.Target)
	}
	if len(encKey) > 0 {
		obj["EncryptionKey"] = a.add(map[string]any{"NS.data": encKey,
			"$class": a.class("NSMutableData", "NSData", "NSObject")})
	}
	if len(e.XAttrs) > 0 {
		x := map[string]any{}
		for k, v := range e.XAttrs {
			x[k] = v
		}
		xb, err := plist.Marshal(x, plist.BinaryFormat)
		if err != nil {
			return nil, err
		}
		obj["ExtendedAttributes"] = a.add(map[string]any{"NS.data": xb,
			"$class": a.class("NSMutableData", "NSData", "NSObject")})
	}
	obj["$class"] = a.class("MBFile", "NSObject")
	return plist.Marshal(map[string]any{
		"$version":  uint64(100000),
		"$archiver": "NSKeyedArchiver",
		"$top":      map[string]any{"root": root},
		"$objects":  a.objects,
	}, plist.BinaryFormat)
}

// Close writes Manifest.db, Manifest.plist, Info.plist and Status.plist.
func (w *Writer) Close() error {
	if w.closed {
		return errors.New("backuptest: writer closed twice")
	}
	w.closed = true
	dbPath := filepath.Join(w.dir, "Manifest.db")
	var tmp string
	if w.o.Encrypted {
		var err error
		if tmp, err = os.MkdirTemp("", "backuptest-*"); err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dbPath = filepath.Join(tmp, "Manifest.db")
	}
	if err := w.writeManifestDB(dbPath); err != nil {
		return err
	}
	var manifestKey []byte
	if w.o.Encrypted {
		plain, err := os.ReadFile(dbPath)
		if err != nil {
			return err
		}
		k, err := w.random(32)
		if err != nil {
			return err
		}
		wk, err := Wrap(w.classKeys[manifestClass], k)
		if err != nil {
			return err
		}
		manifestKey = append(binary.LittleEndian.AppendUint32(nil, manifestClass), wk...)
		enc, err := encrypt(k, plain, w.o.PadManifest)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(w.dir, "Manifest.db"), enc, 0o644); err != nil {
			return err
		}
	}
	return w.writePlists(manifestKey)
}

func (w *Writer) writeManifestDB(p string) error {
	abs, err := filepath.Abs(p)
	if err != nil {
		return err
	}
	slash := filepath.ToSlash(abs)
	if !strings.HasPrefix(slash, "/") {
		slash = "/" + slash
	}
	// A URI, so that '?' or '%' in the folder name are not taken as parameters.
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: slash}).String()+"?mode=rwc")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	stmts := []string{
		"CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)",
		"CREATE INDEX FilesDomainIdx ON Files(domain)",
		"CREATE INDEX FilesRelativePathIdx ON Files(relativePath)",
		"CREATE INDEX FilesFlagsIdx ON Files(flags)",
		"CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB)",
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return err
		}
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	st, err := tx.Prepare("INSERT OR REPLACE INTO Files (fileID, domain, relativePath, flags, file) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		tx.Rollback()
		return err
	}
	rows := append([]row(nil), w.rows...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].id < rows[j].id })
	for _, r := range rows {
		if _, err := st.Exec(r.id, r.domain, r.rel, r.flags, r.blob); err != nil {
			tx.Rollback()
			return err
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		return err
	}
	return db.Close()
}

func (w *Writer) writePlists(manifestKey []byte) error {
	o := w.o
	var installed []any
	infoApps := map[string]any{}
	manApps := map[string]any{}
	for _, a := range w.apps {
		installed = append(installed, a.id)
		entry := map[string]any{}
		if a.meta != nil {
			entry["iTunesMetadata"] = a.meta
		}
		infoApps[a.id] = entry
		manApps[a.id] = map[string]any{
			"CFBundleIdentifier":    a.id,
			"CFBundleVersion":       "1.0",
			"Path":                  "/private/var/containers/Bundle/Application/" + FileID("app", a.id)[:8] + "/App.app",
			"ContainerContentClass": "Data/Application",
		}
	}
	if installed == nil {
		installed = []any{}
	}
	info := map[string]any{
		"Build Version":          o.BuildVersion,
		"Device Name":            o.DeviceName,
		"Display Name":           o.DeviceName,
		"GUID":                   "00000000000000000000000000000000",
		"Installed Applications": installed,
		"Last Backup Date":       o.Date,
		"Product Name":           "iPhone",
		"Product Type":           o.ProductType,
		"Product Version":        o.ProductVersion,
		"Serial Number":          o.SerialNumber,
		"Target Identifier":      o.UDID,
		"Target Type":            "Device",
		"Unique Identifier":      o.UDID,
		"iTunes Version":         "12.13",
		"Applications":           infoApps,
	}
	if o.IMEI != "" {
		info["IMEI"] = o.IMEI
	}
	if o.PhoneNumber != "" {
		info["Phone Number"] = o.PhoneNumber
	}
	man := map[string]any{
		"Version":              "10.0",
		"Date":                 o.Date,
		"SystemDomainsVersion": "24.0",
		"WasPasscodeSet":       o.PasscodeSet,
		"IsEncrypted":          o.Encrypted,
		"Lockdown": map[string]any{
			"DeviceName":     o.DeviceName,
			"ProductVersion": o.ProductVersion,
			"BuildVersion":   o.BuildVersion,
			"ProductType":    o.ProductType,
			"SerialNumber":   o.SerialNumber,
			"UniqueDeviceID": o.UDID,
		},
		"Applications": manApps,
	}
	if w.keybag != nil {
		man["BackupKeyBag"] = w.keybag
	}
	if manifestKey != nil {
		man["ManifestKey"] = manifestKey
	}
	files := []struct {
		name   string
		v      any
		format int
	}{
		{"Info.plist", info, plist.XMLFormat},
		{"Manifest.plist", man, plist.BinaryFormat},
	}
	if !o.NoStatus {
		files = append(files, struct {
			name   string
			v      any
			format int
		}{"Status.plist", map[string]any{
			"BackupState":   "new",
			"Date":          o.Date,
			"IsFullBackup":  false,
			"SnapshotState": o.SnapshotState,
			"UUID":          "3A5B6C7D-0000-4000-8000-" + FileID("uuid", o.UDID)[:12],
			"Version":       "3.3",
		}, plist.BinaryFormat})
	}
	for _, f := range files {
		data, err := plist.MarshalIndent(f.v, f.format, "\t")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(w.dir, f.name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
