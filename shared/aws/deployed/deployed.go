// Package deployed is a handle on a deployed stack: its outputs, its tables'
// stores and the admin service. Operator tools (leadctl), the benchmark
// report and the emulator tests all start here, so a bootstrap admin key is
// minted one way.
package deployed

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/cognito"
	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/directorydb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/ledgerdb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/routingdb"
	"github.com/partnerleads/pipeline/shared/aws/s3store"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

// Stack is a deployed pipeline stack.
type Stack struct {
	Cfg     aws.Config
	Outputs stackinfo.Outputs
	DB      *dynamodb.Client
	Base    string             // the API's base URL
	AppBase string             // the app's API's base URL (people, signed in)
	Users   cognito.Users      // the people who sign in
	Keys    *directorydb.Store // partners and API keys
	Routing *routingdb.Config  // reps, teams, calendars, rule sets
	Leads   *dynamo.Leads
	Ledger  *ledgerdb.Store // commission plans, the ledger, exports
	Admin   admin.Service
}

// Open connects to the named stack (stackinfo.DefaultStack for the pipeline).
func Open(ctx context.Context, name string) (*Stack, error) {
	cfg, outs, err := stackinfo.Connect(ctx, name)
	if err != nil {
		return nil, err
	}
	base, err := outs.APIBase()
	if err != nil {
		return nil, err
	}
	appBase, err := outs.AppBase()
	if err != nil {
		return nil, err
	}
	pool, err := outs.Get("UserPoolId")
	if err != nil {
		return nil, err
	}
	dir, err := outs.Get("DirectoryTableName")
	if err != nil {
		return nil, err
	}
	leads, err := outs.Get("LeadsTableName")
	if err != nil {
		return nil, err
	}
	ledger, err := outs.Get("LedgerTableName")
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg)
	keys := directorydb.New(db, dir)
	return &Stack{
		Cfg: cfg, Outputs: outs, DB: db, Base: base, AppBase: appBase, Keys: keys,
		Users:   cognito.Users{Client: cip.NewFromConfig(cfg), PoolID: pool},
		Routing: routingdb.NewConfig(db, dir), Leads: dynamo.NewLeads(db, leads),
		Ledger: ledgerdb.New(db, ledger),
		Admin:  admin.Service{Partners: keys, Keys: keys, Now: time.Now},
	}, nil
}

// AddUser creates or updates a person with a new password and lets its
// tokens in again if it had been removed.
func (s *Stack) AddUser(ctx context.Context, u cognito.User, password string) error {
	if err := s.Users.Ensure(ctx, u, password); err != nil {
		return err
	}
	id, err := s.Users.ID(ctx, u.Email)
	if err != nil {
		return err
	}
	return s.Keys.RestorePerson(ctx, id)
}

// RemoveUser refuses the person at once: its tokens on the next request,
// its sign-in and renewal from now on.
func (s *Stack) RemoveUser(ctx context.Context, email string) error {
	id, err := s.Users.ID(ctx, email)
	if err != nil {
		return err
	}
	if err := s.Keys.RemovePerson(ctx, id, time.Now()); err != nil {
		return err
	}
	return s.Users.Disable(ctx, email)
}

// MintKey creates a key straight in the directory, as leadctl does (the way
// in before any admin key exists), and returns its token.
func (s *Stack) MintKey(ctx context.Context, role auth.Role, partnerID, subject, name string) (string, error) {
	iss, err := s.Admin.CreateKey(ctx, role, partnerID, subject, name)
	return iss.Token, err
}

// Anchors is the write-once store of audit anchors.
func (s *Stack) Anchors() (s3store.Anchors, error) {
	name, err := s.Outputs.Get("AnchorBucketName")
	if err != nil {
		return s3store.Anchors{}, err
	}
	return s3store.NewAnchors(s3store.New(s.Cfg, name, platform.PathStyleS3())), nil
}
