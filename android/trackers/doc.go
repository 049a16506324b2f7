// Package trackers holds a table of third-party SDK signatures (ads, analytics,
// crash reporting, social, location, profiling) and matches class names from
// Android DEX files, or iOS framework names, against it.
//
// The table is the embedded file sdks.json, one object per SDK with its name,
// category, Java package prefixes, iOS framework names, website and source.
// A package prefix matches a class in that package or any sub-package
// ("com.facebook.ads" matches com.facebook.ads.AdView but not
// com.facebook.adsmanager.X).
//
//	sdks := trackers.Match([]string{"Lcom/applovin/sdk/AppLovinSdk;"})
//	m := trackers.NewMatcher(); m.Add("com.unity3d.ads.UnityAds"); m.SDKs()
//	trackers.MatchFrameworks([]string{"GoogleMobileAds.framework"})
//
// A match means the SDK's code is present in the app, not that it is used.
package trackers
