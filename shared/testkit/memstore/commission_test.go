package memstore_test

import (
	"testing"

	"github.com/partnerleads/pipeline/shared/testkit/memstore"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

func TestLedgerSuite(t *testing.T) { storetest.RunLedger(t, memstore.NewLedger()) }
