//go:build adapter

package s3store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partnerleads/pipeline/shared/aws/s3store"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/testkit/awstest"
)

func bucket(t *testing.T) (*s3store.Bucket, *s3.Client, string) {
	t.Helper()
	cfg := awstest.Config(t)
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	name := awstest.Name("s3store")
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		out, _ := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &name})
		if out != nil {
			for _, o := range out.Contents {
				_, _ = client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &name, Key: o.Key})
			}
		}
		_, _ = client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &name})
	})
	return s3store.New(cfg, name, true), client, name
}

// A body of two and a half parts goes up as a multipart upload, streamed,
// and comes back byte for byte through the presigned link.
func TestUploadStreamsManyPartsAndPresigns(t *testing.T) {
	ctx := context.Background()
	b, client, name := bucket(t)
	body := bytes.Repeat([]byte("0123456789abcdef"), 5*s3store.PartSize/2/16)
	want := sha256.Sum256(body)
	if err := b.Upload(ctx, "exports/big.csv", "text/csv", func(w io.Writer) error {
		for chunk := range slices.Chunk(body, 64<<10) { // as the exporter writes: row by row, never all at once
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &name, Key: aws.String("exports/big.csv")})
	if err != nil || head.ContentLength == nil || *head.ContentLength != int64(len(body)) {
		t.Fatalf("head: %v, length %v, want %d", err, head, len(body))
	}
	if head.ContentType == nil || *head.ContentType != "text/csv" || head.ServerSideEncryption != "AES256" {
		t.Fatalf("content type %v, encryption %q", head.ContentType, head.ServerSideEncryption)
	}
	url, err := b.DownloadURL(ctx, "exports/big.csv", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || sha256.Sum256(got) != want {
		t.Fatalf("presigned GET: %d, %d bytes, want the %d uploaded", resp.StatusCode, len(got), len(body))
	}
}

// A writer that fails halfway leaves no object and no unfinished upload.
func TestFailedUploadLeavesNothing(t *testing.T) {
	ctx := context.Background()
	b, client, name := bucket(t)
	boom := errors.New("the export failed at row 70,000")
	err := b.Upload(ctx, "exports/half.csv", "text/csv", func(w io.Writer) error {
		if _, err := w.Write(bytes.Repeat([]byte("x"), s3store.PartSize+1024)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("upload error %v, want the writer's", err)
	}
	if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &name, Key: aws.String("exports/half.csv")}); err == nil {
		t.Fatal("a failed upload left an object")
	}
	ups, err := client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &name})
	if err != nil || len(ups.Uploads) != 0 {
		t.Fatalf("unfinished uploads: %v %v", err, ups)
	}
}

// Anchors are write-once and the newest is the one read back, whole.
func TestAnchorsAreWriteOnceAndNewestWins(t *testing.T) {
	ctx := context.Background()
	b, client, name := bucket(t)
	anchors := s3store.NewAnchors(b)
	if _, ok, err := anchors.LatestAnchor(ctx); err != nil || ok {
		t.Fatalf("LatestAnchor of an empty bucket: found %v, err %v", ok, err)
	}
	now := time.Now().UTC()
	older := lead.NewAnchor(now.Add(-10*24*time.Hour), []lead.Head{{LeadID: "L1", Seq: 1, Hash: "a"}})
	newer := lead.NewAnchor(now, []lead.Head{{LeadID: "L1", Seq: 2, Hash: "b"}, {LeadID: "L2", Seq: 1, Hash: "c"}})
	for _, a := range []lead.Anchor{newer, older} {
		if err := anchors.PutAnchor(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := anchors.LatestAnchor(ctx)
	if err != nil || !ok || got.Digest != newer.Digest || !got.Intact() || len(got.Heads) != 2 {
		t.Fatalf("LatestAnchor: got %+v (found %v, err %v), want the newer one intact", got, ok, err)
	}
	forged := lead.NewAnchor(now, []lead.Head{{LeadID: "L1", Seq: 2, Hash: "forged"}})
	if err := anchors.PutAnchor(ctx, forged); err == nil {
		t.Fatal("a second anchor at the same key: got nil error, want it refused")
	}
	if got, _, _ := anchors.LatestAnchor(ctx); got.Digest != newer.Digest {
		t.Fatalf("after the refused overwrite: got digest %s, want the original %s", got.Digest, newer.Digest)
	}
	// Only the anchor older than the recent window left: found by the full listing.
	if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &name, Key: aws.String(s3store.AnchorKey(newer.At))}); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := anchors.LatestAnchor(ctx); err != nil || !ok || got.Digest != older.Digest {
		t.Fatalf("LatestAnchor with only an old anchor: got %+v (found %v, err %v)", got, ok, err)
	}
}
