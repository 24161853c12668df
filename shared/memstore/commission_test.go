package memstore_test

import (
	"testing"

	"github.com/partnerleads/pipeline/shared/memstore"
	"github.com/partnerleads/pipeline/shared/storetest"
)

func TestLedgerSuite(t *testing.T) { storetest.RunLedger(t, memstore.NewLedger()) }
