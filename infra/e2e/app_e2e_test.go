//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/cognito"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
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
		switchTo(b, repEmail, repPassword, "Minha fila")
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
		switchTo(b, partnerEmail, partnerPassword, "Enviar um lead")
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
		switchTo(b, emails[auth.RoleManager], passwords[auth.RoleManager], "Leads")
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
		switchTo(b, emails[auth.RoleAdmin], passwords[auth.RoleAdmin], "Leads")
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

		// A new language keeps what the person was typing.
		b.typeInto("#f-name", "Meio digitado")
		b.selectOption("#lang", "en")
		b.waitText("h1", "Partners", 10*time.Second)
		if got := b.property("#f-name", "value"); got != "Meio digitado" {
			t.Errorf("after the language changed the partner's name reads %q, want what was typed", got)
		}
		b.click("#signout")
		b.waitText("h1", "Sign in", 10*time.Second)
	})

	t.Run("a partner uploads a spreadsheet, maps its columns and reads what each row became", func(t *testing.T) {
		tag := storetest.Unique("sheet")
		// As Excel in Portuguese saves it: semicolons, Portuguese headings,
		// a column of its own; line 4 repeats line 2, line 5 has a bad e-mail.
		file := filepath.Join(t.TempDir(), "leads.csv")
		rows := "Empresa;Contato;E-mail;País;LGPD;Vendedor interno\n" +
			"Alfa " + tag + ";Ana;ana-" + tag + "@example.com.br;BR;sim;Zé\n" +
			"Beta " + tag + ";Bia;bia-" + tag + "@example.com.br;BR;sim;Zé\n" +
			"Alfa " + tag + ";Ana;ana-" + tag + "@example.com.br;BR;sim;Zé\n" +
			"Gama " + tag + ";Gil;gil-sem-arroba;BR;sim;Zé\n"
		if err := os.WriteFile(file, []byte(rows), 0o600); err != nil {
			t.Fatal(err)
		}
		b := openApp(t, app, partnerEmail, partnerPassword, "Enviar um lead")
		b.click(`#nav a[href="#/planilha"]`)
		b.waitText("h1", "Enviar uma planilha de leads", 20*time.Second)
		b.audit("upload")
		b.typeInto("#f-sheet", file)
		b.waitContains("#upload", "4 linhas", 20*time.Second)
		for col, want := range map[string]string{"0": "company.name", "2": "contact.email", "5": ""} {
			if got := b.property("#f-col-"+col, "value"); got != want {
				t.Errorf("column %s is mapped to %q, want %q", col, got, want)
			}
		}
		b.audit("upload-mapping")
		b.click("#send-sheet")
		got := b.waitContains("#upload-counts", "Leads novos recebidos: 2", 30*time.Second)
		for _, want := range []string{"Repetidos (leads que você já enviou, ou linhas iguais): 1", "Com dados a corrigir: 1"} {
			if !strings.Contains(got, want) {
				t.Errorf("the report's counts read %q, want %q", got, want)
			}
		}
		if got := b.text(`#upload-rows tr[data-line="4"]`); !strings.Contains(got, "Igual à linha 2.") {
			t.Errorf("line 4 reads %q, want a repeat of line 2", got)
		}
		if got := b.text(`#upload-rows tr[data-line="5"]`); !strings.Contains(got, "E-mail do contato: E-mail inválido.") {
			t.Errorf("line 5 reads %q, want its e-mail refused", got)
		}
		b.audit("upload-report")

		// The same file again makes no new lead.
		b.click(`#nav a[href="#/leads/novo"]`)
		b.waitText("h1", "Enviar um lead", 20*time.Second)
		b.click(`#nav a[href="#/planilha"]`)
		b.waitText("h1", "Enviar uma planilha de leads", 20*time.Second)
		b.typeInto("#f-sheet", file)
		b.waitContains("#upload", "4 linhas", 20*time.Second)
		b.click("#send-sheet")
		b.waitContains("#upload-counts", "Já recebidos num envio anterior deste arquivo: 2", 30*time.Second)
		list := machines.call(t, "GET", "/v1/leads?limit=100", keyA, "", nil, true).expect(t, 200)
		sent := 0
		for _, l := range list.body["items"].([]any) {
			if c, _ := l.(map[string]any)["company"].(map[string]any); strings.HasSuffix(fmt.Sprint(c["name"]), tag) {
				sent++
				if src := l.(map[string]any)["source"]; src != "spreadsheet" {
					t.Errorf("an uploaded lead's source is %v, want spreadsheet", src)
				}
			}
		}
		if sent != 2 {
			t.Fatalf("partner A holds %d leads of the file after two uploads, want 2", sent)
		}
	})

	t.Run("a partner's API upload of 40 rows counts each outcome; a broken file stores nothing", func(t *testing.T) {
		tag := storetest.Unique("api-sheet")
		var csv strings.Builder
		csv.WriteString("externalRef,contact.name,contact.email,company.name,location.country,consent.lgpd\n")
		for i := range 40 {
			k, mail := i, fmt.Sprintf("%s-%d@example.com.br", tag, i)
			switch {
			case i%20 == 4 || i%20 == 14: // 10% repeat the row before
				k, mail = i-1, fmt.Sprintf("%s-%d@example.com.br", tag, i-1)
			case i%20 == 19: // 5% invalid
				mail = "sem-arroba"
			}
			fmt.Fprintf(&csv, "%s-%d,Contato %d,%s,Empresa %s %d,BR,sim\n", tag, k, k, mail, tag, k)
		}
		h := map[string]string{"Content-Type": "text/csv"}
		r := machines.call(t, "POST", "/v1/leads/upload", keyA, csv.String(), h, true).expect(t, 200)
		if got := fmt.Sprint(r.body["counts"]); got != "map[accepted:34 conflict:0 duplicate:4 failed:0 invalid:2]" {
			t.Fatalf("40 rows with 4 repeats and 2 bad e-mails counted %s", got)
		}
		// Two good rows, then broken quoting: nothing of the file is stored.
		broken := fmt.Sprintf("externalRef,contact.name,contact.email,company.name,location.country,consent.lgpd\n"+
			"%[1]s-x,Ana,%[1]s-x@example.com.br,Xis %[1]s,BR,sim\n%[1]s-y,Bia,%[1]s-y@example.com.br,Ypsilon %[1]s,BR,sim\n\"%[1]s-z,Caio\n", tag)
		machines.call(t, "POST", "/v1/leads/upload", keyA, broken, h, false).expect(t, 422) // not CSV, so no valid request
		for _, ref := range []string{"-x", "-y"} {
			// The partner's own duplicate would name the lead if the row had been stored.
			body := fmt.Sprintf(`{"externalRef":"%[1]s%[2]s","contact":{"name":"Ana","email":"%[1]s%[2]s@example.com.br"},"company":{"name":"Xis"},"location":{"country":"BR"},"consent":{"lgpd":true}}`, tag, ref)
			machines.call(t, "POST", "/v1/leads", keyA, body, nil, true).expect(t, 201)
		}
	})

	t.Run("a partner disputes a line; finance approves, pays, exports and answers", func(t *testing.T) {
		// A plan for partner A and a won deal of R$ 10.000,00: a line of
		// R$ 1.000,00 on the partner's statement.
		fin := machines.key(t, "finance", "fin-app")
		plan := fmt.Sprintf(`{"name":"App 10%%","partnerId":%q,"currency":"BRL","type":"percent_of_deal","rateBps":1000,"clawbackDays":90,"clawbackMode":"full","minPayout":1000}`, partnerA)
		planID := strings.ToLower(storetest.Unique("app-"))
		machines.call(t, "PUT", "/v1/commission-plans/"+planID, fin, plan, nil, true).expect(t, 201)
		id := machines.createLead(t, keyA, lead(storetest.Unique("app-money")))
		machines.waitAssigned(t, id, machines.admin)
		for _, s := range []string{"contacted", "qualified", "proposal"} {
			machines.call(t, "POST", "/v1/leads/"+id+"/status", machines.admin, `{"status":"`+s+`"}`, nil, true).expect(t, 200)
		}
		today := commission.DateOf(time.Now())
		machines.call(t, "POST", "/v1/leads/"+id+"/status", machines.admin, `{"status":"won","deal":{"value":{"amount":1000000,"currency":"BRL"},"contractStart":"`+today+`"}}`, nil, true).expect(t, 200)
		line := machines.waitLine(t, keyA, "period="+commission.PeriodOf(time.Now()), id, "accrual")
		period, lineID := line.str(t, "period"), line.str(t, "id")
		row := `tr[data-line="` + lineID + `"]`
		plain := func(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }

		b := openApp(t, app, partnerEmail, partnerPassword, "Enviar um lead")
		b.click(`#nav a[href="#/comissoes"]`)
		b.waitText("h1", "Comissões", 20*time.Second)
		if p := b.property("#f-periodo", "value"); p != period {
			t.Errorf("the statement opens on %q, want the line's month %s", p, period)
		}
		got := plain(b.waitContains("#statement "+row, "R$ 1.000,00", 20*time.Second))
		if !strings.Contains(got, "Comissão") || !strings.Contains(got, "Acumulada") || !strings.Contains(got, "10.00% of the deal value") {
			t.Errorf("the partner's line reads %q, want its kind, state and explanation", got)
		}
		b.audit("commissions-partner")
		b.click(row + " button.dispute")
		b.typeInto("#f-dispute-message", "Faltou o bônus de faixa deste mês.")
		b.typeInto("#f-dispute-claimed-amount", "1.500,00")
		b.click("#dispute-form button[type=submit]")
		m := regexp.MustCompile(`Contestação registrada \((\S+)\)`).FindStringSubmatch(b.waitContains("#dispute-result", "Contestação registrada", 20*time.Second))
		if m == nil {
			t.Fatalf("the filing reads %q, without the dispute's id", b.text("#dispute-result"))
		}
		dispute := m[1]
		b.audit("dispute-filed")

		switchTo(b, emails[auth.RoleFinance], passwords[auth.RoleFinance], "Comissões")
		if period != b.property("#f-periodo", "value") {
			b.clear("#f-periodo")
			b.typeInto("#f-periodo", period)
			b.click("#period-filter button[type=submit]")
		}
		section := `#statement section[data-partner="` + partnerA + `"]`
		b.waitContains(section+" "+row, "Acumulada", 20*time.Second)
		b.click(section + " button.approve")
		b.waitContains(section+" .line-result", "1 linha(s) aprovada(s)", 20*time.Second)
		b.click(section + " button.pay")
		if got := plain(b.waitContains(section+" .line-result", "Pago:", 20*time.Second)); !strings.Contains(got, "Pago: R$ 1.000,00 (1 linha(s))") {
			t.Errorf("the payment reads %q, want R$ 1.000,00 for one line", got)
		}
		b.click(section + " .line-result button")
		b.waitContains(section+" "+row, "Paga", 20*time.Second)
		if got := plain(b.text(section + " .payout")); !strings.Contains(got, "R$ 1.000,00 (1 linha(s)), pago") {
			t.Errorf("the statement's payout reads %q", got)
		}
		b.audit("commissions-finance")
		b.click("#export")
		b.waitContains("#desk-result", "prontos", 150*time.Second)
		if csv := string(download(t, b.property("#export-links a", "href"))); !strings.Contains(csv, lineID) {
			t.Errorf("the exported statement has no line %s:\n%s", lineID, clip([]byte(csv)))
		}
		b.audit("export")

		b.click(`#nav a[href="#/contestacoes"]`)
		b.waitText("h1", "Contestações", 20*time.Second)
		card := `#disputes article[data-id="` + dispute + `"]`
		if got := plain(b.waitContains(card, "Faltou o bônus", 20*time.Second)); !strings.Contains(got, "R$ 1.500,00") || !strings.Contains(got, "Aberta") {
			t.Errorf("finance's queue shows the dispute as %q", got)
		}
		b.audit("disputes-finance")
		b.click(card + " form.answer button[type=submit]")
		b.waitContains(card+" form.answer .field-error", "Escolha um valor da lista.", 20*time.Second)
		b.click(card + ` select[name="decision"] option[value="partly_accepted"]`)
		b.typeInto(card+` input[name="amount.amount"]`, "500,00")
		b.typeInto(card+` textarea[name="reason"]`, "O bônus de faixa vale a partir do mês que vem; pagamos a diferença.")
		b.click(card + " form.answer button[type=submit]")
		eventually(t, 20*time.Second, 250*time.Millisecond, "the answered dispute leaving the open queue", func() (bool, string) {
			return !b.displayed(card) && b.text("#disputes") != "" && !strings.Contains(b.text("#disputes"), "Carregando"), "the queue reads " + b.text("#disputes")
		})
		if r := machines.call(t, "GET", "/v1/commission-disputes/"+dispute, keyA, "", nil, true); r.str(t, "state") != "partly_accepted" || r.body["answer"].(map[string]any)["amount"].(map[string]any)["amount"] != 50000.0 {
			t.Errorf("after finance's answer the partner reads %s, want partly accepted with R$ 500,00", r)
		}

		// Finance raises the plan to 12 %: a refused version first, then
		// version 2, with version 1 kept in the history.
		b.click(`#nav a[href="#/planos"]`)
		b.waitText("h1", "Planos de comissão", 20*time.Second)
		planRow := `#plans-table tr[data-plan="` + planID + `"]`
		if got := b.waitContains(planRow, "versão 1", 20*time.Second); !strings.Contains(got, "10%") || !strings.Contains(got, partnerA) {
			t.Errorf("the plan's row reads %q, want 10%% for partner A", got)
		}
		b.selectOption("#f-plan-pick", planID)
		rewrite := func(rate int) {
			t.Helper()
			var p map[string]any
			if err := json.Unmarshal([]byte(b.property("#f-plandoc", "value")), &p); err != nil {
				t.Fatalf("the plan editor holds no JSON: %v", err)
			}
			p["rateBps"] = rate
			text, _ := json.Marshal(p)
			b.clear("#f-plandoc")
			b.typeInto("#f-plandoc", string(text))
		}
		rewrite(0)
		b.click("#save-plan")
		if got := b.waitContains("#plan-result", "A API recusou", 20*time.Second); !strings.Contains(got, "rateBps") {
			t.Errorf("the refused plan reads %q, without the field", got)
		}
		rewrite(1200)
		b.click("#save-plan")
		b.waitContains("#plan-result", "salvo como versão 2", 20*time.Second)
		b.click("#plan-result button")
		if got := b.waitContains(planRow, "versão 2", 20*time.Second); !strings.Contains(got, "12%") {
			t.Errorf("the plan's row after the save reads %q, want 12%%", got)
		}
		b.audit("plans")

		switchTo(b, partnerEmail, partnerPassword, "Enviar um lead")
		b.click(`#nav a[href="#/contestacoes"]`)
		if got := plain(b.waitContains(card, "Aceita em parte", 20*time.Second)); !strings.Contains(got, "pagamos a diferença") || !strings.Contains(got, "R$ 500,00") {
			t.Errorf("the partner's dispute reads %q, want finance's reason and the adjustment", got)
		}
		b.audit("disputes-partner")
	})

	t.Run("a partner sets its e-mails and a webhook; an admin makes and revokes a key", func(t *testing.T) {
		b := openApp(t, app, partnerEmail, partnerPassword, "Enviar um lead")
		b.click(`#nav a[href="#/integracoes"]`)
		b.waitText("h1", "Integrações", 20*time.Second)
		b.waitContains("#prefs-form", "Quando avisar", 20*time.Second)
		inbox := email("app-inbox-")
		b.selectOption("#f-prefs-mode", "immediate")
		b.clear("#f-prefs-email")
		b.typeInto("#f-prefs-email", inbox)
		b.click(`#prefs-form input[value="lead.touched"]`)
		b.click("#prefs-form button[type=submit]")
		b.waitText("#prefs-result", "Avisos salvos.", 20*time.Second)
		if r := machines.call(t, "GET", "/v1/notification-preferences", keyA, "", nil, true); r.body["email"] != inbox || fmt.Sprint(r.body["events"]) != "[lead.touched]" || r.body["mode"] != "immediate" {
			t.Errorf("the preferences saved in the browser read %s", r)
		}

		b.typeInto("#f-hook-url", "ftp://crm.example.com/hook")
		b.click("#hook-form button[type=submit]")
		b.waitContains("#f-hook-url-error", "Endereço não aceito", 20*time.Second)
		b.clear("#f-hook-url")
		hook := "http://127.0.0.1:9/" + storetest.Unique("hook")
		b.typeInto("#f-hook-url", hook)
		b.click(`#hook-form input[value="lead.status_changed"]`)
		b.click("#hook-form button[type=submit]")
		b.waitContains("#new-secret", "whsec_", 20*time.Second)
		b.audit("integrations")
		b.click("#hook-result .once button")
		row := b.waitContains("#webhooks tbody", hook, 20*time.Second)
		if !strings.Contains(row, "Mudança de situação") {
			t.Errorf("the webhook's row reads %q, want its event", row)
		}
		b.click("#webhooks tbody button.rotate")
		b.waitContains("#hook-result", "Segredo novo criado", 20*time.Second)
		if !strings.HasPrefix(b.text("#new-secret"), "whsec_") {
			t.Errorf("the rotated secret reads %q", b.text("#new-secret"))
		}
		b.click("#hook-result .once button")
		b.waitContains("#webhooks tbody", hook, 20*time.Second)
		b.click("#webhooks tbody button.danger")
		b.waitText("#webhooks tbody button.danger", "Confirmar remoção", 10*time.Second)
		b.click("#webhooks tbody button.danger")
		b.waitText("#webhooks p.status", "Nenhum webhook cadastrado.", 20*time.Second)
		if r := machines.call(t, "GET", "/v1/webhooks", keyA, "", nil, true); strings.Contains(string(r.raw), hook) {
			t.Errorf("the removed webhook is still listed: %s", r)
		}

		switchTo(b, emails[auth.RoleAdmin], passwords[auth.RoleAdmin], "Leads")
		b.click(`#nav a[href="#/chaves"]`)
		b.waitText("h1", "Chaves de API", 20*time.Second)
		b.waitContains("label[for=f-key-partnerId]", "Parceiro", 20*time.Second)
		b.selectOption("#f-key-role", "partner")
		b.click("#key-form button[type=submit]")
		b.waitContains("#f-key-partnerId-error", "Obrigatório.", 20*time.Second)
		name := storetest.Unique("crm-")
		b.selectOption("#f-key-partnerId", partnerA)
		b.typeInto("#f-key-name", name)
		b.click("#key-form button[type=submit]")
		key := b.waitContains("#new-secret", "plk_", 20*time.Second)
		machines.call(t, "GET", "/v1/leads", key, "", nil, true).expect(t, 200)
		b.audit("keys")
		b.click("#new-key-result .once button")
		var keyID string
		for _, k := range machines.call(t, "GET", "/v1/admin/keys", machines.admin, "", nil, true).expect(t, 200).items(t, "items") {
			if k.get("name") == name {
				keyID = k.str(t, "id")
			}
		}
		keyRow := `#keys tr[data-id="` + keyID + `"]`
		// The key was used above: its row says when, not "never".
		if got := b.waitContains(keyRow, name, 20*time.Second); !strings.Contains(got, "Ativa") || !strings.Contains(got, partnerA) || strings.Contains(got, "nunca") {
			t.Errorf("the new key's row reads %q, want it active, partner A's and used", got)
		}
		b.click(keyRow + " button.danger")
		b.waitText(keyRow+" button.danger", "Confirmar: revogar para sempre", 10*time.Second)
		b.click(keyRow + " button.danger")
		b.waitContains(keyRow, "Revogada", 20*time.Second)
		if r := machines.call(t, "GET", "/v1/leads", key, "", nil, true); r.status != 401 {
			t.Errorf("the key revoked in the browser: GET /v1/leads answers %s, want 401", r)
		}
	})

	t.Run("a manager edits the rules, simulates and publishes; a stale publish is refused", func(t *testing.T) {
		b := openApp(t, app, emails[auth.RoleManager], passwords[auth.RoleManager], "Leads")
		b.click(`#nav a[href="#/roteamento"]`)
		b.waitText("h1", "Regras de roteamento", 20*time.Second)
		if got := b.waitContains("#rules-table", "e2e-"+partnerA, 20*time.Second); !strings.Contains(got, "parceiros: "+partnerA) {
			t.Errorf("the rules read %q, want partner A's rule in words", got)
		}
		b.audit("rules")
		// edit adds a rule for a partner nobody else uses to what the
		// editor holds, as a person would type it; strategy picks its way.
		ruleID := storetest.Unique("app-rule-")
		published := b.property("#f-rules", "value")
		edit := func(strategy string) {
			t.Helper()
			var set map[string]any
			if err := json.Unmarshal([]byte(published), &set); err != nil {
				t.Fatalf("the editor holds no JSON: %v", err)
			}
			rules, _ := set["rules"].([]any)
			set["rules"] = append(rules, map[string]any{"id": ruleID, "when": map[string]any{"partners": []string{storetest.Unique("ptn-nobody-")}}, "pool": []string{second}, "strategy": strategy})
			text, _ := json.Marshal(set)
			b.clear("#f-rules")
			b.typeInto("#f-rules", string(text))
		}
		edit("fastest")
		b.click("#simulate")
		b.waitContains("#rules-result", "A API recusou o que você escreveu", 30*time.Second)
		if got := b.text("#rules-result"); !strings.Contains(got, "strategy") {
			t.Errorf("the refusal reads %q, without the field", got)
		}
		edit("least_loaded")
		b.click("#simulate")
		b.waitContains("#simulation", "leads simulados", 60*time.Second)
		b.audit("rules-simulated")

		// Another manager publishes meanwhile: this page's publish is refused.
		bump := func() {
			eventually(t, 30*time.Second, 500*time.Millisecond, "another manager's publish", func() (bool, string) {
				cur := machines.call(t, "GET", "/v1/admin/routing/rules", machines.admin, "", nil, true).expect(t, 200)
				r := machines.call(t, "PUT", "/v1/admin/routing/rules", machines.admin, string(cur.raw), map[string]string{"If-Match": fmt.Sprintf(`"%v"`, cur.body["version"])}, true)
				return r.status == 201, r.String()
			})
		}
		bump()
		b.click("#publish")
		b.waitContains("#rules-result", "Outra pessoa publicou regras", 20*time.Second)
		done := false
		for try := 0; try < 3 && !done; try++ { // other tests publish rules too
			b.click("#refresh")
			b.waitContains("#rules-table", "e2e-"+partnerA, 20*time.Second)
			published = b.property("#f-rules", "value")
			edit("least_loaded")
			b.click("#publish")
			eventually(t, 20*time.Second, 250*time.Millisecond, "the publish answered", func() (bool, string) {
				got := b.text("#rules-result")
				done = strings.Contains(got, "Publicadas como versão")
				return done || strings.Contains(got, "Outra pessoa publicou"), "the page reads " + got
			})
		}
		if !done {
			t.Fatalf("three publishes refused; the page reads %q", b.text("#rules-result"))
		}
		b.click("#rules-result button")
		b.waitContains("#rules-table", ruleID, 20*time.Second)
		if r := machines.call(t, "GET", "/v1/admin/routing/rules", machines.admin, "", nil, true); !strings.Contains(string(r.raw), ruleID) {
			t.Errorf("the published rules lack %s: %s", ruleID, r)
		}

		// The API reference, linked from every page.
		b.click(`footer a[href="v1/docs"]`)
		b.waitContains("h1", "Partner lead pipeline API", 20*time.Second)
		if got := b.text("#putRules"); !strings.Contains(got, "PUT /v1/admin/routing/rules") || !strings.Contains(got, "manager") {
			t.Errorf("the reference's rule publishing reads %q", got)
		}
		b.audit("api-reference")
	})

	t.Run("an admin changes a rep and a program's SLA policy; a manager reads them", func(t *testing.T) {
		b := openApp(t, app, emails[auth.RoleAdmin], passwords[auth.RoleAdmin], "Leads")
		b.click(`#nav a[href="#/vendedores"]`)
		b.waitText("h1", "Vendedores e times", 20*time.Second)
		repRow := `#reps-table tr[data-rep="` + second + `"]`
		b.waitContains(repRow, "até 100 abertos", 20*time.Second)
		b.selectOption("#f-rep-pick", second)
		rewrite := func(css string, change func(map[string]any)) {
			t.Helper()
			var doc map[string]any
			if err := json.Unmarshal([]byte(b.property(css, "value")), &doc); err != nil {
				t.Fatalf("%s holds no JSON: %v", css, err)
			}
			change(doc)
			text, _ := json.Marshal(doc)
			b.clear(css)
			b.typeInto(css, string(text))
		}
		from, to := time.Now().Add(48*time.Hour).UTC(), time.Now().Add(96*time.Hour).UTC()
		rewrite("#f-repdoc", func(r map[string]any) {
			r["capacity"] = map[string]any{"maxOpen": 120, "dailyCap": 0}
			r["outOfOffice"] = []map[string]string{{"from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339)}}
		})
		b.click("#save-rep")
		b.waitContains("#rep-result", "salvo", 20*time.Second)
		b.click("#rep-result button")
		if got := b.waitContains(repRow, "até 120 abertos", 20*time.Second); !strings.Contains(got, "seg ter qua qui sex, 09:00–18:00") || !strings.Contains(got, "de "+from.In(time.FixedZone("BRT", -3*3600)).Format("02/01/2006")) {
			t.Errorf("the changed rep's row reads %q, want its hours and its time off", got)
		}
		b.audit("reps")

		b.click(`#nav a[href="#/sla"]`)
		b.waitText("h1", "Prazos de acompanhamento (SLA)", 20*time.Second)
		b.waitContains("#sla-table", "default", 20*time.Second)
		program := strings.ToLower(storetest.Unique("app-"))
		b.typeInto("#f-sla-id", program)
		rewrite("#f-sladoc", func(p map[string]any) { p["minTouchesBeforeUnreachable"] = 3 })
		b.click("#save-sla")
		b.waitContains("#sla-result", "salva como versão 1", 20*time.Second)
		b.click("#sla-result button")
		if got := b.waitContains(`#sla-table tr[data-program="`+program+`"]`, program, 20*time.Second); !strings.Contains(got, "3") {
			t.Errorf("the new program's policy reads %q, want 3 attempts before unreachable", got)
		}
		b.audit("sla")

		b.click(`#nav a[href="#/canais"]`)
		b.waitText("h1", "Canais da equipe (Slack, Teams)", 20*time.Second)
		b.waitContains("#channel-editor", "Cadastrar ou mudar um canal", 20*time.Second)
		channel := storetest.Unique("app-chat-")
		b.typeInto("#f-channel-id", channel)
		rewrite("#f-channeldoc", func(c map[string]any) { c["url"] = "http://127.0.0.1:9/" + channel })
		b.click("#save-channel")
		b.waitContains("#channel-result", "salvo", 20*time.Second)
		b.click("#channel-result button")
		if got := b.waitContains(`#channels-table tr[data-channel="`+channel+`"]`, "Slack", 20*time.Second); !strings.Contains(got, "127.0.0.1:9") || strings.Contains(got, "/"+channel) {
			t.Errorf("the new channel's row reads %q, want its host and not its secret path", got)
		}
		b.audit("channels")

		switchTo(b, emails[auth.RoleManager], passwords[auth.RoleManager], "Leads")
		b.click(`#nav a[href="#/vendedores"]`)
		b.waitContains(repRow, "até 120 abertos", 20*time.Second)
		if b.displayed("#save-rep") {
			t.Error("a manager is offered the rep editor, which only admins may use")
		}
	})
}

// openApp opens the app in a new browser and signs in, on the page that
// opens with the heading home.
func openApp(t *testing.T, app *api, email, password, home string) *browser {
	t.Helper()
	b := newBrowser(t)
	b.open(app.base + "/app")
	b.waitText("h1", "Entrar", 20*time.Second)
	signIn(b, email, password)
	b.waitText("h1", home, 20*time.Second)
	return b
}

// switchTo signs out and in as someone else.
func switchTo(b *browser, email, password, home string) {
	b.t.Helper()
	b.click("#signout")
	b.waitText("h1", "Entrar", 10*time.Second)
	signIn(b, email, password)
	b.waitText("h1", home, 20*time.Second)
}

func signIn(b *browser, email, password string) {
	b.clear("#f-email")
	b.clear("#f-password")
	b.typeInto("#f-email", email)
	b.typeInto("#f-password", password)
	b.click("#signin button[type=submit]")
}
