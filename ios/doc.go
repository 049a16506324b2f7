// Package ios reads iPhone backups made by Finder, iTunes or idevicebackup2
// (iOS 10 and later, Manifest.db), plain or encrypted. It knows nothing of
// findings or policy: it exposes the backup's plists, iterates its manifest and
// opens the files inside it, strictly read-only.
//
// Typical use:
//
//	b, err := ios.Open(dir)          // reads Info.plist, Manifest.plist, Status.plist
//	if err != nil { ... }            // errors.Is(err, ios.ErrLegacyBackup): b is still usable for plist info
//	defer b.Close()                  // removes every temporary file
//	if b.Encrypted() {
//		err = b.Unlock(password)     // ios.ErrWrongPassword on a bad password
//	}
//	err = b.Walk(ctx, func(f *ios.File) error {
//		if !f.IsRegular() { return nil }
//		c, err := b.Open(f)          // ios.Content: io.Reader, io.ReaderAt, Size()
//		...
//	})
//	db, err := b.OpenSQLite(ctx, "HomeDomain", "Library/SMS/sms.db")
//
// Evidence is never written: plain databases are opened with
// "mode=ro&immutable=1"; databases with a -wal row, databases of encrypted
// backups and an encrypted Manifest.db are copied (decrypted) into a private
// temporary directory (0700, files 0600) that Close removes.
//
// Encrypted files are decrypted lazily: ReadAt decrypts only the AES blocks it
// needs, so reading a header costs a few blocks. Size() is the plaintext size
// learned from the PKCS#7 padding, which may differ from the Size recorded in
// the manifest (iOS gets it wrong for some databases); File.CheckSize reports
// that as a *SizeMismatchError without hiding any data.
//
// Errors are comparable with errors.Is: ErrNotBackup, ErrLegacyBackup,
// ErrPasswordRequired, ErrWrongPassword, ErrNotFound, ErrCorruptManifest,
// ErrCorruptFile, ErrTooLarge, ErrSizeMismatch.
//
// Package ios/backuptest writes real backups (plain or encrypted) for tests and
// samples.
package ios
