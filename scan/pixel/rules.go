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
		return false // two more votes are impossible... only one rule left
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

// Radiograph thresholds (tuned on the "tune" split of testdata/calib).
var (
	rgGrey = 0.90 // minimum near-grey fraction
)

func (f features) radiograph() Signal {
	detail := fmt.Sprintf("grey %d%%, dark border %d%%, dark %d%%, otsu %.2f, mid %d%%, bright %d%%, edges %d%%, asym %d%%, lift %d%%",
		pct(f.grey), pct(f.darkBorder), pct(f.dark), f.otsu, pct(f.mid), pct(f.bright), pct(f.edges), pct(f.asym), pct(f.centreLift))
	greyS := ramp(f.grey, 0.80, 0.95)
	// Cross-sectional (CT/MR): dark surround, much dark, brighter centre.
	cross := greyS * ramp(f.darkBorder, 0.3, 0.6) * ramp(f.dark, 0.1, 0.25) * ramp(f.centreLift, 0.02, 0.12)
	// Projection X-ray: bimodal, big mid-grey body, not a page of text.
	proj := greyS * ramp(f.otsu, 0.70, 0.80) * ramp(f.mid, 0.3, 0.5) * (1 - ramp(f.edges, 0.08, 0.15)) * (1 - ramp(f.bright, 0.3, 0.5))
	score := math.Max(cross, proj)
	return Signal{Code: CodeRadiograph, Score: score, Hit: score >= 0.5, Detail: detail}
}

func (f features) skinCloseup(c Cues) Signal {
	near, why := c.closeUp()
	detail := fmt.Sprintf("skin %d%% (centre)", pct(f.skinCentre))
	score := f.skinCentre
	hit := near && f.skinCentre >= 0.45
	// Flash-lit skin is near-white; chroma rules miss it.
	blob := c.FlashFired && f.centreY >= 170 && f.centreSat < 0.12 && f.centreLight >= 0.08
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
