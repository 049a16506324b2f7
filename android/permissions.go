package android

import (
	"sort"
	"strings"
)

// Dangerous (runtime) permissions mapped to the contract's permission names.
// Source: AOSP frameworks/base/core/res/AndroidManifest.xml protection levels
// and permission groups (API 36), as summarised in the androguard
// aosp_permissions data; the READ_MEDIA_* permissions (API 33+) are the
// "photos" of the contract. Names are compared in full: OEM permissions that
// share a last segment with an AOSP one are not mapped.
var permissionNames = map[string]string{
	"android.permission.CAMERA": "camera",

	"android.permission.READ_CONTACTS":  "contacts",
	"android.permission.WRITE_CONTACTS": "contacts",
	"android.permission.GET_ACCOUNTS":   "contacts",

	"android.permission.SEND_SMS":             "sms",
	"android.permission.RECEIVE_SMS":          "sms",
	"android.permission.READ_SMS":             "sms",
	"android.permission.RECEIVE_MMS":          "sms",
	"android.permission.RECEIVE_WAP_PUSH":     "sms",
	"android.permission.READ_CELL_BROADCASTS": "sms",

	"android.permission.RECORD_AUDIO": "microphone",

	"android.permission.ACCESS_FINE_LOCATION":       "location",
	"android.permission.ACCESS_COARSE_LOCATION":     "location",
	"android.permission.ACCESS_BACKGROUND_LOCATION": "location",
	"android.permission.ACCESS_MEDIA_LOCATION":      "location", // location embedded in shared photos

	"android.permission.READ_MEDIA_IMAGES":               "photos",
	"android.permission.READ_MEDIA_VIDEO":                "photos",
	"android.permission.READ_MEDIA_VISUAL_USER_SELECTED": "photos",

	"android.permission.READ_CALENDAR":  "calendar",
	"android.permission.WRITE_CALENDAR": "calendar",

	"android.permission.READ_PHONE_STATE":            "phone",
	"android.permission.READ_PHONE_NUMBERS":          "phone",
	"android.permission.CALL_PHONE":                  "phone",
	"android.permission.ANSWER_PHONE_CALLS":          "phone",
	"android.permission.ACCEPT_HANDOVER":             "phone",
	"android.permission.USE_SIP":                     "phone",
	"com.android.voicemail.permission.ADD_VOICEMAIL": "phone",
	"android.permission.ADD_VOICEMAIL":               "phone",

	"android.permission.READ_CALL_LOG":          "call-log",
	"android.permission.WRITE_CALL_LOG":         "call-log",
	"android.permission.PROCESS_OUTGOING_CALLS": "call-log",

	"android.permission.BODY_SENSORS":            "sensors",
	"android.permission.BODY_SENSORS_BACKGROUND": "sensors",
	"android.permission.ACTIVITY_RECOGNITION":    "sensors",

	"android.permission.READ_EXTERNAL_STORAGE":   "storage",
	"android.permission.WRITE_EXTERNAL_STORAGE":  "storage",
	"android.permission.MANAGE_EXTERNAL_STORAGE": "storage", // appop "All files access", not runtime, but the broadest storage grant
}

// PermissionName maps an Android permission to the contract's name (camera,
// contacts, sms, microphone, location, photos, calendar, phone, call-log,
// sensors, storage), or "" when the permission is not one of those dangerous
// ones. READ_MEDIA_AUDIO is deliberately "" (no contract name for audio).
// The pre-API-29 activity permission com.google.android.gms.permission.ACTIVITY_RECOGNITION
// maps to sensors as well.
func PermissionName(raw string) string {
	raw = strings.TrimSpace(raw)
	if n, ok := permissionNames[raw]; ok {
		return n
	}
	if raw == "com.google.android.gms.permission.ACTIVITY_RECOGNITION" {
		return "sensors"
	}
	return ""
}

// PermissionNames maps raw permissions to the sorted, unique contract names.
func PermissionNames(raw []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range raw {
		if n := PermissionName(r); n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
