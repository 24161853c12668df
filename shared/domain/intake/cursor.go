package intake

import (
	"encoding/base64"
	"encoding/json"
	"time"
)

// Position is where a listing stopped: the last lead returned, in the
// listing's order (update time, then id). Stores turn it into their own keys;
// callers see it only as an opaque cursor, which carries no partner, so a
// cursor can never reach into another partner's leads.
type Position struct {
	UpdatedAt time.Time `json:"u"`
	LeadID    string    `json:"i"`
}

// EncodeCursor makes an opaque cursor from a position.
func EncodeCursor(p Position) string {
	b, _ := json.Marshal(p) // plain fields: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor made by EncodeCursor.
func DecodeCursor(c string) (Position, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return Position{}, ErrInvalidCursor
	}
	var p Position
	if err := json.Unmarshal(b, &p); err != nil || p.LeadID == "" || len(p.LeadID) > 64 || p.UpdatedAt.IsZero() {
		return Position{}, ErrInvalidCursor
	}
	return p, nil
}
