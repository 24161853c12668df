// Package s3store streams objects to S3 with multipart upload and hands out
// presigned downloads.
package s3store

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partnerleads/pipeline/shared/domain/commission"
)

// Bucket is one bucket.
type Bucket struct {
	client *s3.Client
	name   string
}

var _ commission.Uploader = (*Bucket)(nil)

// PartSize is each multipart part: memory use is about PartSize × (parts in
// flight + 1), whatever the object's size.
const PartSize = 8 << 20

// New uses path-style addressing when pathStyle is set (emulators).
func New(cfg aws.Config, name string, pathStyle bool) *Bucket {
	return &Bucket{client: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle }), name: name}
}

// Upload streams what write produces into key. Bodies larger than one part
// go up as a multipart upload; a failed upload is aborted, leaving nothing.
func (b *Bucket) Upload(ctx context.Context, key, contentType string, write func(io.Writer) error) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(write(pw)) }()
	up := transfermanager.New(b.client, func(o *transfermanager.Options) {
		o.PartSizeBytes, o.MultipartUploadThreshold, o.Concurrency = PartSize, PartSize, 2
	})
	_, err := up.UploadObject(ctx, &transfermanager.UploadObjectInput{
		Bucket: &b.name, Key: &key, Body: pr, ContentType: &contentType,
		ServerSideEncryption: tmtypes.ServerSideEncryptionAes256,
	})
	pr.CloseWithError(err) // unblocks the writer if the upload stopped first
	if err != nil {
		return fmt.Errorf("upload s3://%s/%s: %w", b.name, key, err)
	}
	return nil
}

// DownloadURL is a presigned GET for key, valid for ttl.
func (b *Bucket) DownloadURL(ctx context.Context, key string, ttl time.Duration) (string, error) {
	req, err := s3.NewPresignClient(b.client).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &b.name, Key: &key}, s3.WithPresignExpires(ttl))
	if err != nil {
		return "", fmt.Errorf("presign %s: %w", key, err)
	}
	return req.URL, nil
}
