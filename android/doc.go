// Package android reads Android phone formats for devicescan: APKs and
// split-APK bundles, the permission vocabulary, and shared-storage paths. It
// knows nothing of findings or policy.
//
//	app, err := android.ReadAPK(f, size, nil)          // *os.File is an io.ReaderAt
//	app, err := android.ReadBundle(f, size, nil)       // .apks / .xapk / .apkm
//	android.PermissionName("android.permission.CAMERA") // "camera"
//	sp := android.ClassifyStoragePath("Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/Sent/IMG-20240101-WA0001.jpg")
//	// sp.Messenger == "WhatsApp", sp.MediaType == "image", sp.Sent
//
// The manifest and resources.arsc are decoded with
// github.com/shogo82148/androidbinary, but only after CheckXML / CheckTable
// have walked every chunk and proved the library cannot be made to allocate
// more than a small multiple of the (size-capped) input: that library trusts
// counts read from the file, and an out-of-memory kill cannot be recovered.
// Every call into it also runs under recover(). Labels are resolved in the
// default resource configuration. Class names come from every classes*.dex
// (package android/dex) and are matched against android/trackers.
//
// Sub-packages: dex (DEX class lister), dumpsys (`dumpsys package` parser),
// trackers (SDK signature table), apktest (APK writer for tests).
package android
