package scan

// SchemaVersion is the version of the JSON report. It changes only when a
// field of ../shared/contract.md is renamed or removed.
const SchemaVersion = 1

// Category of a finding (contract values).
type Category string

const (
	CategoryClinicalPhoto       Category = "clinical-photo"
	CategoryMessagingAttachment Category = "messaging-attachment"
	CategoryRiskyApp            Category = "risky-app"
	CategoryDevice              Category = "device"
)

// Severity of a finding. Ordered: Info < Low < Medium < High.
type Severity string

const (
	SeverityInfo   Severity = "info"
	SeverityLow    Severity = "low"
	SeverityMedium Severity = "medium"
	SeverityHigh   Severity = "high"
)

// Rank orders severities: info 0, low 1, medium 2, high 3; unknown -1.
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 0
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	}
	return -1
}

// Source kinds (contract values).
const (
	KindIOSBackup      = "ios-backup"
	KindAndroidStorage = "android-storage"
	KindAPK            = "apk"
	KindIPA            = "ipa"
	KindDirectory      = "directory"
)

// Stable reason codes. Never rename one: IT desks match on them.
const (
	ReasonDICOM             = "dicom"
	ReasonWorkplaceLocation = "workplace-location"
	ReasonPatientIdentifier = "patient-identifier"
	ReasonRadiograph        = "radiograph"
	ReasonSkinCloseup       = "skin-closeup"
	ReasonClinicalKeyword   = "clinical-keyword"
)

// Report is the result of one scan: what the JSON format prints.
type Report struct {
	SchemaVersion int             `json:"schema_version"`
	Tool          Tool            `json:"tool"`
	Sources       []SourceReport  `json:"sources"`
	Findings      []Finding       `json:"findings"`
	Skipped       []Skipped       `json:"skipped"`
	Inventory     []InventoryItem `json:"inventory,omitempty"`
	Summary       Summary         `json:"summary"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// SourceReport describes one scanned PATH (or one backup inside a folder of backups).
type SourceReport struct {
	Path     string `json:"path"`
	Kind     string `json:"kind"`
	Complete bool   `json:"complete"`
	// Problems says why Complete is false (e.g. "encrypted backup: no password").
	Problems []string    `json:"problems,omitempty"`
	Device   *DeviceInfo `json:"device,omitempty"`
	Stats    Stats       `json:"stats"`
	// Apps lists the third-party apps the source tells about (extension):
	// an iPhone backup's Info.plist lists them even without its password.
	Apps []AppSummary `json:"apps,omitempty"`
}

// AppSummary is one installed app, with what is known of its price.
type AppSummary struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
	Free    *bool  `json:"free"`
}

// DeviceInfo is what a source tells about the phone. Unknown booleans are nil.
type DeviceInfo struct {
	Name               string `json:"name"`
	Model              string `json:"model"`
	OSVersion          string `json:"os_version"`
	Serial             string `json:"serial"`
	UDID               string `json:"udid"`
	PasscodeSet        *bool  `json:"passcode_set"`
	BackupEncrypted    *bool  `json:"backup_encrypted"`
	CloudBackupEnabled *bool  `json:"cloud_backup_enabled"`
	// CloudPhotosEnabled: iCloud Photos on, as far as the Photos library
	// tells (extension; omitted when unknown).
	CloudPhotosEnabled *bool `json:"cloud_photos_enabled,omitempty"`
}

// Stats counts what a source held.
type Stats struct {
	Files   int `json:"files"`
	Images  int `json:"images"`
	Skipped int `json:"skipped"`
}

// Finding is one thing a person should look at.
type Finding struct {
	Category Category `json:"category"`
	Severity Severity `json:"severity"`
	Source   int      `json:"source"`
	Path     string   `json:"path,omitempty"`
	Domain   string   `json:"domain,omitempty"`
	Reasons  []Reason `json:"reasons"`
	Cloud    *Cloud   `json:"cloud,omitempty"`
	App      *AppInfo `json:"app,omitempty"`
	// Messaging names the messenger for messaging-attachment findings (extension).
	Messaging *Messaging `json:"messaging,omitempty"`
	Message   string     `json:"message"`
	Remedy    string     `json:"remedy"`
	// Thumbnail holds a small JPEG of the photo, only when the caller asked
	// for thumbnails (HTML --thumbnails). Never written to JSON or CSV.
	Thumbnail []byte `json:"-"`
}

// Reason is one piece of evidence: a stable code and a human detail.
type Reason struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// Cloud says whether a file is in a consumer cloud. Synced is nil when unknown.
type Cloud struct {
	Synced   *bool  `json:"synced"`
	Service  string `json:"service,omitempty"`
	Evidence string `json:"evidence,omitempty"`
}

// Messaging describes where a messaging attachment came from (extension to the contract).
type Messaging struct {
	App            string `json:"app"`                       // "WhatsApp", "Telegram", "iMessage", ...
	Direction      string `json:"direction,omitempty"`       // "sent", "received" when known
	Chat           string `json:"chat,omitempty"`            // chat or sender when known
	GalleryVisible *bool  `json:"gallery_visible,omitempty"` // visible to the gallery (and so to gallery sync)
}

// AppInfo describes an app for risky-app findings.
type AppInfo struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Version     string   `json:"version,omitempty"`
	Permissions []string `json:"permissions"`
	Granted     *bool    `json:"granted"`
	Free        *bool    `json:"free"`
	AdSDKs      []string `json:"ad_sdks"`
	// Trackers lists non-advertising tracking SDKs (analytics, crash reporting).
	Trackers []string `json:"trackers,omitempty"`
	// Evidence explains Free and Granted.
	Evidence []string `json:"evidence,omitempty"`
}

// Skipped is a file (or part of a source) that could not be read.
type Skipped struct {
	Source int    `json:"source"`
	Path   string `json:"path"`
	Domain string `json:"domain,omitempty"`
	Error  string `json:"error"`
}

// InventoryItem is one scanned file, listed with --inventory.
type InventoryItem struct {
	Source  int     `json:"source"`
	Path    string  `json:"path"`
	Domain  string  `json:"domain,omitempty"`
	Type    string  `json:"type"`
	Size    int64   `json:"size"`
	TakenAt string  `json:"taken_at,omitempty"`
	Make    string  `json:"make,omitempty"`
	Model   string  `json:"model,omitempty"`
	GPS     *LatLon `json:"gps,omitempty"`
}

// LatLon is a position in decimal degrees.
type LatLon struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Verdicts.
const (
	VerdictClear        = "clear"
	VerdictActionNeeded = "action-needed"
	VerdictIncomplete   = "incomplete"
)

// Summary is the one-line answer and the counts behind it.
type Summary struct {
	Verdict string `json:"verdict"`
	// Counts: "findings", "high", "medium", "low", "info", one per category, "skipped", "files".
	Counts map[string]int `json:"counts"`
	// FailOn is the severity threshold the verdict was computed with.
	FailOn Severity `json:"fail_on,omitempty"`
}
