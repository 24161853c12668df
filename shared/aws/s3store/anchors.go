package s3store

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// AnchorPrefix is where audit anchors live, one object per anchor, named
// by its time so that key order is time order.
const AnchorPrefix = "audit/anchors/"

const anchorKeyTime = "2006-01-02T15-04-05.000000Z"

// AnchorKey is the object an anchor taken at at is stored under.
func AnchorKey(at time.Time) string {
	return AnchorPrefix + at.UTC().Format(anchorKeyTime) + ".json.gz"
}

// Anchors keeps audit anchors write-once: a put never replaces an object
// (If-None-Match), and on AWS the bucket's Object Lock keeps each one
// for its retention period.
type Anchors struct{ b *Bucket }

var _ lead.AnchorStore = Anchors{}

func NewAnchors(b *Bucket) Anchors { return Anchors{b: b} }

// PutAnchor stores a as gzip'd JSON; an anchor already stored at the same
// instant is refused.
func (s Anchors) PutAnchor(ctx context.Context, a lead.Anchor) error {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(a); err != nil {
		return fmt.Errorf("encode anchor: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compress anchor: %w", err)
	}
	key := AnchorKey(a.At)
	_, err := s.b.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &s.b.name, Key: &key, Body: bytes.NewReader(buf.Bytes()),
		ContentType: aws.String("application/gzip"), IfNoneMatch: aws.String("*"),
		ServerSideEncryption: types.ServerSideEncryptionAes256,
		// Object Lock buckets take only writes that carry a checksum.
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
	})
	if err != nil {
		return fmt.Errorf("put anchor s3://%s/%s: %w", s.b.name, key, err)
	}
	return nil
}

// recentAnchors is how far back LatestAnchor looks before listing all.
const recentAnchors = 7 * 24 * time.Hour

// LatestAnchor reads the newest anchor.
func (s Anchors) LatestAnchor(ctx context.Context) (lead.Anchor, bool, error) {
	key, err := s.lastKey(ctx, AnchorKey(time.Now().Add(-recentAnchors)))
	if err == nil && key == "" {
		key, err = s.lastKey(ctx, "")
	}
	if err != nil || key == "" {
		return lead.Anchor{}, false, err
	}
	out, err := s.b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.b.name, Key: &key})
	if err != nil {
		return lead.Anchor{}, false, fmt.Errorf("get anchor %s: %w", key, err)
	}
	defer out.Body.Close()
	zr, err := gzip.NewReader(out.Body)
	if err != nil {
		return lead.Anchor{}, false, fmt.Errorf("anchor %s: %w", key, err)
	}
	var a lead.Anchor
	if err := json.NewDecoder(io.LimitReader(zr, 1<<30)).Decode(&a); err != nil {
		return lead.Anchor{}, false, fmt.Errorf("decode anchor %s: %w", key, err)
	}
	return a, true, nil
}

// lastKey is the greatest anchor key after startAfter ("" if none).
func (s Anchors) lastKey(ctx context.Context, startAfter string) (string, error) {
	in := &s3.ListObjectsV2Input{Bucket: &s.b.name, Prefix: aws.String(AnchorPrefix)}
	if startAfter != "" {
		in.StartAfter = &startAfter
	}
	last := ""
	p := s3.NewListObjectsV2Paginator(s.b.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("list anchors: %w", err)
		}
		for _, o := range page.Contents {
			if k := aws.ToString(o.Key); k > last {
				last = k
			}
		}
	}
	return last, nil
}
