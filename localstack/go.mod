// This go.mod only fences node_modules (the pinned CDK CLIs, which ship Go
// templates) out of the main module, so that `go build ./...` skips them.
module localstack

go 1.26
