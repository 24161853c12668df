// Package sesmail sends plain-text email through Amazon SES (v2).
package sesmail

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

// Mailer sends from one verified sender address.
type Mailer struct {
	client *sesv2.Client
	from   string
}

func New(client *sesv2.Client, from string) *Mailer { return &Mailer{client: client, from: from} }

func (m *Mailer) Send(ctx context.Context, to, subject, text string) error {
	_, err := m.client.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: &m.from,
		Destination:      &types.Destination{ToAddresses: []string{to}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: &subject, Charset: ptr("UTF-8")},
			Body:    &types.Body{Text: &types.Content{Data: &text, Charset: ptr("UTF-8")}},
		}},
	})
	if err != nil {
		return fmt.Errorf("send email: %w", err)
	}
	return nil
}

func ptr(s string) *string { return &s }
