package httpapi

import (
	"context"
	"io/fs"
	"net/http"
	"path"
)

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json; charset=utf-8",
	".svg":  "image/svg+xml",
}

// Static serves a page's files from files: fixed is the file to serve, or,
// when "", the path parameter "file". Every answer carries a strict CSP:
// only the stack's own scripts and styles, calls to this API only, no
// inline script, no framing.
func Static(files fs.FS, fixed string) HandlerFunc {
	return func(_ context.Context, r Request) (Response, error) {
		name := fixed
		if name == "" {
			name = r.Params["file"]
		}
		ct, known := contentTypes[path.Ext(name)]
		b, err := fs.ReadFile(files, name)
		if !known || !fs.ValidPath(name) || err != nil {
			return Response{}, edgeError(http.StatusNotFound, "not-found", "Not found", "no such file")
		}
		return Page(ct, "no-cache", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'", b), nil
	}
}

// Page is a document for browsers, with the headers every page of ours
// carries: its CSP, no sniffing, no referrer, HTTPS only.
func Page(contentType, cacheControl, csp string, body []byte) Response {
	return Response{
		StatusCode: http.StatusOK,
		Headers: map[string]string{
			"Content-Type":              contentType,
			"Cache-Control":             cacheControl,
			"Content-Security-Policy":   csp,
			"X-Content-Type-Options":    "nosniff",
			"Referrer-Policy":           "no-referrer",
			"Strict-Transport-Security": "max-age=31536000",
		},
		Body: string(body),
	}
}
