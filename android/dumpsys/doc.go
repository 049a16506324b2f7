// Package dumpsys parses the text of `adb shell dumpsys package` (also found
// in bugreports and androidqf's dumpsys.txt): the "Packages:" section's
// "Package [name] (hash):" blocks with version, code path, system flag,
// installer, first install time, requested permissions, and install plus user
// 0 runtime permission grants.
//
//	pkgs, err := dumpsys.Parse(f)
//	if dumpsys.LooksLikeDumpsys(head) { ... }
//
// The input is streamed line by line (lines over 64 KiB are truncated) and
// unknown lines are skipped, so format differences between Android versions
// lose fields rather than packages.
package dumpsys
