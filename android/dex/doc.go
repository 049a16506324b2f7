// Package dex is a minimal, bounded reader for Android DEX files (versions
// 035 to 041): it lists the type descriptors of the classes a DEX defines.
//
//	n, err := dex.ReadClasses(r, size, func(desc string) error {
//		// desc is like "Lcom/example/Main;"
//		return nil
//	})
//
// Only the header, string_ids, type_ids and class_defs are read. Every count
// and offset is checked against the data size before memory is allocated, so a
// hostile file costs at most a few times its own size. DEX 041 containers
// (several DEX images in one file, Android 15) are walked image by image.
// DecodeMUTF8 / EncodeMUTF8 handle Java's modified UTF-8.
package dex
