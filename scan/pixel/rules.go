package pixel

import (
	"fmt"
	"image/color"
	"math"
)

// isSkin votes three published skin-colour rules (written from their
// formulas) and calls a pixel skin when at least two agree:
//   - Kovač, Peer & Solina 2003, daylight OR flash/lateral-light variant (RGB);
//   - Chai & Ngan 1999: 77 <= Cb <= 127 and 133 <= Cr <= 173;
//   - HSV: 0° <= H <= 50° and 0.23 <= S <= 0.68.
func isSkin(y, cb, cr uint8) bool {
	votes := 0
	if cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173 {
		votes++
	}
	r8, g8, b8 := color.YCbCrToRGB(y, cb, cr)
	r, g, b := int(r8), int(g8), int(b8)
	mx, mn := max(r, g, b), min(r, g, b)
	if (r > 95 && g > 40 && b > 20 && mx-mn > 15 && abs(r-g) > 15 && r > g && r > b) ||
		(r > 220 && g > 210 && b > 170 && abs(r-g) <= 15 && r > b && g > b) {
		votes++
	}
	if votes == 0 {
		return false // only one rule is left: two votes are out of reach
	}
	if mx > 0 && mx > mn {
		s := float64(mx-mn) / float64(mx)
		if s >= 0.23 && s <= 0.68 && mx == r {
			// Hue with red as the maximum: 60° * (G-B)/(max-min), wrapped.
			h := 60 * float64(g-b) / float64(mx-mn)
			if h >= 0 && h <= 50 {
				votes++
			}
		}
	}
	return votes >= 2
}

func pct(f float64) int { return int(math.Round(100 * f)) }

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// ramp maps v linearly from lo (0) to hi (1), clamped.
func ramp(v, lo, hi float64) float64 { return clamp01((v - lo) / (hi - lo)) }

// skinMin is the central skin fraction that, with a close-up cue, is a hit.
// Portraits measured 0.26-0.48 in the research notes; cats and coffee
// reach 0.6-0.99, so this cannot separate them: the cue does the work.
const skinMin = 0.55

func (f features) radiograph(inner *features) Signal {
	score, branch := f.radiographScore()
	view := f
	prefix := ""
	if inner != nil { // a photo of a screen: judge the inside of the frame too
		if s, b := inner.radiographScore(); s > score {
			score, branch, view, prefix = s, b, *inner, "inside the frame: "
		}
	}
	return Signal{Code: CodeRadiograph, Score: score, Hit: score >= 0.5, Detail: prefix + view.radiographDetail(branch)}
}

// Radiograph branches.
const (
	branchCross    = iota // CT/MR slice
	branchProj            // projection X-ray
	branchBox             // film on a light box
	branchEmission        // PET/NM: mostly black, bright centre
)

// radiographDetail names the branch and its key numbers for a person.
func (f features) radiographDetail(branch int) string {
	switch branch {
	case branchProj:
		return fmt.Sprintf("X-ray-like: grey %d%%, two-tone (Otsu) %.2f, mid-grey %d%%, edges %d%%, left-right difference %d%%, centre lift %d%%",
			pct(f.grey), f.otsu, pct(f.mid), pct(f.edges), pct(f.asym), pct(f.centreLift))
	case branchEmission:
		return fmt.Sprintf("PET/NM-like: grey %d%%, dark border %d%%, dark %d%%, body %d%%, centre lift %d%%, edges %d%%",
			pct(f.grey), pct(f.darkBorder), pct(f.dark), pct(f.body), pct(f.centreLift), pct(f.edges))
	case branchBox:
		return fmt.Sprintf("film-on-light-box-like: grey %d%%, bright surround %d%%, dark %d%%, mid-grey %d%%",
			pct(f.grey), pct(f.ringBright), pct(f.dark), pct(f.mid))
	}
	return fmt.Sprintf("CT/MR-like: grey %d%%, dark border %d%%, dark %d%%, mid-grey %d%%, edges %d%%, two-tone (Otsu) %.2f, centre lift %d%%",
		pct(f.grey), pct(f.darkBorder), pct(f.dark), pct(f.mid), pct(f.edges), f.otsu, pct(f.centreLift))
}

// radiographScore combines soft thresholds (ramps), tuned on the "tune"
// split of testdata/calib, so the score says how close an image came; a
// hit needs every factor of one branch near 1. It returns the best branch.
func (f features) radiographScore() (float64, int) {
	// Cross-sectional (CT/MR): near-grey, dark surround, much dark, a
	// real mid-grey body (not black-on-white text or UI), some texture
	// (not a smooth dark night scene), clearly two-toned (body vs air) but
	// not pure black-and-white, brighter centre.
	// A slice that air surrounds on (nearly) every side may be textured
	// (noisy EPI/DWI, a high-resolution MR at thumbnail size): the edge cap
	// rises with the dark surround. Barcodes, gravel and text have no
	// closed dark ring.
	edgeCap := 0.14 * ramp(f.darkBorder, 0.75, 0.85)
	cross := ramp(f.grey, 0.85, 0.95) * ramp(f.darkBorder, 0.38, 0.65) * ramp(f.dark, 0.12, 0.20) *
		ramp(f.mid, 0.12, 0.22) * ramp(f.body, 0.08, 0.14) * ramp(f.edges, 0.02, 0.04) * (1 - ramp(f.edges, 0.16+edgeCap, 0.22+edgeCap)) *
		ramp(f.otsu, 0.55, 0.65) * (1 - ramp(f.otsu, 0.94, 0.97)) * ramp(f.centreLift, -0.02, 0.06)
	// Projection X-ray: grey, bimodal, mostly mid-grey, smooth, left-right
	// balanced, no paper-white background or flat UI areas (the first,
	// narrow form, from two chest films).
	proj := ramp(f.grey, 0.9, 0.97) * ramp(f.otsu, 0.62, 0.70) * ramp(f.mid, 0.75, 0.85) *
		(1 - ramp(f.edges, 0.04, 0.07)) * (1 - ramp(f.asym, 0.2, 0.26)) * (1 - ramp(f.bright, 0.2, 0.3)) *
		(1 - ramp(f.flat, 0.2, 0.3)) * ramp(f.centreLift, 0.04, 0.1)
	// Projection images in general (CR/DX films, scout views, angiography
	// frames with a round intensifier field): no colour at all, very smooth
	// at thumbnail size (soft tissue and bone are broad gradients, not
	// texture), a body of mid-grey that covers a good part of the frame and
	// is brighter than its surround (collimation, air, the round field's
	// black corners), two-toned but not black-and-white, few saturated
	// whites, no flat UI areas. Ordinary photos carry texture (edges) or
	// no centred brightness.
	smooth := ramp(f.grey, 0.95, 0.99) * (1 - ramp(f.edges, 0.03, 0.05)) * ramp(f.centreLift, 0.08, 0.13) *
		ramp(f.mid, 0.35, 0.45) * ramp(f.body, 0.3, 0.4) * ramp(f.otsu, 0.62, 0.70) * (1 - ramp(f.otsu, 0.93, 0.97)) *
		(1 - ramp(f.flat, 0.3, 0.4)) * (1 - ramp(f.bright, 0.25, 0.35))
	proj = math.Max(proj, smooth)
	// Emission images (PET, NM) and sparse slices: almost all black, no
	// colour at all, a small bright body concentrated in the centre (a
	// star field or a night sky spreads its light evenly), no flat UI.
	emis := ramp(f.grey, 0.95, 0.99) * ramp(f.darkBorder, 0.8, 0.9) * ramp(f.dark, 0.55, 0.65) * (1 - ramp(f.dark, 0.95, 0.98)) *
		ramp(f.body, 0.03, 0.06) * ramp(f.centreLift, 0.04, 0.09) * (1 - ramp(f.edges, 0.08, 0.12)) * (1 - ramp(f.flat, 0.3, 0.5))
	// Film on a light box: bright surround, grey film with dark areas and
	// a real mid-grey body, centre darker than the surround.
	box := ramp(f.grey, 0.8, 0.9) * ramp(f.ringBright, 0.35, 0.55) * ramp(f.dark, 0.08, 0.15) *
		ramp(f.mid, 0.2, 0.3) * ramp(f.edges, 0.03, 0.06) * (1 - ramp(f.edges, 0.16, 0.22)) *
		(1 - ramp(f.otsu, 0.94, 0.97)) * ramp(-f.centreLift, 0.15, 0.3)
	best, branch := cross, branchCross
	switch {
	case proj > cross && proj >= box:
		best, branch = proj, branchProj
	case box > cross:
		best, branch = box, branchBox
	}
	// The emission branch explains an image only when no other one does.
	if emis > best && best < 0.5 {
		return emis, branchEmission
	}
	return best, branch
}

func (f features) skinCloseup(c Cues) Signal {
	near, why := c.closeUp()
	if !near { // no hit is possible, and the skin figures were not measured
		return Signal{Code: CodeSkinCloseup, Detail: "not measured: no close-up cue in the metadata"}
	}
	detail := fmt.Sprintf("skin %d%% (centre)", pct(f.skinCentre))
	score := f.skinCentre
	hit := near && f.skinCentre >= skinMin
	// Flash-lit skin is near-white; chroma rules miss it.
	blob := c.FlashFired && f.grey < 0.9 && f.centreY >= 170 && f.centreSat < 0.12 && f.centreLight >= 0.08 && f.centreY-255*f.centreLight >= 50
	if blob {
		detail += fmt.Sprintf(", bright low-saturation centre (Y %d, lift %d%%)", int(f.centreY), pct(f.centreLight))
		score = math.Max(score, 0.5)
		hit = true
	}
	if why != "" {
		detail += ", " + why
	}
	return Signal{Code: CodeSkinCloseup, Score: score, Hit: hit, Detail: detail}
}
