// Package jpegdc decodes JPEG files at 1/8 or 1/4 scale straight from the
// DCT coefficients.
package jpegdc
