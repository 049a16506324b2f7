package devicescan

import (
	_ "github.com/rwcarlsen/goexif/exif"
	_ "github.com/shogo82148/androidbinary/apk"
	_ "howett.net/plist"
	_ "github.com/spf13/pflag"
	_ "modernc.org/sqlite"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/term"
)
