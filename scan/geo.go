package scan

import "math"

// EarthRadiusM is the WGS84 mean Earth radius (IUGG R1) in metres, used by
// DistanceM.
const EarthRadiusM = 6371008.8

// DistanceM returns the great-circle distance in metres between two points
// given in decimal degrees, by the haversine formula on a sphere of radius
// EarthRadiusM. The error against the WGS84 ellipsoid is below 0.5 %, far
// less than phone GPS error at the distances that matter here.
//
// Longitudes wrap (179.9 and -179.9 are 0.2 degrees apart). Latitudes are
// clamped to [-90, 90]. NaN or infinite input gives NaN.
func DistanceM(lat1, lon1, lat2, lon2 float64) float64 {
	for _, v := range [...]float64{lat1, lon1, lat2, lon2} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.NaN()
		}
	}
	lat1 = clampLat(lat1)
	lat2 = clampLat(lat2)
	const rad = math.Pi / 180
	phi1, phi2 := lat1*rad, lat2*rad
	dphi := phi2 - phi1
	dlambda := math.Remainder(lon2-lon1, 360) * rad
	s1 := math.Sin(dphi / 2)
	s2 := math.Sin(dlambda / 2)
	h := s1*s1 + math.Cos(phi1)*math.Cos(phi2)*s2*s2
	// Rounding can push h a hair outside [0, 1] for antipodal points.
	h = math.Min(1, math.Max(0, h))
	return 2 * EarthRadiusM * math.Asin(math.Sqrt(h))
}

func clampLat(lat float64) float64 {
	return math.Min(90, math.Max(-90, lat))
}

// validLatLon reports whether lat/lon are finite decimal degrees in range.
func validLatLon(lat, lon float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lon) &&
		lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}
