package scan

// deviceFindings applies the hygiene rules to what a source tells about the
// phone: no passcode, an unencrypted backup, cloud backup on.
func deviceFindings(src *SourceReport, clinicalCount int) []Finding {
	d := src.Device
	if d == nil {
		return nil
	}
	var out []Finding
	if d.PasscodeSet != nil && !*d.PasscodeSet {
		out = append(out, Finding{
			Category: CategoryDevice, Severity: SeverityHigh,
			Reasons: []Reason{{Code: "no-passcode", Detail: "the backup says no passcode was set on the device"}},
			Message: "The device has no passcode: anyone holding it can see its photos and messages.",
			Remedy:  "Set a passcode (six digits or longer) before the device holds any patient data.",
		})
	}
	if src.Kind == KindIOSBackup && d.BackupEncrypted != nil && !*d.BackupEncrypted {
		out = append(out, Finding{
			Category: CategoryDevice, Severity: SeverityMedium,
			Reasons: []Reason{{Code: "backup-not-encrypted", Detail: "Manifest.plist IsEncrypted is false"}},
			Message: "This backup is not encrypted: its photos and messages are readable by anyone with the folder.",
			Remedy:  "Turn on 'Encrypt local backup' in Finder/iTunes, then delete this unencrypted copy once scanned.",
		})
	}
	if d.CloudBackupEnabled != nil && *d.CloudBackupEnabled {
		sev := SeverityInfo
		msg := "iCloud Backup is on: everything in this backup, attachments included, is also kept in iCloud."
		if clinicalCount > 0 {
			sev = SeverityMedium
			msg = "iCloud Backup is on, so the clinical images found here are also kept in iCloud."
		}
		out = append(out, Finding{
			Category: CategoryDevice, Severity: sev,
			Reasons: []Reason{{Code: "cloud-backup-enabled", Detail: "CloudBackupEnabled is true in the device's backup settings"}},
			Message: msg,
			Remedy:  "Delete clinical images from the device, then make a new iCloud backup and delete older ones (Settings > Apple Account > iCloud > Manage Storage > Backups).",
		})
	}
	return out
}
