package scan

import (
	"bufio"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestKeywordTokens(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"Ward 7 handover.jpg", "ward 7 handover jpg"},
		{"WoundPhotos", "wound photos"},
		{"xray_left_wrist.png", "xray left wrist png"},
		{"X-Ray", "x ray"},
		{"XRay", "x ray"},
		{"xRay", "x ray"},
		{"ICUrious", "ic urious"},
		{"HTMLParser", "html parser"},
		{"ECGs", "ecgs"},
		{"Ward7", "ward 7"},
		{"IMG_0001", "img 0001"},
		{"A&E photos", "a&e photos"},
		{"Tom&Jerry", "tom jerry"},
		{"a&e", "a&e"},
		{"R&D", "r&d"},
		{"Ärzte Bilder", "ärzte bilder"},
		{"", ""},
		{"--..__", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(keywordTokens(tt.in), " "); got != tt.want {
			t.Errorf("keywordTokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKeywordPositives(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"DCIM/Wound photos/IMG_1.jpg", []string{"wound"}},
		{"Pictures/Derm/IMG_2.jpg", []string{"dermatology"}},
		{"Ward 7 handover.jpg", []string{"handover", "ward"}},
		{"xray_left_wrist.png", []string{"x-ray"}},
		{"X-Ray of hand.jpg", []string{"x-ray"}},
		{"X ray.jpg", []string{"x-ray"}},
		{"XRays/1.png", []string{"x-ray"}},
		{"Documents/Patients/notes.pdf", []string{"patient"}},
		{"Pictures/WoundPhotos/a.jpg", []string{"wound"}},
		{"A&E/IMG_1.jpg", []string{"a&e"}},
		{"a and e night.jpg", []string{"a&e"}},
		{"Emergency Department/x.jpg", []string{"a&e"}},
		{"ICU/bed 3.jpg", []string{"icu"}},
		{"ITU.jpg", []string{"icu"}},
		{"ECGs/strip.jpg", []string{"ecg"}},
		{"ekg.png", []string{"ecg"}},
		{"CT head 2023.png", []string{"ct"}},
		{"ct_scan.jpg", []string{"ct"}},
		{"CTPA.png", []string{"ct"}},
		{"MRI knee.jpg", []string{"mri"}},
		{"ultrasound.jpg", []string{"ultrasound"}},
		{"Post-op day 2.jpg", []string{"post-op"}},
		{"preop.jpg", []string{"pre-op"}},
		{"PostOp.jpg", []string{"post-op"}},
		{"leg ulcer.jpg", []string{"ulcer"}},
		{"Rash on arm.jpg", []string{"rash"}},
		{"lesions/1.jpg", []string{"lesion"}},
		{"biopsy site.jpg", []string{"biopsy"}},
		{"Histology slides/a.png", []string{"histology"}},
		{"Pathology/a.png", []string{"pathology"}},
		{"Endoscopy/a.png", []string{"endoscopy"}},
		{"colposcopy.jpg", []string{"colposcopy"}},
		{"Dermoscopy/a.jpg", []string{"dermoscopy"}},
		{"Ophthalmology/fundus 1.jpg", []string{"fundus", "ophthalmology"}},
		{"Retinal photos/fundus.jpg", []string{"fundus", "retina"}},
		{"NHS/badge.jpg", []string{"nhs"}},
		{"Clinic/IMG_1.jpg", []string{"clinic"}},
		{"Clinical photography/IMG_1.jpg", []string{"clinical"}},
		{"hospital visit.jpg", []string{"hospital"}},
		{"Operating Theatre/IMG_1.jpg", []string{"operating-theatre"}},
		{"Theatre list.jpg", []string{"operating-theatre"}},
		{"Surgery/Theatre 3/IMG_1.jpg", []string{"surgery", "theatre"}},
		{"Burns unit/a.jpg", []string{"burns"}},
		{"Wound clinic/burns.jpg", []string{"burn", "clinic", "wound"}},
		{"Surgical site.jpg", []string{"surgical"}},
		{"fracture.jpg", []string{"fracture"}},
		{"Radiographs/hand.png", []string{"radiograph"}},
		{"Clerking/a.jpg", []string{"clerking"}},
		{"Patient consent forms/a.jpg", []string{"consent", "patient"}},
		{"Ward round obs.jpg", []string{"obs", "ward"}},
		{"Derm referral/mole.jpg", []string{"dermatology", "mole", "referral"}},
		{`C:\Users\me\Wounds\a.jpg`, []string{"wound"}},
		{"wound/WOUND/Wounds", []string{"wound"}},
	}
	for _, tt := range tests {
		if got := ClinicalKeywords(tt.path, nil, nil); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ClinicalKeywords(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestKeywordNegatives(t *testing.T) {
	paths := []string{
		"Award ceremony/IMG_1.jpg", "Wardrobe.jpg", "sward.jpg", "Edinburgh/IMG_2.jpg", "Scanned documents/doc.pdf",
		"Theatre Royal night out/IMG_3.jpg", "Theatre tickets.png", "Cathedral.jpg", "ICUrious.png", "Optics/lens.jpg",
		"Download/a.jpg", "Downloads/IMG_1.jpg", "DCIM/Camera/IMG_20190821_105723.jpg", "Pictures/Screenshots/Screenshot_20230101-101010.png",
		"Holiday 2023/beach.jpg", "patio.jpg", "Burns Night 2024/haggis.jpg", "Retina wallpaper.png", "Mole hill.jpg",
		"Referral code.png", "Consent form school trip.jpg", "OBS recordings/clip.mp4", "CT/IMG_1.jpg", "Connecticut CT trip.jpg",
		"Flat handover.jpg", "Opera.jpg", "Ed Sheeran concert.jpg", "pt.jpg", "Scans/receipt.jpg", "Operation Overlord.jpg",
		"Edward.jpg", "Towards.jpg", "Steward.jpg", "Woundup.jpg", "Rashid.jpg", "Clinicaltrials", "Hospitality/menu.jpg",
		"Patientia.jpg", "Sculpture.jpg", "Derby.jpg", "Electricity.jpg", "MRIdangam.jpg", "xrayed", "Xerox.jpg",
		"Android/data/com.nhs.online.nhsonline/cache/a.jpg", "Android/media/uk.nhs.clinic.app/a.jpg",
		"AppDomain-uk.nhs.nhsapp/Library/a.jpg", "WhatsApp/Media/WhatsApp Images/IMG-20230715-WA0001.jpg",
		"Media/DCIM/100APPLE/IMG_0001.HEIC", "Media/PhotoData/Thumbnails/V2/DCIM/100APPLE/IMG_0001.HEIC/5005.JPG",
		"Camera", "Screenshots", "", "/", "////", "a&b", "Art&Entertainment",
	}
	for _, p := range paths {
		if got := ClinicalKeywords(p, nil, nil); got != nil {
			t.Errorf("ClinicalKeywords(%q) = %q, want none", p, got)
		}
	}
}

func TestKeywordExtraIgnore(t *testing.T) {
	tests := []struct {
		path          string
		extra, ignore []string
		want          []string
	}{
		{"Nightingale Ward/a.jpg", []string{"Nightingale Ward"}, nil, []string{"nightingale ward"}}, // longest match wins
		{"nightingale_ward/a.jpg", []string{"Nightingale Ward"}, []string{"ward"}, []string{"nightingale ward"}},
		{"Ward 7/a.jpg", nil, []string{"Wards"}, nil},
		{"xray.png", nil, []string{"X-Ray"}, nil},
		{"CT head.png", nil, []string{"ct"}, nil},
		{"Theatre Royal/a.jpg", []string{"theatre"}, nil, []string{"theatre"}},
		{"TVN photos/a.jpg", []string{"TVN"}, nil, []string{"tvn"}},
		{"Stelsewhere/a.jpg", []string{"St Elsewhere"}, nil, nil},
		{"St-Elsewhere/a.jpg", []string{"St Elsewhere"}, nil, []string{"st elsewhere"}},
		{"wound.jpg", []string{"", "--"}, []string{"nonsense"}, []string{"wound"}},
	}
	for _, tt := range tests {
		if got := ClinicalKeywords(tt.path, tt.extra, tt.ignore); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ClinicalKeywords(%q, %q, %q) = %q, want %q", tt.path, tt.extra, tt.ignore, got, tt.want)
		}
	}
}

// Every canonical name and spelling is itself recognised (so ignore_keywords
// accepts what reports print).
func TestKeywordBuiltinsConsistent(t *testing.T) {
	for _, k := range builtinKeywords {
		if !IsBuiltinKeyword(canonOut(k.canon)) {
			t.Errorf("canonical %q not recognised", k.canon)
		}
		for _, s := range k.spellings {
			if !IsBuiltinKeyword(s) {
				t.Errorf("spelling %q not recognised", s)
			}
			if k.support {
				continue
			}
			got := ClinicalKeywords(s+".jpg", nil, nil)
			if !reflect.DeepEqual(got, []string{canonOut(k.canon)}) {
				t.Errorf("ClinicalKeywords(%q) = %q, want %q", s, got, canonOut(k.canon))
			}
		}
	}
	if IsBuiltinKeyword("holiday") || IsBuiltinKeyword("") {
		t.Error("IsBuiltinKeyword too loose")
	}
}

// TestKeywordDictionary runs every word of a system dictionary (Debian
// wbritish / wamerican) through the matcher, as a folder name and as a file
// name: only clinical words may match. Skips when no dictionary is installed.
func TestKeywordDictionary(t *testing.T) {
	var f *os.File
	for _, name := range []string{"/usr/share/dict/british-english", "/usr/share/dict/american-english", "/usr/share/dict/words"} {
		if g, err := os.Open(name); err == nil {
			f = g
			break
		}
	}
	if f == nil {
		t.Skip("no dictionary (apt-get install wbritish)")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	words, hits := 0, 0
	for sc.Scan() {
		w := sc.Text()
		words++
		for _, in := range []string{w + " photos/IMG_1.jpg", "Holiday/" + w + ".jpg"} {
			if got := ClinicalKeywords(in, nil, nil); got != nil {
				hits++
				base := strings.TrimSuffix(strings.ToLower(w), "'s")
				if !IsBuiltinKeyword(base) && base != "fmri" {
					t.Errorf("dictionary word %q matched %q", w, got)
				}
				break
			}
		}
	}
	t.Logf("%d of %d dictionary words match", hits, words)
}

func TestKeywordLongPath(t *testing.T) {
	long := strings.Repeat("holiday/", 2000) + "wound.jpg"
	if got := ClinicalKeywords(long, nil, nil); got != nil {
		t.Errorf("past the limit: %q", got)
	}
	if got := ClinicalKeywords("wound/"+strings.Repeat("a", 100000), nil, nil); !reflect.DeepEqual(got, []string{"wound"}) {
		t.Errorf("long tail: %q", got)
	}
}

func BenchmarkClinicalKeywords(b *testing.B) {
	for b.Loop() {
		ClinicalKeywords("Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/IMG-20230715-WA0001.jpg", nil, nil)
	}
}

func BenchmarkFindIdentifiers(b *testing.B) {
	for b.Loop() {
		FindIdentifiers("IMG_20190821_105723.jpg")
	}
}

func FuzzClinicalKeywords(f *testing.F) {
	for _, s := range []string{
		"DCIM/Wound photos/IMG_1.jpg", "Ward 7 handover.jpg", "X-Ray/A&E", "ICUrious", "Theatre Royal",
		"Android/data/com.nhs.online/x", "CT head", `C:\Wounds\a.jpg`, "\xff\xfe", "a&e&i",
	} {
		f.Add(s, "Nightingale Ward")
	}
	f.Fuzz(func(t *testing.T, path, extra string) {
		got := ClinicalKeywords(path, []string{extra}, nil)
		for i, w := range got {
			if i > 0 && got[i-1] >= w {
				t.Fatalf("not sorted and unique: %q", got)
			}
			if !IsBuiltinKeyword(w) && w != strings.Join(keywordTokens(extra), " ") {
				t.Fatalf("unexpected keyword %q", w)
			}
		}
		base := ClinicalKeywords(path, nil, nil)
		for _, w := range base {
			if _, ok := builtinCanon(w); !ok {
				t.Fatalf("unexpected built-in %q", w)
			}
		}
	})
}
