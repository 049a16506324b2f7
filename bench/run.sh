#!/usr/bin/env bash
# bench/run.sh: time devicescan (and exiftool, when installed) on a generated
# Android storage tree and a generated iPhone backup.
#
#   bench/run.sh [-d DIR] [-r] [-n PHOTOS] [-k KB] [-o OTHERS] [-t] [-b BACKUP_FILES] [-p BACKUP_PHOTOS] [-e] [-x]
#
#   -d DIR   work folder (default: ${TMPDIR:-/tmp}/devicescan-bench-run)
#   -r       reuse trees already generated in DIR (same sizes)
#   -n N     photos in the Android tree (default 10000)
#   -k KB    approximate photo size (default 300)
#   -o N     small non-photo files in the Android tree (default PHOTOS/5)
#   -t       every Android photo a camera photo with an EXIF thumbnail (by
#            default 16 % are messenger copies without one, as on real phones)
#   -b N     files in the iPhone backup (default 20000)
#   -p N     camera-roll photos in the backup (default 3000)
#   -e       also time an encrypted copy of the backup (devicescan only)
#   -x       skip exiftool
#
# Each tree is read once before timing so that both tools start with a
# warm page cache (the figures measure parsing, not the disk). Wall time,
# user+system CPU time and peak RSS come from GNU time (/usr/bin/time).
# Run from the repository root.
set -euo pipefail

dir="${TMPDIR:-/tmp}/devicescan-bench-run"
reuse=0 photos=10000 kb=300 others=0 thumbs=0 bfiles=20000 bphotos=3000 enc=0 noexif=0
while getopts "d:rn:k:o:tb:p:exh" opt; do
	case $opt in
	d) dir=$OPTARG ;;
	r) reuse=1 ;;
	n) photos=$OPTARG ;;
	k) kb=$OPTARG ;;
	o) others=$OPTARG ;;
	t) thumbs=1 ;;
	b) bfiles=$OPTARG ;;
	p) bphotos=$OPTARG ;;
	e) enc=1 ;;
	x) noexif=1 ;;
	*) sed -n '2,23p' "$0"; exit 2 ;;
	esac
done

if [[ ! -x /usr/bin/time ]]; then
	echo "bench: GNU time (/usr/bin/time) is needed for peak memory; apt-get install time" >&2
	exit 2
fi
mkdir -p "$dir"
bin="$dir/devicescan"
echo "== build"
go build -trimpath -ldflags "-s -w -X main.version=bench" -o "$bin" ./cmd/devicescan
sizes="$photos $kb $bfiles $bphotos"
if [[ $others != 0 ]]; then sizes="$sizes $others"; fi
genflags=()
if [[ $thumbs == 1 ]]; then sizes="$sizes all-thumbnails"; genflags=(-all-thumbnails); fi
if [[ $reuse == 1 && -f "$dir/sizes" && "$(cat "$dir/sizes")" == "$sizes" ]]; then
	echo "== reuse trees in $dir"
else
	echo "== generate into $dir ($photos photos of ~${kb} KB; backup of $bfiles files, $bphotos photos)"
	rm -rf "$dir/android" "$dir/backup" "$dir/backup-enc" "$dir/sizes"
	go run ./bench/gen -out "$dir" -photos "$photos" -kb "$kb" -others "$others" "${genflags[@]}" -backup-files "$bfiles" -backup-photos "$bphotos"
	echo "$sizes" >"$dir/sizes"
fi
if [[ $enc == 1 && ! -d "$dir/backup-enc" ]]; then
	go run ./bench/gen -out "$dir/enc" -what backup -encrypted -kb "$kb" -backup-files "$bfiles" -backup-photos "$bphotos"
	mv "$dir/enc/backup" "$dir/backup-enc" && rmdir "$dir/enc"
fi

have_exiftool=0
if [[ $noexif == 0 ]] && command -v exiftool >/dev/null; then
	have_exiftool=1
fi

warm() { find "$1" -type f -print0 | xargs -0 cat >/dev/null; }

# measure NAME TREE CMD...: prints one result line and appends it to $dir/results.tsv.
measure() {
	local name=$1 tree=$2
	shift 2
	local files
	files=$(find "$tree" -type f | wc -l)
	/usr/bin/time -f '%e %U %S %M' -o "$dir/time.out" "$@" >"$dir/out.$name" 2>"$dir/err.$name" || true
	# GNU time prints "Command exited with non-zero status N" first when the
	# tool fails (exiftool does on unreadable files): take the last line.
	read -r wall user sys rss < <(tail -n 1 "$dir/time.out")
	local cpu
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')
	awk -v n="$name" -v f="$files" -v w="$wall" -v c="$cpu" -v r="$rss" 'BEGIN{
		printf "%-30s %7d files %8.2f s wall %8.2f s cpu %6.0f MB peak %7.0f files/s\n", n, f, w, c, r/1024, f/(w+0.001)}'
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$files" "$wall" "$cpu" "$rss" >>"$dir/results.tsv"
}

: >"$dir/results.tsv"
echo "== machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for tree in android backup; do
	path="$dir/$tree"
	[[ $tree == backup ]] && path=$(ls -d "$dir"/backup/*/ | head -1)
	warm "$path"
	measure "devicescan $tree" "$path" "$bin" -q --fail-on none -f json "$path"
	measure "devicescan --no-pixels $tree" "$path" "$bin" -q --fail-on none --no-pixels -f json "$path"
	if [[ $have_exiftool == 1 ]]; then
		# A backup's files have no extension: -ext '*' makes exiftool read them all.
		ext=()
		[[ $tree == backup ]] && ext=(-ext '*')
		measure "exiftool $tree" "$path" exiftool -fast2 -r -json "${ext[@]}" "$path"
	fi
done
if [[ $enc == 1 ]]; then
	path=$(ls -d "$dir"/backup-enc/*/ | head -1)
	warm "$path"
	export DEVICESCAN_PASSWORD=devicescan-sample
	measure "devicescan backup-encrypted" "$path" "$bin" -q --fail-on none -f json "$path"
	unset DEVICESCAN_PASSWORD
fi

echo "== ratios (exiftool wall / devicescan wall; >1 = devicescan faster)"
awk -F'\t' '{w[$1]=$3; c[$1]=$4} END {
	for (t in w) if (t ~ /^exiftool /) {
		tree=substr(t, 10); d="devicescan " tree
		if (d in w) printf "%-8s wall %.2fx  cpu %.2fx\n", tree, w[t]/w[d], c[t]/c[d]
	}
}' "$dir/results.tsv"
echo "== peak memory (devicescan runs)"
awk -F'\t' '$1 ~ /^devicescan / && $5 > m {m = $5; n = $1; f = $2} END {printf "highest: %.0f MB (%s, %d files)\n", m/1024, n, f}' "$dir/results.tsv"
echo "== JSON outputs and stderr are in $dir (out.* / err.*)"
