package artifacts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrMissingTable is wrapped by the database readers when a table they need
// is absent (wrong file, or a schema this package does not know).
var ErrMissingTable = errors.New("required table missing")

// MaxString caps every string read from a database or plist, in bytes.
const MaxString = 4096

// maxTables bounds the sqlite_master walk.
const maxTables = 100000

// coreDataEpoch is 2001-01-01T00:00:00Z in Unix seconds.
const coreDataEpoch = 978307200

// schema maps upper-cased table names to their actual names and columns.
type schema struct {
	tables map[string]string
}

type table struct {
	name string
	cols map[string]string // upper-cased -> actual name
}

func (t *table) has(col string) bool {
	if t == nil {
		return false
	}
	_, ok := t.cols[strings.ToUpper(col)]
	return ok
}

// col returns alias.column quoted, or "NULL" when the column is absent.
func (t *table) col(alias, col string) string {
	if t == nil {
		return "NULL"
	}
	c, ok := t.cols[strings.ToUpper(col)]
	if !ok {
		return "NULL"
	}
	return alias + "." + quoteIdent(c)
}

// first returns the expression for the first present column among names.
func (t *table) first(alias string, names ...string) string {
	for _, n := range names {
		if t.has(n) {
			return t.col(alias, n)
		}
	}
	return "NULL"
}

func (t *table) ident() string { return quoteIdent(t.name) }

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func loadSchema(ctx context.Context, db *sql.DB) (*schema, error) {
	if db == nil {
		return nil, errors.New("artifacts: nil database")
	}
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	defer rows.Close()
	s := &schema{tables: map[string]string{}}
	for rows.Next() {
		if len(s.tables) >= maxTables {
			return nil, errors.New("read schema: too many tables")
		}
		var name sql.NullString
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("read schema: %w", err)
		}
		if name.Valid && len(name.String) <= MaxString {
			s.tables[strings.ToUpper(name.String)] = name.String
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	return s, nil
}

// table returns the named table with its columns, nil when absent.
func (s *schema) table(ctx context.Context, db *sql.DB, name string) (*table, error) {
	actual, ok := s.tables[strings.ToUpper(name)]
	if !ok {
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, `PRAGMA table_info(`+quoteIdent(actual)+`)`)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s: %w", actual, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	nameIdx := -1
	for i, c := range cols {
		if strings.EqualFold(c, "name") {
			nameIdx = i
		}
	}
	if nameIdx < 0 {
		return nil, fmt.Errorf("read columns of %s: no name column", actual)
	}
	t := &table{name: actual, cols: map[string]string{}}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if len(t.cols) >= 10000 {
			break
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		if n := asString(vals[nameIdx]); n != "" {
			t.cols[strings.ToUpper(n)] = n
		}
	}
	return t, rows.Err()
}

// mustTable is table() that fails when the table is missing.
func (s *schema) mustTable(ctx context.Context, db *sql.DB, names ...string) (*table, error) {
	for _, n := range names {
		t, err := s.table(ctx, db, n)
		if err != nil {
			return nil, err
		}
		if t != nil {
			return t, nil
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrMissingTable, strings.Join(names, " or "))
}

// scanAny scans a row into generic values.
func scanAny(rows *sql.Rows, n int) ([]any, error) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	return vals, nil
}

// capString truncates s to MaxString bytes on a rune boundary.
func capString(s string) string {
	if len(s) <= MaxString {
		return s
	}
	s = s[:MaxString]
	for i := 0; i < utf8.UTFMax-1 && len(s) > 0; i++ {
		r, size := utf8.DecodeLastRuneInString(s)
		if r != utf8.RuneError || size > 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

func asString(v any) string {
	switch x := v.(type) {
	case string:
		return capString(x)
	case []byte:
		if len(x) > MaxString {
			x = x[:MaxString]
		}
		return capString(string(x))
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64: // plist integers
		return strconv.FormatUint(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return ""
}

// asInt converts SQLite and property-list values to an integer.
func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case uint64: // plist integers
		if x > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case float64:
		if math.IsNaN(x) || x > math.MaxInt64 || x < math.MinInt64 {
			return 0, false
		}
		return int64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n, err == nil
	case []byte:
		if len(x) > 32 {
			return 0, false
		}
		return asInt(string(x))
	}
	return 0, false
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return x, true
	case int64:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		return f, true
	case []byte:
		if len(x) > 64 {
			return 0, false
		}
		return asFloat(string(x))
	}
	return 0, false
}

func asBool(v any) bool {
	n, ok := asInt(v)
	return ok && n != 0
}

func boolPtr(b bool) *bool { return &b }

// macTime converts Mac absolute time (seconds since 2001, or nanoseconds when
// the value is above 1e15 as in newer sms.db) to UTC. Zero, absent and
// implausible values (before 1990 or after 2200) give the zero time.
func macTime(v any) time.Time {
	f, ok := asFloat(v)
	if !ok || f == 0 {
		return time.Time{}
	}
	if math.Abs(f) > 1e15 {
		f /= 1e9
	}
	return unixTime(f + coreDataEpoch)
}

// unixTime converts Unix seconds to UTC within a plausible range.
func unixTime(sec float64) time.Time {
	const lo, hi = 631152000, 7258118400 // 1990 .. 2200
	if sec < lo || sec > hi {
		return time.Time{}
	}
	whole, frac := math.Modf(sec)
	return time.Unix(int64(whole), int64(frac*1e9)).UTC()
}

// recoverTo turns a panic in the SQLite driver or a parser into an error.
func recoverTo(err *error, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: panic while reading: %v", what, r)
	}
}

// eachRow runs q and calls fn with the values of each row (n columns),
// stopping at the first error or when ctx is done. Errors are prefixed with
// what ("sms"); a failing query also names label ("query attachments").
func eachRow(ctx context.Context, db *sql.DB, what, label, q string, n int, fn func(v []any) error) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", what, label, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		v, err := scanAny(rows, n)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
