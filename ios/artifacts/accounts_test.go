package artifacts_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/devicescan/devicescan/ios/artifacts"
	"github.com/devicescan/devicescan/ios/artifacts/artifactstest"
)

func TestAccountsRoundTrip(t *testing.T) {
	in := []artifacts.Account{
		{Type: artifacts.AccountTypeApple, Description: "iCloud", Username: "nurse@example.com", Active: bptr(true),
			EnabledDataClasses: []string{artifacts.DataclassBackup, artifacts.DataclassCloudPhotos, artifacts.DataclassMessages}},
		{Type: "com.apple.account.IdentityServices", Description: "iMessage", Username: "nurse@example.com", Active: bptr(false),
			EnabledDataClasses: []string{}},
	}
	data, err := artifactstest.AccountsDB(in)
	db := openBytes(t, data, err)
	var got []artifacts.Account
	if err := artifacts.ReadAccounts(context.Background(), db, func(a artifacts.Account) error {
		got = append(got, a)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Errorf("got %+v\nwant %+v", got, in)
	}
	if !got[0].HasDataClass(artifacts.DataclassCloudPhotos) || got[1].HasDataClass(artifacts.DataclassCloudPhotos) {
		t.Error("HasDataClass")
	}
}

func TestAccountsMinimal(t *testing.T) {
	db := sqlDB(t,
		`CREATE TABLE ZACCOUNT (Z_PK INTEGER PRIMARY KEY, ZUSERNAME VARCHAR)`,
		`INSERT INTO ZACCOUNT VALUES (1, 'x@example.com')`,
	)
	var got []artifacts.Account
	if err := artifacts.ReadAccounts(context.Background(), db, func(a artifacts.Account) error {
		got = append(got, a)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []artifacts.Account{{Username: "x@example.com"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
