package content

import (
	"hash/fnv"

	"github.com/dc-isss/accord/store"
)

// Near-copy detection for campaign comments: MinHash over word shingles
// (Broder, "On the resemblance and containment of documents", 1997). The
// Jaccard similarity of two texts' sets of two-word shingles is
// estimated by the share of positions where their signatures agree. A
// campaign copy with a few words changed keeps most of its shingles; a
// paraphrase, which says the same in other words, keeps few.

// shingleWords is the length of a shingle in words.
const shingleWords = 2

// minShingles is the least number of shingles a text needs to be compared:
// below it, "I agree." would look like a copy of every other "I agree.".
const minShingles = 4

// seeds are the hash functions' keys: fixed, so that signatures stay
// comparable across processes and versions.
var seeds = func() [store.SignatureSize]uint64 {
	var s [store.SignatureSize]uint64
	x := uint64(0x9e3779b97f4a7c15)
	for i := range s {
		x = splitmix(x)
		s[i] = x
	}
	return s
}()

// splitmix is the SplitMix64 finaliser, a fast hash with good avalanche.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// MinHash computes the signature of a text; nil for a text too short to
// compare.
func MinHash(text string) store.Signature {
	// words (ids.go) ignores case, punctuation, spacing and a plural s.
	w := words(text)
	if len(w)-shingleWords+1 < minShingles {
		return nil
	}
	sig := make(store.Signature, store.SignatureSize)
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	for i := 0; i+shingleWords <= len(w); i++ {
		h := fnv.New64a()
		for _, x := range w[i : i+shingleWords] {
			h.Write([]byte(x))
			h.Write([]byte{0})
		}
		v := h.Sum64()
		for j := range sig {
			if m := uint32(splitmix(v ^ seeds[j])); m < sig[j] {
				sig[j] = m
			}
		}
	}
	return sig
}
