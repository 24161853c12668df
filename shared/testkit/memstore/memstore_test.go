package memstore_test

import (
	"testing"

	"github.com/partnerleads/pipeline/shared/testkit/memstore"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

func TestLeadStore(t *testing.T) {
	storetest.RunLeadStore(t, func(*testing.T) storetest.LeadStore { return memstore.New() })
}

func TestDirectoryStore(t *testing.T) {
	storetest.RunDirectoryStore(t, func(*testing.T) storetest.DirectoryStore { return memstore.New() })
}

func TestKeyUses(t *testing.T) {
	t.Parallel()
	storetest.RunKeyUses(t, &memstore.KeyUses{})
}

func TestRouter(t *testing.T) {
	storetest.RunRouter(t, memstore.New(), 200)
}

func TestLifecycle(t *testing.T) {
	storetest.RunLifecycle(t, memstore.New())
}

func TestFeedUnderLateCommits(t *testing.T) {
	t.Parallel()
	storetest.RunFeedUnderLateCommits(t, memstore.New())
}
