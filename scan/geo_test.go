package scan

import (
	"math"
	"testing"
)

func TestGeoDistanceM(t *testing.T) {
	deg := 2 * math.Pi * EarthRadiusM / 360 // one degree of a great circle
	tests := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want, tol              float64
	}{
		{"same point", 51.5175, -0.1735, 51.5175, -0.1735, 0, 1e-9},
		{"London-Paris", 51.5074, -0.1278, 48.8566, 2.3522, 343_560, 500},
		{"New York-Los Angeles", 40.7128, -74.0060, 34.0522, -118.2437, 3_936_000, 5_000},
		{"Sydney-Melbourne", -33.8688, 151.2093, -37.8136, 144.9631, 713_800, 2_000},
		{"one degree on the equator", 0, 10, 0, 11, deg, 1e-6},
		{"antimeridian", 0, 179.5, 0, -179.5, deg, 1e-6},
		{"antimeridian reversed", 10, -179.9, 10, 179.9, 0.2 * deg * math.Cos(10*math.Pi/180), 1},
		{"longitude 360 wraps", 0, 0, 0, 360, 0, 1e-6},
		{"north pole any longitude", 90, 0, 90, 135, 0, 1e-6},
		{"pole to pole", 90, 0, -90, 0, math.Pi * EarthRadiusM, 1e-3},
		{"antipodes", 0, 0, 0, 180, math.Pi * EarthRadiusM, 1e-3},
		{"quarter meridian", 0, 0, 90, 0, math.Pi / 2 * EarthRadiusM, 1e-3},
		{"100 m north", 51.5, -0.1, 51.5 + 100/deg, -0.1, 100, 1e-6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DistanceM(tt.lat1, tt.lon1, tt.lat2, tt.lon2)
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("DistanceM = %.3f m, want %.3f ± %.3f", got, tt.want, tt.tol)
			}
			back := DistanceM(tt.lat2, tt.lon2, tt.lat1, tt.lon1)
			if math.Abs(back-got) > 1e-6 {
				t.Errorf("not symmetric: %v vs %v", got, back)
			}
		})
	}
}

func TestGeoDistanceBadInput(t *testing.T) {
	for _, v := range [][4]float64{
		{math.NaN(), 0, 0, 0},
		{0, math.Inf(1), 0, 0},
		{0, 0, math.Inf(-1), 0},
	} {
		if d := DistanceM(v[0], v[1], v[2], v[3]); !math.IsNaN(d) {
			t.Errorf("DistanceM(%v) = %v, want NaN", v, d)
		}
	}
	// Out-of-range latitudes are clamped, never beyond half the globe.
	if d := DistanceM(100, 0, -100, 0); math.Abs(d-math.Pi*EarthRadiusM) > 1e-3 {
		t.Errorf("clamped pole to pole = %v", d)
	}
}
