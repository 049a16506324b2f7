// Command gen writes the trees bench/run.sh times devicescan and exiftool
// on: an Android storage tree and an iPhone backup (see bench/benchgen).
//
//	go run ./bench/gen -out /tmp/devicescan-bench -photos 10000 -kb 300
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/devicescan/devicescan/bench/benchgen"
)

func main() {
	out := flag.String("out", "", "folder to write android/ and backup/ into (required)")
	what := flag.String("what", "both", "android, backup or both")
	photos := flag.Int("photos", 10000, "photos in the Android tree")
	kb := flag.Int("kb", 300, "approximate size of a photo in KB")
	others := flag.Int("others", 0, "small non-photo files in the Android tree (0 = photos/5)")
	files := flag.Int("backup-files", 20000, "files in the iPhone backup")
	bphotos := flag.Int("backup-photos", 3000, "camera-roll photos among the backup's files")
	encrypted := flag.Bool("encrypted", false, "encrypt the backup (password: devicescan-sample)")
	seed := flag.Int64("seed", 1, "random seed; the same seed gives the same trees")
	allThumbs := flag.Bool("all-thumbnails", false, "every Android photo a camera photo with a thumbnail (no messenger copies)")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if *what == "android" || *what == "both" {
		start := time.Now()
		st, err := benchgen.Android(filepath.Join(*out, "android"), benchgen.AndroidOptions{
			Photos: *photos, PhotoKB: *kb, Others: *others, Seed: *seed, AllThumbnails: *allThumbs})
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen: android:", err)
			os.Exit(1)
		}
		fmt.Printf("android: %d files, %d photos, %.1f MB in %v\n", st.Files, st.Photos, float64(st.Bytes)/1e6, time.Since(start).Round(time.Millisecond))
	}
	if *what == "backup" || *what == "both" {
		start := time.Now()
		st, err := benchgen.Backup(filepath.Join(*out, "backup", "00008120-0000BENCH0000000"), benchgen.BackupOptions{
			Files: *files, Photos: *bphotos, PhotoKB: *kb, Encrypted: *encrypted, Seed: *seed})
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen: backup:", err)
			os.Exit(1)
		}
		fmt.Printf("backup: %d files, %d photos, %.1f MB in %v\n", st.Files, st.Photos, float64(st.Bytes)/1e6, time.Since(start).Round(time.Millisecond))
	}
}
