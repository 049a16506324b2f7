package artifacts

// Location names a file inside an iPhone backup: the backup domain and the
// path relative to that domain, as stored in Manifest.db.
type Location struct {
	Domain       string
	RelativePath string
}

// Backup domains used by the artifacts of this package.
const (
	DomainCameraRoll = "CameraRollDomain"
	DomainMedia      = "MediaDomain"
	DomainHome       = "HomeDomain"
	DomainRoot       = "RootDomain"
	// DomainWhatsApp is WhatsApp's shared app group, which holds both
	// ChatStorage.sqlite and the media files under "Message/".
	DomainWhatsApp = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared"
)

// Artifact locations (domain + relativePath).
var (
	// PhotosDB is the Photos library database (read with ReadPhotos).
	PhotosDB = Location{DomainCameraRoll, "Media/PhotoData/Photos.sqlite"}
	// CPLEnabledMarker exists when iCloud Photos was set up on the device
	// (meaning not confirmed by a public source).
	CPLEnabledMarker = Location{DomainCameraRoll, "Media/PhotoData/cpl_enabled_marker"}
	// SMSDB is the Messages database (read with ReadSMSAttachments).
	SMSDB = Location{DomainHome, "Library/SMS/sms.db"}
	// TCCDB holds privacy decisions except location (read with ReadTCC).
	TCCDB = Location{DomainHome, "Library/TCC/TCC.db"}
	// WhatsAppDB is WhatsApp's message store (read with ReadWhatsAppMedia).
	WhatsAppDB = Location{DomainWhatsApp, "ChatStorage.sqlite"}
	// LocationClients holds location-services decisions per app (read with
	// ParseLocationClients).
	LocationClients = Location{DomainRoot, "Library/Caches/locationd/clients.plist"}
	// CloudBackupPrefs holds CloudBackupEnabled (read with ParseCloudBackup).
	CloudBackupPrefs = Location{DomainHome, "Library/Preferences/com.apple.mobile.ldbackup.plist"}
	// AccountsDB lists the accounts and their enabled data classes (not read
	// by this package yet).
	AccountsDB = Location{DomainHome, "Library/Accounts/Accounts3.sqlite"}
	// PhotosPrefs holds Photos settings such as downloadAndKeepOriginals
	// (not read by this package yet).
	PhotosPrefs = Location{DomainHome, "Library/Preferences/com.apple.mobileslideshow.plist"}
)
