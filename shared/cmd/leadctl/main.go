// Command leadctl administers a deployed pipeline with your AWS credentials:
// partners, API keys for every role, and the local demo set-up.
//
//	leadctl partner create --name "Acme Resellers"
//	leadctl key create --role manager --subject mgr-ana --name "Ana"
//	leadctl key list
//	leadctl key revoke|disable|enable KEY_ID
//	leadctl user add --email ana@example.com --role rep --subject rep-ana
//	leadctl user remove --email ana@example.com
//	leadctl commissions diff --partner P --period 2026-03
//	leadctl dlq list
//	leadctl dlq redrive [--max 1000] RouteNewLeads
//	leadctl demo --env-file .local/run.env
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"
	_ "time/tzdata"

	"github.com/partnerleads/pipeline/shared/aws/cognito"
	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/routingdb"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

const usage = `usage:
  leadctl partner create --name NAME
  leadctl key create --role partner|rep|manager|finance|admin [--partner ID] [--subject ID] [--name NAME]
  leadctl key list
  leadctl key revoke|disable|enable KEY_ID
  leadctl user add --email EMAIL --role partner|rep|manager|finance|admin [--partner ID] [--subject ID]
  leadctl user remove --email EMAIL
  leadctl commissions diff --partner ID [--period YYYY-MM]
  leadctl dlq list
  leadctl dlq redrive [--max N] QUEUE
  leadctl demo [--env-file FILE]
  leadctl simulate --rules FILE [--last N | --leads FILE.jsonl]
  leadctl verify LEAD_ID

Finds the stack through CloudFormation (--stack, default PartnerLeads).
API keys are printed once and never stored in clear.`

// errUsage asks for the usage text, printed whole.
var errUsage = errors.New("usage")

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "leadctl:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	cmd := args[0]
	sub, rest := "", args[1:]
	if cmd == "partner" || cmd == "key" || cmd == "user" || cmd == "commissions" || cmd == "dlq" {
		if len(args) < 2 {
			return errUsage
		}
		sub, rest = args[1], args[2:]
	}
	fs := flag.NewFlagSet("leadctl "+cmd+" "+sub, flag.ContinueOnError)
	stack := fs.String("stack", stackinfo.DefaultStack, "CloudFormation stack name")
	name := fs.String("name", "", "partner or key name")
	role := fs.String("role", "", "key role")
	partner := fs.String("partner", "", "partner id (partner keys, commissions diff)")
	period := fs.String("period", "", "commissions diff: YYYY-MM (default: this month)")
	subject := fs.String("subject", "", "subject id (rep, manager, finance keys and users)")
	email := fs.String("email", "", "user add: the person's sign-in e-mail")
	envFile := fs.String("env-file", "", "demo: write API_URL and PARTNER_API_KEY here")
	rulesFile := fs.String("rules", "", "simulate: proposed rule set (JSON)")
	leadsFile := fs.String("leads", "", "simulate: JSONL file of lead submissions")
	last := fs.Int("last", 200, "simulate: replay the last N leads")
	maxMoved := fs.Int("max", 1000, "dlq redrive: re-send at most N messages")
	if err := fs.Parse(rest); err != nil {
		return err
	}

	st, err := deployed.Open(ctx, *stack)
	if err != nil {
		return err
	}
	svc := st.Admin
	routingAdmin := routing.Admin{Store: st.Routing}

	switch cmd + " " + sub {
	case "partner create":
		p, iss, err := svc.CreatePartner(ctx, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "partner %s (%s)\nkey     %s\napi key %s\n(shown once: store it now)\n", p.ID, p.Name, iss.Key.ID, iss.Token)
	case "key create":
		iss, err := svc.CreateKey(ctx, auth.Role(*role), *partner, *subject, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "key     %s (%s)\napi key %s\n(shown once: store it now)\n", iss.Key.ID, iss.Key.Role, iss.Token)
	case "key list":
		keys, err := svc.ListKeys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tPARTNER\tSUBJECT\tSTATUS\tNAME")
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, k.PartnerID, k.SubjectID, k.Status, k.Name)
		}
		return tw.Flush()
	case "key revoke", "key disable", "key enable":
		if fs.NArg() != 1 {
			return errors.New("name exactly one KEY_ID")
		}
		status := map[string]string{"revoke": auth.KeyRevoked, "disable": auth.KeyDisabled, "enable": auth.KeyActive}[sub]
		k, err := svc.SetKeyStatus(ctx, fs.Arg(0), status)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "key %s is now %s\n", k.ID, k.Status)
	case "dlq list", "dlq redrive":
		return runDLQ(ctx, st, sub, fs.Args(), *maxMoved, out)
	case "commissions diff":
		return diff(ctx, commission.Service{Store: st.Ledger, Now: time.Now}, *partner, *period, out)
	case "demo ":
		return demo(ctx, svc, routingAdmin, st.Users, st.Outputs, *envFile, out)
	case "user add":
		pw, err := cognito.Password()
		if err != nil {
			return err
		}
		r, err := auth.ParseRole(*role)
		if err != nil {
			return err
		}
		switch {
		case *email == "":
			return errors.New("say whose sign-in with --email")
		case r == auth.RolePartner && *partner == "":
			return errors.New("a partner user acts for a partner: add --partner PARTNER_ID")
		case r == auth.RoleRep && *subject == "":
			return errors.New("a rep user works a rep's leads: add --subject REP_ID")
		}
		if err := st.AddUser(ctx, cognito.User{Email: *email, Role: r, PartnerID: *partner, SubjectID: *subject}, pw); err != nil {
			return err
		}
		fmt.Fprintf(out, "user     %s (%s)\npassword %s\n(shown once: give it to the person)\n", *email, r, pw)
	case "user remove":
		if *email == "" {
			return errors.New("say whose sign-in with --email")
		}
		if err := st.RemoveUser(ctx, *email); err != nil {
			return err
		}
		fmt.Fprintf(out, "user %s removed: its tokens are refused from the next request, and it can no longer sign in\n", *email)
	case "verify ":
		if fs.NArg() != 1 {
			return errors.New("name exactly one LEAD_ID")
		}
		return verify(ctx, st, fs.Arg(0), out)
	case "simulate ":
		recent := routingdb.RecentLeads{Leads: st.Leads, Directory: st.Keys.Directory}
		return simulate(ctx, routingAdmin, recent, *rulesFile, *leadsFile, *last, out)
	default:
		return errUsage
	}
	return nil
}
