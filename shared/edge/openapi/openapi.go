// Package openapi embeds the API's OpenAPI 3.1 document, served at
// GET /v1/openapi.json and used by the end-to-end tests to validate real
// requests and responses.
package openapi

import _ "embed"

//go:embed openapi.json
var Document []byte
