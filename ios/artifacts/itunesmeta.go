package artifacts

import (
	"fmt"
	"strconv"
	"strings"
)

// AppMetadata is what an App Store iTunesMetadata.plist says about an app.
type AppMetadata struct {
	// BundleID is softwareVersionBundleId.
	BundleID string
	// Name is itemName, else bundleDisplayName.
	Name string
	// Artist is artistName (the seller), else playlistArtistName.
	Artist string
	// Genre is genre.
	Genre string
	// Version is bundleShortVersionString, else bundleVersion.
	Version string
	// Price is price, else parsed from priceDisplay ("Free" -> 0); nil when
	// neither is present or parsable.
	Price *float64
	// PriceDisplay is priceDisplay as stored.
	PriceDisplay string
	// HasInAppPurchases is hasOrEverHasHadIAP (else hasInAppPurchases);
	// nil when absent.
	HasInAppPurchases *bool
	// Free is true iff Price is known to be 0, false iff known above 0.
	Free *bool
	// Evidence lists the keys the price/IAP answers came from.
	Evidence string
}

// ParseITunesMetadata reads an iTunesMetadata.plist (the root of an .ipa, or
// the iTunesMetadata blob of a backup's Info.plist Applications entry).
// Public tools do not read a price; the price keys are taken when present.
func ParseITunesMetadata(data []byte) (*AppMetadata, error) {
	root, err := decodeDict(data)
	if err != nil {
		return nil, fmt.Errorf("iTunesMetadata: %w", err)
	}
	first := func(keys ...string) string {
		for _, k := range keys {
			if s := asString(root[k]); s != "" {
				return s
			}
		}
		return ""
	}
	m := &AppMetadata{
		BundleID:     first("softwareVersionBundleId"),
		Name:         first("itemName", "bundleDisplayName"),
		Artist:       first("artistName", "playlistArtistName"),
		Genre:        first("genre"),
		Version:      first("bundleShortVersionString", "bundleVersion"),
		PriceDisplay: first("priceDisplay"),
	}
	var ev []string
	if f, ok := plFloat(root["price"]); ok && f >= 0 {
		m.Price = &f
		ev = append(ev, "price="+strconv.FormatFloat(f, 'f', -1, 64))
	} else if f, ok := parsePriceDisplay(m.PriceDisplay); ok {
		m.Price = &f
		ev = append(ev, "priceDisplay="+strconv.Quote(m.PriceDisplay))
	}
	if m.Price != nil {
		m.Free = boolPtr(*m.Price == 0)
	}
	for _, k := range []string{"hasOrEverHasHadIAP", "hasInAppPurchases"} {
		if b, ok := plBool(root[k]); ok {
			m.HasInAppPurchases = &b
			ev = append(ev, k+"="+strconv.FormatBool(b))
			break
		}
	}
	if len(ev) > 0 {
		m.Evidence = "iTunesMetadata " + strings.Join(ev, ", ")
	}
	return m, nil
}

// parsePriceDisplay reads "Free", "$0.99", "1,99 €" and the like.
func parsePriceDisplay(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return 0, false
	}
	if strings.EqualFold(s, "free") || strings.EqualFold(s, "get") {
		return 0, true
	}
	var b strings.Builder
	for _, r := range s {
		if (r >= '0' && r <= '9') || r == '.' || r == ',' {
			b.WriteRune(r)
		}
	}
	num := b.String()
	if num == "" {
		return 0, false
	}
	if !strings.Contains(num, ".") {
		num = strings.Replace(num, ",", ".", 1)
	} else {
		num = strings.ReplaceAll(num, ",", "")
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return f, true
}
