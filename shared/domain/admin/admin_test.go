package admin_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// A partner key names an existing partner; the field says which is wrong.
func TestAPartnerKeyNamesItsPartner(t *testing.T) {
	t.Parallel()
	st := memstore.New()
	svc := admin.Service{Partners: st, Keys: st, Now: time.Now}
	for _, c := range []struct{ partnerID, code string }{{"", "required"}, {"  ", "required"}, {"p-nobody", "invalid"}} {
		_, err := svc.CreateKey(context.Background(), auth.RolePartner, c.partnerID, "", "crm")
		var ve *validation.Error
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != "partnerId" || ve.Fields[0].Code != c.code {
			t.Errorf("a partner key for %q: %v, want partnerId %s", c.partnerID, err, c.code)
		}
	}
}

// The API can never lock itself out: the last active admin key can be
// neither disabled nor revoked (by itself or another), while one of two can.
func TestTheLastAdminKeyStays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	svc := admin.Service{Partners: st, Keys: st, Now: time.Now}
	first, err := svc.CreateKey(ctx, auth.RoleAdmin, "", "root", "first admin")
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []string{auth.KeyDisabled, auth.KeyRevoked} {
		if _, err := svc.SetKeyStatus(ctx, first.Key.ID, status); !errors.Is(err, admin.ErrLastAdmin) {
			t.Fatalf("%s the only admin key: %v, want ErrLastAdmin", status, err)
		}
	}
	mgr, _ := svc.CreateKey(ctx, auth.RoleManager, "", "m", "a manager")
	if _, err := svc.SetKeyStatus(ctx, mgr.Key.ID, auth.KeyRevoked); err != nil {
		t.Fatalf("revoking a manager key: %v", err)
	}
	second, _ := svc.CreateKey(ctx, auth.RoleAdmin, "", "ops", "second admin")
	if k, err := svc.SetKeyStatus(ctx, first.Key.ID, auth.KeyRevoked); err != nil || k.Status != auth.KeyRevoked {
		t.Fatalf("revoking one of two admin keys: %+v %v", k, err)
	}
	if _, err := svc.SetKeyStatus(ctx, second.Key.ID, auth.KeyDisabled); !errors.Is(err, admin.ErrLastAdmin) {
		t.Fatalf("disabling the remaining admin key: %v", err)
	}
}
