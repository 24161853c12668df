package memstore_test

import (
	"testing"

	"github.com/partnerleads/pipeline/shared/testkit/memstore"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

func TestDueIndexSuite(t *testing.T) { storetest.RunDueIndex(t, memstore.NewDueIndex()) }

func TestMetricsSuite(t *testing.T) { storetest.RunMetrics(t, memstore.NewMetrics()) }
