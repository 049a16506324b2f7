package scantest

import (
	"fmt"
	"math/rand"

	"github.com/devicescan/devicescan/exif/exiftest"
	"github.com/devicescan/devicescan/ios/artifacts"
	"github.com/devicescan/devicescan/ios/artifacts/artifactstest"
	"github.com/devicescan/devicescan/ios/backuptest"
)

// SamplePassword is the password of the sample's encrypted backup.
const SamplePassword = "devicescan-sample"

// Paths inside the sample backup.
const (
	whatsAppChatMedia = "Message/Media/447700900123@s.whatsapp.net/a/3/4f1c2b7e-9d1a-4c55-b0a3-2f6e8c1d7a90.jpg"
	smsAttachment     = "Library/SMS/Attachments/ab/11/A1B2C3D4-0000-4000-8000-000000000001/IMG_1234.jpeg"
)

func fptr(v float64) *float64 { return &v }

// IPhoneBackup writes an iPhone backup as Finder would, plain or encrypted,
// with camera photos taken at work (JPEG and HEIC), a radiograph saved from
// WhatsApp into iCloud Photos, an iMessage attachment whose EXIF comment
// holds an NHS number, a WhatsApp radiograph in ChatStorage, and TCC grants
// to a free app, a paid app and a policy-approved app. It returns the
// findings a scan with the sample policy must give.
func IPhoneBackup(dir string, encrypted bool) ([]Expect, error) {
	w, err := backuptest.New(dir, backuptest.Options{
		Encrypted: encrypted, Password: SamplePassword,
		DeviceName: "Dr Example's iPhone", ProductType: "iPhone15,2", ProductVersion: "18.1",
		BuildVersion: "22B83", SerialNumber: "F2LXXXXXXXXX", UDID: "00008120-000A1B2C3D4E5F60",
		PasscodeSet: true, Rand: rand.New(rand.NewSource(42)), Date: fixtureTime,
	})
	if err != nil {
		return nil, err
	}
	var werr error
	add := func(domain, rel string, data []byte, xattrs map[string][]byte) {
		if werr == nil {
			werr = w.AddFile(domain, rel, data, fixtureTime, xattrs)
		}
	}
	jpeg := func(o exiftest.Options) []byte {
		b, err := exiftest.JPEG(o)
		if err != nil && werr == nil {
			werr = err
		}
		return b
	}
	iphone := func(taken string, g *[2]float64) exiftest.Options {
		return exiftest.Options{Make: "Apple", Model: "iPhone 14 Pro", Software: "18.1", LensModel: "iPhone 14 Pro back triple camera 6.86mm f/1.78",
			TakenAt: at(taken), Offset: "+01:00", GPS: g, Image: Landscape(320, 240, 20), Thumbnail: true}
	}
	const cr = artifacts.DomainCameraRoll
	add(cr, "Media/DCIM/100APPLE/IMG_0001.JPG", jpeg(iphone("2026-10-14 10:32:11", gps(AtWork))), nil)
	heic, err := exiftest.HEIC(iphone("2026-10-14 11:02:00", gps(AtWork)))
	if err != nil {
		return nil, err
	}
	add(cr, "Media/DCIM/100APPLE/IMG_0002.HEIC", heic, nil)
	add(cr, "Media/DCIM/100APPLE/IMG_0003.JPG", jpeg(exiftest.Options{Image: RealImage("chest-cr-on-monitor")}), map[string][]byte{
		"com.apple.assetsd.creatorBundleID": []byte("net.whatsapp.WhatsApp"),
	})
	add(cr, "Media/DCIM/100APPLE/IMG_0004.JPG", jpeg(iphone("2026-08-01 15:00:00", gps(AwayHome))), nil)

	photos, err := artifactstest.PhotosDB(16, []artifacts.PhotoAsset{
		{Path: "Media/DCIM/100APPLE/IMG_0001.JPG", UUID: "11111111-1111-4111-8111-111111111111", Importer: "com.apple.camera", Lat: fptr(AtWork[0]), Lon: fptr(AtWork[1])},
		{Path: "Media/DCIM/100APPLE/IMG_0002.HEIC", UUID: "22222222-2222-4222-8222-222222222222", Importer: "com.apple.camera"},
		{Path: "Media/DCIM/100APPLE/IMG_0003.JPG", UUID: "33333333-3333-4333-8333-333333333333", Importer: "net.whatsapp.WhatsApp",
			CloudAssetGUID: "C0FFEE00-3333-4333-8333-333333333333", InICloud: boolp(true), CloudLocalState: 1},
		{Path: "Media/DCIM/100APPLE/IMG_0004.JPG", UUID: "44444444-4444-4444-8444-444444444444", Importer: "com.apple.camera"},
	})
	if err != nil {
		return nil, fmt.Errorf("Photos.sqlite: %w", err)
	}
	add(cr, "Media/PhotoData/Photos.sqlite", photos, nil)

	// Messages: an attachment whose EXIF comment holds an NHS number.
	o := iphone("2026-10-20 14:00:00", nil)
	o.UserComment = "Patient NHS no 943 476 5919"
	o.Image = SkinCloseup(320, 240, 22)
	add(artifacts.DomainMedia, smsAttachment, jpeg(o), nil)
	sms, err := artifactstest.SMSDB([]artifacts.Attachment{{
		RawFilename: "~/" + smsAttachment, MIMEType: "image/jpeg", TransferName: "IMG_1234.jpeg",
		Service: "iMessage", FromMe: boolp(false), Handle: "+447700900456", Chat: "+447700900456",
		Date: at("2026-10-20 14:01:00"),
	}})
	if err != nil {
		return nil, fmt.Errorf("sms.db: %w", err)
	}
	add(artifacts.SMSDB.Domain, artifacts.SMSDB.RelativePath, sms, nil)

	// WhatsApp: a radiograph in a chat.
	add(artifacts.DomainWhatsApp, whatsAppChatMedia, jpeg(exiftest.Options{Image: RealImage("head-mr")}), nil)
	chat, err := artifactstest.ChatStorageDB([]artifacts.WhatsAppMedia{{
		RawPath: "Media/447700900123@s.whatsapp.net/a/3/4f1c2b7e-9d1a-4c55-b0a3-2f6e8c1d7a90.jpg", Chat: "Ward 7 team",
		ChatJID: "447700900123@s.whatsapp.net", Sender: "447700900789@s.whatsapp.net", FromMe: boolp(false),
		Date: at("2026-10-21 09:00:00"), MessageType: 1,
	}})
	if err != nil {
		return nil, fmt.Errorf("ChatStorage.sqlite: %w", err)
	}
	add(artifacts.WhatsAppDB.Domain, artifacts.WhatsAppDB.RelativePath, chat, nil)

	// Privacy grants and apps.
	tcc, err := artifactstest.TCCDB(false, []artifacts.Grant{
		{Service: "kTCCServiceCamera", Client: "com.example.freecam", Allowed: true},
		{Service: "kTCCServiceAddressBook", Client: "com.example.freecam", Allowed: true},
		{Service: "kTCCServicePhotos", Client: "com.example.freecam", Allowed: true},
		{Service: "kTCCServiceMicrophone", Client: "com.example.paidrecorder", Allowed: true},
		{Service: "kTCCServiceCamera", Client: "com.example.trustedclinical", Allowed: true},
		{Service: "kTCCServiceMicrophone", Client: "com.example.denied", Allowed: false},
	})
	if err != nil {
		return nil, fmt.Errorf("TCC.db: %w", err)
	}
	add(artifacts.TCCDB.Domain, artifacts.TCCDB.RelativePath, tcc, nil)
	cb, err := artifactstest.CloudBackupPlist(true)
	if err != nil {
		return nil, err
	}
	add(artifacts.CloudBackupPrefs.Domain, artifacts.CloudBackupPrefs.RelativePath, cb, nil)
	for _, a := range []artifacts.AppMetadata{
		{BundleID: "com.example.freecam", Name: "FreeCam Pro", Artist: "Example Ads Ltd", Genre: "Photo & Video", Version: "3.1", Price: fptr(0), PriceDisplay: "Free"},
		{BundleID: "com.example.paidrecorder", Name: "Paid Recorder", Artist: "Example Audio", Genre: "Productivity", Version: "2.0", Price: fptr(4.99), PriceDisplay: "£4.99"},
		{BundleID: "com.example.trustedclinical", Name: "Trusted Clinical", Artist: "Example NHS Trust", Genre: "Medical", Version: "1.0", Price: fptr(0), PriceDisplay: "Free"},
		{BundleID: "com.example.denied", Name: "Denied Voice", Artist: "Example", Genre: "Utilities", Version: "1.0", Price: fptr(0), PriceDisplay: "Free"},
	} {
		md, err := artifactstest.ITunesMetadata(a)
		if err != nil {
			return nil, err
		}
		w.AddApp(a.BundleID, md)
	}
	if werr != nil {
		return nil, werr
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return []Expect{
		{"CameraRollDomain/Media/DCIM/100APPLE/IMG_0001.JPG", "clinical-photo", []string{"workplace-location"}},
		{"CameraRollDomain/Media/DCIM/100APPLE/IMG_0002.HEIC", "clinical-photo", []string{"workplace-location"}},
		{"CameraRollDomain/Media/DCIM/100APPLE/IMG_0003.JPG", "messaging-attachment", []string{"messenger", "cloud-synced", "radiograph"}},
		{"CameraRollDomain/Media/DCIM/100APPLE/IMG_0003.JPG", "clinical-photo", []string{"radiograph"}},
		{"MediaDomain/" + smsAttachment, "clinical-photo", []string{"patient-identifier"}},
		{"MediaDomain/" + smsAttachment, "messaging-attachment", []string{"messenger", "patient-identifier"}},
		{artifacts.DomainWhatsApp + "/" + whatsAppChatMedia, "messaging-attachment", []string{"messenger", "radiograph"}},
		{artifacts.DomainWhatsApp + "/" + whatsAppChatMedia, "clinical-photo", []string{"radiograph"}},
	}, nil
}

func boolp(b bool) *bool { return &b }
