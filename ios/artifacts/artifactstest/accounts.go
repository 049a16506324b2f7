package artifactstest

import (
	"database/sql"
	"fmt"

	"github.com/devicescan/devicescan/ios/artifacts"
)

// accountsSchema is a subset of Accounts3.sqlite (Core Data; the join-table
// numbers 2 and 7 are those of the sample data and drift between versions).
const accountsSchema = `
CREATE TABLE ZACCOUNTTYPE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZACCOUNTTYPEDESCRIPTION VARCHAR, ZIDENTIFIER VARCHAR, ZOWNINGBUNDLEID VARCHAR);
CREATE TABLE ZACCOUNT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZACTIVE INTEGER, ZAUTHENTICATED INTEGER, ZACCOUNTTYPE INTEGER, ZPARENTACCOUNT INTEGER, ZDATE TIMESTAMP, ZACCOUNTDESCRIPTION VARCHAR, ZIDENTIFIER VARCHAR, ZOWNINGBUNDLEID VARCHAR, ZUSERNAME VARCHAR);
CREATE TABLE ZDATACLASS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZNAME VARCHAR);
CREATE TABLE Z_2ENABLEDDATACLASSES (Z_2ENABLEDACCOUNTS INTEGER, Z_7ENABLEDDATACLASSES INTEGER, PRIMARY KEY (Z_2ENABLEDACCOUNTS, Z_7ENABLEDDATACLASSES));
CREATE TABLE Z_2PROVISIONEDDATACLASSES (Z_2PROVISIONEDACCOUNTS INTEGER, Z_7PROVISIONEDDATACLASSES INTEGER, PRIMARY KEY (Z_2PROVISIONEDACCOUNTS, Z_7PROVISIONEDDATACLASSES));
`

// AccountsDB builds an Accounts3.sqlite holding the given accounts; Active
// nil is stored as 1. Every data class named is also provisioned.
func AccountsDB(accounts []artifacts.Account) ([]byte, error) {
	return buildDB(accountsSchema, func(tx *sql.Tx) error {
		types := map[string]int64{}
		classes := map[string]int64{}
		for i, a := range accounts {
			pk := int64(i + 1)
			t, ok := types[a.Type]
			if !ok {
				t = int64(len(types) + 1)
				if _, err := tx.Exec(`INSERT INTO ZACCOUNTTYPE (Z_PK, Z_ENT, Z_OPT, ZACCOUNTTYPEDESCRIPTION, ZIDENTIFIER) VALUES (?, 3, 1, ?, ?)`, t, a.Type, a.Type); err != nil {
					return err
				}
				types[a.Type] = t
			}
			active := 1
			if a.Active != nil && !*a.Active {
				active = 0
			}
			if _, err := tx.Exec(`INSERT INTO ZACCOUNT (Z_PK, Z_ENT, Z_OPT, ZACTIVE, ZAUTHENTICATED, ZACCOUNTTYPE, ZACCOUNTDESCRIPTION, ZIDENTIFIER, ZUSERNAME) VALUES (?, 2, 1, ?, 1, ?, ?, ?, ?)`,
				pk, active, t, nullStr(a.Description), fmt.Sprintf("ACC-%04d", pk), nullStr(a.Username)); err != nil {
				return err
			}
			for _, d := range a.EnabledDataClasses {
				c, ok := classes[d]
				if !ok {
					c = int64(len(classes) + 1)
					if _, err := tx.Exec(`INSERT INTO ZDATACLASS (Z_PK, Z_ENT, Z_OPT, ZNAME) VALUES (?, 7, 1, ?)`, c, d); err != nil {
						return err
					}
					classes[d] = c
				}
				if _, err := tx.Exec(`INSERT INTO Z_2ENABLEDDATACLASSES VALUES (?, ?)`, pk, c); err != nil {
					return err
				}
				if _, err := tx.Exec(`INSERT INTO Z_2PROVISIONEDDATACLASSES VALUES (?, ?)`, pk, c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
