// Package jpegdc decodes a JPEG at 1/8 or 1/4 scale straight from its DCT
// coefficients, for pixel analysis that works on small images anyway
// (scan/pixel analyses at most 256 px). It runs no IDCT, dequantises only
// what it keeps, converts no colour and allocates no full-size buffer: for
// a sequential file the work left is Huffman decoding (every AC
// coefficient has to be read to find the next block); for a progressive
// file only the DC scans are decoded and the AC scans are skipped without
// Huffman decoding. It is a standalone leaf package (standard library
// only).
//
// # API
//
//	img, info, err := jpegdc.Decode(r, jpegdc.Options{Scale: 8})
//	img, info, err := jpegdc.DecodeBytes(b, jpegdc.Options{Scale: 4}) // no copy
//	cfg, err := jpegdc.DecodeConfig(r) // source size and colour model
//
// The output is *image.Gray for a 1-component file and *image.YCbCr for a
// 3-component (YCbCr/JFIF) file, ceil(W/s) x ceil(H/s) for source size W x
// H and scale s (blocks past the image edge are dropped). When the
// sampling factors match an image.YCbCrSubsampleRatio (4:4:4, 4:2:2,
// 4:2:0, 4:4:0, 4:1:1, 4:1:0) that ratio is kept, with chroma planes at
// the reduced scale; other factors are replicated to 4:4:4 by nearest
// neighbour (Info.ChromaUpsampled). Info gives the source size, the scale
// used, progressive or not, sampling factors and restart interval.
//
// # Pixel values
//
// The 8x8 IDCT is f(x,y) = 1/4 Σu Σv C(u) C(v) F(v,u) cos((2x+1)uπ/16)
// cos((2y+1)vπ/16) with C(0) = 1/√2, C(u>0) = 1, plus 128.
//
// Scale 8: the mean of f over the block is F(0,0)/8, so a pixel is
// clamp(round(DC·Q0/8) + 128): exactly the mean of the block's full IDCT
// output before clamping.
//
// Scale 4: each output pixel is the mean of one 4x4 quarter of the block.
// Over x = 0..3 the mean of cos((2x+1)uπ/16) is m(u): 1 for u = 0, 0 for
// even u >= 2 (cos(π/8)+cos(3π/8)+cos(5π/8)+cos(7π/8) = 0), and for odd u
// 0.6407, -0.2250, 0.1503, -0.1274 (u = 1, 3, 5, 7); over x = 4..7 it is
// (-1)^u m(u). So the quarter means are exactly
//
//	mean(qx,qy) = Σ F(v,u)·Q·C(u)C(v)/4·m(u)m(v)·sx^(u odd)·sy^(v odd)
//
// with sx, sy = +1 for the left/top and -1 for the right/bottom quarters;
// only the 25 coefficients with u and v in {0,1,3,5,7} contribute. The
// decoder accumulates them into four sums per block by the parity of u and
// v (fixed point, 1/65536), and the four quarters are ±combinations of
// those sums: exact quarter means, unlike a 2x2 IDCT of the four lowest
// coefficients (libjpeg's jpeg_idct_2x2 idea), which samples rather than
// averages and ignores u, v = 3, 5, 7 (in our tests up to 27 levels off at
// sharp edges, mean 3 on document photos). Against image/jpeg's full
// decode both scales are within 1 level everywhere the full decode does
// not clamp (oracle tests). Scale 4 is for sequential files only: a
// progressive file is decoded at scale 8 and Info.Scale says so.
//
// # Errors and robustness
//
// Errors wrap one of: ErrUnsupported (RGB or CMYK/YCCK colour, Adobe
// transform 0, 12-bit, arithmetic coding, lossless, hierarchical, DNL
// height, 2 or 4 components: fall back to image/jpeg), ErrTooLarge (more
// than Options.MaxBytes of input, default 32 MiB, or a frame header above
// Options.MaxPixels, default 100 MP, refused before any allocation),
// ErrFormat (invalid headers, missing or bad tables, bad Huffman codes)
// and ErrTruncated. ErrTruncated means the entropy data ended (end of
// input, or a marker where a block or restart marker was due) before every
// block of every component was decoded: Decode then returns the partial
// image too (undecoded blocks are mid-grey) as long as one MCU was
// decoded. A progressive file cut after its DC scans decodes without
// error. Restart intervals (DRI/RSTn) resynchronise on the next marker;
// byte stuffing, fill bytes, several DHT/DQT segments, 16-bit DQT tables,
// interleaved and non-interleaved scans (ceil(compW/8) x ceil(compH/8)
// blocks, T.81 A.2) are handled. Work is bounded by the input length
// (every block consumes at least 2 bits; a scan stops as soon as it reads
// past its data), panics are recovered as a last resort, and FuzzDecode
// checks the invariants.
//
// # Speed
//
// Bits are read through a 64-bit buffer refilled 8 bytes at a time when no
// FF byte is among them (byte by byte with FF 00 unstuffing otherwise).
// Huffman codes are looked up 10 bits at a time; combined tables give a DC
// difference's value, and skip an AC coefficient's code plus extra bits in
// one step when they fit (libjpeg-turbo's idea), so at scale 8 an AC value
// is never formed. The scale-8 sequential scan is one fused loop with the
// bit buffer in registers.
//
// On a 1856x1392 quality-85 4:2:0 photo-like JPEG made by Go's encoder
// (330 KB; BenchmarkDecodeDC against BenchmarkStdlibDecode, and
// TestSpeedRatio for CPU time on a busy machine) scale 8 took 10-12x less
// CPU than image/jpeg.Decode (about 5 ms against 55 ms), scale 4 about 4x
// less (every coefficient value is formed); its progressive version
// (ImageMagick -interlace Plane, 290 KB) about 30x less (2.5 ms against
// 80 ms), as only the DC scans are decoded.
//
// # Which scale (recommendation)
//
// Analyze works at <= 256 px, and a full decode reaches it by box
// downscaling. Scale 8 output equals box means of 8x8 blocks, so for a
// source whose longest side is >= 2048 px scale 8 (>= 256 px) gives
// Analyze the same input as the full path, up to rounding. Measured by
// scan/pixel's TestDCAgreement -dc-agree-all on the 446 calibration
// images upscaled 8x (up to 1280 px, re-encoded at quality 85):
//
//	source  scale  radiograph verdicts agree  skin-closeup agree
//	x8      4      98.4% (320 px, Analyze downscales to 256)  100%
//	x8      8      89.7% (160 px against the full path's 256)  100%
//	x8      8      99.8% against a full decode box-downscaled to 160 px
//	native  4      91.5% (40 px thumbnails)  100%
//	native  8      72.9% (20 px)  100%
//
// (skin-closeup hits are rare in the set, so its 100% says little.) The
// scale-8 losses come from Analyze's dependence on resolution, not from
// the decoder. Hence:
//
//   - longest side >= 2048 px: scale 8;
//   - 1024..2047 px: scale 4 (a progressive file falls back to scale 8,
//     128..255 px: about 90% agreement; use image/jpeg where that
//     matters);
//   - < 1024 px: decode in full with image/jpeg (at most 1 MP, cheap);
//     scale 8 would give < 128 px.
package jpegdc
