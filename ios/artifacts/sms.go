package artifacts

import (
	"context"
	"database/sql"
	"fmt"
	"path"
	"strings"
	"time"
)

// Attachment is one Messages (iMessage/SMS/RCS) attachment.
type Attachment struct {
	// Path is the domain-relative path of the file, e.g.
	// Library/SMS/Attachments/ab/11/<guid>/IMG_0001.HEIC, and Domain its
	// backup domain (MediaDomain for Library/SMS/...). When attachment.filename
	// cannot be mapped, Path is the cleaned raw name and Domain is empty.
	Path, Domain string
	// RawFilename is attachment.filename as stored.
	RawFilename string
	// MIMEType is attachment.mime_type; TransferName attachment.transfer_name.
	MIMEType, TransferName string
	// TotalBytes is attachment.total_bytes (0 when unknown).
	TotalBytes int64
	// Service is message.service (iMessage, SMS, RCS), else chat.service_name.
	Service string
	// FromMe is message.is_from_me, else attachment.is_outgoing; nil when
	// neither is known.
	FromMe *bool
	// Handle is handle.id of the message (phone number or e-mail).
	Handle string
	// Chat is chat.chat_identifier; ChatName chat.display_name.
	Chat, ChatName string
	// Date is message.date, else attachment.created_date (UTC).
	Date time.Time
}

// ReadSMSAttachments streams the attachments of an sms.db to fn, one record
// per attachment row (the first message/chat it is joined to). Only the
// attachment table is required; message_attachment_join, message, handle,
// chat_message_join and chat are used when present.
func ReadSMSAttachments(ctx context.Context, db *sql.DB, fn func(Attachment) error) (err error) {
	defer recoverTo(&err, "sms")
	s, err := loadSchema(ctx, db)
	if err != nil {
		return fmt.Errorf("sms: %w", err)
	}
	at, err := s.mustTable(ctx, db, "attachment")
	if err != nil {
		return fmt.Errorf("sms: %w", err)
	}
	if !at.has("ROWID") {
		// ROWID is implicit in SQLite tables; table_info does not list it.
		at.cols["ROWID"] = "ROWID"
	}
	var tabs [5]*table
	for i, n := range []string{"message_attachment_join", "message", "handle", "chat_message_join", "chat"} {
		if tabs[i], err = s.table(ctx, db, n); err != nil {
			return fmt.Errorf("sms: %w", err)
		}
		if tabs[i] != nil && !tabs[i].has("ROWID") {
			tabs[i].cols["ROWID"] = "ROWID"
		}
	}
	maj, msg, hdl, cmj, cht := tabs[0], tabs[1], tabs[2], tabs[3], tabs[4]
	from := at.ident() + " a"
	if maj != nil && maj.has("attachment_id") && maj.has("message_id") {
		from += " LEFT JOIN " + maj.ident() + " maj ON maj.attachment_id = a.ROWID"
		if msg != nil {
			from += " LEFT JOIN " + msg.ident() + " m ON m.ROWID = maj.message_id"
			if hdl != nil && msg.has("handle_id") {
				from += " LEFT JOIN " + hdl.ident() + " h ON h.ROWID = m.handle_id"
			} else {
				hdl = nil
			}
		} else {
			hdl = nil
		}
		if cmj != nil && cmj.has("chat_id") && cmj.has("message_id") && cht != nil {
			from += " LEFT JOIN " + cmj.ident() + " cmj ON cmj.message_id = maj.message_id"
			from += " LEFT JOIN " + cht.ident() + " c ON c.ROWID = cmj.chat_id"
		} else {
			cht = nil
		}
	} else {
		msg, hdl, cht = nil, nil, nil
	}
	exprs := []string{
		"a.ROWID",                       // 0
		at.col("a", "filename"),         // 1
		at.col("a", "mime_type"),        // 2
		at.col("a", "transfer_name"),    // 3
		at.col("a", "total_bytes"),      // 4
		at.col("a", "is_outgoing"),      // 5
		at.col("a", "created_date"),     // 6
		msg.col("m", "service"),         // 7
		msg.col("m", "is_from_me"),      // 8
		msg.col("m", "date"),            // 9
		hdl.col("h", "id"),              // 10
		cht.col("c", "chat_identifier"), // 11
		cht.col("c", "display_name"),    // 12
		cht.col("c", "service_name"),    // 13
	}
	q := "SELECT " + strings.Join(exprs, ", ") + " FROM " + from + " ORDER BY a.ROWID"
	var last int64
	first := true
	return eachRow(ctx, db, "sms", "query attachments", q, len(exprs), func(v []any) error {
		id, _ := asInt(v[0])
		if !first && id == last {
			return nil // same attachment joined to another message or chat
		}
		first, last = false, id
		raw := asString(v[1])
		a := Attachment{
			RawFilename:  raw,
			MIMEType:     asString(v[2]),
			TransferName: asString(v[3]),
			Service:      asString(v[7]),
			Handle:       asString(v[10]),
			Chat:         asString(v[11]),
			ChatName:     asString(v[12]),
		}
		a.Path, a.Domain = SMSAttachmentPath(raw)
		if n, ok := asInt(v[4]); ok && n > 0 {
			a.TotalBytes = n
		}
		if a.Service == "" {
			a.Service = asString(v[13])
		}
		if n, ok := asInt(v[8]); ok {
			a.FromMe = boolPtr(n != 0)
		} else if n, ok := asInt(v[5]); ok {
			a.FromMe = boolPtr(n != 0)
		}
		a.Date = macTime(v[9])
		if a.Date.IsZero() {
			a.Date = macTime(v[6])
		}
		return fn(a)
	})
}

// SMSAttachmentPath maps attachment.filename ("~/Library/SMS/Attachments/...",
// "/var/mobile/Library/SMS/..." or "/private/var/mobile/...") to a
// domain-relative path and its backup domain. Library/SMS/... lives in
// MediaDomain. Names it cannot map come back cleaned with an empty domain.
func SMSAttachmentPath(filename string) (rel, domain string) {
	f := strings.TrimSpace(filename)
	if f == "" {
		return "", ""
	}
	home := false
	for _, pre := range []string{"~/", "/private/var/mobile/", "/var/mobile/"} {
		if strings.HasPrefix(f, pre) {
			f, home = f[len(pre):], true
			break
		}
	}
	cleaned := path.Clean(f)
	if !home {
		return cleaned, ""
	}
	if cleaned == "." || cleaned == ".." || strings.HasPrefix(cleaned, "../") || strings.HasPrefix(cleaned, "/") {
		return path.Clean(filename), ""
	}
	if strings.HasPrefix(cleaned, "Library/SMS/") {
		return cleaned, DomainMedia
	}
	return cleaned, ""
}
