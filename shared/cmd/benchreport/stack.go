package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
)

// benchStack is the deployed stack the emulator measurements use.
type benchStack struct {
	cfg   aws.Config
	outs  stackinfo.Outputs
	base  string // API base URL
	dir   *dynamo.DirectoryStore
	leads *dynamo.LeadStore
}

func connectBench(ctx context.Context) (benchStack, error) {
	cfg, outs, err := stackinfo.Connect(ctx, stackinfo.DefaultStack)
	if err != nil {
		return benchStack{}, err
	}
	base, err := outs.APIBase()
	if err != nil {
		return benchStack{}, err
	}
	leadsTable, err := outs.Get("LeadsTableName")
	if err != nil {
		return benchStack{}, err
	}
	dirTable, err := outs.Get("DirectoryTableName")
	if err != nil {
		return benchStack{}, err
	}
	db := dynamodb.NewFromConfig(cfg)
	return benchStack{cfg: cfg, outs: outs, base: base, dir: dynamo.NewDirectoryStore(db, dirTable), leads: dynamo.NewLeadStore(db, leadsTable)}, nil
}

// helloBase is the API base of the hello-world baseline stack.
func (st benchStack) helloBase(ctx context.Context) (string, error) {
	bench, err := stackinfo.Load(ctx, st.cfg, "PartnerLeadsBench")
	if err != nil {
		return "", err
	}
	return bench.APIBase()
}
