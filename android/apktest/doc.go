// Package apktest writes Android packages for tests: a real zip holding a
// binary AndroidManifest.xml (its own AXML encoder: string pool UTF-16 or
// UTF-8, resource map, namespace, elements, typed attributes), a
// resources.arsc string table with the label in several locales, and
// classes*.dex files (minimal valid DEX with checksum and SHA-1 signature)
// defining given classes.
//
//	apk, err := apktest.Build(apktest.Options{Package: "com.example.cam",
//		Label: "Cam", LabelLocales: map[string]string{"fr": "Caméra"},
//		Permissions: []string{"android.permission.CAMERA"},
//		Classes: []string{"Lcom/applovin/sdk/AppLovinSdk;"}, MultiDex: 2})
//	bundle, err := apktest.Bundle("apks", apk, map[string][]byte{"config.arm64_v8a": split})
//
// Hostile builders (ManifestClaimingStrings, ZipBomb, WithManifest) produce
// inputs that must be refused cleanly. Nothing here is used outside tests.
package apktest
