package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// ErrUnsafeTarget: the URL is not https, or it reaches a private, loopback
// or link-local address outside local mode.
var ErrUnsafeTarget = errors.New("webhook target is not allowed")

// Targets decides where notifications may go: https to public addresses.
// LocalMode (local emulator deploys only) adds loopback, over http too, for
// a receiver on 127.0.0.1; other private ranges stay refused in every mode.
type Targets struct{ LocalMode bool }

// CheckURL validates a webhook URL when it is registered.
func (tg Targets) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || len(raw) > 2048 {
		return fmt.Errorf("%w: not an absolute URL", ErrUnsafeTarget)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && tg.LocalMode && isLoopbackHost(u.Hostname()):
	default:
		return fmt.Errorf("%w: only https URLs are accepted", ErrUnsafeTarget)
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !tg.allowed(ip) {
		return fmt.Errorf("%w: %s is a private address", ErrUnsafeTarget, ip)
	}
	return nil
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.IsLoopback()
}

func (tg Targets) allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() {
		return tg.LocalMode
	}
	return !(ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(ip) || netip.MustParsePrefix("169.254.0.0/16").Contains(ip))
}

// Dialer refuses, at connect time, addresses CheckURL would refuse: a public
// name that resolves to a private address (DNS rebinding) is caught here.
func (tg Targets) Dialer() *net.Dialer {
	return &net.Dialer{Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
		if err != nil || !tg.allowed(ip) {
			return fmt.Errorf("%w: %s", ErrUnsafeTarget, address)
		}
		return nil
	}}
}

// dialContext is the Dialer as an http.Transport hook.
func (tg Targets) dialContext() func(ctx context.Context, network, addr string) (net.Conn, error) {
	return tg.Dialer().DialContext
}
