package android

import (
	"path"
	"regexp"
	"strings"
)

// StoragePath is what a path in Android shared storage says about a file.
type StoragePath struct {
	// Messenger is the messaging app that stored the file ("WhatsApp",
	// "WhatsApp Business", "Telegram", "Signal", "Viber", "Facebook Messenger",
	// "WeChat", "Line", ...) or "".
	Messenger string
	// Package owns the file by the MediaProvider rule
	// Android/(data|media|obb)/<package>/... ("" otherwise).
	Package string
	// MediaType: image, video, document, audio, voice, sticker, gif, profile,
	// status, backup, database, or "".
	MediaType string
	Sent      bool // a "Sent" folder: the user sent it
	Private   bool // a "Private" folder: hidden from the gallery
	Status    bool // a WhatsApp status (.Statuses)
	Camera    bool // under DCIM (camera roll), not a screenshot or thumbnail
	// Screenshot: a Screenshots folder or a Screenshot_ file name.
	Screenshot bool
	Download   bool // under Download/
	// HiddenByName: a path component starts with '.' (.Statuses, .Thumbs, .nomedia).
	HiddenByName bool
}

var volumePrefix = regexp.MustCompile(`(?i)^(?:` +
	`storage/emulated/[0-9]+/|storage/self/primary/|data/media/[0-9]+/|mnt/sdcard/|sdcard/|` +
	`storage/[0-9a-f]{4}-[0-9a-f]{4}/|internal shared storage/|internal storage/)`)

// packageMessengers maps owner packages to messenger names.
var packageMessengers = map[string]string{
	"com.whatsapp":                      "WhatsApp",
	"com.whatsapp.w4b":                  "WhatsApp Business",
	"org.telegram.messenger":            "Telegram",
	"org.telegram.messenger.web":        "Telegram",
	"org.telegram.plus":                 "Telegram",
	"org.thunderdog.challegram":         "Telegram",
	"org.thoughtcrime.securesms":        "Signal",
	"com.viber.voip":                    "Viber",
	"com.facebook.orca":                 "Facebook Messenger",
	"com.facebook.mlite":                "Facebook Messenger",
	"com.tencent.mm":                    "WeChat",
	"jp.naver.line.android":             "Line",
	"com.snapchat.android":              "Snapchat",
	"com.instagram.android":             "Instagram",
	"com.discord":                       "Discord",
	"com.kakao.talk":                    "KakaoTalk",
	"com.skype.raider":                  "Skype",
	"com.microsoft.teams":               "Microsoft Teams",
	"ch.threema.app":                    "Threema",
	"com.wire":                          "Wire",
	"im.vector.app":                     "Element",
	"com.google.android.apps.messaging": "Google Messages",
	"com.samsung.android.messaging":     "Samsung Messages",
}

// folderMessengers maps a lower-case top folder (legacy layout, or the first
// folder under Android/media/<pkg>/) to a messenger.
var folderMessengers = map[string]string{
	"whatsapp":          "WhatsApp",
	"whatsapp business": "WhatsApp Business",
	"telegram":          "Telegram",
	"telegram x":        "Telegram",
	"signal":            "Signal",
	"viber":             "Viber",
	"line":              "Line",
	"kakaotalk":         "KakaoTalk",
	"threema":           "Threema",
}

// mediaFolderMessengers: folders apps create under Pictures/, Movies/,
// Download/, Documents/, Music/ or DCIM/.
var mediaFolderMessengers = map[string]string{
	"telegram":          "Telegram",
	"signal":            "Signal",
	"viber":             "Viber",
	"whatsapp":          "WhatsApp",
	"whatsapp business": "WhatsApp Business",
	"messenger":         "Facebook Messenger",
	"wechat":            "WeChat",
	"weixin":            "WeChat",
	"line":              "Line",
	"snapchat":          "Snapchat",
	"instagram":         "Instagram",
	"discord":           "Discord",
	"kakaotalk":         "KakaoTalk",
	"threema":           "Threema",
	"skype":             "Skype",
}

var mediaRoots = map[string]bool{"pictures": true, "movies": true, "download": true, "downloads": true, "documents": true, "music": true, "dcim": true, "recordings": true}

// folderTypes: suffixes of messenger media folders ("WhatsApp Images",
// "Telegram Video", "Viber Videos", "WhatsApp Voice Notes").
var folderTypes = []struct{ suffix, typ string }{
	{"voice notes", "voice"},
	{"animated gifs", "gif"},
	{"profile photos", "profile"},
	{"user photos", "profile"},
	{"stickers", "sticker"},
	{"images", "image"},
	{"video", "video"},
	{"videos", "video"},
	{"documents", "document"},
	{"audio", "audio"},
	{"databases", "database"},
	{"backups", "backup"},
}

var extTypes = map[string]string{
	".jpg": "image", ".jpeg": "image", ".png": "image", ".webp": "image", ".heic": "image", ".heif": "image",
	".gif": "gif", ".bmp": "image", ".dng": "image",
	".mp4": "video", ".3gp": "video", ".mov": "video", ".mkv": "video", ".webm": "video",
	".opus": "audio", ".ogg": "audio", ".m4a": "audio", ".aac": "audio", ".amr": "audio", ".mp3": "audio", ".wav": "audio",
	".pdf": "document", ".doc": "document", ".docx": "document", ".xls": "document", ".xlsx": "document",
	".ppt": "document", ".pptx": "document", ".txt": "document", ".odt": "document", ".rtf": "document", ".csv": "document",
	".db": "database", ".backup": "backup",
}

var cryptExt = regexp.MustCompile(`^\.crypt[0-9]*$`)

// ClassifyStoragePath classifies a '/'-separated path relative to the root of
// Android shared storage (a leading storage/emulated/0/, sdcard/ and similar
// volume prefixes, and the "Internal shared storage/" folder an MTP copy
// starts with, are stripped). Matching is case-insensitive. It is a pure
// function of the path; it reads nothing.
func ClassifyStoragePath(p string) StoragePath {
	var s StoragePath
	p = strings.TrimLeft(strings.ReplaceAll(p, "\\", "/"), "/")
	for strings.HasPrefix(p, "./") {
		p = strings.TrimLeft(p[2:], "/")
	}
	if loc := volumePrefix.FindStringIndex(p); loc != nil {
		p = p[loc[1]:]
	}
	var comps []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			comps = append(comps, c)
		}
	}
	if len(comps) == 0 {
		return s
	}
	lower := make([]string, len(comps))
	for i, c := range comps {
		lower[i] = strings.ToLower(c)
		if strings.HasPrefix(c, ".") {
			s.HiddenByName = true
		}
	}
	file := lower[len(lower)-1]
	dirs := lower[:len(lower)-1]

	rest := dirs
	if len(dirs) >= 3 && dirs[0] == "android" && (dirs[1] == "data" || dirs[1] == "media" || dirs[1] == "obb") {
		s.Package = comps[2]
		s.Messenger = packageMessengers[lower[2]]
		rest = dirs[3:]
	}
	if len(rest) > 0 {
		if m, ok := folderMessengers[rest[0]]; ok && (s.Messenger == "" || s.Package != "") {
			if s.Messenger == "" {
				s.Messenger = m
			} else if m == "WhatsApp Business" {
				s.Messenger = m
			}
		} else if mediaRoots[rest[0]] && len(rest) > 1 && s.Messenger == "" {
			s.Messenger = mediaFolderMessengers[rest[1]]
		} else if s.Messenger == "" && len(rest) > 1 && rest[0] == "tencent" && rest[1] == "micromsg" {
			s.Messenger = "WeChat"
		}
	}
	if s.Messenger == "" && strings.HasPrefix(file, "signal-") && strings.HasSuffix(file, ".backup") {
		s.Messenger = "Signal"
	}

	for i, d := range rest {
		switch d {
		case "sent":
			s.Sent = true
		case "private":
			s.Private = true
		case ".statuses":
			s.Status = true
			s.MediaType = "status"
		}
		if s.MediaType == "" && (s.Messenger != "" || i > 0) {
			for _, ft := range folderTypes {
				if strings.HasSuffix(d, " "+ft.suffix) || (d == ft.suffix && s.Messenger != "" && i > 0) {
					s.MediaType = ft.typ
					break
				}
			}
		}
	}
	if s.MediaType == "" {
		ext := path.Ext(file)
		switch {
		case cryptExt.MatchString(ext):
			s.MediaType = "database"
			if strings.Contains(file, "backup") {
				s.MediaType = "backup"
			}
		default:
			s.MediaType = extTypes[ext]
		}
	}

	top := ""
	if len(dirs) > 0 {
		top = dirs[0]
	}
	for _, d := range dirs {
		if d == "screenshots" || d == "screenshot" || d == "screen recordings" || d == "screenrecorder" {
			s.Screenshot = true
		}
	}
	if strings.HasPrefix(file, "screenshot_") || strings.HasPrefix(file, "screenshot-") || strings.HasPrefix(file, "screenshot ") {
		s.Screenshot = true
	}
	s.Camera = top == "dcim" && !s.Screenshot && !s.HiddenByName && s.Messenger == ""
	s.Download = top == "download" || top == "downloads"
	return s
}
