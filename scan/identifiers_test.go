package scan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// nhsCheck appends the modulus 11 check digit to 9 digits; ok is false when
// the check digit would be 10 (no valid number with those digits).
func nhsCheck(nine string) (string, bool) {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(nine[i]-'0') * (10 - i)
	}
	c := 11 - sum%11
	if c == 11 {
		c = 0
	}
	if c == 10 {
		return "", false
	}
	return nine + string(rune('0'+c)), true
}

func TestNHSCheckDigit(t *testing.T) {
	tests := []struct {
		nine, want string
		ok         bool
	}{
		{"943476591", "9434765919", true},
		{"999876543", "9998765439", true},
		{"987654432", "9876544322", true}, // so 987 654 4321 fails
		{"999000000", "", false},
	}
	for _, tt := range tests {
		got, ok := nhsCheck(tt.nine)
		if got != tt.want || ok != tt.ok {
			t.Errorf("nhsCheck(%s) = %s, %v", tt.nine, got, ok)
		}
	}
	// The helper agrees with mod11 on every valid number in the test range.
	n := 0
	for i := 0; i < 200000; i++ {
		nine := "999" + string(rune('0'+i/100000%10)) + string(rune('0'+i/10000%10)) + string(rune('0'+i/1000%10)) +
			string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
		full, ok := nhsCheck(nine)
		if !ok {
			continue
		}
		var d [10]byte
		for k := range d {
			d[k] = full[k] - '0'
		}
		if !mod11(d) {
			t.Fatalf("mod11(%s) false", full)
		}
		d[9] = (d[9] + 1) % 10
		if mod11(d) {
			t.Fatalf("mod11 accepts wrong check digit for %s", full)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no numbers checked")
	}
}

func TestIdentifierFindPositives(t *testing.T) {
	tests := []struct {
		name, text   string
		kind, masked string
		ctx          string // substring of Context
		offset       int
	}{
		{"exif comment", "NHS 943 476 5919 L forearm", IdentifierNHS, "943 *** **19", `formatted 3-3-4, keyword "NHS" nearby`, 4},
		{"pt bare", "pt 9434765919", IdentifierNHS, "943 *** **19", `keyword "pt" nearby`, 3},
		{"pt glued", "Pt:9434765919", IdentifierNHS, "943 *** **19", `keyword "pt"`, 3},
		{"formatted file name", "943 476 5919 wound.jpg", IdentifierNHS, "943 *** **19", "formatted 3-3-4", 0},
		{"dashes", "999-876-5439 L hand.png", IdentifierNHS, "999 *** **39", "formatted 3-3-4", 0},
		{"bare file name", "9434765919.jpg", IdentifierNHS, "943 *** **19", "the whole name or field is the number", 0},
		{"bare file name upper ext", "9998765439.JPEG", IdentifierNHS, "999 *** **39", "name or field is the number", 0},
		{"copy suffix", "9998765439 (1).jpg", IdentifierNHS, "999 *** **39", "name or field is the number", 0},
		{"underscore suffix", "9998765439_2.heic", IdentifierNHS, "999 *** **39", "name or field is the number", 0},
		{"folder", "Pictures/9998765439/IMG_0001.JPG", IdentifierNHS, "999 *** **39", "name or field is the number", 9},
		{"windows folder", `C:\Users\x\9998765439\a.jpg`, IdentifierNHS, "999 *** **39", "name or field is the number", 11},
		{"folder with space", "DCIM/ 9434765919 /IMG_1.jpg", IdentifierNHS, "943 *** **19", "name or field is the number", 6},
		{"dob keyword", "DOB 01/02/1960, 4505577104", IdentifierNHS, "450 *** **04", `keyword "DOB"`, 16},
		{"d.o.b keyword", "D.O.B. 1960 4505577104", IdentifierNHS, "450 *** **04", `keyword "DOB"`, 12},
		{"H&C keyword", "H&C 4505577104", IdentifierNHS, "450 *** **04", `keyword "H&C"`, 4},
		{"hospital keyword", "Hospital 6401576162", IdentifierNHS, "640 *** **62", `keyword "hospital"`, 9},
		{"keyword after", "6401576162 patient consent", IdentifierNHS, "640 *** **62", `keyword "patient"`, 0},
		{"keyword 290 away", "NHS" + strings.Repeat(" ", 290) + "6401576162", IdentifierNHS, "640 *** **62", `keyword "NHS"`, 293},
		{"chi", "CHI 0101801238", IdentifierCHI, "****** **38", `keyword "CHI"`, 4},
		{"chi 6-4", "chi no: 150575 1233", IdentifierCHI, "****** **33", `keyword "CHI"`, 8},
		{"mrn", "MRN: A1234567", IdentifierMRN, "******67", `after keyword "MRN"`, 5},
		{"mrn hash", "mrn#12345", IdentifierMRN, "****5", `after keyword "mrn"`, 4},
		{"medical record number", "Medical record number 00123456", IdentifierMRN, "******56", `"Medical record number"`, 22},
		{"medical record no", "medical record no. 00123456X", IdentifierMRN, "*******6X", "medical record no", 19},
		{"hospital no", "Hospital No. K7654321", IdentifierHospital, "******21", `"Hospital No"`, 13},
		{"hosp no in file name", "hosp_no_K123456.jpg", IdentifierHospital, "*****56", `"hosp no"`, 8},
		{"hospital number word", "hospital number: 12345678 left leg", IdentifierHospital, "******78", "hospital number", 17},
		{"mrn then no", "MRN no 765432", IdentifierMRN, "****32", "MRN", 7},
		{"year before grouped", "DOB 1960 943 476 5919", IdentifierNHS, "943 *** **19", "formatted 3-3-4", 9},
		{"date after grouped", "NHS 943 476 5919 12/03/2023", IdentifierNHS, "943 *** **19", "formatted 3-3-4", 4},
		{"time after grouped", "943-476-5919 10:30 wound", IdentifierNHS, "943 *** **19", "formatted 3-3-4", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := FindIdentifiers(tt.text)
			if len(ids) != 1 {
				t.Fatalf("FindIdentifiers(%q) = %+v, want one", tt.text, ids)
			}
			id := ids[0]
			if id.Kind != tt.kind || id.Masked != tt.masked || !strings.Contains(id.Context, tt.ctx) || id.Offset != tt.offset {
				t.Errorf("got %+v, want kind %s masked %q ctx ~%q offset %d", id, tt.kind, tt.masked, tt.ctx, tt.offset)
			}
		})
	}
}

func TestIdentifierFindMany(t *testing.T) {
	text := "NHS 943 476 5919 / NHS 999 876 5439\nMRN A1234567; CHI 0101801238"
	ids := FindIdentifiers(text)
	var kinds []string
	for i, id := range ids {
		kinds = append(kinds, id.Kind)
		if i > 0 && ids[i-1].Offset > id.Offset {
			t.Error("not sorted")
		}
	}
	want := "nhs-number nhs-number mrn chi-number"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("kinds = %s, want %s (%+v)", got, want, ids)
	}
}

// TestIdentifierFindNegatives: names a phone, camera or messenger really
// writes, and look-alikes that must not count.
func TestIdentifierFindNegatives(t *testing.T) {
	names := []string{
		"IMG_20190821_105723.jpg", "IMG_20190821_105723_1.jpg", "PXL_20230101_123456789.jpg",
		"PXL_20230101_123456789.PORTRAIT.jpg", "IMG-20230715-WA0001.jpg", "VID-20230715-WA0003.mp4",
		"Screenshot_20230101-101010.png", "Screenshot_20230101-101010_Chrome.jpg", "VID_20230101_101010.mp4",
		"MVIMG_20190821_105723.jpg", "PANO_20230101_101010.jpg", "BURST20190821105723.jpg",
		"IMG_20230101_101010_HDR.jpg", "20230715_102030.jpg", "2023-07-15 10.20.30.jpg",
		"Screen Shot 2023-01-01 at 10.10.10.png", "WhatsApp Image 2023-07-15 at 10.20.30.jpeg",
		"signal-2023-07-15-102030.jpg", "photo_2023-07-15_10-20-30.jpg", "DSC_0001.JPG", "DSCN1234.JPG",
		"DCIM/100APPLE/IMG_0001.HEIC", "Media/DCIM/100APPLE/IMG_4567.MOV", "IMG_E4567.JPG",
		"1690123451.jpg", "1690123451123.jpg", "FB_IMG_1690123451123.jpg", "received_943476591912345.jpeg",
		"Snapchat-9434765919.jpg", "IMG_9434765919.jpg", "9434765919_wound_tmp.jpg",
		"0000000000.jpg", "1111111111.jpg", "9999999999.jpg", "00000000000000000000.jpg",
		"943 476 5918 wound.jpg", "9434765918.jpg", "987 654 4321.jpg", "94347659190.jpg", "19434765919.jpg",
		"0101801238.jpg", "Pictures/1690123451/IMG_1.jpg", "Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/IMG-20230715-WA0001.jpg",
		"patient IMG_20190821_105723.jpg", "Telegram/4505577104_20230101.jpg",
	}
	texts := []string{
		"Order 9434765919 shipped",
		"tel 943 476 5919", "Phone: 943-476-5919", "+1 943-476-5919", "+943 476 5919", "call 943 476 5919 pt",
		"0 943 476 5919", "943 476 5919 12", "943 476-5919", "943  476 5919", "1 943-476-5919", "+44 943 476 5919",
		"943 476 5919 2023", "943-476-5919-12",
		"pt 3.9434765919", "pt 9434765919.5", "pt 1,9434765919", "pt 94347659190", "pt 19434765919",
		"NHS 9876544321", "NHS 987 654 4321", "NHS 0000000000", "NHS 4444444444",
		"patient photo 1690123451", "pt 2345678901",
		"NHS" + strings.Repeat(" ", 310) + "6401576162",
		"Receipt 6401576162", "Script 6401576162", "patients6401576162x", // keyword fine but number glued to a letter after? see below
		"CHI 2902861230", "CHI 3213801234", "0101801238", "NHS 0101801238",
		"MRN: pending", "MRN 1234", "MRN ABCDEFG", "hospital number unknown", "hospital no photos allowed",
		"MRN 1234567890123", "premrn 123456", "Mobile 07700 900123", "GPS 51.5175123456, -0.1735123456",
		"ISBN 978-0-306-40615-7", "IBAN GB82 WEST 1234 5698 7654 32",
	}
	for _, in := range append(names, texts...) {
		if ids := FindIdentifiers(in); len(ids) != 0 && in != "patients6401576162x" {
			t.Errorf("FindIdentifiers(%q) = %+v, want none", in, ids)
		}
	}
	// Digits glued to letters still have digit boundaries: a keyword counts.
	if ids := FindIdentifiers("patients6401576162x"); len(ids) != 1 {
		t.Errorf("glued: %+v", ids)
	}
}

// TestIdentifierGeneratedCameraNames: thousands of names in the formats
// phones and messengers write, with random dates, times and counters, alone
// and below a folder named "Patients" (a keyword): none is an identifier.
func TestIdentifierGeneratedCameraNames(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	date := func() string {
		return fmt.Sprintf("%04d%02d%02d", 2010+r.IntN(20), 1+r.IntN(12), 1+r.IntN(28))
	}
	clock := func() string { return fmt.Sprintf("%02d%02d%02d", r.IntN(24), r.IntN(60), r.IntN(60)) }
	formats := []func() string{
		func() string { return "IMG_" + date() + "_" + clock() + ".jpg" },
		func() string { return "IMG_" + date() + "_" + clock() + fmt.Sprintf("_%d.jpg", r.IntN(10)) },
		func() string { return "PXL_" + date() + "_" + clock() + fmt.Sprintf("%03d.jpg", r.IntN(1000)) },
		func() string { return "PXL_" + date() + "_" + clock() + fmt.Sprintf("%03d.MP.jpg", r.IntN(1000)) },
		func() string { return "IMG-" + date() + fmt.Sprintf("-WA%04d.jpg", r.IntN(10000)) },
		func() string { return "VID-" + date() + fmt.Sprintf("-WA%04d.mp4", r.IntN(10000)) },
		func() string { return "Screenshot_" + date() + "-" + clock() + ".png" },
		func() string { return "Screenshot_" + date() + "-" + clock() + "_Chrome.jpg" },
		func() string { return "Screen_Recording_" + date() + "-" + clock() + ".mp4" },
		func() string { return "VID_" + date() + "_" + clock() + ".mp4" },
		func() string { return date() + "_" + clock() + ".jpg" },
		func() string { return date() + "_" + clock() + fmt.Sprintf("(%d).jpg", r.IntN(5)) },
		func() string { return "IMG_" + date() + "_" + clock() + "_BURST001_COVER.jpg" },
		func() string { return fmt.Sprintf("IMG_%04d.JPG", r.IntN(10000)) },
		func() string { return fmt.Sprintf("IMG_%04d 2.HEIC", r.IntN(10000)) },
		func() string { return fmt.Sprintf("DSC_%04d.JPG", r.IntN(10000)) },
		func() string { return fmt.Sprintf("%d.jpg", 1_000_000_000+r.IntN(1_000_000_000)) },                  // unix seconds
		func() string { return fmt.Sprintf("%d.jpg", 1_000_000_000_000+r.Int64N(1_000_000_000_000)) },        // unix ms
		func() string { return fmt.Sprintf("FB_IMG_%d.jpg", 1_000_000_000_000+r.Int64N(1_000_000_000_000)) }, // Facebook
		func() string {
			return fmt.Sprintf("received_%d.jpeg", 100_000_000_000_000+r.Int64N(900_000_000_000_000))
		},
		func() string {
			return fmt.Sprintf("photo_%d_y.jpg", 5_000_000_000_000_000_000+r.Uint64N(1_000_000_000_000_000_000))
		},
		func() string {
			return fmt.Sprintf("signal-%04d-%02d-%02d-%02d-%02d-%02d-%03d.jpg", 2015+r.IntN(10), 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000))
		},
		func() string {
			return fmt.Sprintf("WhatsApp Image %04d-%02d-%02d at %02d.%02d.%02d.jpeg", 2015+r.IntN(10), 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60))
		},
	}
	for i := 0; i < 20000; i++ {
		name := formats[i%len(formats)]()
		for _, text := range []string{name, "Patients/" + name, "DCIM/Camera/" + name} {
			if ids := FindIdentifiers(text); len(ids) != 0 {
				t.Errorf("FindIdentifiers(%q) = %+v", text, ids)
			}
		}
	}
}

// TestIdentifierGeneratedPositives: random valid numbers (the 999 test
// range and the 4xx/6xx ranges) in the ways people write them are all found.
func TestIdentifierGeneratedPositives(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	templates := []string{
		"NHS %s", "%s.jpg", "%s (2).jpg", "Patients/%s/IMG_0001.JPG", "pt %s", "Patient: J Smith, DOB 01/02/1960, NHS no: %s",
		"%[2]s wound.jpg", "NHS No %[3]s", "hosp %s", "%[2]s",
	}
	found := 0
	for i := 0; i < 3000; i++ {
		nine := fmt.Sprintf("%03d%06d", []int{999, 400 + r.IntN(100), 600 + r.IntN(200)}[i%3], r.IntN(1_000_000))
		full, ok := nhsCheck(nine)
		if !ok || strings.Count(full, full[:1]) == 10 {
			continue
		}
		spaced := full[:3] + " " + full[3:6] + " " + full[6:]
		dashed := full[:3] + "-" + full[3:6] + "-" + full[6:]
		tpl := templates[i%len(templates)]
		text := fmt.Sprintf(tpl, full, spaced, dashed)
		text = text[:strings.Index(text+"%!", "%!")] // drop fmt's EXTRA notes
		ids := FindIdentifiers(text)
		if len(ids) != 1 || ids[0].Kind != IdentifierNHS || ids[0].Masked != full[:3]+" *** **"+full[8:] {
			t.Errorf("FindIdentifiers(%q) = %+v", text, ids)
		}
		found++
	}
	if found < 2500 {
		t.Errorf("only %d numbers generated", found)
	}
}

func TestIdentifierMaskNeverFull(t *testing.T) {
	for _, v := range []string{"A", "AB", "ABCDE", "ABCDEF", "A1234567", "123456789012"} {
		m := maskID(v)
		if len(m) != len(v) || !strings.Contains(m, "*") {
			t.Errorf("maskID(%q) = %q", v, m)
		}
	}
}

func TestIdentifierLongText(t *testing.T) {
	// Beyond the 256 KiB read limit nothing is found; before it, yes.
	pad := strings.Repeat("x ", maxIdentifierText/2)
	if ids := FindIdentifiers(pad + "NHS 943 476 5919"); len(ids) != 0 {
		t.Errorf("found past the limit: %+v", ids)
	}
	many := strings.Repeat("NHS 943 476 5919\n", 500)
	if ids := FindIdentifiers(many); len(ids) != maxIdentifiers {
		t.Errorf("len = %d, want cap %d", len(ids), maxIdentifiers)
	}
}

func TestIdentifierPolicyPatterns(t *testing.T) {
	p, err := ParsePolicy([]byte("mrn_patterns:\n  - name: Trust RXX\n    pattern: 'RXX[0-9]{7}'\n  - name: loose\n    pattern: '[A-Z]{3}[0-9]{2}'\n"))
	if err != nil {
		t.Fatal(err)
	}
	ids := p.FindIdentifiers("Wound RXX1234567 and NHS 943 476 5919, ABC12, XRXX1234567")
	if len(ids) != 2 || ids[0].Kind != IdentifierMRN || ids[0].Context != `local pattern "Trust RXX"` || ids[0].Offset != 6 ||
		ids[0].Masked != "********67" || ids[1].Kind != IdentifierNHS {
		t.Errorf("got %+v", ids)
	}
	// An MRN pattern never reports a built-in NHS number twice.
	p2 := &Policy{MRNPatterns: []MRNPattern{{Name: "digits", Pattern: `[0-9]{10}`}}}
	if ids := p2.FindIdentifiers("pt 9434765919"); len(ids) != 1 || ids[0].Kind != IdentifierNHS {
		t.Errorf("overlap: %+v", ids)
	}
}

func FuzzFindIdentifiers(f *testing.F) {
	for _, s := range []string{
		"NHS 943 476 5919 L forearm", "pt 9434765919", "943 476 5919 wound.jpg", "9434765919.jpg",
		"IMG_20190821_105723.jpg", "CHI 0101801238", "MRN: A1234567", "hosp_no_K123456.jpg",
		"Pictures/9998765439/IMG_0001.JPG", "D.O.B. H&C 4505577104", "tel 943-476-5919", "9998765439 (1).jpg",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ids := FindIdentifiers(text)
		if len(ids) > maxIdentifiers {
			t.Fatalf("%d identifiers", len(ids))
		}
		for i, id := range ids {
			if id.Offset < 0 || id.Offset >= len(text) || !isAlnum(text[id.Offset]) {
				t.Fatalf("bad offset %d in %q", id.Offset, text)
			}
			if i > 0 && ids[i-1].Offset > id.Offset {
				t.Fatal("not sorted")
			}
			if !strings.Contains(id.Masked, "*") || id.Context == "" {
				t.Fatalf("bad identifier %+v", id)
			}
			switch id.Kind {
			case IdentifierNHS, IdentifierCHI:
				var d [10]byte
				n, _, _ := readDigitGroups(text, id.Offset, &d)
				if n != 10 || !mod11(d) {
					t.Fatalf("%+v does not pass modulus 11", id)
				}
			case IdentifierMRN, IdentifierHospital:
			default:
				t.Fatalf("unknown kind %q", id.Kind)
			}
		}
	})
}

// Worst cases stay fast: many keywords and many near-miss numbers.
func TestIdentifierAdversarialSpeed(t *testing.T) {
	for _, unit := range []string{"pt 9434765918 ", "CHI 0101801239 ", "pt ", "9434765919 ", "MRN ", "hospital no 12 "} {
		text := strings.Repeat(unit, maxIdentifierText/len(unit)+1)
		start := time.Now()
		FindIdentifiers(text)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%q x %d took %v", unit, len(text)/len(unit), d)
		}
	}
}
