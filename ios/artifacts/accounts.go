package artifacts

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Accounts3.sqlite data classes of interest (names from sample data; their
// exact meanings are not documented by Apple).
const (
	AccountTypeApple     = "com.apple.account.AppleAccount"
	DataclassCloudPhotos = "com.apple.Dataclass.CloudPhotos"
	DataclassBackup      = "com.apple.Dataclass.Backup"
	DataclassMessages    = "com.apple.Dataclass.Messages"
)

// Account is one row of Accounts3.sqlite ZACCOUNT.
type Account struct {
	// Type is ZACCOUNTTYPE.ZIDENTIFIER, e.g. com.apple.account.AppleAccount.
	Type string
	// Description is ZACCOUNTDESCRIPTION; Username is ZUSERNAME (an Apple ID
	// or e-mail address: personal data, report with care).
	Description, Username string
	// Active is ZACTIVE; nil when the column is absent.
	Active *bool
	// EnabledDataClasses are the ZDATACLASS.ZNAME enabled for the account,
	// sorted (e.g. com.apple.Dataclass.CloudPhotos); nil when the database
	// has no enabled-data-class join table.
	EnabledDataClasses []string
}

// HasDataClass reports whether name is among a's enabled data classes.
func (a Account) HasDataClass(name string) bool {
	for _, d := range a.EnabledDataClasses {
		if d == name {
			return true
		}
	}
	return false
}

var enabledJoinRE = regexp.MustCompile(`^Z_[0-9]+ENABLEDDATACLASSES$`)

// maxDataClasses bounds the data classes gathered per account, and
// maxDataClassRows those gathered in all.
const (
	maxDataClasses   = 1000
	maxDataClassRows = 100000
)

// ReadAccounts streams the accounts of an Accounts3.sqlite database (HomeDomain
// Library/Accounts/Accounts3.sqlite, see AccountsDB) to fn with their enabled
// data classes. ZACCOUNT is required; the Core Data join table
// Z_<n>ENABLEDDATACLASSES is found by name, as its numbers drift.
func ReadAccounts(ctx context.Context, db *sql.DB, fn func(Account) error) (err error) {
	defer recoverTo(&err, "accounts")
	s, err := loadSchema(ctx, db)
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	acc, err := s.mustTable(ctx, db, "ZACCOUNT")
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	if !acc.has("Z_PK") {
		return fmt.Errorf("accounts: ZACCOUNT has no Z_PK")
	}
	typ, err := s.table(ctx, db, "ZACCOUNTTYPE")
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	// Enabled data classes per account Z_PK.
	var classes map[int64][]string
	dc, err := s.table(ctx, db, "ZDATACLASS")
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	var joinNames []string
	for up, actual := range s.tables {
		if enabledJoinRE.MatchString(up) {
			joinNames = append(joinNames, actual)
		}
	}
	sort.Strings(joinNames)
	if dc != nil && dc.has("Z_PK") && dc.has("ZNAME") && len(joinNames) > 0 {
		j, err := s.table(ctx, db, joinNames[0])
		if err != nil {
			return fmt.Errorf("accounts: %w", err)
		}
		var accCol, dcCol string
		for up, actual := range j.cols {
			switch {
			case strings.HasSuffix(up, "ENABLEDACCOUNTS"):
				accCol = actual
			case strings.HasSuffix(up, "ENABLEDDATACLASSES"):
				dcCol = actual
			}
		}
		if accCol != "" && dcCol != "" {
			classes = map[int64][]string{}
			q := "SELECT j." + quoteIdent(accCol) + ", d.ZNAME FROM " + j.ident() + " j JOIN " + dc.ident() +
				" d ON d.Z_PK = j." + quoteIdent(dcCol)
			total := 0
			err := eachRow(ctx, db, "accounts", "query data classes", q, 2, func(v []any) error {
				id, ok := asInt(v[0])
				name := asString(v[1])
				if ok && name != "" && len(classes[id]) < maxDataClasses && total < maxDataClassRows {
					classes[id] = append(classes[id], name)
					total++
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	from := acc.ident() + " a"
	if typ != nil && typ.has("Z_PK") && acc.has("ZACCOUNTTYPE") {
		from += " LEFT JOIN " + typ.ident() + " t ON t.Z_PK = a.ZACCOUNTTYPE"
	} else {
		typ = nil
	}
	exprs := []string{
		"a.Z_PK",                            // 0
		typ.col("t", "ZIDENTIFIER"),         // 1
		acc.col("a", "ZACCOUNTDESCRIPTION"), // 2
		acc.col("a", "ZUSERNAME"),           // 3
		acc.col("a", "ZACTIVE"),             // 4
	}
	return eachRow(ctx, db, "accounts", "query accounts", "SELECT "+strings.Join(exprs, ", ")+" FROM "+from+" ORDER BY a.Z_PK", len(exprs), func(v []any) error {
		a := Account{Type: asString(v[1]), Description: asString(v[2]), Username: asString(v[3])}
		if acc.has("ZACTIVE") {
			a.Active = boolPtr(asBool(v[4]))
		}
		if classes != nil {
			id, _ := asInt(v[0])
			a.EnabledDataClasses = append([]string{}, classes[id]...)
			sort.Strings(a.EnabledDataClasses)
		}
		return fn(a)
	})
}
