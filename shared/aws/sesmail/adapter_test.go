//go:build adapter

package sesmail_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/partnerleads/pipeline/shared/aws/sesmail"
	"github.com/partnerleads/pipeline/shared/testkit/awstest"
)

// A pt-BR mail arrives whole: sender, recipient, subject and body with their
// accents (the emulator keeps every sent message for reading back).
func TestSendKeepsRecipientSubjectAndAccents(t *testing.T) {
	endpoint := os.Getenv("AWS_ENDPOINT_URL")
	if endpoint == "" {
		t.Skip("reads the emulator's mailbox; set AWS_ENDPOINT_URL (make test-adapter does)")
	}
	to := awstest.Name("parceiro") + "@example.com.br"
	subject := "Lead 01ABC está em contato: ação necessária"
	body := "Olá! O lead da Exemplo Ltda mudou de situação.\nPróximo passo: proposta."
	m := sesmail.New(sesv2.NewFromConfig(awstest.Config(t)), "leads@example.com.br")
	if err := m.Send(context.Background(), to, subject, body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(endpoint + "/_ministack/ses/messages")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var box any
	if err := json.Unmarshal(raw, &box); err != nil {
		t.Fatalf("mailbox is not JSON: %v %.300s", err, raw)
	}
	// Compare on the decoded mailbox, so escaped accents count as found.
	all, _ := json.Marshal(box)
	decoded := string(all)
	var mine string
	for _, part := range strings.Split(decoded, "},{") {
		if strings.Contains(part, to) {
			mine = part
		}
	}
	if mine == "" {
		t.Fatalf("no message to %s in the mailbox: %.600s", to, raw)
	}
	for _, want := range []string{"leads@example.com.br", jsonText(subject), jsonText("Próximo passo: proposta.")} {
		if !strings.Contains(mine, want) {
			t.Errorf("the message to %s lacks %q: %s", to, want, mine)
		}
	}
}

// jsonText is s as it appears inside a JSON string.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}
