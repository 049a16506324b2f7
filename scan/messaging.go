package scan

import (
	"strings"

	"github.com/devicescan/devicescan/android"
)

// Extra reason codes for messaging attachments.
const (
	ReasonMessenger      = "messenger"
	ReasonGalleryVisible = "gallery-visible"
	ReasonCloudSynced    = "cloud-synced"
)

// attachmentRemedy says what to do, with the messenger's own setting where
// it has one.
func attachmentRemedy(app string) string {
	r := "Delete it from the chat and from the device's photo library if you no longer need it"
	switch app {
	case "WhatsApp", "WhatsApp Business":
		return r + "; stop WhatsApp saving media to the gallery (Settings > Chats > Media visibility, or Save to Photos on iPhone)."
	case "Telegram":
		return r + "; stop Telegram saving media to the gallery (Settings > Data and Storage > Save to Gallery / Photos)."
	case "iMessage", "SMS", "RCS", "Messages":
		return r + "; photos in Messages are kept in iCloud when Messages in iCloud or iCloud Backup is on: delete the conversation's attachments there too."
	case "Signal":
		return r + "; Signal keeps attachments private unless saved: delete saved copies from the gallery."
	}
	return r + "; stop the messenger saving media to the gallery in its settings."
}

func boolPtr(b bool) *bool { return &b }

// messagingFinding reports a file that arrived through, or was sent with, a
// messenger. A clinical-looking attachment keeps its clinical reasons and
// severity here too, so it is reported under both categories.
func messagingFinding(it *item, clinical *Finding) Finding {
	f := it.file
	m := f.Messaging
	detail := m.App
	switch m.Direction {
	case "sent":
		detail += ", sent from this device"
	case "received":
		detail += ", received"
	}
	if m.Chat != "" {
		detail += ", chat: " + m.Chat
	}
	reasons := []Reason{{Code: ReasonMessenger, Detail: detail}}
	if m.GalleryVisible != nil && *m.GalleryVisible {
		reasons = append(reasons, Reason{Code: ReasonGalleryVisible, Detail: "visible in the phone's gallery, so photo backup apps can upload it"})
	}
	synced := f.Cloud != nil && f.Cloud.Synced != nil && *f.Cloud.Synced
	if synced {
		reasons = append(reasons, Reason{Code: ReasonCloudSynced, Detail: cloudName(f.Cloud.Service) + ": " + f.Cloud.Evidence})
	}
	sev := SeverityInfo
	msg := m.App + " attachment stored on the device"
	if synced {
		msg += " and copied to " + cloudName(f.Cloud.Service)
	}
	if clinical != nil {
		reasons = append(reasons, clinical.Reasons...)
		sev = clinical.Severity
		if synced && sev.Rank() < SeverityHigh.Rank() {
			sev = SeverityHigh
		}
		msg = "Clinical-looking " + msg
	}
	return Finding{
		Category:  CategoryMessagingAttachment,
		Severity:  sev,
		Path:      f.Path,
		Domain:    f.Domain,
		Reasons:   reasons,
		Cloud:     f.Cloud,
		Messaging: m,
		Message:   msg + ".",
		Remedy:    attachmentRemedy(m.App),
	}
}

func cloudName(service string) string {
	switch service {
	case "icloud-photos":
		return "iCloud Photos"
	case "icloud-backup":
		return "iCloud Backup"
	case "google-photos":
		return "Google Photos"
	}
	return service
}

// classifyAndroidFile sets what the storage layout tells about a file.
func classifyAndroidFile(f *File, noMedia bool) {
	sp := android.ClassifyStoragePath(f.Path)
	lower := strings.ToLower(f.Path)
	if strings.HasPrefix(lower, "android/data/") || strings.HasPrefix(lower, "android/obb/") {
		f.UserMedia = false
	}
	hidden := noMedia || sp.Private || sp.HiddenByName
	if sp.Messenger != "" {
		switch sp.MediaType {
		case "database", "backup":
			return
		}
		f.UserMedia = true
		dir := ""
		if sp.Sent {
			dir = "sent"
		}
		f.Messaging = &Messaging{App: sp.Messenger, Direction: dir, GalleryVisible: boolPtr(!hidden)}
	}
	if sp.Messenger != "" || sp.Camera || strings.HasPrefix(lower, "dcim/") || strings.HasPrefix(lower, "pictures/") {
		if hidden {
			f.Cloud = &Cloud{Synced: boolPtr(false), Service: "google-photos",
				Evidence: "hidden from the gallery (.nomedia or a hidden folder), so gallery backup skips it"}
		} else {
			f.Cloud = &Cloud{Service: "google-photos",
				Evidence: "visible to the gallery; Google Photos uploads device folders when backup is on for them (not readable from storage)"}
		}
	}
}
