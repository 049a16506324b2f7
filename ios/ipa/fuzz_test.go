package ipa_test

import (
	"bytes"
	"testing"

	"github.com/devicescan/devicescan/ios/ipa"
	"github.com/devicescan/devicescan/ios/ipa/ipatest"
)

func FuzzRead(f *testing.F) {
	for _, xml := range []bool{false, true} {
		b, err := ipatest.Build(ipatest.Spec{Info: freecamInfo(), XML: xml, Frameworks: []string{"GoogleMobileAds"},
			ITunesMetadata: []byte(`<?xml version="1.0"?><plist><dict><key>priceDisplay</key><string>Free</string></dict></plist>`)})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		app, err := ipa.Read(bytes.NewReader(data), int64(len(data)))
		if err == nil && app == nil {
			t.Fatal("nil app without error")
		}
	})
}
