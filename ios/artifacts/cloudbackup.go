package artifacts

import (
	"fmt"
	"time"
)

// ParseCloudBackup reads com.apple.mobile.ldbackup.plist (HomeDomain
// Library/Preferences/, see CloudBackupPrefs) and reports whether iCloud
// Backup is on. enabled is nil when CloudBackupEnabled is absent; evidence
// names the key and value (and LastCloudBackupDate when present).
func ParseCloudBackup(data []byte) (enabled *bool, evidence string, err error) {
	root, err := decodeDict(data)
	if err != nil {
		return nil, "", fmt.Errorf("ldbackup.plist: %w", err)
	}
	last := ""
	if t := plTime(root["LastCloudBackupDate"]); !t.IsZero() {
		last = ", LastCloudBackupDate " + t.Format(time.RFC3339)
	}
	b, ok := plBool(root["CloudBackupEnabled"])
	if !ok {
		return nil, "com.apple.mobile.ldbackup.plist has no CloudBackupEnabled" + last, nil
	}
	return &b, fmt.Sprintf("com.apple.mobile.ldbackup.plist CloudBackupEnabled=%t%s", b, last), nil
}
