// Package pixel looks at the pixels of a photo (normally its small EXIF
// thumbnail) for two weak, explainable cues that it may be clinical:
//
//   - "radiograph": a near-grey image with the layout of a CT/MR slice (dark
//     surround, bright structures) or of a projection X-ray (grey, strongly
//     bimodal, large mid-grey body, left-right balanced) or of a PET/NM
//     image (black field, small bright body in the centre), including a
//     photo of a film or monitor with a slight colour cast. Signal.Detail
//     names the branch that matched and its numbers.
//   - "skin-closeup": skin tones dominating the centre of the frame together
//     with a close-up cue from the metadata (flash fired, short subject
//     distance, macro/close range), or a bright low-saturation central blob
//     lit by the flash. Skin alone is never a hit.
//
// The package knows nothing of findings, policy or reports: callers turn a
// Signal into a reason. Typical use:
//
//	img, err := pixel.DecodeThumbnail(thumbBytes) // bounded JPEG decode
//	if err == nil {
//		res := pixel.Analyze(img, pixel.Cues{FlashFired: true, HasCamera: true})
//		for _, s := range res.Hits() {
//			fmt.Println(s.Code, s.Score, s.Detail)
//		}
//	}
//
// For a full image use DecodeBounded (refuses images above a pixel budget,
// recovers decoder panics) and Downscale (box average to at most 256 px).
// Analyze downscales by itself (to AnalysisMaxSide, 160 px, the size its
// rules were calibrated at), so Downscale is only needed to keep a small
// copy. For a JPEG without thumbnail, scan/pixel/jpegdc gives a 1/8 or 1/4
// scale picture straight from the DCT coefficients, far cheaper than a full
// decode. Analyze reads *image.YCbCr, *image.Gray, *image.RGBA and
// *image.NRGBA without per-pixel interface calls.
//
// Thresholds were tuned on the labelled set in testdata/calib (see
// README.md and CALIBRATION.md for the measured rates and their limits).
package pixel
