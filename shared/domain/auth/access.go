package auth

import (
	"context"
	"log/slog"
)

// LogAccess records that an internal role (never a partner reading its
// own) read data about leads or money: what it read, with ids only (attrs,
// slog key-value pairs), and which key, role and subject read it. These
// "data access" lines are the access log the LGPD asks for; they carry no
// contact data.
func LogAccess(ctx context.Context, log *slog.Logger, p Principal, what string, attrs ...any) {
	if p.Has(RolePartner) || log == nil {
		return
	}
	log.InfoContext(ctx, "data access", append([]any{"access", what, "keyId", p.KeyID, "role", string(p.Role), "subjectId", p.SubjectID, "userId", p.UserID}, attrs...)...)
}
