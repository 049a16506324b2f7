package scan

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/devicescan/devicescan/ios"
	"github.com/devicescan/devicescan/ios/artifacts"
)

// iosSource adapts an iPhone backup: files by domain and relative path,
// with what the Photos library, Messages and WhatsApp databases tell about
// each, and device and app facts from the plists and TCC.db.
type iosSource struct {
	display, dir string
	password     func(ctx context.Context, backupPath string) ([]byte, error)
	log          func(msg string, args ...any)

	b      *ios.Backup
	usable bool // files can be walked (opened, and unlocked when encrypted)

	photos              map[string]artifacts.PhotoAsset // CameraRollDomain path -> asset
	attachments         map[string]*Messaging           // domain + "\x00" + path -> messenger facts
	cloudBackup         *bool
	cloudPhotos         *bool
	cloudPhotosEvidence string
	albums              map[string][]string // CameraRollDomain path -> album titles
}

func newIOSSource(display, dir string) *iosSource {
	return &iosSource{display: display, dir: dir}
}

func (s *iosSource) Kind() string { return KindIOSBackup }
func (s *iosSource) Path() string { return s.display }

func (s *iosSource) Close() error {
	if s.b != nil {
		return s.b.Close()
	}
	return nil
}

func (s *iosSource) setOptions(opts Options, logf func(string, ...any)) {
	s.password = opts.Password
	s.log = logf
}

// Messenger bundle ids: a photo saved by one of these apps into the Photos
// library came through that messenger.
var iosMessengers = map[string]string{
	"net.whatsapp.WhatsApp":     "WhatsApp",
	"net.whatsapp.WhatsAppSMB":  "WhatsApp Business",
	"ph.telegra.Telegraph":      "Telegram",
	"org.whispersystems.signal": "Signal",
	"com.facebook.Messenger":    "Facebook Messenger",
	"com.viber":                 "Viber",
	"jp.naver.line":             "LINE",
	"com.tencent.xin":           "WeChat",
	"com.apple.MobileSMS":       "iMessage",
	"com.skype.skype":           "Skype",
	"com.microsoft.skype.teams": "Microsoft Teams",
	"com.toyopagroup.picaboo":   "Snapchat",
}

func (s *iosSource) Facts(ctx context.Context) SourceFacts {
	var facts SourceFacts
	b, err := ios.Open(s.dir)
	if err != nil {
		switch {
		case errors.Is(err, ios.ErrLegacyBackup):
			facts.Problems = append(facts.Problems, "iOS 9 or older backup (Manifest.mbdb): not supported; make a new backup with a current Finder/iTunes")
		default:
			facts.Problems = append(facts.Problems, "cannot read the backup: "+errText(err))
		}
		return facts
	}
	s.b = b
	facts.Device = s.device()
	if b.Status != nil && b.Status.SnapshotState != "" && !b.Status.Finished() {
		facts.Problems = append(facts.Problems, fmt.Sprintf("the backup did not finish (Status.plist SnapshotState %q)", b.Status.SnapshotState))
	}
	if b.Encrypted() {
		var pw []byte
		if s.password != nil {
			pw, err = s.password(ctx, s.display)
			if err != nil {
				facts.Problems = append(facts.Problems, "encrypted backup: could not get the password: "+err.Error())
			}
		}
		switch {
		case len(pw) == 0 && err == nil:
			facts.Problems = append(facts.Problems, "encrypted backup and no password given (--password-file, DEVICESCAN_PASSWORD or the prompt): only the device facts were read")
		case len(pw) > 0:
			uerr := b.Unlock(pw)
			for i := range pw {
				pw[i] = 0
			}
			switch {
			case uerr == nil:
				s.usable = true
			case errors.Is(uerr, ios.ErrWrongPassword):
				facts.Problems = append(facts.Problems, "wrong password: the encrypted backup could not be unlocked")
			default:
				facts.Problems = append(facts.Problems, "cannot unlock the backup: "+errText(uerr))
			}
		}
	} else {
		s.usable = true
	}
	grants := map[string]map[string]bool{}
	if s.usable {
		s.readArtifacts(ctx, &facts, grants)
		if s.cloudBackup != nil {
			facts.Device.CloudBackupEnabled = s.cloudBackup
		}
		facts.Device.CloudPhotosEnabled = s.cloudPhotos
	}
	facts.Apps = s.apps(grants)
	return facts
}

func (s *iosSource) device() *DeviceInfo {
	b := s.b
	d := &DeviceInfo{
		Name: b.Info.DeviceName, Model: b.Info.ProductType, OSVersion: b.Info.ProductVersion,
		Serial: b.Info.SerialNumber, UDID: b.Info.UDID,
		PasscodeSet:     b.Manifest.WasPasscodeSet,
		BackupEncrypted: boolPtr(b.Encrypted()),
	}
	lk := b.Manifest.Lockdown
	fill := func(dst *string, key string) {
		if *dst == "" {
			*dst = lk[key]
		}
	}
	fill(&d.Name, "DeviceName")
	fill(&d.Model, "ProductType")
	fill(&d.OSVersion, "ProductVersion")
	fill(&d.Serial, "SerialNumber")
	fill(&d.UDID, "UniqueDeviceID")
	return d
}

func key(domain, rel string) string { return domain + "\x00" + rel }

// readArtifacts reads the databases that describe files and apps. A missing
// database is normal (an app not installed); an unreadable one is skipped
// with the reason.
func (s *iosSource) readArtifacts(ctx context.Context, facts *SourceFacts, grants map[string]map[string]bool) {
	s.photos = map[string]artifacts.PhotoAsset{}
	s.attachments = map[string]*Messaging{}
	skipArtifact := func(loc artifacts.Location, err error) {
		if errors.Is(err, ios.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return
		}
		facts.Skipped = append(facts.Skipped, Skipped{Path: loc.RelativePath, Domain: loc.Domain, Error: errText(err)})
	}
	withDB := func(loc artifacts.Location, fn func(db *sql.DB) error) {
		db, err := s.b.OpenSQLite(ctx, loc.Domain, loc.RelativePath)
		if err != nil {
			skipArtifact(loc, err)
			return
		}
		defer db.Close()
		if err := fn(db); err != nil {
			skipArtifact(loc, err)
		}
	}
	if data, err := s.b.ReadFile(ctx, artifacts.CloudBackupPrefs.Domain, artifacts.CloudBackupPrefs.RelativePath, 4<<20); err == nil {
		if en, _, err := artifacts.ParseCloudBackup(data); err == nil {
			s.cloudBackup = en
		} else {
			skipArtifact(artifacts.CloudBackupPrefs, err)
		}
	} else {
		skipArtifact(artifacts.CloudBackupPrefs, err)
	}
	s.albums = map[string][]string{}
	withDB(artifacts.PhotosDB, func(db *sql.DB) error {
		err := artifacts.ReadPhotos(ctx, db, func(a artifacts.PhotoAsset) error {
			if a.Path != "" {
				s.photos[a.Path] = a
			}
			return nil
		})
		if err != nil {
			return err
		}
		if en, ev, err := artifacts.CloudPhotosEnabled(ctx, db); err == nil {
			s.cloudPhotos, s.cloudPhotosEvidence = en, ev
		}
		return artifacts.ReadAlbums(ctx, db, func(p, title string) error {
			if len(s.albums[p]) < 16 {
				s.albums[p] = append(s.albums[p], title)
			}
			return nil
		})
	})
	withDB(artifacts.SMSDB, func(db *sql.DB) error {
		return artifacts.ReadSMSAttachments(ctx, db, func(a artifacts.Attachment) error {
			if a.Path == "" || a.Domain == "" {
				return nil
			}
			app := a.Service
			if app == "" {
				app = "Messages"
			}
			m := &Messaging{App: app, Direction: direction(a.FromMe), Chat: firstNonEmpty(a.ChatName, a.Chat, a.Handle)}
			s.attachments[key(a.Domain, a.Path)] = m
			return nil
		})
	})
	withDB(artifacts.WhatsAppDB, func(db *sql.DB) error {
		return artifacts.ReadWhatsAppMedia(ctx, db, func(w artifacts.WhatsAppMedia) error {
			if w.Path == "" {
				return nil
			}
			dom := w.Domain
			if dom == "" {
				dom = artifacts.DomainWhatsApp
			}
			s.attachments[key(dom, w.Path)] = &Messaging{App: "WhatsApp", Direction: direction(w.FromMe), Chat: w.Chat}
			return nil
		})
	})
	addGrant := func(g artifacts.Grant) {
		if g.Permission == "" || g.Client == "" {
			return
		}
		if grants[g.Client] == nil {
			grants[g.Client] = map[string]bool{}
		}
		grants[g.Client][g.Permission] = grants[g.Client][g.Permission] || g.Allowed
	}
	withDB(artifacts.TCCDB, func(db *sql.DB) error {
		return artifacts.ReadTCC(ctx, db, func(g artifacts.Grant) error { addGrant(g); return nil })
	})
	if data, err := s.b.ReadFile(ctx, artifacts.LocationClients.Domain, artifacts.LocationClients.RelativePath, 32<<20); err == nil {
		if gs, err := artifacts.ParseLocationClients(data); err == nil {
			for _, g := range gs {
				addGrant(g)
			}
		} else {
			skipArtifact(artifacts.LocationClients, err)
		}
	} else {
		skipArtifact(artifacts.LocationClients, err)
	}
}

func direction(fromMe *bool) string {
	if fromMe == nil {
		return ""
	}
	if *fromMe {
		return "sent"
	}
	return "received"
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// apps builds app records from Info.plist and the privacy databases.
func (s *iosSource) apps(grants map[string]map[string]bool) []AppRecord {
	byID := map[string]*AppRecord{}
	get := func(id string) *AppRecord {
		if r, ok := byID[id]; ok {
			return r
		}
		r := &AppRecord{ID: id, System: isSystemID(id)}
		byID[id] = r
		return r
	}
	for id, entry := range s.b.Info.Applications {
		r := get(id)
		if len(entry.ITunesMetadata) == 0 {
			continue
		}
		md, err := artifacts.ParseITunesMetadata(entry.ITunesMetadata)
		if err != nil {
			continue
		}
		r.Name, r.Version = md.Name, md.Version
		if md.Free != nil {
			r.Free = boolPtr(*md.Free)
			if *md.Free {
				r.FreeEvidence = append(r.FreeEvidence, "free in the App Store (iTunesMetadata)")
			} else {
				r.Evidence = append(r.Evidence, "paid app (iTunesMetadata price "+md.PriceDisplay+")")
			}
		}
		if md.HasInAppPurchases != nil && *md.HasInAppPurchases {
			r.Evidence = append(r.Evidence, "sells in-app purchases")
		}
	}
	for id := range s.b.Manifest.Applications {
		get(id)
	}
	for client, perms := range grants {
		r := get(client)
		for p, allowed := range perms {
			r.Requested = append(r.Requested, p)
			if r.Granted == nil {
				r.Granted = map[string]bool{}
			}
			r.Granted[p] = allowed
		}
	}
	if len(grants) > 0 {
		for _, r := range byID {
			if r.Granted != nil {
				r.Evidence = append(r.Evidence, "permissions read from TCC.db / locationd")
			}
		}
	}
	out := make([]AppRecord, 0, len(byID))
	for _, r := range byID {
		out = append(out, *r)
	}
	return out
}

// Count counts the backup's files from Manifest.db.
func (s *iosSource) Count(ctx context.Context) (int64, error) {
	if s.b == nil || !s.usable {
		return 0, errors.New("backup not readable")
	}
	return s.b.Count(ctx)
}

func (s *iosSource) Walk(ctx context.Context, fn func(*File) error, skip func(Skipped)) error {
	if s.b == nil || !s.usable {
		return nil
	}
	return s.b.Walk(ctx, func(bf *ios.File) error {
		if bf.Err != nil {
			skip(Skipped{Path: bf.RelativePath, Domain: bf.Domain, Error: "manifest record: " + bf.Err.Error()})
			return nil
		}
		if !bf.IsRegular() {
			return nil
		}
		f := &File{Path: bf.RelativePath, Domain: bf.Domain, Size: bf.Size, ModTime: bf.Modified}
		f.UserMedia = iosUserMedia(bf.Domain, bf.RelativePath)
		s.describe(f, bf)
		b := s.b
		if f.UserMedia && bf.Domain == artifacts.DomainCameraRoll && strings.HasPrefix(bf.RelativePath, "Media/DCIM/") &&
			!strings.HasSuffix(strings.ToUpper(bf.RelativePath), ".JPG") {
			// iOS keeps JPEG renderings of HEIC photos: pixels without an HEVC decoder.
			thumbPath := "Media/PhotoData/Thumbnails/V2/" + strings.TrimPrefix(bf.RelativePath, "Media/") + "/5005.JPG"
			f.preview = func() (Content, error) {
				tf, err := b.Lookup(ctx, artifacts.DomainCameraRoll, thumbPath)
				if err != nil {
					return nil, err
				}
				return b.Open(tf)
			}
		}
		f.open = func() (Content, error) {
			c, err := b.Open(bf)
			if err != nil {
				return nil, err
			}
			return c, nil
		}
		return fn(f)
	})
}

// iosUserMedia: the camera roll and message attachments, not caches,
// system thumbnails or app resources.
func iosUserMedia(domain, rel string) bool {
	switch {
	case domain == artifacts.DomainCameraRoll:
		return strings.HasPrefix(rel, "Media/DCIM/") || strings.HasPrefix(rel, "Media/PhotoData/CPLAssets/") ||
			strings.HasPrefix(rel, "Media/PhotoData/Mutations/")
	case domain == artifacts.DomainMedia:
		return strings.HasPrefix(rel, "Library/SMS/Attachments/")
	case strings.HasPrefix(domain, "AppDomainGroup-") || strings.HasPrefix(domain, "AppDomain-"):
		return strings.Contains(rel, "Message/Media/") || strings.Contains(rel, "/Media/")
	}
	return false
}

// describe attaches what the Photos library, Messages and WhatsApp tell
// about a file: which app saved it and whether it is in iCloud.
func (s *iosSource) describe(f *File, bf *ios.File) {
	if m, ok := s.attachments[key(bf.Domain, bf.RelativePath)]; ok {
		mm := *m
		f.Messaging = &mm
		f.Cloud = s.backupCloud()
		return
	}
	if bf.Domain != artifacts.DomainCameraRoll || !strings.HasPrefix(bf.RelativePath, "Media/DCIM/") {
		return
	}
	f.Labels = s.albums[bf.RelativePath]
	importer := ""
	var inCloud *bool
	evidence := ""
	if a, ok := s.photos[bf.RelativePath]; ok {
		importer = a.Importer
		inCloud = a.InICloud
		if a.CloudAssetGUID != "" {
			evidence = "Photos library lists a cloud asset id for it"
		} else if inCloud != nil && *inCloud {
			evidence = "Photos library marks it as synced"
		}
	}
	// Extended attributes of the file record tell the same without Photos.sqlite.
	if importer == "" {
		importer = strings.TrimRight(string(bf.XAttrs["com.apple.assetsd.creatorBundleID"]), "\x00")
	}
	if inCloud == nil {
		if u := bf.XAttrs["com.apple.assetsd.cloudAsset.UUID"]; len(u) > 0 {
			inCloud = boolPtr(true)
			evidence = "file record carries an iCloud Photos asset id (com.apple.assetsd.cloudAsset.UUID)"
		}
	}
	if inCloud == nil && s.cloudPhotos != nil && *s.cloudPhotos {
		inCloud = boolPtr(true)
		evidence = "iCloud Photos is on for this library (" + s.cloudPhotosEvidence + ")"
	}
	switch {
	case inCloud != nil && *inCloud:
		f.Cloud = &Cloud{Synced: boolPtr(true), Service: "icloud-photos", Evidence: evidence}
	default:
		f.Cloud = s.backupCloud()
	}
	if app, ok := iosMessengers[importer]; ok {
		f.Messaging = &Messaging{App: app, GalleryVisible: boolPtr(true)}
	}
}

// backupCloud is the cloud state of a file that is not in iCloud Photos:
// in iCloud only through iCloud Backup.
func (s *iosSource) backupCloud() *Cloud {
	if s.cloudBackup == nil {
		return nil
	}
	if *s.cloudBackup {
		return &Cloud{Synced: boolPtr(true), Service: "icloud-backup", Evidence: "iCloud Backup is on for this device"}
	}
	return &Cloud{Synced: boolPtr(false), Service: "icloud-backup", Evidence: "iCloud Backup is off and the file is not in iCloud Photos"}
}
