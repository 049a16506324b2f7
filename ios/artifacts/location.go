package artifacts

import (
	"fmt"
	"sort"
	"strings"
)

// maxLocationClients bounds the clients.plist walk.
const maxLocationClients = 100000

// ParseLocationClients reads locationd's clients.plist (RootDomain
// Library/Caches/locationd/clients.plist) and returns one Grant per client,
// sorted by Client, with Service "Location" and Permission "location".
//
// Authorization is read as a CLAuthorizationStatus: 0 not determined,
// 1 restricted, 2 denied, 3 always, 4 when in use; Allowed is true for 3 and
// 4. This mapping follows Apple's public enum and forensic write-ups, not an
// Apple document on this file: treat it as likely, not certain. Older files
// carry a boolean Authorized instead, which is used when Authorization is
// absent. Entries that are not dictionaries are skipped.
func ParseLocationClients(data []byte) ([]Grant, error) {
	root, err := decodeDict(data)
	if err != nil {
		return nil, fmt.Errorf("clients.plist: %w", err)
	}
	var out []Grant
	for key, v := range root {
		if len(out) >= maxLocationClients {
			break
		}
		d, ok := v.(map[string]any)
		if !ok {
			continue
		}
		g := Grant{Service: "Location", Permission: "location", Detail: "unknown"}
		g.Client = asString(d["BundleId"])
		if g.Client == "" {
			g.Client = asString(d["BundlePath"])
		}
		if g.Client == "" {
			g.Client = clientFromKey(key)
		}
		if n, ok := asInt(d["Authorization"]); ok {
			switch n {
			case 0:
				g.Detail = "not-determined"
			case 1:
				g.Detail = "restricted"
			case 2:
				g.Detail = "denied"
			case 3:
				g.Allowed, g.Detail = true, "always"
			case 4:
				g.Allowed, g.Detail = true, "when-in-use"
			}
		} else if b, ok := plBool(d["Authorized"]); ok {
			g.Allowed = b
			g.Detail = "denied"
			if b {
				g.Detail = "allowed"
			}
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Client != out[j].Client {
			return out[i].Client < out[j].Client
		}
		return out[i].Detail < out[j].Detail
	})
	return out, nil
}

// clientFromKey turns a clients.plist key such as "icom.example.app:" into a
// bundle id; other keys are returned capped.
func clientFromKey(key string) string {
	key = capString(key)
	if len(key) > 2 && strings.HasSuffix(key, ":") && (key[0] == 'i' || key[0] == 'b') {
		return key[1 : len(key)-1]
	}
	return key
}
