package memstore_test

import (
	"testing"

	"github.com/partnerleads/pipeline/shared/memstore"
	"github.com/partnerleads/pipeline/shared/storetest"
)

func TestDueIndexSuite(t *testing.T) { storetest.RunDueIndex(t, memstore.NewDueIndex()) }

func TestMetricsSuite(t *testing.T) { storetest.RunMetrics(t, memstore.NewMetrics()) }
