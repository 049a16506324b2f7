// Package artifacts reads the iPhone-backup artifacts devicescan cares about
// and returns plain records. It knows nothing about findings or policy and
// does not know how a backup is stored: callers hand it an opened *sql.DB
// (Photos.sqlite, sms.db, ChatStorage.sqlite, TCC.db) or the bytes of a small
// plist (locationd clients.plist, com.apple.mobile.ldbackup.plist,
// iTunesMetadata.plist).
//
// Where each artifact lives in a backup is exported as a [Location] (domain +
// relativePath): [PhotosDB], [SMSDB], [TCCDB], [WhatsAppDB], [LocationClients],
// [CloudBackupPrefs], [AccountsDB], [PhotosPrefs].
//
// Database readers:
//
//	ReadPhotos(ctx, db, func(PhotoAsset) error) error
//	CloudPhotosEnabled(ctx, db) (*bool, string, error)
//	ReadSMSAttachments(ctx, db, func(Attachment) error) error
//	ReadWhatsAppMedia(ctx, db, func(WhatsAppMedia) error) error
//	ReadTCC(ctx, db, func(Grant) error) error
//	ReadAccounts(ctx, db, func(Account) error) error
//
// They read the schema first (sqlite_master, PRAGMA table_info) and pick
// tables and columns by name, so one reader covers many iOS versions: a
// missing optional column leaves its field empty, a missing required table
// returns an error wrapping [ErrMissingTable]. Rows are streamed to the
// callback; a non-nil error from the callback stops the walk and is returned.
// Strings are capped at [MaxString] bytes. A panic inside the SQLite driver
// (or the callback) is returned as an error.
//
// Photo paths are "Media/" + ZDIRECTORY + "/" + ZFILENAME: camera-roll files
// are Media/DCIM/1xxAPPLE/..., iCloud Photos downloads
// Media/PhotoData/CPLAssets/groupNNN/<UUID>.<ext> (a file may be missing from
// the backup when iCloud keeps only the cloud copy).
//
// Plist parsers ([ParseLocationClients], [ParseCloudBackup],
// [ParseITunesMetadata], [DecodePlist]) sniff the format first (bplist00 or
// XML), cap the input size and recover from panics in the plist library, so
// garbage yields an error, never a crash.
//
// Time values stored as Core Data / Mac absolute time (seconds, or
// nanoseconds in newer sms.db, since 2001-01-01 UTC) are converted to
// time.Time in UTC; absent or implausible values give the zero time.
package artifacts
