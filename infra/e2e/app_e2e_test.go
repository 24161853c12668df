//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/cognito"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/testkit/seed"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// person signs u up in the user pool with a new password and signs in
// through the app's sign-in, as the browser does; it returns the ID token.
func (a *api) person(t *testing.T, u cognito.User) (token, password string) {
	t.Helper()
	pw, err := cognito.Password()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.stack.Users.Ensure(context.Background(), u, pw); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"email": u.Email, "password": pw})
	r := a.call(t, "POST", "/app/session", "", string(body), nil, false).expect(t, 200)
	return r.str(t, "idToken"), pw
}

func email(tag string) string { return storetest.Unique(tag) + "@example.com" }

func TestE2EApp(t *testing.T) {
	t.Parallel() // mostly waits on the browser and the router
	app, machines := newAppAPI(t), newAPI(t)
	partnerA, keyA := machines.partner(t, "E2E App A")
	partnerB, _ := machines.partner(t, "E2E App B")
	reps, _ := machines.routeTo(t, partnerA, 1)
	repEmail := email("app-owner-")
	owner, repPassword := app.person(t, cognito.User{Email: repEmail, Role: auth.RoleRep, SubjectID: reps[0]})
	partnerEmail := email("app-partner-")
	tokens := map[string]string{}
	var partnerPassword string
	tokens["partner"], partnerPassword = app.person(t, cognito.User{Email: partnerEmail, Role: auth.RolePartner, PartnerID: partnerA})
	emails, passwords := map[auth.Role]string{}, map[auth.Role]string{}
	for _, role := range []auth.Role{auth.RoleRep, auth.RoleManager, auth.RoleFinance, auth.RoleAdmin} {
		emails[role] = email("app-" + string(role) + "-")
		tokens[string(role)], passwords[role] = app.person(t, cognito.User{Email: emails[role], Role: role, SubjectID: "app-" + string(role)})
	}
	// The rep a manager hands the lead to.
	second := storetest.Unique("rep-")
	machines.call(t, "PUT", "/v1/admin/reps/"+second, machines.admin, seed.RepJSON(second, 100), nil, true).expect(t, 200)

	// The same matrix as the API keys', with people's tokens on the app's
	// API: the role comes from the pool group, checked in the function.
	t.Run("roles", func(t *testing.T) { roleMatrix(t, app, tokens, partnerA) })

	t.Run("people see only their own", func(t *testing.T) {
		leadA := machines.createLead(t, keyA, lead(storetest.Unique("app-iso")))
		otherPartner, _ := app.person(t, cognito.User{Email: email("app-partner-b-"), Role: auth.RolePartner, PartnerID: partnerB})
		machines.waitAssigned(t, leadA, machines.admin)
		tampered := tokens["partner"][:len(tokens["partner"])-4] + "AAAA"
		cases := []struct {
			name, token string
			api         *api
			status      int
		}{
			{"its partner's user reads it", tokens["partner"], app, 200},
			{"another partner's user gets 404", otherPartner, app, 404},
			{"a rep who does not own it gets 404", tokens["rep"], app, 404},
			{"the rep who owns it reads it", owner, app, 200},
			{"a manager reads it", tokens["manager"], app, 200},
			{"a tampered token is refused", tampered, app, 401},
			{"an API key is not a person's token", keyA, app, 401},
			{"a person's token is not an API key", tokens["partner"], machines, 401},
		}
		for _, c := range cases {
			if r := c.api.call(t, "GET", "/v1/leads/"+leadA, c.token, "", nil, true); r.status != c.status {
				t.Errorf("%s: want %d, got %s", c.name, c.status, r)
			}
		}
	})

	t.Run("a removed person is refused at once", func(t *testing.T) {
		gone := email("app-removed-")
		token, password := app.person(t, cognito.User{Email: gone, Role: auth.RolePartner, PartnerID: partnerB})
		app.call(t, "GET", "/v1/leads", token, "", nil, true).expect(t, 200)
		if err := app.stack.RemoveUser(context.Background(), gone); err != nil {
			t.Fatal(err)
		}
		if r := app.call(t, "GET", "/v1/leads", token, "", nil, true); r.status != 401 {
			t.Errorf("the removed person's unexpired token: %s, want 401", r)
		}
		body, _ := json.Marshal(map[string]string{"email": gone, "password": password})
		if r := app.call(t, "POST", "/app/session", "", string(body), nil, false); r.status != 401 {
			t.Errorf("the removed person signing in again: %s, want 401", r)
		}
	})

	t.Run("a partner sends a lead in the browser and sees the rep's change", func(t *testing.T) {
		b := newBrowser(t)
		b.open(app.base + "/app")
		b.waitText("h1", "Entrar", 20*time.Second)
		b.audit("sign-in")
		b.typeInto("#f-email", partnerEmail)
		b.typeInto("#f-password", "wrong-"+partnerPassword)
		b.click("#signin button[type=submit]")
		b.waitContains("#signin-status", "E-mail ou senha incorretos.", 20*time.Second)
		b.audit("sign-in-refused")
		b.clear("#f-email")
		signIn(b, partnerEmail, partnerPassword)
		b.waitText("h1", "Enviar um lead", 20*time.Second)
		if who := b.text("#who"); !strings.Contains(who, partnerEmail) || !strings.Contains(who, "parceiro") {
			t.Errorf("the header names %q, want the partner user", who)
		}

		tag := storetest.Unique("app-form")
		b.typeInto("#f-contact-name", "Maria "+tag)
		b.typeInto("#f-contact-email", tag+"@example.com.br")
		b.typeInto("#f-company-name", "Empresa "+tag)
		b.typeInto("#f-company-taxId", "11.222.333/0001-00") // wrong check digits
		b.typeInto("#f-location-state", "SP")
		b.click("#lead-form button[type=submit]")
		b.waitText("#f-consent-lgpd-error", "Sem o consentimento do contato o lead não pode ser recebido.", 20*time.Second)
		if got := b.text("#f-company-taxId-error"); got != "CNPJ inválido: confira os dígitos." {
			t.Errorf("the CNPJ's error reads %q", got)
		}
		b.audit("lead-form-errors")
		b.clear("#f-company-taxId")
		b.click("#f-consent-lgpd")
		b.click("#lead-form button[type=submit]")
		got := b.waitContains("#lead-result", "Lead recebido.", 20*time.Second)
		m := regexp.MustCompile(`Número: (\S+)\.`).FindStringSubmatch(got)
		if m == nil {
			t.Fatalf("the receipt reads %q, with no lead number", got)
		}
		id := m[1]
		b.audit("lead-received")
		if r := machines.call(t, "GET", "/v1/leads/"+id, keyA, "", nil, true); r.status != 200 || r.body["source"] != "form" {
			t.Fatalf("the lead sent in the browser: %s", r)
		}

		machines.waitAssigned(t, id, machines.admin)
		b.click("#signout")
		b.waitText("h1", "Entrar", 10*time.Second)
		signIn(b, repEmail, repPassword)
		b.waitText("h1", "Minha fila", 20*time.Second)
		row := `#queue tr[data-id="` + id + `"]`
		eventually(t, 30*time.Second, time.Second, "the rep's queue listing the lead", func() (bool, string) {
			if b.displayed(row) {
				return true, ""
			}
			b.click("#refresh")
			return false, "the queue reads " + b.text("#view")
		})
		if got := b.text(row); !strings.Contains(got, "Atribuído") || !strings.Contains(got, "Primeiro contato") {
			t.Errorf("the queue's row reads %q, want the status and the first-contact deadline", got)
		}
		b.audit("queue")
		b.click(row + " a")
		b.waitContains("#move label[for=f-status]", "Nova situação", 20*time.Second)
		if got := b.text("#lead"); !strings.Contains(got, tag+"@example.com.br") {
			t.Errorf("the rep's lead page reads %q, without the contact's e-mail", got)
		}
		// The rep logs a WhatsApp message nobody answered.
		b.waitContains("#touch label[for=f-touch-channel]", "Canal", 20*time.Second)
		b.selectOption("#f-touch-channel", "whatsapp")
		b.selectOption("#f-touch-outcome", "no_answer")
		b.typeInto("#f-touch-note", "Mandei mensagem às 10h.")
		b.click("#touch button[type=submit]")
		eventually(t, 30*time.Second, time.Second, "the rep's lead page showing the touch", func() (bool, string) {
			if strings.Contains(b.text("#timeline"), "Tentativa de contato: WhatsApp · Sem resposta") {
				return true, ""
			}
			if b.text("#lead-status") != "" {
				b.click("#refresh")
			}
			return false, "the page reads " + b.text("#view")
		})
		if r := machines.call(t, "GET", "/v1/leads/"+id, keyA, "", nil, true); r.body["touches"] != 1.0 {
			t.Errorf("after the rep's touch the partner reads %s, want touches 1", r)
		}
		b.audit("lead-touch")
		b.waitContains("#move label[for=f-status]", "Nova situação", 20*time.Second)
		b.selectOption("#f-status", "lost")
		b.click("#move button[type=submit]")
		b.waitText("#f-reason-error", "Obrigatório.", 20*time.Second)
		b.audit("lead-move-errors")
		b.selectOption("#f-status", "contacted")
		b.typeInto("#f-note", "Liguei; retorno na sexta.")
		b.click("#move button[type=submit]")
		b.waitText("#lead-status", "Em contato", 20*time.Second)
		b.audit("lead-rep")
		b.click("#signout")
		b.waitText("h1", "Entrar", 10*time.Second)
		signIn(b, partnerEmail, partnerPassword)
		b.waitText("h1", "Enviar um lead", 20*time.Second)
		b.click(`#nav a[href="#/leads"]`)
		b.waitContains("#leads tbody", "Empresa "+tag, 20*time.Second)
		if got := b.text(`#leads tr[data-id="` + id + `"]`); !strings.Contains(got, "Em contato") {
			t.Errorf("the list's row for %s reads %q", id, got)
		}
		b.audit("leads")
		b.click(`#leads tr[data-id="` + id + `"] a`)
		eventually(t, 30*time.Second, time.Second, "the partner's lead page showing the rep's change", func() (bool, string) {
			s, tl := b.text("#lead-status"), b.text("#timeline")
			if s == "Em contato" && strings.Contains(tl, "Em contato") {
				return true, ""
			}
			if s != "" { // loaded, without the change yet: as a person would, refresh
				b.click("#refresh")
			}
			return false, fmt.Sprintf("status %q, timeline %q; the page reads %q", s, tl, b.text("#view"))
		})
		if b.displayed("#move") {
			t.Error("the partner's lead page offers the rep's status form")
		}
		b.audit("lead")

		// A manager picks the partner, opens the lead and hands it to
		// another rep, with a reason.
		b.click("#signout")
		b.waitText("h1", "Entrar", 10*time.Second)
		signIn(b, emails[auth.RoleManager], passwords[auth.RoleManager])
		b.waitText("h1", "Leads", 20*time.Second)
		b.waitContains("label[for=f-partner]", "Parceiro", 20*time.Second)
		b.selectOption("#f-partner", partnerA)
		b.click("#filter button[type=submit]")
		b.waitContains("#leads tbody", "Empresa "+tag, 20*time.Second)
		b.audit("leads-manager")
		b.click(`#leads tr[data-id="` + id + `"] a`)
		b.waitContains("#assign label[for=f-assign-ownerId]", "Novo responsável", 20*time.Second)
		if got := b.waitContains("#routing", "Pela regra e2e-"+partnerA, 20*time.Second); !strings.Contains(got, "Escolhido: "+reps[0]) {
			t.Errorf("the routing decision reads %q, want it to name %s", got, reps[0])
		}
		b.selectOption("#f-assign-ownerId", second)
		b.click("#assign button[type=submit]")
		b.waitText("#f-assign-reason-error", "Obrigatório.", 20*time.Second)
		b.typeInto("#f-assign-reason", "O cliente pediu atendimento em inglês.")
		b.click("#assign button[type=submit]")
		eventually(t, 30*time.Second, time.Second, "the manager's lead page showing the reassignment", func() (bool, string) {
			tl := b.text("#timeline")
			if strings.Contains(tl, "Passado a outro vendedor ("+second+")") && strings.Contains(tl, "atendimento em inglês") {
				return true, ""
			}
			if b.text("#lead-status") != "" {
				b.click("#refresh")
			}
			return false, "the page reads " + b.text("#view")
		})
		if r := machines.call(t, "GET", "/v1/leads/"+id, machines.admin, "", nil, true); r.body["ownerId"] != second {
			t.Errorf("after the manager's reassignment the lead reads %s, want owner %s", r, second)
		}
		b.audit("lead-manager")
		b.click(`#nav a[href="#/parados"]`)
		b.waitText("h1", "Leads parados", 20*time.Second)
		eventually(t, 20*time.Second, 250*time.Millisecond, "the stale list loaded", func() (bool, string) {
			got := b.text("#stale")
			return b.displayed("#stale table") || strings.Contains(got, "Nenhum lead parado há 3 dias"), "the list reads " + got
		})
		b.audit("stale")

		// An admin registers a partner and gets its first key, once.
		b.click("#signout")
		b.waitText("h1", "Entrar", 10*time.Second)
		signIn(b, emails[auth.RoleAdmin], passwords[auth.RoleAdmin])
		b.waitText("h1", "Leads", 20*time.Second)
		b.click(`#nav a[href="#/parceiros"]`)
		b.waitText("h1", "Parceiros", 20*time.Second)
		b.typeInto("#f-name", "Parceiro "+tag)
		b.click("#partner-form button[type=submit]")
		key := b.waitContains("#new-key", "plk_", 20*time.Second)
		if r := machines.call(t, "GET", "/v1/leads", key, "", nil, true); r.status != 200 {
			t.Errorf("the key the admin's page showed: GET /v1/leads answers %s", r)
		}
		b.audit("partners")
		b.click("#partner-result button")
		b.waitContains("#partners tbody", "Parceiro "+tag, 20*time.Second)

		b.selectOption("#lang", "en")
		b.waitText("h1", "Partners", 10*time.Second)
		b.click("#signout")
		b.waitText("h1", "Sign in", 10*time.Second)
	})
}

func signIn(b *browser, email, password string) {
	b.clear("#f-email")
	b.clear("#f-password")
	b.typeInto("#f-email", email)
	b.typeInto("#f-password", password)
	b.click("#signin button[type=submit]")
}
