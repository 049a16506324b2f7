package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/devicescan/devicescan/exif"
)

// item is one opened file on its way through the analyzers.
type item struct {
	file    *File
	content Content
	typ     string
	head    []byte
	meta    *exif.Metadata // nil when the file has none or is not a photo
	dicom   *dicomInfo
	// thumb is a small JPEG of the picture, when one was at hand.
	thumb []byte
}

func (e *engine) analyzeFile(ctx context.Context, f *File) fileResult {
	var res fileResult
	c, err := f.Open()
	if err != nil {
		return fileResult{skipped: &Skipped{Path: f.Path, Domain: f.Domain, Error: "cannot open: " + errText(err)}}
	}
	defer c.Close()
	head := make([]byte, sniffLen)
	n, err := c.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return fileResult{skipped: &Skipped{Path: f.Path, Domain: f.Domain, Error: "cannot read: " + errText(err)}}
	}
	head = head[:n]
	it := &item{file: f, content: c, typ: sniff(head), head: head}

	if isImageType(it.typ) {
		res.image = true
		m, err := exif.Read(c, c.Size())
		if err != nil {
			e.log.Debug("metadata", "path", f.Path, "err", err)
			if errors.Is(err, exif.ErrCorrupt) {
				// The rest of the rules still run on what could be read; the
				// damaged metadata is listed so that nobody takes the silence
				// for a clean file.
				res.skipped = &Skipped{Path: f.Path, Domain: f.Domain, Error: "photo metadata damaged or cut short: " + err.Error()}
			}
		}
		it.meta = m // partial metadata (size, format) comes with ErrNoMetadata too
	}
	if it.typ == TypeDICOM {
		d := readDICOM(c, c.Size())
		it.dicom = &d
	}
	if e.opts.Inventory {
		res.inventory = inventoryItem(it)
	}
	if err := ctx.Err(); err != nil {
		return fileResult{skipped: &Skipped{Path: f.Path, Domain: f.Domain, Error: "scan stopped: " + err.Error()}}
	}

	var clinical *Finding
	if isImageType(it.typ) || it.typ == TypeDICOM {
		clinical = e.clinicalFinding(ctx, it)
		if clinical != nil {
			res.findings = append(res.findings, *clinical)
		}
	}
	if f.Messaging != nil && isAttachment(it) {
		res.findings = append(res.findings, messagingFinding(it, clinical))
	}
	if apps, skip := e.appRecords(it); skip != nil {
		res.skipped = skip
	} else if len(apps) > 0 {
		res.apps = apps
	}
	return res
}

// isAttachment: messenger folders also hold databases, backups and
// markers; only the media and documents people exchanged count.
func isAttachment(it *item) bool {
	switch it.typ {
	case TypeEmpty, TypeSQLite:
		return false
	}
	name := strings.ToLower(path.Base(it.file.Path))
	if name == ".nomedia" || strings.Contains(name, ".crypt") || strings.HasSuffix(name, ".db") {
		return false
	}
	return true
}

func inventoryItem(it *item) *InventoryItem {
	inv := &InventoryItem{Path: it.file.Path, Domain: it.file.Domain, Type: it.typ, Size: it.content.Size()}
	if m := it.meta; m != nil {
		inv.TakenAt = m.TakenAtISO()
		inv.Make, inv.Model = m.Make, m.Model
		if m.GPS != nil {
			inv.GPS = &LatLon{Lat: m.GPS.Lat, Lon: m.GPS.Lon}
		}
	}
	return inv
}

// clinicalFinding runs the clinical-photo rules on one picture.
func (e *engine) clinicalFinding(ctx context.Context, it *item) *Finding {
	f := it.file
	var reasons []Reason
	if it.dicom != nil {
		d := "DICOM medical image (magic bytes, whatever its name)"
		var parts []string
		if it.dicom.Modality != "" {
			parts = append(parts, "modality "+it.dicom.Modality)
		}
		if it.dicom.HasPatient {
			parts = append(parts, "patient name or ID present")
		}
		if it.dicom.HasPixels {
			parts = append(parts, "holds image data")
		}
		if len(parts) > 0 {
			d += ": " + strings.Join(parts, ", ")
		}
		reasons = append(reasons, Reason{Code: ReasonDICOM, Detail: d})
	}
	m := it.meta
	if m != nil && m.GPS != nil {
		if name, dist, ok := e.policy.InWorkplace(m.GPS.Lat, m.GPS.Lon); ok {
			reasons = append(reasons, Reason{Code: ReasonWorkplaceLocation,
				Detail: fmt.Sprintf("taken inside %s (%.0f m from its centre)", name, dist)})
		}
	}
	reasons = append(reasons, identifierReasons(it, e.policy)...)
	if r, ok := e.keywordReason(it); ok {
		reasons = append(reasons, r)
	}
	if e.pixels != nil && f.UserMedia && isImageType(it.typ) {
		reasons = append(reasons, e.pixels(ctx, it, e)...)
	}
	if len(reasons) == 0 {
		return nil
	}
	if e.policy.ShiftHours != nil && m != nil && !m.TakenAt.IsZero() && e.policy.InShift(m.TakenAt, m.HasOffset) {
		reasons = append(reasons, Reason{Code: ReasonShiftHours,
			Detail: "taken during working hours (" + m.TakenAtISO() + ")"})
	}
	sev := clinicalSeverity(reasons)
	fd := &Finding{
		Category: CategoryClinicalPhoto,
		Severity: sev,
		Path:     f.Path,
		Domain:   f.Domain,
		Reasons:  reasons,
		Cloud:    f.Cloud,
		Message:  clinicalMessage(it, reasons),
		Remedy:   remedyClinical,
	}
	if e.opts.Thumbnails {
		fd.Thumbnail = e.thumbnail(it)
	}
	return fd
}

const remedyClinical = "Move the image into your organisation's approved clinical record system if it is needed, " +
	"then delete it from this device and from every cloud copy (including Recently Deleted)."

// Reason weights: strong reasons make a finding high on their own; medium
// ones are high together; weak ones only strengthen.
func reasonWeight(code string) int {
	switch code {
	case ReasonDICOM, ReasonPatientIdentifier:
		return 3
	case ReasonWorkplaceLocation, ReasonRadiograph, ReasonClinicalKeyword:
		return 2
	}
	return 1
}

// clinicalSeverity combines reasons: one strong reason or two independent
// medium ones = high; one medium reason = medium; weak signals alone = low.
func clinicalSeverity(rs []Reason) Severity {
	seen := map[string]bool{}
	strong, medium, weak := 0, 0, 0
	for _, r := range rs {
		if seen[r.Code] || r.Code == ReasonShiftHours {
			// Shift hours restate "at work": they never raise a severity.
			continue
		}
		seen[r.Code] = true
		switch reasonWeight(r.Code) {
		case 3:
			strong++
		case 2:
			medium++
		default:
			weak++
		}
	}
	switch {
	case strong > 0 || medium >= 2:
		return SeverityHigh
	case medium == 1 && weak > 0:
		return SeverityHigh
	case medium == 1:
		return SeverityMedium
	case weak >= 2:
		return SeverityMedium
	}
	return SeverityLow
}

func clinicalMessage(it *item, rs []Reason) string {
	what := "Photo"
	if it.typ == TypeDICOM {
		what = "Medical image (DICOM)"
	} else if it.file.Messaging != nil {
		what = it.file.Messaging.App + " attachment"
	}
	var cues []string
	for _, r := range rs {
		switch r.Code {
		case ReasonDICOM:
			if it.typ != TypeDICOM {
				cues = append(cues, "DICOM data")
			}
		case ReasonWorkplaceLocation:
			cues = append(cues, "taken at a workplace")
		case ReasonPatientIdentifier:
			cues = append(cues, "carries a patient identifier")
		case ReasonClinicalKeyword:
			cues = append(cues, "clinical words in its name or folder")
		case ReasonRadiograph:
			cues = append(cues, "looks like an X-ray or scan")
		case ReasonSkinCloseup:
			cues = append(cues, "looks like a skin close-up")
		}
	}
	msg := what + " looks clinical"
	if it.typ == TypeDICOM {
		msg = what + " stored on the device"
	}
	if len(cues) > 0 {
		msg += ": " + strings.Join(cues, ", ")
	}
	if onlyPixels(rs) {
		msg += " (from its pixels alone, a weak signal: please check it)"
	}
	return msg + "."
}

func onlyPixels(rs []Reason) bool {
	for _, r := range rs {
		if r.Code != ReasonRadiograph && r.Code != ReasonSkinCloseup && r.Code != ReasonScreenPhoto {
			return false
		}
	}
	return true
}

// ReasonScreenPhoto marks a photo of a monitor (pixel rule, when available).
const ReasonScreenPhoto = "screen-photo"

// identifierReasons looks for patient identifiers in names and metadata text.
func identifierReasons(it *item, p *Policy) []Reason {
	type field struct{ where, text string }
	f := it.file
	var fields []field
	if f.UserMedia {
		// Names count only where people keep photos: app caches and system
		// files inside a backup are named by programs, not by people.
		dir, base := path.Split(f.Path)
		fields = append(fields, field{"file name", base})
		if dir != "" {
			fields = append(fields, field{"folder name", strings.TrimSuffix(dir, "/")})
		}
	}
	for _, l := range f.Labels {
		fields = append(fields, field{"album name", l})
	}
	if m := it.meta; m != nil {
		fields = append(fields,
			field{"EXIF user comment", m.UserComment},
			field{"EXIF image description", m.ImageDescription},
			field{"EXIF comment", m.XPComment},
			field{"EXIF artist", m.Artist})
	}
	if it.dicom != nil {
		fields = append(fields, field{"DICOM study description", it.dicom.Description},
			field{"DICOM patient ID", it.dicom.PatientID})
	}
	var out []Reason
	seen := map[string]bool{}
	for _, fl := range fields {
		if strings.TrimSpace(fl.text) == "" {
			continue
		}
		for _, id := range p.FindIdentifiers(fl.text) {
			key := id.Kind + id.Masked
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, Reason{Code: ReasonPatientIdentifier,
				Detail: fmt.Sprintf("%s %s in the %s", identifierLabel(id.Kind), id.Masked, fl.where)})
		}
	}
	return out
}

func identifierLabel(kind string) string {
	switch kind {
	case "nhs-number":
		return "NHS number"
	case "chi-number":
		return "CHI number"
	case "mrn":
		return "medical record number"
	case "hospital-number":
		return "hospital number"
	}
	return kind
}

// keywordReason looks for clinical words in the folders, the file name and
// album names.
func (e *engine) keywordReason(it *item) (Reason, bool) {
	var texts []string
	if it.file.UserMedia {
		texts = append(texts, it.file.Path)
	}
	texts = append(texts, it.file.Labels...)
	if it.dicom != nil && it.dicom.Description != "" {
		texts = append(texts, it.dicom.Description)
	}
	var words []string
	seen := map[string]bool{}
	for _, t := range texts {
		for _, w := range e.policy.KeywordsIn(t) {
			if !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
	}
	if len(words) == 0 {
		return Reason{}, false
	}
	return Reason{Code: ReasonClinicalKeyword, Detail: "clinical words in the name, folder or album: " + strings.Join(words, ", ")}, true
}
