// Package ipatest writes small, valid .ipa archives for tests.
package ipatest

import (
	"archive/zip"
	"bytes"

	"howett.net/plist"
)

// Spec describes an .ipa to build.
type Spec struct {
	// AppName is the folder name without ".app" (default "App").
	AppName string
	// Info is the Info.plist dictionary.
	Info map[string]any
	// XML writes Info.plist as an XML plist instead of binary.
	XML bool
	// Frameworks are names (without ".framework") placed under
	// Payload/<AppName>.app/Frameworks/ with a binary and an Info.plist.
	Frameworks []string
	// ITunesMetadata, when non-nil, is stored as the root iTunesMetadata.plist.
	ITunesMetadata []byte
	// Extra holds further entries by name.
	Extra map[string][]byte
}

// Build returns the .ipa bytes for s.
func Build(s Spec) ([]byte, error) {
	name := s.AppName
	if name == "" {
		name = "App"
	}
	dir := "Payload/" + name + ".app/"
	format := plist.BinaryFormat
	if s.XML {
		format = plist.XMLFormat
	}
	info, err := plist.Marshal(s.Info, format)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(n string, b []byte) error {
		w, err := zw.Create(n)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	type entry struct {
		n string
		b []byte
	}
	entries := []entry{
		{dir + "Info.plist", info},
		{dir + name, []byte("\xcf\xfa\xed\xfe fake Mach-O")},
		{dir + "_CodeSignature/CodeResources", []byte("<plist/>")},
	}
	for _, fw := range s.Frameworks {
		fwInfo, _ := plist.Marshal(map[string]any{"CFBundleIdentifier": "org.example." + fw}, plist.BinaryFormat)
		entries = append(entries,
			entry{dir + "Frameworks/" + fw + ".framework/" + fw, []byte("\xcf\xfa\xed\xfe")},
			entry{dir + "Frameworks/" + fw + ".framework/Info.plist", fwInfo})
	}
	if s.ITunesMetadata != nil {
		entries = append(entries, entry{"iTunesMetadata.plist", s.ITunesMetadata})
	}
	for n, b := range s.Extra {
		entries = append(entries, entry{n, b})
	}
	for _, e := range entries {
		if err := add(e.n, e.b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
