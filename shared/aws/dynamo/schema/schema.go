// Package schema is the one definition of the project's DynamoDB tables:
// keys, global secondary indexes, stream and TTL. The CDK stack builds the
// tables from it, and tests and the chaos run make scratch copies from it.
// It has no AWS imports, so the CDK app and the adapters can both read it.
package schema

import "strconv"

// Every table is keyed PK (partition) and SK (sort), both strings.
const (
	PK = "PK"
	SK = "SK"
)

// Index names.
const (
	ByPartner       = "byPartner"
	ByPartnerStatus = "byPartnerStatus"
	ByOwner         = "byOwner"
	ByDue           = "byDue"
	ByType          = "byType"
	ByGroup         = "byGroup"
	ByMonth         = "byMonth"
)

// TTLAttribute is the expiry attribute of the tables that have one.
const TTLAttribute = "ttl"

// Table is one table's shape. Its n-th index (from 1) is keyed GSI<n>PK /
// GSI<n>SK, both strings, projecting every attribute.
type Table struct {
	ID      string   // the CDK construct id; the deployed name derives from it
	Indexes []string // in order: GSI1, GSI2, …
	Stream  bool     // NEW_AND_OLD_IMAGES
	TTL     bool     // expires items by TTLAttribute
}

// IndexKeys are the key attributes of the table's i-th index (from 0).
func (t Table) IndexKeys(i int) (pk, sk string) {
	n := strconv.Itoa(i + 1)
	return "GSI" + n + "PK", "GSI" + n + "SK"
}

var (
	// Leads holds leads, history, identity claims, idempotency records,
	// routing decisions, rep counters, SLA items, the feed and deliveries.
	Leads = Table{ID: "Leads", Indexes: []string{ByPartner, ByPartnerStatus, ByOwner, ByDue}, Stream: true, TTL: true}
	// Directory holds partners, key hashes and configuration.
	Directory = Table{ID: "Directory", Indexes: []string{ByType}}
	// Ledger holds commission plans, the ledger and exports.
	Ledger = Table{ID: "Ledger", Indexes: []string{ByGroup, ByPartner}}
	// Metrics holds indicator counters and weekly reports.
	Metrics = Table{ID: "Metrics", Indexes: []string{ByMonth}}
	// RateLimits holds per-partner request counters.
	RateLimits = Table{ID: "RateLimits", TTL: true}
)

// All is every table of the stack.
var All = []Table{Leads, Directory, Ledger, Metrics, RateLimits}
