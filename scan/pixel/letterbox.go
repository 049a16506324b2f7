package pixel

// Letterbox bars: a 4:3 EXIF thumbnail of a 3:2 photo carries uniform black
// rows at the top and bottom; a 16:9 screen grab of a 4:3 picture carries
// bars at the sides. They must not count as a radiograph's dark surround, so
// they are cropped before measuring. A uniform surround on all four sides is
// content (the air around a CT slice) and is kept.

const (
	barSpread  = 10 // max Y (and chroma) range along a bar line
	barDrift   = 8  // max difference of a bar line's mean from the first line
	barMaxFrac = 4  // a bar may cover at most 1/barMaxFrac of the side
)

type lineStat struct {
	uniform   bool
	y, cb, cr int
}

func (p *planes) rowStat(y int) lineStat {
	off := y * p.w
	return lineStatOf(p, off, 1, p.w)
}

func (p *planes) colStat(x int) lineStat {
	return lineStatOf(p, x, p.w, p.h)
}

func lineStatOf(p *planes, off, step, n int) lineStat {
	minY, maxY, minB, maxB, minR, maxR := 255, 0, 255, 0, 255, 0
	sy, sb, sr := 0, 0, 0
	for i, j := 0, off; i < n; i, j = i+1, j+step {
		y, b, r := int(p.y[j]), int(p.cb[j]), int(p.cr[j])
		minY, maxY = min(minY, y), max(maxY, y)
		minB, maxB = min(minB, b), max(maxB, b)
		minR, maxR = min(minR, r), max(maxR, r)
		sy += y
		sb += b
		sr += r
	}
	if n == 0 {
		return lineStat{}
	}
	return lineStat{
		uniform: maxY-minY <= barSpread && maxB-minB <= barSpread && maxR-minR <= barSpread,
		y:       sy / n, cb: sb / n, cr: sr / n,
	}
}

func near(a, b lineStat) bool {
	return abs(a.y-b.y) <= barDrift && abs(a.cb-b.cb) <= barDrift && abs(a.cr-b.cr) <= barDrift
}

// barLen counts uniform lines of one colour from one edge inwards.
func barLen(n int, stat func(int) lineStat) (int, lineStat) {
	first := stat(0)
	if !first.uniform {
		return 0, first
	}
	limit := n / barMaxFrac
	k := 1
	for k < limit {
		s := stat(k)
		if !s.uniform || !near(s, first) {
			break
		}
		k++
	}
	if k >= limit { // the whole side is one colour: not a bar we can judge
		return 0, first
	}
	return k, first
}

// letterbox returns the crop rectangle without letterbox bars and how many
// lines were removed.
func (p *planes) letterbox() (x0, y0, x1, y1 int, cropped bool) {
	x0, y0, x1, y1 = 0, 0, p.w, p.h
	if p.w < 8 || p.h < 8 {
		return
	}
	top, ts := barLen(p.h, func(i int) lineStat { return p.rowStat(i) })
	bot, bs := barLen(p.h, func(i int) lineStat { return p.rowStat(p.h - 1 - i) })
	left, ls := barLen(p.w, func(i int) lineStat { return p.colStat(i) })
	right, rs := barLen(p.w, func(i int) lineStat { return p.colStat(p.w - 1 - i) })
	tb := top > 0 && bot > 0 && near(ts, bs) && symmetric(top, bot)
	lr := left > 0 && right > 0 && near(ls, rs) && symmetric(left, right)
	switch {
	case tb && !(left > 0 || right > 0):
		return 0, top, p.w, p.h - bot, true
	case lr && !(top > 0 || bot > 0):
		return left, 0, p.w - right, p.h, true
	}
	return
}

// symmetric: letterbox bars are (nearly) equal; allow one line of rounding
// plus a third of the thicker bar for encoders that align to blocks.
func symmetric(a, b int) bool {
	return abs(a-b) <= 1+max(a, b)/3
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}
