// Package backuptest writes real iPhone backups (the iOS 10+ layout: Info.plist,
// Manifest.plist, Status.plist, Manifest.db and <xx>/<fileID> content files),
// plain or encrypted, for tests and samples. With Options.Rand and
// Options.Date set, the output is byte-for-byte reproducible.
//
//	w, err := backuptest.New(dir, backuptest.Options{Encrypted: true, Password: "1234"})
//	w.AddFile("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", jpeg, mod, nil)
//	w.AddApp("com.example.app", itunesMetadata)
//	err = w.Close()
//
// The crypto is an independent implementation of what package ios reads:
// keybag TLV, PBKDF2-SHA256 (DPSL/DPIC) then PBKDF2-SHA1 (SALT/ITER), RFC 3394
// key wrap, AES-256-CBC with a zero IV and PKCS#7 padding per file.
//
// Beyond AddFile/AddDir/AddSymlink/AddApp, Add takes an Entry that can declare
// a wrong Size, omit the content file or store a raw MBFile blob, for tests of
// damaged backups. FileID, Wrap and DeriveKey expose the primitives.
package backuptest
