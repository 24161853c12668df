package directorydb

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/auth"
)

var _ auth.PeopleStore = (*Store)(nil)

// A removed person is a PERSON#<user id> / REMOVED item, by the pool's
// user id (the token's sub), so the check needs no e-mail.
func removedKey(userID string) map[string]types.AttributeValue {
	return dynamo.Key("PERSON#"+userID, "REMOVED")
}

// RemovePerson refuses userID's tokens from now on.
func (st *Store) RemovePerson(ctx context.Context, userID string, at time.Time) error {
	item := removedKey(userID)
	item["removedAt"] = dynamo.S(at.UTC().Format(time.RFC3339Nano))
	if _, err := st.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.Table, Item: item}); err != nil {
		return fmt.Errorf("remove person %s: %w", userID, err)
	}
	return nil
}

// RestorePerson lets a removed person's new tokens in again.
func (st *Store) RestorePerson(ctx context.Context, userID string) error {
	if _, err := st.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.Table, Key: removedKey(userID)}); err != nil {
		return fmt.Errorf("restore person %s: %w", userID, err)
	}
	return nil
}

// PersonRemoved reads strongly consistent, so a removal applies to the very
// next request.
func (st *Store) PersonRemoved(ctx context.Context, userID string) (bool, error) {
	out, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.Table, Key: removedKey(userID), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, fmt.Errorf("read person %s: %w", userID, err)
	}
	return out.Item != nil, nil
}
