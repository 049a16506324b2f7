// Package scan is devicescan's engine: it turns what a phone leaves behind
// into a report of findings a person can act on.
//
// The pipeline follows the shape of syft and gitleaks:
//
//   - Sources (Detect): an iPhone backup, a folder of backups, an Android
//     storage tree, a folder, or one .apk/.apks/.xapk/.ipa file. A source is
//     a tree of Files addressed by their path on the phone, each with an
//     opener; it also tells source-level facts (device, apps, grants).
//   - Analyzers: every file is sniffed by magic bytes, its photo metadata
//     read (package exif) and run through the clinical-photo rules (DICOM,
//     workplace geofence, patient identifiers, clinical keywords, pixel
//     rules), the messaging-attachment rule and the app readers. Source
//     facts go through the risky-app and device-hygiene rules.
//   - Reports: text, JSON (the contract in ../shared/contract.md), CSV and
//     HTML writers (WriteReport).
//
// Files are analysed on all cores by a bounded worker pool; memory does not
// grow with the number of files (except for findings and the optional
// inventory). A file that cannot be read, or whose parser panics or takes
// longer than Options.FileTimeout, becomes a Skipped entry; the scan goes
// on. Nothing under a scanned path is ever written.
//
// Use Run for a whole scan, then WriteReport and Report.ExitCode.
package scan
