package artifacts

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Grant is one privacy decision: a TCC.db access row or a locationd client.
type Grant struct {
	// Service is the raw service: kTCCService... for TCC, "Location" for
	// locationd.
	Service string
	// Permission is the contract permission name (camera, contacts,
	// microphone, photos, calendar, location, sensors, ...), "" when the
	// service has none.
	Permission string
	// Client is the bundle id (or path) of the app.
	Client string
	// ClientType is TCC client_type (0 bundle id, 1 path).
	ClientType int
	// Allowed is true when access is granted, fully or limited.
	Allowed bool
	// Limited is true for partial access (TCC auth_value 3, e.g. selected
	// photos only).
	Limited bool
	// Detail is a short word on the decision: "denied", "allowed",
	// "limited", "unknown"; for location also "always", "when-in-use",
	// "restricted", "not-determined".
	Detail string
	// LastModified is TCC last_modified (UTC); zero when absent.
	LastModified time.Time
}

// tccPermissions maps TCC services to contract permission names.
var tccPermissions = map[string]string{
	"kTCCServiceCamera":             "camera",
	"kTCCServiceMicrophone":         "microphone",
	"kTCCServiceAddressBook":        "contacts",
	"kTCCServiceContactsFull":       "contacts",
	"kTCCServiceContactsLimited":    "contacts",
	"kTCCServicePhotos":             "photos",
	"kTCCServicePhotosAdd":          "photos",
	"kTCCServiceCalendar":           "calendar",
	"kTCCServiceCalendarFullAccess": "calendar",
	"kTCCServiceCalendarWriteOnly":  "calendar",
	"kTCCServiceMotion":             "sensors",
	"kTCCServiceLocation":           "location",
}

// TCCPermission returns the contract permission name for a TCC service
// (kTCCServiceCamera -> camera), "" when there is none.
func TCCPermission(service string) string {
	if p, ok := tccPermissions[service]; ok {
		return p
	}
	switch {
	case strings.HasPrefix(service, "kTCCServiceCalendar"):
		return "calendar"
	case strings.HasPrefix(service, "kTCCServicePhotos"):
		return "photos"
	case strings.HasPrefix(service, "kTCCServiceContacts"):
		return "contacts"
	}
	return ""
}

// ReadTCC streams the rows of TCC.db's access table to fn. It reads
// auth_value (iOS 14+: 0 denied, 1 unknown, 2 allowed, 3 limited) or, on
// older schemas, allowed (0/1).
func ReadTCC(ctx context.Context, db *sql.DB, fn func(Grant) error) (err error) {
	defer recoverTo(&err, "tcc")
	s, err := loadSchema(ctx, db)
	if err != nil {
		return fmt.Errorf("tcc: %w", err)
	}
	t, err := s.mustTable(ctx, db, "access")
	if err != nil {
		return fmt.Errorf("tcc: %w", err)
	}
	if !t.has("service") || !t.has("client") {
		return fmt.Errorf("tcc: access table lacks service/client columns")
	}
	hasAuth := t.has("auth_value")
	exprs := []string{
		t.col("t", "service"),       // 0
		t.col("t", "client"),        // 1
		t.col("t", "client_type"),   // 2
		t.col("t", "auth_value"),    // 3
		t.col("t", "allowed"),       // 4
		t.col("t", "last_modified"), // 5
	}
	return eachRow(ctx, db, "tcc", "query access", "SELECT "+strings.Join(exprs, ", ")+" FROM "+t.ident()+" t", len(exprs), func(v []any) error {
		g := Grant{Service: asString(v[0]), Client: asString(v[1])}
		g.Permission = TCCPermission(g.Service)
		if n, ok := asInt(v[2]); ok {
			g.ClientType = int(n)
		}
		if hasAuth {
			n, ok := asInt(v[3])
			switch {
			case !ok:
				g.Detail = "unknown"
			case n == 0:
				g.Detail = "denied"
			case n == 2:
				g.Allowed, g.Detail = true, "allowed"
			case n == 3:
				g.Allowed, g.Limited, g.Detail = true, true, "limited"
			default:
				g.Detail = "unknown"
			}
		} else if n, ok := asInt(v[4]); ok {
			g.Allowed = n != 0
			g.Detail = "denied"
			if g.Allowed {
				g.Detail = "allowed"
			}
		} else {
			g.Detail = "unknown"
		}
		if f, ok := asFloat(v[5]); ok {
			g.LastModified = unixTime(f)
		}
		return fn(g)
	})
}
