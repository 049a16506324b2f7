// Package ios reads iPhone backups made by Finder, iTunes or idevicebackup2
// (iOS 10 and later, Manifest.db), plain or encrypted. It knows nothing of
// findings or policy: it exposes the backup's plists, iterates its manifest and
// opens the files inside it, strictly read-only.
//
//	dirs, err := ios.FindBackups(path)  // path itself, or its backup subfolders
//	b, err := ios.Open(dir)             // reads Info.plist, Manifest.plist, Status.plist
//	if errors.Is(err, ios.ErrLegacyBackup) { /* b still holds the plist info */ }
//	defer b.Close()                     // closes databases, removes every temporary file
//	if b.Encrypted() {
//		err = b.Unlock(password)        // ErrWrongPassword; UnlockWithKey skips the KDF
//	}
//	err = b.Walk(ctx, func(f *ios.File) error { // (domain, relativePath) order, streamed
//		if !f.IsRegular() || f.Err != nil { return nil }
//		c, err := b.Open(f)             // ios.Content: io.Reader, io.ReaderAt, Size()
//		...
//		err = f.CheckSize(c)            // *SizeMismatchError when the manifest Size is wrong
//	})
//	f, err := b.Lookup(ctx, "HomeDomain", "Library/TCC/TCC.db")  // ErrNotFound
//	db, err := b.OpenSQLite(ctx, "HomeDomain", "Library/SMS/sms.db")
//	data, err := b.ReadFile(ctx, "HomeDomain", "Library/Preferences/x.plist", 1<<20)
//
// Without the password of an encrypted backup, Info, Manifest and Status are
// still filled (device, iOS version, WasPasscodeSet); Walk, Lookup, Open,
// OpenSQLite and ReadFile return ErrPasswordRequired.
//
// Evidence is never written. Plain databases are opened in place with
// "mode=ro&immutable=1". A database with a "-wal" row, any database of an
// encrypted backup, and an encrypted Manifest.db are copied (decrypted) once
// into a private temporary directory (0700, files 0600) that Close removes.
// Content files are opened read-only; symlinked content is refused.
//
// Encrypted files are decrypted lazily: ReadAt decrypts only the AES blocks it
// needs, so reading a header costs a few blocks, and no file is held in
// memory. Size() is the plaintext size learned from the PKCS#7 padding; a
// length that is not a multiple of 16 or bad padding gives ErrCorruptFile.
//
// Untrusted input is bounded: plists are sniffed (binary or XML only), capped
// in size, depth and expansion, and decoded under recover; NSKeyedArchiver
// UIDs are range-checked with a depth and node budget; keybag TLVs are bounds
// checked and absurd PBKDF2 counts refused.
//
// Errors are comparable with errors.Is: ErrNotBackup, ErrLegacyBackup,
// ErrPasswordRequired, ErrWrongPassword, ErrNotFound, ErrCorruptManifest,
// ErrCorruptFile, ErrTooLarge, ErrSizeMismatch. A missing content file (partial
// backups exist) wraps fs.ErrNotExist.
//
// Package ios/backuptest writes real backups (plain or encrypted) for tests and
// samples.
package ios
