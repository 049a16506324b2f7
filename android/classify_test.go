package android

import (
	"fmt"
	"slices"
	"testing"
)

func TestPermissionName(t *testing.T) {
	tests := map[string]string{
		"android.permission.CAMERA":                          "camera",
		"android.permission.READ_CONTACTS":                   "contacts",
		"android.permission.GET_ACCOUNTS":                    "contacts",
		"android.permission.RECEIVE_WAP_PUSH":                "sms",
		"android.permission.RECEIVE_MMS":                     "sms",
		"android.permission.RECORD_AUDIO":                    "microphone",
		"android.permission.ACCESS_BACKGROUND_LOCATION":      "location",
		"android.permission.ACCESS_MEDIA_LOCATION":           "location",
		"android.permission.READ_MEDIA_IMAGES":               "photos",
		"android.permission.READ_MEDIA_VISUAL_USER_SELECTED": "photos",
		"android.permission.WRITE_CALENDAR":                  "calendar",
		"android.permission.READ_PHONE_NUMBERS":              "phone",
		"com.android.voicemail.permission.ADD_VOICEMAIL":     "phone",
		"android.permission.PROCESS_OUTGOING_CALLS":          "call-log",
		"android.permission.BODY_SENSORS_BACKGROUND":         "sensors",
		"android.permission.ACTIVITY_RECOGNITION":            "sensors",
		"android.permission.MANAGE_EXTERNAL_STORAGE":         "storage",
		" android.permission.WRITE_EXTERNAL_STORAGE ":        "storage",
		"android.permission.INTERNET":                        "",
		"android.permission.WRITE_SMS":                       "",
		"android.permission.READ_MEDIA_AUDIO":                "",
		"com.samsung.android.permission.CAMERA":              "",
		"android.permission.camera":                          "",
		"":                                                   "",
	}
	for in, want := range tests {
		if got := PermissionName(in); got != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
	got := PermissionNames([]string{"android.permission.READ_SMS", "android.permission.CAMERA", "android.permission.SEND_SMS", "x"})
	if !slices.Equal(got, []string{"camera", "sms"}) {
		t.Errorf("PermissionNames: %v", got)
	}
}

func TestClassifyStoragePath(t *testing.T) {
	type S = StoragePath
	tests := []struct {
		path string
		want StoragePath
	}{
		{"Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/Sent/IMG-20240101-WA0001.jpg",
			S{Messenger: "WhatsApp", Package: "com.whatsapp", MediaType: "image", Sent: true}},
		{"storage/emulated/0/WhatsApp/Media/WhatsApp Images/IMG-20200101-WA0003.jpg",
			S{Messenger: "WhatsApp", MediaType: "image"}},
		{"/sdcard/WhatsApp/Media/WhatsApp Images/Private/IMG-20200101-WA0004.jpg",
			S{Messenger: "WhatsApp", MediaType: "image", Private: true}},
		{"whatsapp/media/whatsapp video/VID-20200101-WA0001.mp4", S{Messenger: "WhatsApp", MediaType: "video"}},
		{"WhatsApp/Media/WhatsApp Voice Notes/202401/PTT-20240101-WA0001.opus", S{Messenger: "WhatsApp", MediaType: "voice"}},
		{"WhatsApp/Media/WhatsApp Documents/Sent/scan.pdf", S{Messenger: "WhatsApp", MediaType: "document", Sent: true}},
		{"WhatsApp/Media/WhatsApp Animated Gifs/VID-1.mp4", S{Messenger: "WhatsApp", MediaType: "gif"}},
		{"WhatsApp/Media/WhatsApp Stickers/STK-1.webp", S{Messenger: "WhatsApp", MediaType: "sticker"}},
		{"WhatsApp/Media/WhatsApp Profile Photos/IMG.jpg", S{Messenger: "WhatsApp", MediaType: "profile"}},
		{"Android/media/com.whatsapp/WhatsApp/Media/.Statuses/abc.jpg",
			S{Messenger: "WhatsApp", Package: "com.whatsapp", MediaType: "status", Status: true, HiddenByName: true}},
		{"WhatsApp/Databases/msgstore.db.crypt14", S{Messenger: "WhatsApp", MediaType: "database"}},
		{"WhatsApp/Databases/msgstore-2024-01-01.1.db.crypt15", S{Messenger: "WhatsApp", MediaType: "database"}},
		{"WhatsApp/Backups/chatsettingsbackup.db.crypt1", S{Messenger: "WhatsApp", MediaType: "backup"}},
		{"WhatsApp/Media/.Thumbs/x.jpg", S{Messenger: "WhatsApp", MediaType: "image", HiddenByName: true}},
		{"Android/media/com.whatsapp.w4b/WhatsApp Business/Media/WhatsApp Business Images/Sent/IMG-1.jpg",
			S{Messenger: "WhatsApp Business", Package: "com.whatsapp.w4b", MediaType: "image", Sent: true}},
		{"WhatsApp Business/Media/WhatsApp Business Video/VID.mp4", S{Messenger: "WhatsApp Business", MediaType: "video"}},
		{"Telegram/Telegram Images/123.jpg", S{Messenger: "Telegram", MediaType: "image"}},
		{"Android/media/org.telegram.messenger/Telegram/Telegram Documents/report.pdf",
			S{Messenger: "Telegram", Package: "org.telegram.messenger", MediaType: "document"}},
		{"Pictures/Telegram/IMG_2024.jpg", S{Messenger: "Telegram", MediaType: "image"}},
		{"Download/Telegram/file.pdf", S{Messenger: "Telegram", MediaType: "document", Download: true}},
		{"Pictures/Signal/signal-2024-01-01-101010.jpg", S{Messenger: "Signal", MediaType: "image"}},
		{"Signal/Backups/signal-2024-01-01-10-10-10.backup", S{Messenger: "Signal", MediaType: "backup"}},
		{"Documents/signal-2024-01-01-10-10-10.backup", S{Messenger: "Signal", MediaType: "backup"}},
		{"Pictures/Viber/IMG.jpg", S{Messenger: "Viber", MediaType: "image"}},
		{"viber/media/Viber Images/IMG.jpg", S{Messenger: "Viber", MediaType: "image"}},
		{"viber/media/Viber Videos/V.mp4", S{Messenger: "Viber", MediaType: "video"}},
		{"Pictures/Messenger/received_1.jpeg", S{Messenger: "Facebook Messenger", MediaType: "image"}},
		{"tencent/MicroMsg/WeiXin/mmexport1.jpg", S{Messenger: "WeChat", MediaType: "image"}},
		{"Pictures/WeChat/mmexport1.jpg", S{Messenger: "WeChat", MediaType: "image"}},
		{"Android/data/jp.naver.line.android/files/x.jpg", S{Messenger: "Line", Package: "jp.naver.line.android", MediaType: "image"}},
		{"Android/data/com.example.app/cache/x.bin", S{Package: "com.example.app"}},
		{"storage/emulated/10/Android/obb/com.game/main.obb", S{Package: "com.game"}},
		{"DCIM/Camera/IMG_20240101_101010.jpg", S{Camera: true, MediaType: "image"}},
		{"dcim/100ANDRO/DSC_0001.JPG", S{Camera: true, MediaType: "image"}},
		{"DCIM/.thumbnails/123.jpg", S{MediaType: "image", HiddenByName: true}},
		{"DCIM/Screenshots/Screenshot_20240101.png", S{Screenshot: true, MediaType: "image"}},
		{"Pictures/Screenshots/Screenshot_2024.png", S{Screenshot: true, MediaType: "image"}},
		{"Download/report.PDF", S{Download: true, MediaType: "document"}},
		{"storage/1A2B-3C4D/DCIM/Camera/IMG.jpg", S{Camera: true, MediaType: "image"}},
		{"Pictures/holiday.jpg", S{MediaType: "image"}},
		{"Internal shared storage/DCIM/Camera/IMG_1.jpg", S{Camera: true, MediaType: "image"}},
		{"", S{}},
		{"/", S{}},
		{"Android/media", S{}},
		{"a/../b/.hidden", S{HiddenByName: true}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			if got := ClassifyStoragePath(tc.path); got != tc.want {
				t.Errorf("\ngot  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func FuzzClassifyStoragePath(f *testing.F) {
	for _, s := range []string{"Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/Sent/IMG.jpg", "sdcard/DCIM/Camera/x.jpg", "", "/./", "Android/data/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		s := ClassifyStoragePath(p)
		if s.Camera && (s.Screenshot || s.Messenger != "") {
			t.Fatalf("inconsistent: %+v", s)
		}
		if s.Status && s.MediaType != "status" {
			t.Fatalf("status without media type: %+v", s)
		}
		_ = fmt.Sprint(s)
	})
}
