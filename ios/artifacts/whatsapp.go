package artifacts

import (
	"context"
	"database/sql"
	"fmt"
	"path"
	"strings"
	"time"
)

// WhatsAppMedia is one media item of WhatsApp's ChatStorage.sqlite.
type WhatsAppMedia struct {
	// Path is the file relative to Domain: "Message/" + ZMEDIALOCALPATH
	// (e.g. Message/Media/<jid>/d/0/<uuid>.jpg).
	Path, Domain string
	// RawPath is ZWAMEDIAITEM.ZMEDIALOCALPATH as stored.
	RawPath string
	// Chat is ZWACHATSESSION.ZPARTNERNAME, else ZCONTACTJID; ChatJID is
	// ZCONTACTJID.
	Chat, ChatJID string
	// Sender is the group member JID, else ZFROMJID; empty when FromMe.
	Sender string
	// FromMe is ZWAMESSAGE.ZISFROMME; nil when the message is unknown.
	FromMe *bool
	// Date is ZWAMESSAGE.ZMESSAGEDATE (UTC).
	Date time.Time
	// MIMEType comes from ZVCARDSTRING when it holds a MIME type.
	MIMEType string
	// Title is ZTITLE (the caption); FileSize is ZFILESIZE.
	Title    string
	FileSize int64
	// MessageType is ZWAMESSAGE.ZMESSAGETYPE (1 image, 2 video, 3 audio,
	// 8 document per public notes).
	MessageType int
}

// ReadWhatsAppMedia streams the media items that have a local path to fn,
// in ZWAMEDIAITEM.Z_PK order. ZWAMEDIAITEM is required; ZWAMESSAGE,
// ZWACHATSESSION and ZWAGROUPMEMBER are joined when present.
func ReadWhatsAppMedia(ctx context.Context, db *sql.DB, fn func(WhatsAppMedia) error) (err error) {
	defer recoverTo(&err, "whatsapp")
	s, err := loadSchema(ctx, db)
	if err != nil {
		return fmt.Errorf("whatsapp: %w", err)
	}
	mi, err := s.mustTable(ctx, db, "ZWAMEDIAITEM")
	if err != nil {
		return fmt.Errorf("whatsapp: %w", err)
	}
	if !mi.has("ZMEDIALOCALPATH") {
		return fmt.Errorf("whatsapp: ZWAMEDIAITEM has no ZMEDIALOCALPATH column")
	}
	var msg, cs, gm *table
	if msg, err = s.table(ctx, db, "ZWAMESSAGE"); err != nil {
		return fmt.Errorf("whatsapp: %w", err)
	}
	if cs, err = s.table(ctx, db, "ZWACHATSESSION"); err != nil {
		return fmt.Errorf("whatsapp: %w", err)
	}
	if gm, err = s.table(ctx, db, "ZWAGROUPMEMBER"); err != nil {
		return fmt.Errorf("whatsapp: %w", err)
	}
	from := mi.ident() + " mi"
	switch {
	case msg == nil || !msg.has("Z_PK"):
		msg = nil
	case mi.has("ZMESSAGE"):
		from += " LEFT JOIN " + msg.ident() + " m ON m.Z_PK = mi.ZMESSAGE"
	case msg.has("ZMEDIAITEM") && mi.has("Z_PK"):
		from += " LEFT JOIN " + msg.ident() + " m ON m.ZMEDIAITEM = mi.Z_PK"
	default:
		msg = nil
	}
	if msg != nil && cs != nil && msg.has("ZCHATSESSION") && cs.has("Z_PK") {
		from += " LEFT JOIN " + cs.ident() + " c ON c.Z_PK = m.ZCHATSESSION"
	} else {
		cs = nil
	}
	if msg != nil && gm != nil && msg.has("ZGROUPMEMBER") && gm.has("Z_PK") {
		from += " LEFT JOIN " + gm.ident() + " g ON g.Z_PK = m.ZGROUPMEMBER"
	} else {
		gm = nil
	}
	exprs := []string{
		mi.col("mi", "ZMEDIALOCALPATH"), // 0
		mi.col("mi", "ZVCARDSTRING"),    // 1
		mi.col("mi", "ZTITLE"),          // 2
		mi.col("mi", "ZFILESIZE"),       // 3
		msg.col("m", "Z_PK"),            // 4
		msg.col("m", "ZISFROMME"),       // 5
		msg.col("m", "ZMESSAGEDATE"),    // 6
		msg.col("m", "ZFROMJID"),        // 7
		msg.col("m", "ZMESSAGETYPE"),    // 8
		cs.col("c", "ZPARTNERNAME"),     // 9
		cs.col("c", "ZCONTACTJID"),      // 10
		gm.col("g", "ZMEMBERJID"),       // 11
	}
	q := "SELECT " + strings.Join(exprs, ", ") + " FROM " + from
	if mi.has("Z_PK") {
		q += " ORDER BY mi.Z_PK"
	}
	return eachRow(ctx, db, "whatsapp", "query media", q, len(exprs), func(v []any) error {
		raw := asString(v[0])
		p := WhatsAppMediaPath(raw)
		if p == "" {
			return nil // not downloaded, or an unusable path
		}
		w := WhatsAppMedia{
			Path:     p,
			Domain:   DomainWhatsApp,
			RawPath:  raw,
			MIMEType: mimeLike(asString(v[1])),
			Title:    asString(v[2]),
			Date:     macTime(v[6]),
			Chat:     asString(v[9]),
			ChatJID:  asString(v[10]),
		}
		if w.Chat == "" {
			w.Chat = w.ChatJID
		}
		if n, ok := asInt(v[3]); ok && n > 0 {
			w.FileSize = n
		}
		if n, ok := asInt(v[8]); ok {
			w.MessageType = int(n)
		}
		if v[4] != nil {
			fromMe := asBool(v[5])
			w.FromMe = &fromMe
			if !fromMe {
				w.Sender = asString(v[11])
				if w.Sender == "" {
					w.Sender = asString(v[7])
				}
			}
		}
		return fn(w)
	})
}

// WhatsAppMediaPath maps ZMEDIALOCALPATH to a path relative to the WhatsApp
// shared app-group domain. Relative paths ("Media/...") live under
// "Message/"; absolute container paths are cut after "/Message/". Empty or
// climbing paths give "".
func WhatsAppMediaPath(raw string) string {
	p := strings.TrimSpace(raw)
	if p == "" {
		return ""
	}
	if i := strings.LastIndex(p, "/Message/"); i >= 0 && strings.HasPrefix(p, "/") {
		p = p[i+1:]
	} else if strings.HasPrefix(p, "/") {
		return ""
	}
	if !strings.HasPrefix(p, "Message/") {
		p = "Message/" + p
	}
	p = path.Clean(p)
	if !strings.HasPrefix(p, "Message/") {
		return ""
	}
	return p
}

// mimeLike returns s when it looks like a MIME type (ZVCARDSTRING holds a
// vCard for contact messages).
func mimeLike(s string) string {
	if len(s) > 127 || strings.Count(s, "/") != 1 || strings.ContainsAny(s, " \r\n:;") {
		return ""
	}
	if i := strings.IndexByte(s, '/'); i == 0 || i == len(s)-1 {
		return ""
	}
	return strings.ToLower(s)
}
