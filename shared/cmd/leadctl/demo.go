package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/partnerleads/pipeline/shared/aws/cognito"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

//go:embed demo/team.json
var demoTeam []byte

//go:embed demo/teams.json
var demoTeams []byte

//go:embed demo/rules.json
var demoRules []byte

// demo seeds a demo team and rule set, creates a demo partner and an admin
// key, prints how to use them and writes them to envFile for scripts.
func demo(ctx context.Context, svc admin.Service, cfg routing.Admin, users cognito.Users, outs stackinfo.Outputs, envFile string, out io.Writer) error {
	base, err := outs.APIBase()
	if err != nil {
		return err
	}
	appBase, err := outs.AppBase()
	if err != nil {
		return err
	}
	var team []json.RawMessage
	if err := json.Unmarshal(demoTeam, &team); err != nil {
		return fmt.Errorf("demo team: %w", err)
	}
	for _, raw := range team {
		var id struct{ ID string }
		_ = json.Unmarshal(raw, &id)
		if _, err := cfg.PutRep(ctx, id.ID, raw); err != nil {
			return fmt.Errorf("demo rep %s: %w", id.ID, err)
		}
	}
	var teams []json.RawMessage
	if err := json.Unmarshal(demoTeams, &teams); err != nil {
		return fmt.Errorf("demo teams: %w", err)
	}
	for _, raw := range teams {
		var id struct{ ID string }
		_ = json.Unmarshal(raw, &id)
		if _, err := cfg.PutTeam(ctx, id.ID, raw); err != nil {
			return fmt.Errorf("demo team %s: %w", id.ID, err)
		}
	}
	rs, err := cfg.SaveRuleSet(ctx, demoRules, 0)
	if err != nil {
		return fmt.Errorf("demo rules: %w", err)
	}
	fmt.Fprintf(out, "demo team of %d reps and rule set v%d saved\n", len(team), rs.Version)
	p, partnerKey, err := svc.CreatePartner(ctx, "Demo Partner")
	if err != nil {
		return err
	}
	adminKey, err := svc.CreateKey(ctx, auth.RoleAdmin, "", "demo-admin", "demo admin")
	if err != nil {
		return err
	}
	logins, err := demoUsers(ctx, users, p.ID)
	if err != nil {
		return err
	}
	if envFile != "" {
		if err := os.MkdirAll(filepath.Dir(envFile), 0o700); err != nil {
			return err
		}
		body := fmt.Sprintf("API_URL=%s\nAPP_URL=%s/app\nPARTNER_API_KEY=%s\nPARTNER_ID=%s\nADMIN_API_KEY=%s\n", base, appBase, partnerKey.Token, p.ID, adminKey.Token)
		for _, l := range logins {
			body += fmt.Sprintf("%s_LOGIN=%s\n%s_PASSWORD=%s\n", strings.ToUpper(string(l.Role)), l.Email, strings.ToUpper(string(l.Role)), l.password)
		}
		if err := os.WriteFile(envFile, []byte(body), 0o600); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "\nWeb app          %s/app\nSign in as one of (the password is new on every run):\n", appBase)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, l := range logins {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", l.Role, l.Email, l.password)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, `
API URL          %s
demo partner     %s
partner API key  %s
admin API key    %s
(also in %s)

Send a lead:

  curl -sS -X POST "%s/v1/leads" \
    -H "Authorization: Bearer %s" \
    -H "Content-Type: application/json" \
    -H "Idempotency-Key: demo-1" \
    -d '{"contact":{"name":"Maria Silva","email":"maria@example.com.br","phone":"+55 11 91234-5678"},
         "company":{"name":"Exemplo Ltda","domain":"example.com.br","taxId":"11.222.333/0001-81"},
         "location":{"country":"BR","state":"SP","city":"São Paulo"},
         "consent":{"lgpd":true}}'

Read it back (use the id from the answer); within seconds it is assigned:

  curl -sS "%s/v1/leads/LEAD_ID" -H "Authorization: Bearer %s"

Why that owner (managers and admins):

  curl -sS "%s/v1/leads/LEAD_ID/routing" -H "Authorization: Bearer %s"

Indicators and the dashboard (type the partner or admin key, press Show):

  %s/dashboard
`, base, p.ID, partnerKey.Token, adminKey.Token, envFile, base, partnerKey.Token, base, partnerKey.Token, base, adminKey.Token, base)
	return nil
}

type login struct {
	cognito.User
	password string
}

// demoUsers signs up one person per role, the partner user for the demo
// partner and the rep user as rep-ana, each with a new random password.
func demoUsers(ctx context.Context, users cognito.Users, partnerID string) ([]login, error) {
	people := []cognito.User{
		{Email: "parceiro@example.com", Role: auth.RolePartner, PartnerID: partnerID},
		{Email: "vendedor@example.com", Role: auth.RoleRep, SubjectID: "rep-ana"},
		{Email: "gerente@example.com", Role: auth.RoleManager, SubjectID: "mgr-demo"},
		{Email: "financeiro@example.com", Role: auth.RoleFinance, SubjectID: "fin-demo"},
		{Email: "admin@example.com", Role: auth.RoleAdmin, SubjectID: "adm-demo"},
	}
	out := make([]login, len(people))
	for i, u := range people {
		pw, err := cognito.Password()
		if err != nil {
			return nil, err
		}
		if err := users.Ensure(ctx, u, pw); err != nil {
			return nil, fmt.Errorf("demo user: %w", err)
		}
		out[i] = login{User: u, password: pw}
	}
	return out, nil
}
