package chaos

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/directorydb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/ledgerdb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/routingdb"
	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/testkit/faultproxy"
	"github.com/partnerleads/pipeline/shared/testkit/seed"
	"github.com/partnerleads/pipeline/shared/testkit/webhooktest"
)

// Scenario is one run's shape.
type Scenario struct {
	Partners, PerPartner int
	WonEvery             int           // every n-th lead of a partner is won
	Faults               float64       // fraction of the functions' AWS calls that fail
	Duplicate            bool          // every event and batch delivered twice
	ReceiverDown         time.Duration // the webhook receiver is down this long from the first lead
	Seed                 uint64
}

// Outcome is what a run measured.
type Outcome struct {
	Accepted, Lost, Extra int
	Unowned               int // leads without an owner at the end
	CounterDrift          int // Σ |a rep's open-lead counter − the open leads it owns|
	// LedgerDrift is Σ |ledger − commission.Recompute| in minor units, per
	// lead and per period earned in.
	LedgerDrift                    int64
	DoubleAssigned, Unassigned     int
	BrokenHistories                int
	Events, Notified, BadSignature int
	Ledger                         map[string]int64 // partner tag → net minor units
	LedgerLines                    int
	Export                         []byte // canonical: run-specific ids and times replaced
	DeadLetters, PIILeaks          int
	Redeliveries                   int64
	Deliveries, Duplicated         int64 // batches and events handed to functions; of those, handed over twice
	Injected                       map[faultproxy.Fault]int
	GaveUp                         int // held answers the functions stopped waiting for
	Calls                          map[string]int
	Invocations                    map[string]int64
	Busy                           map[string]time.Duration // time in each function's handler, summed
	MemoryMB                       map[string]int
	Requests                       int64  // HTTP API requests
	Notifier                       string // the notifier's logical id
	LogBytes                       int    // what the functions printed
	Logs                           LogShape
	Elapsed                        time.Duration
}

// Run drives one copy of the stack on the emulator at endpoint: setup
// without faults, then the pipeline with them, from intake to the export.
func Run(ctx context.Context, awsCfg aws.Config, endpoint string, tpl *Template, sc Scenario, logf func(string, ...any)) (*Outcome, error) {
	proxy, err := faultproxy.Start(faultproxy.Config{Upstream: endpoint, Seed: sc.Seed})
	if err != nil {
		return nil, err
	}
	defer proxy.Close()
	fn := func(prefix string) string { id, _ := tpl.FunctionByPrefix(prefix); return id }
	w, err := Start(ctx, Config{
		Template: tpl, AWS: awsCfg, FunctionEndpoint: proxy.URL(), Name: fmt.Sprintf("chaos%d", time.Now().UnixNano()%1e9),
		Processes: map[string]int{fn("Intake"): 4, fn("Router"): 4, fn("Notifier"): 8, fn("Commission"): 4, fn("Admin"): 2},
		Duplicate: sc.Duplicate,
		// A held answer (a timeout fault) costs a function this long.
		Env: map[string]string{"SDK_RESPONSE_TIMEOUT_MS": "500"},
	})
	if err != nil {
		return nil, err
	}
	defer w.Close()
	rcv, err := webhooktest.Start()
	if err != nil {
		return nil, err
	}
	defer rcv.Close()

	r := &runner{w: w, sc: sc}
	if err := r.setup(ctx, awsCfg, rcv); err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	start := time.Now()
	proxy.SetRate(sc.Faults)
	go func() {
		time.Sleep(sc.ReceiverDown)
		rcv.SetDown(false)
	}()
	if err := r.submit(ctx); err != nil {
		return nil, err
	}
	logf("%d leads accepted in %v; waiting for routing", len(r.leads), time.Since(start).Round(time.Second))
	if err := w.Settle(ctx, 3*time.Second); err != nil {
		return nil, err
	}
	if err := r.work(ctx); err != nil {
		return nil, err
	}
	logf("statuses changed at %v; waiting for commissions and notifications", time.Since(start).Round(time.Second))
	if err := w.Settle(ctx, 3*time.Second); err != nil {
		return nil, err
	}
	out := &Outcome{Accepted: len(r.leads)}
	csvBody, err := r.export(ctx, awsCfg)
	if err != nil {
		return nil, err
	}
	out.Elapsed = time.Since(start)
	proxy.SetRate(0)
	if err := r.check(ctx, out, rcv); err != nil {
		return nil, err
	}
	if out.Export, out.Ledger, out.LedgerLines, err = r.canonical(csvBody); err != nil {
		return nil, err
	}
	dead, err := w.DeadLetters(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range dead {
		out.DeadLetters += n
	}
	out.Redeliveries, out.Injected, out.Calls, out.GaveUp = w.Redeliveries(), proxy.Injected(), proxy.Calls(), proxy.GaveUp()
	out.Deliveries, out.Duplicated = w.Deliveries()
	out.Invocations, out.Busy, out.MemoryMB = map[string]int64{}, map[string]time.Duration{}, map[string]int{}
	var logs strings.Builder
	for id, f := range w.Functions() {
		out.Invocations[id], out.Busy[id] = f.Invocations()
		out.MemoryMB[id] = tpl.Functions[id].MemorySize
		logs.WriteString(f.Output())
	}
	out.Requests, out.LogBytes, out.Notifier = w.Requests(), logs.Len(), fn("Notifier")
	out.PIILeaks = r.piiIn(logs.String())
	out.Logs = logShape(logs.String())
	return out, nil
}

// runner is one run's clients and what they created.
type runner struct {
	w        *World
	sc       Scenario
	admin    string
	manager  string
	finance  string
	partners []partner
	reps     []string
	db       *dynamodb.Client // the world's tables, read directly for the counters
	mu       sync.Mutex
	leads    map[string]string // lead id → tag "p-i"
}

type partner struct{ id, key string }

// call retries what a careful client retries: throttling and 5xx answers.
func (r *runner) call(ctx context.Context, method, path, token, body string, header http.Header) (Response, map[string]any, error) {
	h := http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"}}
	for k, v := range header {
		h[k] = v
	}
	for attempt := 0; ; attempt++ {
		resp, err := r.w.Call(ctx, method, path, h, body)
		if err != nil {
			return resp, nil, err
		}
		if (resp.Status == 429 || resp.Status >= 500) && attempt < 30 {
			time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
			continue
		}
		var m map[string]any
		_ = json.Unmarshal(resp.Body, &m)
		return resp, m, nil
	}
}

// api is the runner's client as seed.API.
func (r *runner) api(ctx context.Context, method, path, token, body string, header map[string]string) (int, map[string]any, []byte, error) {
	h := http.Header{}
	for k, v := range header {
		h.Set(k, v)
	}
	resp, m, err := r.call(ctx, method, path, token, body, h)
	return resp.Status, m, resp.Body, err
}

func (r *runner) must(ctx context.Context, want int, method, path, token, body string) (map[string]any, error) {
	resp, m, err := r.call(ctx, method, path, token, body, nil)
	if err == nil && resp.Status != want {
		err = fmt.Errorf("%s %s: %d %s", method, path, resp.Status, resp.Body)
	}
	return m, err
}

func (r *runner) setup(ctx context.Context, awsCfg aws.Config, rcv *webhooktest.Receiver) error {
	r.db = dynamodb.NewFromConfig(awsCfg)
	dir := directorydb.New(r.db, r.w.Ref(tableID(r.w, "Directory")))
	iss, err := admin.Service{Partners: dir, Keys: dir, Now: time.Now}.CreateKey(ctx, auth.RoleAdmin, "", "chaos", "chaos admin")
	if err != nil {
		return err
	}
	r.admin = iss.Token
	for _, k := range []struct {
		to   *string
		role string
	}{{&r.manager, "manager"}, {&r.finance, "finance"}} {
		m, err := r.must(ctx, 201, "POST", "/v1/admin/keys", r.admin, `{"role":"`+k.role+`","subjectId":"chaos-`+k.role+`","name":"chaos"}`)
		if err != nil {
			return err
		}
		*k.to = m["apiKey"].(string)
	}
	var ids []string
	for i := range 10 {
		r.reps = append(r.reps, fmt.Sprintf("rep-%02d", i))
	}
	for p := range r.sc.Partners {
		m, err := r.must(ctx, 201, "POST", "/v1/admin/partners", r.admin, fmt.Sprintf(`{"name":"Chaos %02d"}`, p))
		if err != nil {
			return err
		}
		pt := partner{id: m["partner"].(map[string]any)["id"].(string), key: m["apiKey"].(string)}
		r.partners, ids = append(r.partners, pt), append(ids, pt.id)
		hook, err := r.must(ctx, 201, "POST", "/v1/webhooks", pt.key, fmt.Sprintf(`{"url":"%s"}`, rcv.URL(fmt.Sprint(p))))
		if err != nil {
			return err
		}
		rcv.SetSecret(fmt.Sprint(p), hook["secret"].(string))
		plan := fmt.Sprintf(`{"name":"Chaos","partnerId":%q,"currency":"BRL","type":"percent_of_deal","rateBps":%d,"clawbackDays":90,"clawbackMode":"full","minPayout":1000}`, pt.id, 500+25*p)
		if _, err := r.must(ctx, 201, "PUT", fmt.Sprintf("/v1/commission-plans/chaos-%02d", p), r.finance, plan); err != nil {
			return err
		}
	}
	_, err = seed.RouteTo(ctx, r.api, r.admin, seed.Routing{RuleID: "chaos", Partners: ids, Reps: r.reps})
	return err
}

func tableID(w *World, prefix string) string {
	for id := range w.Template().Tables {
		if strings.HasPrefix(id, prefix) {
			return id
		}
	}
	return ""
}

// body is partner p's lead i, with an email and a phone the PII scan looks for.
func body(p, i int) string {
	return fmt.Sprintf(`{"externalRef":"chaos-%[1]d-%[2]d","contact":{"name":"Chaos p%[1]d n%[2]d","email":"c-%[1]d-%[2]d@chaos.example.com.br","phone":"%[3]s"},"company":{"name":"Chaos p%[1]d n%[2]d"},"location":{"country":"BR","state":"SP"},"estimatedValue":{"amount":250000,"currency":"BRL"},"consent":{"lgpd":true}}`, p, i, phone(p, i))
}

func phone(p, i int) string { return fmt.Sprintf("(11) 97%03d-%04d", p, i) }

// submit posts every lead, each partner one after another, all partners
// at once, each request with its own Idempotency-Key.
func (r *runner) submit(ctx context.Context) error {
	r.leads = map[string]string{}
	errs := make(chan error, len(r.partners))
	var wg sync.WaitGroup
	for p, pt := range r.partners {
		wg.Go(func() {
			for i := range r.sc.PerPartner {
				resp, m, err := r.call(ctx, "POST", "/v1/leads", pt.key, body(p, i), http.Header{"Idempotency-Key": {fmt.Sprintf("chaos-%d-%d", p, i)}})
				if err == nil && resp.Status != 201 {
					err = fmt.Errorf("lead %d-%d: %d %s", p, i, resp.Status, resp.Body)
				}
				if err != nil {
					errs <- err
					return
				}
				r.mu.Lock()
				r.leads[m["id"].(string)] = fmt.Sprintf("%d-%d", p, i)
				r.mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// work moves every lead to contacted, and every WonEvery-th on to won with
// a deal whose value depends on the lead only.
func (r *runner) work(ctx context.Context) error {
	today := commission.DateOf(time.Now())
	ids := make(chan string)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for id := range ids {
				var p, i int
				fmt.Sscanf(r.leads[id], "%d-%d", &p, &i)
				steps := []string{`{"status":"contacted"}`}
				if i%r.sc.WonEvery == 0 {
					steps = append(steps, `{"status":"qualified"}`, `{"status":"proposal"}`,
						fmt.Sprintf(`{"status":"won","deal":{"value":{"amount":%d,"currency":"BRL"},"contractStart":%q}}`, 100000+p*1000+i*37, today))
				}
				for _, s := range steps {
					if err := r.advance(ctx, id, s); err != nil {
						errs <- err
						break
					}
				}
			}
		})
	}
	for id := range r.leads {
		ids <- id
	}
	close(ids)
	wg.Wait()
	close(errs)
	return <-errs
}

// advance changes a lead's status as a careful client does: when the
// answer is not a success, it reads the lead, since the change may have
// been made and its answer lost.
func (r *runner) advance(ctx context.Context, id, change string) error {
	var want struct{ Status string }
	_ = json.Unmarshal([]byte(change), &want)
	for range 10 {
		resp, _, err := r.call(ctx, "POST", "/v1/leads/"+id+"/status", r.manager, change, nil)
		if err != nil || resp.Status == 200 {
			return err
		}
		_, cur, err := r.call(ctx, "GET", "/v1/leads/"+id, r.manager, "", nil)
		if err != nil {
			return err
		}
		if cur["status"] == want.Status {
			return nil
		}
		if resp.Status != 409 && resp.Status != 412 {
			return fmt.Errorf("lead %s to %s: %d %s", id, want.Status, resp.Status, resp.Body)
		}
	}
	return fmt.Errorf("lead %s never reached %s", id, want.Status)
}

// export asks for the period's export and reads its CSV from the bucket.
func (r *runner) export(ctx context.Context, awsCfg aws.Config) ([]byte, error) {
	m, err := r.must(ctx, 202, "POST", "/v1/exports", r.finance, `{"period":"`+commission.PeriodOf(time.Now())+`"}`)
	if err != nil {
		return nil, err
	}
	id := m["id"].(string)
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		got, err := r.must(ctx, 200, "GET", "/v1/exports/"+id, r.finance, "")
		if err != nil {
			return nil, err
		}
		x := got["export"].(map[string]any)
		switch x["status"] {
		case "failed":
			return nil, fmt.Errorf("export failed: %v", x)
		case "completed":
			exports, _ := r.w.Template().BucketByPrefix("Exports")
			obj, err := s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true }).GetObject(ctx, &s3.GetObjectInput{
				Bucket: aws.String(r.w.Ref(exports)), Key: aws.String(x["csvKey"].(string))})
			if err != nil {
				return nil, err
			}
			defer obj.Body.Close()
			var b bytes.Buffer
			_, err = b.ReadFrom(obj.Body)
			return b.Bytes(), err
		}
	}
	return nil, fmt.Errorf("export %s did not complete within 3 minutes", id)
}

// check counts lost and extra leads, assignments, broken histories and
// notifications.
func (r *runner) check(ctx context.Context, out *Outcome, rcv *webhooktest.Receiver) error {
	listed := map[string]bool{}
	for _, pt := range r.partners {
		cursor := ""
		for {
			_, page, err := r.call(ctx, "GET", "/v1/leads?limit=100&cursor="+url.QueryEscape(cursor), pt.key, "", nil)
			if err != nil {
				return err
			}
			items, _ := page["items"].([]any)
			for _, it := range items {
				listed[it.(map[string]any)["id"].(string)] = true
			}
			if cursor, _ = page["nextCursor"].(string); cursor == "" {
				break
			}
		}
	}
	for id := range listed {
		if r.leads[id] == "" {
			out.Extra++
		}
	}
	type verdict struct {
		lost, double, unassigned, broken, events, notified int
		owner                                              string // "" if none
		holds                                              bool   // the lead counts against its owner's capacity
	}
	ids := make(chan string)
	verdicts := make(chan verdict)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for id := range ids {
				var v verdict
				if !listed[id] {
					v.lost++
				}
				_, h, err := r.call(ctx, "GET", "/v1/leads/"+id+"/history", r.manager, "", nil)
				entries, _ := h["entries"].([]any)
				if err != nil || len(entries) == 0 {
					v.lost++
					verdicts <- v
					continue
				}
				if _, l, err := r.call(ctx, "GET", "/v1/leads/"+id, r.manager, "", nil); err == nil {
					v.owner, _ = l["ownerId"].(string)
					status, _ := l["status"].(string)
					v.holds = lead.Status(status).HoldsOwner()
				}
				assigned := 0
				for _, e := range entries {
					if e.(map[string]any)["change"] == lead.ChangeAssigned {
						assigned++
					}
				}
				switch {
				case assigned == 0:
					v.unassigned++
				case assigned > 1:
					v.double++
				}
				if b, ok := h["brokenAt"].(float64); ok && b >= 0 {
					v.broken++
				}
				for seq := 1; seq <= len(entries); seq++ {
					v.events++
					if rcv.Delivered(fmt.Sprintf("%s.%d", id, seq)) > 0 {
						v.notified++
					}
				}
				verdicts <- v
			}
		})
	}
	go func() {
		for id := range r.leads {
			ids <- id
		}
		close(ids)
		wg.Wait()
		close(verdicts)
	}()
	owned := map[string]int{}
	for v := range verdicts {
		if v.owner == "" {
			out.Unowned++
		} else if v.holds {
			owned[v.owner]++
		}
		out.Lost += min(v.lost, 1)
		out.DoubleAssigned += v.double
		out.Unassigned += v.unassigned
		out.BrokenHistories += v.broken
		out.Events += v.events
		out.Notified += v.notified
	}
	out.BadSignature = rcv.Bad()
	// Every rep's open-lead counter is the number of leads it owns that hold
	// capacity: nothing the faults did left one behind.
	reps := append(slices.Clone(r.reps), seed.FallbackRep)
	loads, err := routingdb.New(r.db, r.w.Ref(tableID(r.w, "Leads"))).Loads(ctx, reps, func(string) string { return "" })
	if err != nil {
		return err
	}
	for _, rep := range reps {
		if loads[rep].Open != owned[rep] {
			out.CounterDrift += abs(loads[rep].Open - owned[rep])
		}
	}
	out.LedgerDrift, err = r.ledgerDrift(ctx)
	return err
}

// ledgerDrift recomputes every partner's commissions, period by period,
// from the inputs its leads' states recorded (commission.Service.Diff) and
// adds up how far the ledger is from them.
func (r *runner) ledgerDrift(ctx context.Context) (int64, error) {
	svc := commission.Service{Store: ledgerdb.New(r.db, r.w.Ref(tableID(r.w, "Ledger"))), Now: time.Now}
	finance := auth.Principal{Role: auth.RoleFinance, SubjectID: "chaos"}
	var drift int64
	for _, pt := range r.partners {
		lines, err := svc.Store.LinesThrough(ctx, pt.id, "9999-12")
		if err != nil {
			return 0, err
		}
		periods := map[string]bool{}
		for _, e := range lines {
			periods[e.EarnedIn] = true
		}
		for period := range periods {
			d, err := svc.Diff(ctx, finance, pt.id, period)
			if err != nil {
				return 0, fmt.Errorf("diff %s %s: %w", pt.id, period, err)
			}
			for _, row := range d.Differences {
				drift += abs64(row.Difference)
			}
		}
	}
	return drift, nil
}

func abs(n int) int       { return max(n, -n) }
func abs64(n int64) int64 { return max(n, -n) }

// canonical rewrites the export with every id this run generated (partner
// and lead ids, which the entry and event ids embed) replaced by the name
// it stands for, and without the clock times; rows sorted. Two runs that
// booked the same commissions give the same bytes.
func (r *runner) canonical(raw []byte) ([]byte, map[string]int64, int, error) {
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, nil, 0, fmt.Errorf("export CSV: %v (%d rows)", err, len(rows))
	}
	names := map[string]string{}
	for id, tag := range r.leads {
		names[id] = "lead-" + tag
	}
	for p, pt := range r.partners {
		names[pt.id] = fmt.Sprintf("partner-%d", p)
	}
	pairs := make([]string, 0, 2*len(names))
	for id, name := range names {
		pairs = append(pairs, id, name)
	}
	rename := strings.NewReplacer(pairs...)
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	ledger := map[string]int64{}
	body := rows[1:]
	for _, row := range body {
		for i := range row {
			row[i] = rename.Replace(row[i])
		}
		row[col["occurred_at"]] = ""
		var amount int64
		fmt.Sscan(row[col["amount_minor"]], &amount)
		ledger[row[col["partner_id"]]] += amount
	}
	slices.SortFunc(body, func(a, b []string) int { return strings.Compare(strings.Join(a, ","), strings.Join(b, ",")) })
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.WriteAll(append([][]string{rows[0]}, body...))
	return b.Bytes(), ledger, len(body), cw.Error()
}

var phoneLike = regexp.MustCompile(`\(11\) 97\d{3}-\d{4}|551197\d{7}`)

// LogShape sorts the functions' output lines.
type LogShape struct {
	Records, WithRequestID int      // slog records (with a "msg"), and those naming the Lambda request id
	Unattributed           []string // records without a request id but aws-lambda-go's report of a failed invoke, made without its context
	Unstructured           []string // lines that are not JSON objects (EMF metric records are JSON objects too)
}

func logShape(logs string) LogShape {
	var shape LogShape
	for line := range strings.Lines(logs) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			shape.Unstructured = append(shape.Unstructured, line)
			continue
		}
		msg, ok := rec["msg"].(string)
		if !ok {
			continue
		}
		shape.Records++
		if id, _ := rec["requestId"].(string); id != "" {
			shape.WithRequestID++
		} else if !invokeErrorReport(msg) {
			shape.Unattributed = append(shape.Unattributed, line)
		}
	}
	return shape
}

// invokeErrorReport tells aws-lambda-go's log of a handler's error (its JSON
// error payload, through the standard log package) from our records.
func invokeErrorReport(msg string) bool {
	var payload struct {
		ErrorMessage string `json:"errorMessage"`
	}
	return json.Unmarshal([]byte(msg), &payload) == nil && payload.ErrorMessage != ""
}

// piiIn counts the seeded emails and phones in the functions' output.
func (r *runner) piiIn(logs string) int {
	return strings.Count(logs, "@chaos.example.com.br") + len(phoneLike.FindAllString(logs, -1))
}
