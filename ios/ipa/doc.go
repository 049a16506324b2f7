// Package ipa reads an iOS app archive (.ipa, a zip) without extracting it:
//
//	app, err := ipa.Read(r, size) // r io.ReaderAt over the .ipa
//
// It decodes Payload/<X>.app/Info.plist (bundle id, name, version, minimum
// iOS, the NS*UsageDescription privacy keys mapped to devicescan permission
// names, the App Tracking Transparency key, the AdMob application id), the
// root iTunesMetadata.plist when present (see artifacts.ParseITunesMetadata)
// and the names of the embedded Payload/<X>.app/Frameworks/*.framework.
//
// The archive is hostile input: the number of entries examined is capped
// (MaxEntries), plists are read only when their declared size is at most
// MaxPlistSize (and never beyond it), non-zip input is an error and panics
// in the decoders are recovered.
package ipa
