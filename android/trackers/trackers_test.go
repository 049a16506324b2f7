package trackers

import (
	"slices"
	"testing"
)

func names(s []SDK) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.Name)
	}
	return out
}

func TestTable(t *testing.T) {
	cats := map[string]bool{"ads": true, "analytics": true, "crash": true, "social": true, "location": true, "profiling": true}
	if len(Entries()) < 50 {
		t.Fatalf("only %d entries", len(Entries()))
	}
	for _, e := range Entries() {
		if !cats[e.Category] {
			t.Errorf("%s: unknown category %q", e.Name, e.Category)
		}
		if e.Website == "" || e.Source == "" || len(e.Packages) == 0 {
			t.Errorf("%s: missing website, source or packages", e.Name)
		}
	}
	if err := load([]byte(`[{"name":"a","category":"ads","packages":["x.y"]},{"name":"b","category":"ads","packages":["x/y"]}]`)); err == nil {
		t.Error("duplicate prefix accepted")
	}
	if err := load([]byte(`{`)); err == nil {
		t.Error("bad json accepted")
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name    string
		classes []string
		want    []string
	}{
		{"admob descriptor", []string{"Lcom/google/android/gms/ads/AdView;"}, []string{"Google AdMob"}},
		{"admob mediation", []string{"com/google/android/gms/ads/mediation/customevent/CustomEventBanner"}, []string{"Google AdMob"}},
		{"ad id client is not admob", []string{"Lcom/google/android/gms/ads/identifier/AdvertisingIdClient;"}, nil},
		{"boundary", []string{"Lcom/facebook/adsmanager/X;", "Lcom/applovinx/Y;"}, nil},
		{"facebook family", []string{"Lcom/facebook/ads/AdView;", "Lcom/facebook/appevents/AppEventsLogger;", "com.facebook.login.LoginManager", "Lcom/facebook/share/Sharer;"},
			[]string{"Facebook Analytics (App Events)", "Facebook Audience Network", "Facebook Login", "Facebook Share"}},
		{"several", []string{"Lcom/applovin/sdk/AppLovinSdk;", "Lcom/unity3d/ads/UnityAds;", "Lcom/bytedance/sdk/openadsdk/TTAdSdk;", "Lcom/google/firebase/crashlytics/FirebaseCrashlytics;", "Lcom/appsflyer/AppsFlyerLib;", "Lcom/example/Main;"},
			[]string{"AppLovin", "AppsFlyer", "Firebase Crashlytics", "Pangle", "Unity Ads"}},
		{"inner class and package itself", []string{"Lcom/chartboost/sdk/Chartboost$1;", "com.vungle"}, []string{"Chartboost", "Vungle (Liftoff Monetize)"}},
		{"arrays and primitives ignored", []string{"[Lcom/applovin/X;", "I", ""}, nil},
		{"ima is not admob", []string{"Lcom/google/ads/interactivemedia/v3/api/AdsLoader;"}, []string{"Google Interactive Media Ads"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := names(Match(tc.classes))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v want %v", got, tc.want)
			}
			got2 := names(MatchSeq(slices.Values(tc.classes)))
			if !slices.Equal(got2, tc.want) {
				t.Errorf("MatchSeq got %v want %v", got2, tc.want)
			}
		})
	}
	s := Match([]string{"Lcom/applovin/A;", "Lcom/flurry/B;"})
	if !s[0].Ads || s[1].Ads || s[0].Category != "ads" || s[0].Website == "" {
		t.Errorf("fields: %+v", s)
	}
}

func TestMatchFrameworks(t *testing.T) {
	got := names(MatchFrameworks([]string{"GoogleMobileAds", "Payload/X.app/Frameworks/UnityAds.framework/", "fbaudiencenetwork.framework", "UIKit", "GoogleMobileAds.framework", "AppLovinSDK.xcframework"}))
	want := []string{"AppLovin", "Facebook Audience Network", "Google AdMob", "Unity Ads"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
}

func BenchmarkMatcherAdd(b *testing.B) {
	m := NewMatcher()
	for b.Loop() {
		m.Add("Lcom/example/some/deep/package/name/ClassName$Inner;")
	}
}
